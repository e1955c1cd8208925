package dev.runbookpilot.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;

/**
 * Exact row counts of many tables, counted in parallel yet all as of one instant: a coordinator transaction
 * exports its snapshot ({@code pg_export_snapshot()}) and every worker imports it ({@code SET TRANSACTION
 * SNAPSHOT}), so a row moved between two tables during the count is seen exactly once. Content checksums
 * ({@link ContentChecksum}) asked for alongside are taken by the same workers in the same snapshot.
 */
public final class RowCounter {

    /**
     * @param counts     exact counts by table name, in the order asked; null for a table that does not exist
     * @param inSnapshot what {@code alsoRead} returned, read by the coordinator inside the same snapshot
     * @param checksums  content checksums by table name, in the order asked; null for a table that does not exist
     */
    public record Counts<T>(Map<String, Long> counts, T inSnapshot, Map<String, String> checksums) {}

    private RowCounter() {}

    /**
     * A read that runs beside the counts on a connection of its own, inside the same exported snapshot (a REPEATABLE
     * READ, READ ONLY transaction that the counter rolls back); it must leave that transaction usable.
     */
    @FunctionalInterface
    public interface Read<R> {
        R read(Connection inSnapshot) throws SQLException;
    }

    /**
     * @param tables   the tables of {@code schema} to count; null counts every table of the schema
     * @param alsoRead runs on a connection inside the exported snapshot (e.g. a catalog read); a RuntimeException
     *                 it throws is the error, as it is
     */
    public static <T> Counts<T> count(Database db, String schema, List<String> tables, ExecutorService workers,
                                      int parallelism, CancelToken token, Duration timeout,
                                      Function<Connection, T> alsoRead) throws SQLException, InterruptedException {
        return count(db, schema, tables, List.of(), workers, parallelism, token, timeout, alsoRead);
    }

    /**
     * @param checksumTables tables of {@code schema} to checksum as well, in the same snapshot; each is a full read
     */
    public static <T> Counts<T> count(Database db, String schema, List<String> tables, List<String> checksumTables,
                                      ExecutorService workers, int parallelism, CancelToken token, Duration timeout,
                                      Function<Connection, T> alsoRead) throws SQLException, InterruptedException {
        List<Read<T>> reads = alsoRead == null ? List.of() : List.of(alsoRead::apply);
        Counts<List<T>> counts = count(db, schema, tables, checksumTables, workers, parallelism, token, timeout, reads);
        return new Counts<>(counts.counts(), reads.isEmpty() ? null : counts.inSnapshot().get(0),
                counts.checksums());
    }

    /**
     * Hears each count statement start and end, on the thread that runs it. PostgreSQL reports no progress for
     * {@code count(*)}, so this is all there is to show while a big table is counted: which, and how big the planner
     * thinks it is. Must not block; a RuntimeException it throws fails the count.
     */
    public interface Progress {
        /**
         * @param tables        the tables this statement counts: one for a large table, up to {@value #BATCH_TABLES}
         *                      small ones together
         * @param estimatedRows the planner's estimate of their rows ({@code pg_class.reltuples}); -1 when it has none
         *                      for one of them (never vacuumed or analyzed, partitioned)
         */
        void countStarted(List<String> tables, long estimatedRows);

        /** The statement that counted {@code tables} ended, counted or not. */
        void countEnded(List<String> tables);

        Progress NONE = new Progress() {
            public void countStarted(List<String> tables, long estimatedRows) {}

            public void countEnded(List<String> tables) {}
        };
    }

    /** As the count below, its progress heard by no one. */
    public static <R> Counts<List<R>> count(Database db, String schema, List<String> tables,
                                            List<String> checksumTables, ExecutorService workers, int parallelism,
                                            CancelToken token, Duration timeout, List<? extends Read<R>> reads)
            throws SQLException, InterruptedException {
        return count(db, schema, tables, checksumTables, workers, parallelism, token, timeout, reads, Progress.NONE);
    }

