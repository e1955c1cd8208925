package dev.runbookpilot.cli;

import dev.runbookpilot.session.Session;

/**
 * Ctrl-C or SIGTERM while a session runs: before the JVM exits, every statement the session runs on the server is
 * cancelled (a check, a probe, a migration — none is left running with its locks after the tool is gone), each
 * cancelled check journals its end, and the stop itself is journaled.
 */
final class StopOnSignal implements AutoCloseable {
    private final Thread hook;

    StopOnSignal(Session session) {
        this(session, () -> { });
    }

    /** Then runs {@code after} (a rehearsal drops its copy there). */
    StopOnSignal(Session session, Runnable after) {
        hook = new Thread(() -> {
            session.stop("the process was stopped (Ctrl-C or a signal)", Session.STOP_WAIT, true);
            after.run();
        }, "stop-session-on-signal");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is already exiting: the hook runs, and the session's close waits for it.
        }
    }
}
