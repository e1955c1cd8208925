package dev.runbookpilot.cli;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.TargetException;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.runbook.Runbook;

import java.io.Console;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** The CLI's side of connecting: a password prompt on the terminal, failures mapped to exit codes. */
final class Connector {

    /** Thrown with the message to print; carries the exit code. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failure(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }

        static Failure of(TargetException e) {
            return new Failure(e.getMessage(),
                    e.kind() == TargetException.Kind.BAD_SPEC ? ExitCodes.USAGE : ExitCodes.CANNOT_CONNECT);
        }
    }

    private Connector() {}

    /** Asks on the terminal; without one (CI, pipes) there is nobody to ask. */
    static final Targets.PasswordPrompt TERMINAL = target -> {
        Console console = System.console();
        return console == null ? null : console.readPassword("Password for %s: ", target);
    };

    static Target connect(String spec) throws Failure {
        try {
            return Targets.fromEnvironment().connect(spec, TERMINAL);
        } catch (TargetException e) {
            throw Failure.of(e);
        }
    }

    /** A new demo's data directory in the sessions folder: {@code prefix} and the moment it starts. */
    static Path demoDir(Path sessions, String prefix) {
        return sessions.resolve(prefix + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
    }

    /**
     * The runbook's embedded demo started in {@code demoDir}, saying so first (it takes seconds), or, when
     * {@code demoDir} is null, the database {@code spec} names.
     */
    static Target connectOrStartDemo(Runbook runbook, Path demoDir, String spec, PrintWriter out) throws Failure {
        if (demoDir == null) return connect(spec);
        out.println("Starting the embedded PostgreSQL and loading " + DemoDatabase.setupScript(runbook) + " …");
        out.flush();
        try {
            return Targets.fromEnvironment().startDemo(runbook, demoDir);
        } catch (TargetException e) {
            throw Failure.of(e);
        }
    }
}