    /**
     * Counts and checksums the tables and runs {@code reads}, all in one snapshot and side by side: up to
     * {@code parallelism} workers and the coordinator that exported the snapshot take the reads first, in the
     * order given (so the slowest should come first), then the counts, largest table first. The first failure
     * cancels the rest and is thrown once all have stopped.
     *
     * @param progress hears each count statement start and end
     * @return the counts, with what each read returned, in the order of {@code reads}
     */
    public static <R> Counts<List<R>> count(Database db, String schema, List<String> tables,
                                            List<String> checksumTables, ExecutorService workers, int parallelism,
                                            CancelToken token, Duration timeout, List<? extends Read<R>> reads,
                                            Progress progress)
            throws SQLException, InterruptedException {
        try (Connection coordinator = db.readConnection()) {
            coordinator.setAutoCommit(false);
            coordinator.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                String snapshotId;
                try (Statement s = coordinator.createStatement()) {
                    // READ ONLY said here too, not only by the pool's session default a login could have changed.
                    s.execute("SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = " + timeout.toMillis());
                    try (ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                        rs.next();
                        snapshotId = rs.getString(1);
                    }
                }
                // The planner's estimate of each table's rows; -1 when unknown (never vacuumed or analyzed).
                Map<String, Long> sizes = existingTables(coordinator, schema);
                List<String> wanted = tables == null ? new ArrayList<>(sizes.keySet()) : tables;
                // Largest first, an unknown size first of all, so no huge table starts last and leaves the others idle.
                List<String> present = wanted.stream().filter(sizes::containsKey).distinct()
                        .sorted((a, b) -> Long.compare(largest(sizes.get(b)), largest(sizes.get(a)))).toList();
                List<String> toChecksum = checksumTables.stream().filter(sizes::containsKey).distinct()
                        .sorted((a, b) -> Long.compare(largest(sizes.get(b)), largest(sizes.get(a)))).toList();
                List<List<String>> batches = batches(present, sizes);
                Work<R> work = new Work<>(schema, reads, batches, toChecksum, token, sizes, progress);
                List<Future<?>> helpers = new ArrayList<>();
                int jobs = reads.size() + batches.size() + toChecksum.size();
                // The coordinator works too, so one job needs no helper.
                for (int i = 0; i < Math.min(parallelism, jobs - 1); i++) {
                    helpers.add(workers.submit(() -> helper(db, snapshotId, timeout, work)));
                }
                try {
                    work.run(coordinator);
                } catch (SQLException | RuntimeException | Error e) {
                    work.fail(e);
                }
                for (Future<?> f : helpers) {
                    try {
                        f.get();
                    } catch (ExecutionException e) {
                        work.fail(e.getCause());
                    } catch (InterruptedException e) {
                        token.cancel();
                        throw e;
                    }
                }
                work.throwFailure();
                Map<String, Long> ordered = new LinkedHashMap<>();
                for (String t : wanted) ordered.put(t, work.counts.get(t));
                Map<String, String> checksums = new LinkedHashMap<>();
                for (String t : checksumTables) checksums.put(t, work.checksums.get(t));
                List<R> results = new ArrayList<>();
                for (int i = 0; i < reads.size(); i++) results.add(work.results.get(i));
                return new Counts<>(ordered, results, checksums);
            } finally {
                coordinator.rollback();
                coordinator.setAutoCommit(true);
            }
        }
    }

    private static long largest(long estimatedRows) {
        return estimatedRows < 0 ? Long.MAX_VALUE : estimatedRows;
    }

    /** Tables with fewer estimated rows than this are counted together, up to this many rows and tables at once. */
    static final long BATCH_ROWS = 10_000;
    static final int BATCH_TABLES = 50;

    /**
     * The tables (largest first) in the statements that count them. Each count is a statement, a round trip and a
     * plan: 2,000 small tables cost more in those than in reading rows, so tables known to be small are counted
     * {@value #BATCH_TABLES} at a time in one UNION ALL. A table that is large, of unknown size or partitioned is
     * counted alone, where PostgreSQL's parallel query scans it and nothing waits behind it.
     */
    static List<List<String>> batches(List<String> largestFirst, Map<String, Long> estimatedRows) {
        List<List<String>> batches = new ArrayList<>();
        List<String> batch = new ArrayList<>();
        long rows = 0;
        for (String t : largestFirst) {
            long n = estimatedRows.get(t);
            if (n < 0 || n >= BATCH_ROWS) {
                batches.add(List.of(t));
                continue;
            }
            if (batch.size() == BATCH_TABLES || rows + n > BATCH_ROWS) {
                batches.add(batch);
                batch = new ArrayList<>();
                rows = 0;
            }
            batch.add(t);
            rows += n;
        }
        if (!batch.isEmpty()) batches.add(batch);
        return batches;
    }

    /**
     * Tables of the schema (partitioned parents, not their partitions) with the planner's estimate of their rows,
     * -1 when it has none; a partitioned parent is always unknown, as its rows are in its partitions.
     */
    private static Map<String, Long> existingTables(Connection c, String schema) throws SQLException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, CASE WHEN c.relkind = 'p' THEN -1"
                + " ELSE greatest(c.reltuples, -1)::bigint END "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sizes;
    }

    /** A worker of the count: a pooled connection that imports the coordinator's snapshot, then takes jobs. */
    private static void helper(Database db, String snapshotId, Duration timeout, Work<?> work) {
        if (!work.hasJobs()) return;
        try (Connection c = db.readConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION READ ONLY; SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "''")
                            + "'; SET LOCAL statement_timeout = " + timeout.toMillis());
                }
                work.run(c);
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException | RuntimeException | Error e) {
            work.fail(e);
        }
    }

    /** The jobs of one count, shared by the coordinator and its workers, and the first failure among them. */
    private static final class Work<R> {
        private final String schema;
        private final List<? extends Read<R>> reads;
        private final AtomicInteger nextRead = new AtomicInteger();
        private final AtomicReferenceArray<R> results;
        private final ConcurrentLinkedQueue<List<String>> countQueue;
        private final ConcurrentLinkedQueue<String> checksumQueue;
        private final Map<String, Long> counts = new ConcurrentHashMap<>();
        private final Map<String, String> checksums = new ConcurrentHashMap<>();
        private final CancelToken token;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final Map<String, Long> estimatedRows;
        private final Progress progress;

        Work(String schema, List<? extends Read<R>> reads, List<List<String>> tables, List<String> checksumTables,
             CancelToken token, Map<String, Long> estimatedRows, Progress progress) {
            this.estimatedRows = estimatedRows;
            this.progress = progress;
            this.schema = schema;
            this.reads = reads;
            this.results = new AtomicReferenceArray<>(reads.size());
            this.countQueue = new ConcurrentLinkedQueue<>(tables);
            this.checksumQueue = new ConcurrentLinkedQueue<>(checksumTables);
            this.token = token;
        }

        /** The planner's estimate of the tables' rows together; -1 when it has none for one of them. */
        private long estimate(List<String> tables) {
            long sum = 0;
            for (String t : tables) {
                long n = estimatedRows.get(t);
                if (n < 0) return -1;
                sum += n;
            }
            return sum;
        }

        boolean hasJobs() {
            return failure.get() == null
                    && (nextRead.get() < reads.size() || !countQueue.isEmpty() || !checksumQueue.isEmpty());
        }

        /** Runs jobs on {@code c}, which is inside the snapshot, until none is left or one has failed. */
        void run(Connection c) throws SQLException {
            int i;
            while (failure.get() == null && (i = nextRead.getAndIncrement()) < reads.size()) {
                results.set(i, reads.get(i).read(c));
            }
            if (failure.get() != null || countQueue.isEmpty() && checksumQueue.isEmpty()) return;
            try (Statement s = c.createStatement()) {
                token.register(s);
                try {
                    List<String> batch;
                    while (failure.get() == null && (batch = countQueue.poll()) != null) {
                        StringBuilder sql = new StringBuilder();
                        for (int k = 0; k < batch.size(); k++) {
                            if (k > 0) sql.append(" UNION ALL ");
                            sql.append("SELECT ").append(k).append(", count(*) FROM ")
                                    .append(Sql.qualified(schema, batch.get(k)));
                        }
                        progress.countStarted(batch, estimate(batch));
                        try (ResultSet rs = s.executeQuery(sql.toString())) {
                            // Tagged rows: a parallel append may return the counts in any order.
                            while (rs.next()) counts.put(batch.get(rs.getInt(1)), rs.getLong(2));
                        } finally {
                            progress.countEnded(batch);
                        }
                    }
                    String table;
                    // After this connection's counts, so the fixed settings and row security apply to checksums only.
                    if (failure.get() == null && !checksumQueue.isEmpty()) {
                        s.execute(ContentChecksum.SETTINGS);
                        while (failure.get() == null && (table = checksumQueue.poll()) != null) {
                            checksums.put(table, ContentChecksum.compute(s, schema, table));
                        }
                    }
                } finally {
                    token.unregister(s);
                }
            }
        }

        /** The first failure is the error; the cancellation of the other jobs it causes is only its echo. */
        void fail(Throwable e) {
            if (failure.compareAndSet(null, e)) token.cancel();
        }

        void throwFailure() throws SQLException {
            Throwable e = failure.get();
            if (e == null) return;
            if (e instanceof SQLException s) throw s;
            if (e instanceof RuntimeException r) throw r;
            if (e instanceof Error err) throw err;
            throw new SQLException("row count failed: " + e, "XX000", e);
        }
    }
}
