package dev.runbookpilot.db;

import java.time.Duration;

/** Server-side limits every check connection starts with; a check's own timeout replaces the first per statement. */
public final class CheckDefaults {
    public static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration LOCK_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(120);

    private CheckDefaults() {}
}
