package dev.runbookpilot.check;

import java.time.Instant;
import java.util.Objects;

/**
 * One evaluated check, as journaled and reported. {@code index} is the check's position in its step.
 * {@code sqlState} and {@code error} are set when the database refused or the check could not look (ERROR).
 */
public record CheckResult(String stepId, int index, String kind, String label, Status status, String expected,
                          String actual, String sql, long durationMillis, String sqlState, String error,
                          CheckDetail detail, Instant startedAt, Instant finishedAt) {
    public CheckResult {
        Objects.requireNonNull(stepId, "stepId");
        Objects.requireNonNull(status, "status");
    }

    public String key() {
        return stepId + "#" + index;
    }

    public CheckResult withStatus(Status newStatus, CheckDetail newDetail) {
        return new CheckResult(stepId, index, kind, label, newStatus, expected, actual, sql, durationMillis, sqlState,
                error, newDetail, startedAt, finishedAt);
    }
}
