package dev.runbookpilot.check;

import java.sql.SQLException;

/**
 * A migration gave up waiting for a lock (SQLSTATE 55P03) after its last attempt: the message names who held the
 * lock, and the detail keeps them, every attempt, and the notices received, for the wizard and the report.
 */
final class LockTimedOut extends SQLException {
    private final transient CheckDetail detail;

    LockTimedOut(String message, SQLException cause, CheckDetail detail) {
        super(message, "55P03", cause);
        this.detail = detail;
    }

    CheckDetail detail() {
        return detail;
    }
}
