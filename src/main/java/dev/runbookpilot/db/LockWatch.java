package dev.runbookpilot.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the backends a writer runs on from a connection of its own: the locks they hold (sampled every
 * {@link #INTERVAL}) and, while one of them waits for a lock, who it waits for ({@code pg_blocking_pids}). The
 * watching connection is read-only and reads only functions and the server's caches (see {@link Locks}), so it
 * holds no lock of its own and can never be the thing a migration queues behind.
 *
 * <p>A transactional migration's own locks are read exactly instead, on its own connection: {@link Exact}.
 */
public final class LockWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LockWatch.class);
    /** How often the watcher looks; a lock held for less may be missed, and sampled durations are ± this. */
    public static final Duration INTERVAL = Duration.ofMillis(100);

    /**
     * Names come from pg_class as this statement's snapshot sees it, never from the server's caches (regclass,
     * pg_get_indexdef): a relation dropped between reading the locks and naming it is then a row without a name,
     * where a cache look-up fails the whole statement ("cache lookup failed for relation"). Reading pg_class takes
     * ACCESS SHARE on it, which only a VACUUM FULL of the catalog itself conflicts with; the connection's lock_timeout
     * ends such a wait and the next sample tries again.
     */
    private static final String SAMPLE = "SELECT l.pid, l.relation::int8, CASE WHEN c.oid IS NOT NULL THEN"
            + " CASE WHEN n.nspname = ANY (current_schemas(true)) THEN quote_ident(c.relname)"
            + " ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END END, l.mode, l.granted,"
            + " coalesce(c.relkind IN ('i', 'I'), false)"
            + " FROM pg_lock_status() l"
            + " LEFT JOIN pg_catalog.pg_class c ON l.locktype = 'relation' AND c.oid = l.relation"
            + " LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE l.pid IN (SELECT a.pid FROM pg_stat_get_activity(NULL) a"
            + " WHERE a.datid = (SELECT m.datid FROM pg_stat_get_activity(pg_backend_pid()) m)"
            + " AND (a.pid = ANY(?) OR a.application_name = ?))";
    /** The relations that exist before the writer runs: a lock on any other is on something the writer made. */
    static final String EXISTING = "SELECT oid::int8 FROM pg_catalog.pg_class WHERE oid >= " + Locks.FIRST_USER_OID;
    /** After this many failed samples in a row the watcher gives up: the connection is gone, not a passing race. */
    static final int FAILURES_IN_A_ROW = 20;
    private static final String BLOCKERS = "SELECT b.pid, pg_get_userbyid(b.usesysid), b.application_name, b.state,"
            + " left(b.query, " + Locks.Blocker.QUERY_CHARS + "),"
            + " (extract(epoch FROM clock_timestamp() - b.xact_start) * 1000)::int8, b.backend_start"
            + " FROM unnest(pg_blocking_pids(?)) AS bp(pid), LATERAL pg_stat_get_activity(bp.pid) b";

    private final Connection connection;
    private final Set<Integer> pids = ConcurrentHashMap.newKeySet();
    private final String applicationName;
    private final boolean sampleHeld;
    private final Map<Long, Seen> seen = new LinkedHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String failure;
    /** Relations that existed when the watch began; null when that could not be read (nothing is then left out). */
    private volatile Set<Long> existing;
    private volatile int failedSamples;
    private volatile String lastSampleError;
    /** The first and the last sample that saw a watched backend waiting for a lock; null before any did. */
    private volatile Instant firstWait;
    private volatile Instant lastWait;
    /** Blockers seen since {@link #clearBlockers()}, the latest non-empty set. */
    private volatile List<Locks.Blocker> blockers = List.of();

    private LockWatch(Connection connection, String applicationName, boolean sampleHeld) {
        this.connection = connection;
        this.applicationName = applicationName;
        this.sampleHeld = sampleHeld;
        this.thread = new Thread(this::loop, "lock-watch");
        thread.setDaemon(true);
    }

    /**
     * Starts watching. Never fails: a watcher that cannot connect says so in {@link #method()} and the migration
     * runs all the same (what it held is then unknown, and the report says that).
     *
     * @param applicationName also watch every backend with this application_name (a command's tool), or null
     * @param sampleHeld      sample the locks held; false when they are read exactly ({@link Exact})
     */
    public static LockWatch start(Database db, String applicationName, boolean sampleHeld) {
        Connection c = null;
        String why = null;
        try {
            c = db.openLockWatcher();
        } catch (SQLException e) {
            why = e.getMessage();
            log.warn("cannot open the lock watcher: {}", why);
        }
        LockWatch w = new LockWatch(c, applicationName, sampleHeld);
        if (c == null) {
            w.failure = "the lock watcher could not connect: " + why;
            w.running = false;
        } else {
            w.thread.start();
        }
        return w;
    }

    /** Watches this backend too (the migration's writer). */
    public void watch(int pid) {
        pids.add(pid);
    }

    /** Forgets blockers seen so far: the next statement's wait is about its own. */
    public void clearBlockers() {
        blockers = List.of();
    }

    /**
     * The sessions last seen blocking a watched backend since {@link #clearBlockers()}: a lock timeout ends the wait,
     * so who caused it is known only from the samples taken while it lasted.
     */
    public List<Locks.Blocker> blockers() {
        return blockers;
    }

    /**
     * Samples until closed. A failed sample (a lock timeout on the catalog, a statement timeout on a busy server) is
     * counted and the next one tried: one bad moment must not blind the watch for the rest of a long migration. Only
     * a closed connection, or {@link #FAILURES_IN_A_ROW} failures in a row, end it.
     */
    private void loop() {
        try {
            if (sampleHeld) existing = existingRelations(connection);
        } catch (SQLException e) {
            log.debug("lock watcher: relations before the writer not read: {}", e.getMessage());
        }
        int inARow = 0;
        try {
            while (running) {
                long t0 = System.nanoTime();
                try {
                    sample();
                    inARow = 0;
                } catch (SQLException e) {
                    if (!running) return;
                    failedSamples++;
                    lastSampleError = e.getMessage();
                    inARow++;
                    log.debug("lock watcher sample failed: {}", e.getMessage());
                    if (connection.isClosed() || inARow >= FAILURES_IN_A_ROW) {
                        failure = "the lock watcher stopped after " + inARow + " failed samples in a row: "
                                + e.getMessage();
                        log.warn("lock watcher stopped: {}", e.getMessage());
                        return;
                    }
                    rollbackQuietly();
                }
                long left = INTERVAL.toNanos() - (System.nanoTime() - t0);
                if (left > 0) Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            if (running) failure = "the lock watcher stopped: " + e.getMessage();
        }
    }

    private void rollbackQuietly() {
        try {
            if (!connection.getAutoCommit()) connection.rollback();
        } catch (SQLException e) {
            log.debug("lock watcher rollback: {}", e.getMessage());
        }
    }

    static Set<Long> existingRelations(Connection c) throws SQLException {
        Set<Long> out = new java.util.HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(EXISTING)) {
            while (rs.next()) out.add(rs.getLong(1));
        }
        return out;
    }

    private void sample() throws SQLException {
        Instant now = Instant.now();
        List<Integer> waiting = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(SAMPLE)) {
            Array a = connection.createArrayOf("int4", pids.toArray());
            ps.setArray(1, a);
            ps.setString(2, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int pid = rs.getInt(1);
                    if (!rs.getBoolean(5)) {
                        if (!waiting.contains(pid)) waiting.add(pid);
                        continue;
                    }
                    long oid = rs.getLong(2);
                    if (!sampleHeld || rs.wasNull() || oid < Locks.FIRST_USER_OID) continue;
                    Set<Long> before = existing;
                    // Made by the writer (a table, its toast table, index or sequence; uncommitted ones have no name
                    // here): nobody else knew of it, so nobody waited on it. Left out.
                    if (before != null && !before.contains(oid)) continue;
                    String name = rs.getString(3);
                    synchronized (seen) {
                        seen.computeIfAbsent(oid, k -> new Seen()).saw(name == null ? "oid " + oid + " (dropped)"
                                : name, rs.getBoolean(6), rs.getString(4), now);
                    }
                }
            }
        }
        if (!waiting.isEmpty()) {
            if (firstWait == null) firstWait = now;
            lastWait = now;
        }
        List<Locks.Blocker> found = new ArrayList<>();
        for (int pid : waiting) found.addAll(blockersOf(connection, pid));
        if (!found.isEmpty()) blockers = List.copyOf(found);
    }

    static List<Locks.Blocker> blockersOf(Connection c, int pid) throws SQLException {
        List<Locks.Blocker> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(BLOCKERS)) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long tx = rs.getLong(6);
                    Long age = rs.wasNull() ? null : tx;
                    OffsetDateTime started = rs.getObject(7, OffsetDateTime.class);
                    out.add(new Locks.Blocker(rs.getInt(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Locks.redact(rs.getString(5)), age, started == null ? null : started.toInstant()));
                }
            }
        }
        return out;
    }

    /** How long watched backends were seen waiting for a lock, first sighting to last (± the interval); 0 if never. */
    public long waitedMillis() {
        Instant first = firstWait;
        Instant last = lastWait;
        return first == null ? 0 : Duration.between(first, last).toMillis();
    }

    /** How the held locks were learned, or why they were not. */
    public String method() {
        if (failure != null) return failure;
        int failed = failedSamples;
        return "sampled every " + INTERVAL.toMillis() + " ms from pg_locks: durations are ± " + INTERVAL.toMillis()
                + " ms, and a lock held for less may be missed"
                + (existing == null ? "" : "; relations the step created are left out (nobody else could wait on them)")
                + (failed == 0 ? "" : "; " + failed + " sample" + (failed == 1 ? "" : "s") + " failed and "
                + (failed == 1 ? "was" : "were") + " skipped (last: " + lastSampleError + ")");
    }

    /** Stops watching and returns the locks seen held, strongest first. */
    public List<Locks.HeldLock> held() {
        close();
        synchronized (seen) {
            return sorted(seen.values().stream().map(Seen::held).toList());
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            if (thread.isAlive()) thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("closing the lock watcher: {}", e.getMessage());
            }
        }
    }

    static List<Locks.HeldLock> sorted(List<Locks.HeldLock> held) {
        return held.stream().sorted(Comparator.comparing(Locks.HeldLock::blocksReaders).reversed()
                .thenComparing(h -> -Locks.MODES.indexOf(pgMode(h.mode())))
                .thenComparing(Locks.HeldLock::relation)).toList();
    }

    private static String pgMode(String words) {
        return Locks.MODES.stream().filter(m -> Locks.words(m).equals(words)).findFirst().orElse("");
    }

    /** One relation as seen over time: first and last sighting, and of its strongest mode. */
    private static final class Seen {
        String name;
        boolean index;
        Instant first;
        Instant last;
        String mode;
        Instant modeFirst;
        Instant modeLast;

        void saw(String relName, boolean isIndex, String pgMode, Instant at) {
            // Once dropped, a relation keeps the name it was last seen with.
            if (name == null || !relName.endsWith(" (dropped)")) {
                name = relName;
                index = isIndex;
            }
            if (first == null) first = at;
            last = at;
            if (mode == null || Locks.strength(pgMode) > Locks.strength(mode)) {
                mode = pgMode;
                modeFirst = at;
            }
            if (mode.equals(pgMode)) modeLast = at;
        }

        /** The end of a sighting is the start of the last sample that saw it (the next one did not). */
        Locks.HeldLock held() {
            return new Locks.HeldLock(name, index, Locks.words(mode), first,
                    Duration.between(first, last).toMillis(), Duration.between(modeFirst, modeLast).toMillis());
        }

        void exact(String relName, boolean isIndex, String pgMode, Instant statementStart) {
            if (name == null) {
                name = relName;
                index = isIndex;
                first = statementStart;
            }
            if (mode == null || Locks.strength(pgMode) > Locks.strength(mode)) {
                mode = pgMode;
                modeFirst = statementStart;
            }
        }
    }

    /**
     * A transactional migration's own locks, read on its own connection after every statement: a relation first
     * seen after statement k was locked by statement k, so it has been held since k began. Everything stays held to
     * COMMIT, so the last reading, just before COMMIT, is the exact set.
     */
    public static final class Exact {
        private static final String OWN = "SELECT l.relation::int8, l.relation::regclass::text, l.mode,"
                + " pg_get_indexdef(l.relation) IS NOT NULL FROM pg_lock_status() l WHERE l.pid = pg_backend_pid()"
                + " AND l.locktype = 'relation' AND l.granted AND l.relation::int8 >= " + Locks.FIRST_USER_OID;
        private final Map<Long, Seen> seen = new LinkedHashMap<>();
        private Set<Long> existing;

        /** Notes the relations that exist before the first statement, in the migration's own transaction. */
        public void before(Statement s) throws SQLException {
            existing = existingRelations(s.getConnection());
        }

        /** Reads the locks held now, after the statement that began at {@code statementStart}. */
        public void after(Statement s, Instant statementStart) throws SQLException {
            try (ResultSet rs = s.executeQuery(OWN)) {
                while (rs.next()) {
                    // A name that prints as a bare oid was dropped within this very transaction: a table rewrite's
                    // transient heap, or a relation the migration made and removed. Nobody else could wait on it.
                    if (rs.getString(2).chars().allMatch(Character::isDigit)) continue;
                    // Made by this transaction (a table, its toast table, indexes, sequences): invisible to every
                    // other session until COMMIT, so nobody waited on it.
                    if (existing != null && !existing.contains(rs.getLong(1))) continue;
                    seen.computeIfAbsent(rs.getLong(1), k -> new Seen()).exact(rs.getString(2), rs.getBoolean(4),
                            rs.getString(3), statementStart);
                }
            }
        }

        /** What was held, each until {@code released} (the end of COMMIT). */
        public List<Locks.HeldLock> held(Instant released) {
            return sorted(seen.values().stream().map(v -> new Locks.HeldLock(v.name, v.index, Locks.words(v.mode),
                    v.first, Duration.between(v.first, released).toMillis(),
                    Duration.between(v.modeFirst, released).toMillis())).toList());
        }

        public static final String METHOD = "read from pg_locks on the migration's own connection after each"
                + " statement and just before COMMIT; held from the start of the statement that took it to the end"
                + " of COMMIT; relations the migration created are left out (nobody else could see them)";
    }
}
