package dev.runbookpilot.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cancels the statements of one check on the server ({@link Statement#cancel()} sends PostgreSQL a cancel
 * request), not just the waiting thread. A statement registered after cancellation is cancelled at once.
 */
public final class CancelToken {
    private static final Logger log = LoggerFactory.getLogger(CancelToken.class);

    private final Set<Statement> running = ConcurrentHashMap.newKeySet();
    private final Set<Runnable> actions = ConcurrentHashMap.newKeySet();
    private volatile boolean cancelled;
    private volatile String reason = "cancelled by the operator";

    public void register(Statement statement) throws SQLException {
        running.add(statement);
        if (cancelled) {
            statement.cancel();
            throw new SQLException(reason, "57014");
        }
    }

    public void unregister(Statement statement) {
        running.remove(statement);
    }

    /** Ends an {@link #onCancel} registration. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Runs {@code action} when this token is cancelled, or at once if it already is: how work that is not a
     * statement (a child process) is stopped. The action runs on the cancelling thread and must not block.
     */
    public Registration onCancel(Runnable action) {
        actions.add(action);
        if (cancelled && actions.remove(action)) action.run();
        return () -> actions.remove(action);
    }

    public void cancel() {
        cancelled = true;
        for (Runnable action : actions) {
            if (actions.remove(action)) action.run();
        }
        for (Statement s : running) {
            try {
                s.cancel();
            } catch (SQLException e) {
                log.warn("cancel request failed: {}", e.getMessage());
            }
        }
    }

    /** Cancels with a reason other than the operator's Cancel, e.g. the process being stopped. */
    public void cancel(String why) {
        reason = "cancelled: " + why;
        cancel();
    }

    /** What a cancelled check reports as its error. */
    public String reason() {
        return reason;
    }

    public boolean isCancelled() {
        return cancelled;
    }
}
