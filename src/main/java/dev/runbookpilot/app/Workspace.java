package dev.runbookpilot.app;

import java.nio.file.Path;

/**
 * Where Runbook Pilot keeps what outlives a run: session journals, connection profiles, signing identities.
 * {@code RUNBOOK_PILOT_HOME} moves all of it, so tests and several operators on one account stay apart.
 */
public record Workspace(Path home) {

    public static Workspace fromEnvironment() {
        String home = System.getenv("RUNBOOK_PILOT_HOME");
        return new Workspace(home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".runbook-pilot"));
    }

    public Path sessions() {
        return home.resolve("sessions");
    }

    /** Connection profiles, signing identities and preferences; never a password. */
    public Path config() {
        return home.resolve("config");
    }
}
