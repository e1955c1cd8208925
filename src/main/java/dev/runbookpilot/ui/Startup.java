package dev.runbookpilot.ui;

import java.nio.file.Path;

/**
 * What the command line asked the desktop app to open. {@code operator} is null on the start screen when the
 * command line named nobody: the remembered name, or the login name, is offered there. With no runbook the start screen shows; with a runbook
 * and {@code demo} (or a connection spec) the wizard opens on it directly.
 */
public record Startup(Path runbook, boolean demo, String connectionSpec, String operator) {
    public static Startup startScreen(String operator) {
        return new Startup(null, false, null, operator);
    }
}
