package dev.runbookpilot.runbook;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The maintenance window a runbook plans for: when it opens and how long it lasts. {@code shown} is the start as the
 * runbook wrote it (a local time keeps its zone for the operator to read).
 */
public record Window(Instant start, Duration duration, String shown, SourceLocation location) {
    public Window {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative() || duration.isZero()) throw new IllegalArgumentException("a window lasts some time");
        location = location == null ? SourceLocation.UNKNOWN : location;
    }

    public Instant end() {
        return start.plus(duration);
    }
}
