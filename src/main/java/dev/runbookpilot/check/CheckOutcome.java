package dev.runbookpilot.check;

import java.util.Objects;

/**
 * What an evaluator concluded. The engine adds identity, timing and, for exceptions, the SQLSTATE.
 *
 * @param expected what the runbook demanded, in words the operator reads
 * @param actual   what the database showed
 * @param sql      the statement(s) that produced {@code actual}, for the operator to rerun by hand
 */
public record CheckOutcome(Status status, String expected, String actual, String sql, CheckDetail detail) {
    public CheckOutcome {
        Objects.requireNonNull(status, "status");
    }

    public static CheckOutcome of(boolean passed, String expected, String actual, String sql, CheckDetail detail) {
        return new CheckOutcome(passed ? Status.PASSED : Status.FAILED, expected, actual, sql, detail);
    }
}
