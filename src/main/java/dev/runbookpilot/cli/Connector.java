package dev.runbookpilot.cli;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.TargetException;
import dev.runbookpilot.app.Targets;

import java.io.Console;

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
}
