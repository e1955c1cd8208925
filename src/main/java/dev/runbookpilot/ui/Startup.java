package dev.runbookpilot.ui;

import java.nio.file.Path;

/**
 * What the command line asked the desktop app to open. {@code operator} is null on the start screen when the
 * command line named nobody: the remembered name, or the login name, is offered there. With no runbook the start screen shows; with a runbook
 * and {@code demo} (or a connection spec) the wizard opens on it directly; with a runbook alone (a file opened from
 * the file manager) the start screen shows with that runbook loaded, waiting for a target.
 */
public record Startup(Path runbook, boolean demo, String connectionSpec, String operator) {
    public static Startup startScreen(String operator) {
        return new Startup(null, false, null, operator);
    }

    /** The start screen with this runbook loaded, as if chosen with Open runbook…. */
    public static Startup startScreen(Path runbook, String operator) {
        return new Startup(runbook, false, null, operator);
    }

    /** True when a target was given, so the wizard opens without the start screen. */
    public boolean direct() {
        return runbook != null && (demo || connectionSpec != null);
    }
}
