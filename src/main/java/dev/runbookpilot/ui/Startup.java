package dev.runbookpilot.ui;

import java.nio.file.Path;

/**
 * What the command line asked the desktop app to open. With no runbook the start screen shows; with a runbook
 * and {@code demo} (or a connection spec) the wizard opens on it directly.
 */
public record Startup(Path runbook, boolean demo, String connectionSpec, String operator) {
    public static Startup startScreen(String operator) {
        return new Startup(null, false, null, operator);
    }
}
