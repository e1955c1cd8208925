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
     * @param tables   the tables of {@code schema} to count; null counts every table of the schema
     * @param alsoRead runs on the coordinator connection inside the exported snapshot (e.g. a catalog read)
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
        try (Connection coordinator = db.readConnection()) {
            coordinator.setAutoCommit(false);
            coordinator.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try {
                String snapshotId;
                try (Statement s = coordinator.createStatement();
                     ResultSet rs = s.executeQuery("SELECT pg_export_snapshot()")) {
                    rs.next();
                    snapshotId = rs.getString(1);
                }
                Map<String, Long> sizes = existingTables(coordinator, schema);
                Map<String, Long> counted = new ConcurrentHashMap<>();
                List<String> wanted = tables == null ? new ArrayList<>(sizes.keySet()) : tables;
                // Largest first, so one huge table does not start last and leave the other workers idle.
                List<String> present = wanted.stream().filter(sizes::containsKey).distinct()
                        .sorted((a, b) -> Long.compare(sizes.get(b), sizes.get(a))).toList();
                List<String> toChecksum = checksumTables.stream().filter(sizes::containsKey).distinct()
                        .sorted((a, b) -> Long.compare(sizes.get(b), sizes.get(a))).toList();
                Map<String, String> summed = new ConcurrentHashMap<>();
                // The workers count while the coordinator reads: a schema snapshot's catalog read overlaps the
                // counts instead of following them.
                List<Future<Void>> counting = startCounting(db, schema, present, toChecksum, snapshotId, workers,
                        parallelism, token, timeout, counted, summed);
                T extra;
                try {
                    extra = alsoRead == null ? null : alsoRead.apply(coordinator);
                } catch (RuntimeException e) {
                    // The read's failure is the error; the workers' cancellation it causes is only its echo.
                    token.cancel("the read beside the row counts failed");
                    try {
                        awaitCounts(counting, token);
                    } catch (SQLException cancelled) {
                        e.addSuppressed(cancelled);
                    }
                    throw e;
                }
                awaitCounts(counting, token);
                Map<String, Long> ordered = new LinkedHashMap<>();
                for (String t : wanted) ordered.put(t, counted.get(t));
                Map<String, String> checksums = new LinkedHashMap<>();
                for (String t : checksumTables) checksums.put(t, summed.get(t));
                return new Counts<>(ordered, extra, checksums);
            } finally {
                coordinator.rollback();
                coordinator.setAutoCommit(true);
            }
        }
    }

    /** Tables of the schema (partitioned parents, not their partitions) with the planner's size estimate. */
    private static Map<String, Long> existingTables(Connection c, String schema) throws SQLException {
        Map<String, Long> sizes = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname, greatest(c.reltuples, 0)::bigint "
                + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) sizes.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sizes;
    }

    private static List<Future<Void>> startCounting(Database db, String schema, List<String> tables,
                                                    List<String> checksumTables, String snapshotId,
                                                    ExecutorService workers, int parallelism, CancelToken token,
                                                    Duration timeout, Map<String, Long> counts,
                                                    Map<String, String> checksums) {
        List<Future<Void>> futures = new ArrayList<>();
        if (tables.isEmpty() && checksumTables.isEmpty()) return futures;
        ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>(tables);
        ConcurrentLinkedQueue<String> checksumQueue = new ConcurrentLinkedQueue<>(checksumTables);
        int n = Math.max(1, Math.min(parallelism, tables.size() + checksumTables.size()));
        for (int i = 0; i < n; i++) {
            futures.add(workers.submit(() -> {
                worker(db, schema, snapshotId, queue, checksumQueue, counts, checksums, token, timeout);
                return null;
            }));
        }
        return futures;
    }

    /** Waits for every worker; the first failure cancels the others and is thrown once all have stopped. */
    private static void awaitCounts(List<Future<Void>> futures, CancelToken token)
            throws SQLException, InterruptedException {
        SQLException failure = null;
        for (Future<Void> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    token.cancel();
                    failure = e.getCause() instanceof SQLException s ? s
                            : new SQLException("row count failed: " + e.getCause(), "XX000", e.getCause());
                }
            } catch (InterruptedException e) {
                token.cancel();
                throw e;
            }
        }
        if (failure != null) throw failure;
    }

    private static void worker(Database db, String schema, String snapshotId, ConcurrentLinkedQueue<String> queue,
                               ConcurrentLinkedQueue<String> checksumQueue, Map<String, Long> counts,
                               Map<String, String> checksums, CancelToken token, Duration timeout)
            throws SQLException {
        try (Connection c = db.readConnection()) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = c.createStatement()) {
                token.register(s);
                try {
                    s.execute("SET TRANSACTION SNAPSHOT '" + snapshotId.replace("'", "''") + "'");
                    s.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
                    String table;
                    while ((table = queue.poll()) != null) {
                        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Sql.qualified(schema, table))) {
                            rs.next();
                            counts.put(table, rs.getLong(1));
                        }
                    }
                    // After this worker's counts, so the fixed settings and row security apply to checksums only.
                    if (!checksumQueue.isEmpty()) {
                        s.execute(ContentChecksum.SETTINGS);
                        while ((table = checksumQueue.poll()) != null) {
                            checksums.put(table, ContentChecksum.compute(s, schema, table));
                        }
                    }
                } finally {
                    token.unregister(s);
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        }
    }
}
