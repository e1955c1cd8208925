package dev.runbookpilot.db;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * What a migration held and what held it up, as journaled with its result and shown in the wizard and the report.
 * Read without taking a lock: only {@code pg_lock_status()}, {@code pg_stat_get_activity()},
 * {@code pg_blocking_pids()} and catalog look-ups through the server's caches ({@code regclass},
 * {@code pg_get_indexdef}, {@code pg_get_userbyid}), never a catalog table or view, so reading can never queue.
 */
public final class Locks {

    /** Lock modes from weakest to strongest, as {@code pg_locks.mode} names them. */
    static final List<String> MODES = List.of("AccessShareLock", "RowShareLock", "RowExclusiveLock",
            "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock");
    /** Relations below this oid are the system catalogs, which every DDL statement touches: left out. */
    static final long FIRST_USER_OID = 16384;

    private Locks() {}

    /**
     * One relation a migration held a lock on.
     *
     * @param relation       its name as {@code regclass} prints it (schema-qualified when not on the search path;
     *                       an oid when it was created and dropped unseen)
     * @param index          whether it is an index (else a table, view, sequence, ...)
     * @param mode           the strongest mode held, in a DBA's words ("ACCESS EXCLUSIVE")
     * @param since          when the first lock on it was taken (exact: the start of the statement that took it;
     *                       sampled: when first seen)
     * @param heldMillis     from {@code since} until released (COMMIT, or last seen when sampled)
     * @param strongestMillis how long the strongest mode was held
     */
    public record HeldLock(String relation, boolean index, String mode, Instant since, long heldMillis,
                           long strongestMillis) {
        /** ACCESS EXCLUSIVE on anything but an index: every reader of that table waits while it is held. */
        public boolean blocksReaders() {
            return !index && "ACCESS EXCLUSIVE".equals(mode);
        }
    }

    /**
     * A session a migration waited on ({@code pg_blocking_pids}).
     *
     * @param backendStart     when that backend connected: with the pid, tells it from a later backend with the
     *                         same pid before anyone signals it
     * @param transactionMillis age of its open transaction; null when it has none
     * @param query            its current or last statement, truncated to {@link #QUERY_CHARS} characters
     */
    public record Blocker(int pid, String user, String application, String state, String query,
                          Long transactionMillis, Instant backendStart) {
        public static final int QUERY_CHARS = 200;

        /** "pid 4711 (user app, application 'psql', idle in transaction, transaction 12 s old): LOCK t". */
        public String describe() {
            return "pid " + pid + " (user " + user + ", application '" + (application == null ? "" : application)
                    + "', " + state + (transactionMillis == null ? "" : ", transaction " + human(transactionMillis)
                    + " old") + ")" + (query == null || query.isBlank() ? "" : ": " + query.strip());
        }
    }

    /**
     * One attempt of a migration that timed out waiting for a lock.
     *
     * @param statement     the statement that waited (from 1), and its line in the file
     * @param blockers      who held what it waited for, as last seen while it waited (empty when the wait ended
     *                      before the watcher looked)
     * @param retryInMillis the pause before the next attempt; null when no attempt follows
     */
    public record LockWait(int attempt, int statement, int line, long lockTimeoutMillis, List<Blocker> blockers,
                           Long retryInMillis, Instant at) {
        public LockWait {
            blockers = blockers == null ? List.of() : List.copyOf(blockers);
        }
    }

    /**
     * Everything about locks for one run of a writer.
     *
     * @param method how {@code held} was learned, in words ("read from pg_locks before COMMIT", "sampled every …")
     * @param held   per relation, strongest mode first then by name
     * @param waits  every attempt that timed out on a lock, in order
     */
    public record Report(String method, List<HeldLock> held, List<LockWait> waits) {
        public Report {
            held = held == null ? List.of() : List.copyOf(held);
            waits = waits == null ? List.of() : List.copyOf(waits);
        }

        /** The blockers of the last wait, or none. */
        public List<Blocker> lastBlockers() {
            return waits.isEmpty() ? List.of() : waits.get(waits.size() - 1).blockers();
        }
    }

    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile(
            "(?i)(password\\s*)'(?:[^']|'')*'?");

    /**
     * Another session's query as it may be journaled and reported: a quoted password ({@code ALTER ROLE … PASSWORD
     * '…'}, {@code CREATE USER … WITH PASSWORD '…'}) is masked, since the report travels further than the server's
     * own activity view.
     */
    public static String redact(String query) {
        return query == null ? null : SECRET.matcher(query).replaceAll("$1'*****'");
    }

    /** "AccessExclusiveLock" -> "ACCESS EXCLUSIVE". */
    static String words(String pgMode) {
        String m = pgMode.endsWith("Lock") ? pgMode.substring(0, pgMode.length() - 4) : pgMode;
        return m.replaceAll("([a-z])([A-Z])", "$1 $2").toUpperCase(Locale.ROOT);
    }

    static int strength(String pgMode) {
        return MODES.indexOf(pgMode);
    }

    /** "850 ms", "12 s", "3 min 5 s". */
    public static String human(long millis) {
        if (millis < 1000) return millis + " ms";
        if (millis < 10_000) return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        long s = millis / 1000;
        if (s < 120) return s + " s";
        return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
    }
}
