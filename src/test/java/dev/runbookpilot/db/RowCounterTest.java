package dev.runbookpilot.db;

import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RowCounterTest {

    @Test
    void aLargeTableIsCountedByPostgresParallelWorkersInTheCheckSessionsSnapshot() throws Exception {
        String db = TestPostgres.freshDatabase("count_parallel");
        // Larger than min_parallel_table_scan_size (8 MB); the table's own parallel_workers makes a parallel count
        // the planner's cheapest plan at this size, as it is anyway for the multi-gigabyte tables this is about.
        TestPostgres.exec(db, "CREATE TABLE big WITH (parallel_workers = 4) AS SELECT g AS id, md5(g::text) AS payload"
                + " FROM generate_series(1, 200000) g; ANALYZE big");
        try (Database target = open(db);
             Connection coordinator = target.readConnection();
             Connection worker = target.readConnection()) {
            coordinator.setAutoCommit(false);
            coordinator.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            String snapshot = single(coordinator, "SELECT pg_export_snapshot()");
            // A worker's session exactly as RowCounter sets it up: the check pool's options, the imported snapshot.
            worker.setAutoCommit(false);
            worker.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            try (Statement s = worker.createStatement()) {
                s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
                assertThat(single(worker, "SHOW max_parallel_workers_per_gather")).isNotEqualTo("0");
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF) SELECT count(*) FROM "
                        + Sql.qualified("public", "big"))) {
                    while (rs.next()) plan.append(rs.getString(1)).append('\n');
                }
                assertThat(plan.toString()).contains("Parallel").containsPattern("Workers Launched: [1-9]");
            } finally {
                worker.rollback();
                coordinator.rollback();
            }
        }
    }

    @Test
    void aFailedCatalogReadBesideTheCountsIsTheErrorAndNoCountOutlivesIt() throws Exception {
        String db = TestPostgres.freshDatabase("count_beside");
        TestPostgres.exec(db, "CREATE TABLE a (id int); CREATE TABLE b (id int); INSERT INTO a VALUES (1)");
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try (Database target = open(db)) {
            CancelToken token = new CancelToken();
            assertThatThrownBy(() -> RowCounter.count(target, "public", null, workers, 2, token, Duration.ofSeconds(30),
                    c -> {
                        throw new IllegalStateException("catalog read failed");
                    })).isInstanceOf(IllegalStateException.class).hasMessage("catalog read failed");
            assertThat(token.isCancelled()).isTrue();
            // Every connection went back to the pool: a new count on the same pool works.
            RowCounter.Counts<Void> again = RowCounter.count(target, "public", List.of("a", "b"), workers, 2,
                    new CancelToken(), Duration.ofSeconds(30), c -> null);
            assertThat(again.counts()).containsEntry("a", 1L).containsEntry("b", 0L);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void readsBesideTheCountsSeeTheExportedSnapshotOnEveryConnectionAndCannotWrite() throws Exception {
        String db = TestPostgres.freshDatabase("count_reads");
        TestPostgres.exec(db, "CREATE TABLE a (id int); INSERT INTO a VALUES (1), (2)");
        ExecutorService workers = Executors.newFixedThreadPool(2);
        CountDownLatch secondStarted = new CountDownLatch(1);
        CountDownLatch committed = new CountDownLatch(1);
        // The first read commits a new table and a row from outside once the second runs on another connection;
        // each then makes its first query: a connection that took a snapshot of its own would see both.
        List<RowCounter.Read<String>> reads = List.of(
                c -> {
                    await(secondStarted);
                    TestPostgres.exec(db, "CREATE TABLE late (id int); INSERT INTO a VALUES (3)");
                    committed.countDown();
                    return view(c);
                },
                c -> {
                    secondStarted.countDown();
                    await(committed);
                    return view(c);
                });
        try (Database target = open(db)) {
            RowCounter.Counts<List<String>> counts = RowCounter.count(target, "public", null, List.of(), workers, 2,
                    new CancelToken(), Duration.ofSeconds(30), reads);
            assertThat(counts.inSnapshot()).containsExactly(
                    "tables [a], 2 rows, read only on, repeatable read, write refused 25006",
                    "tables [a], 2 rows, read only on, repeatable read, write refused 25006");
            assertThat(counts.counts()).containsExactly(Map.entry("a", 2L));
        } finally {
            workers.shutdownNow();
        }
        try (Connection c = TestPostgres.connect(db)) {
            assertThat(single(c, "SELECT count(*) FROM pg_class WHERE relname = 'evil'")).isEqualTo("0");
        }
    }

    @Test
    void smallTablesCountedTogetherEachGetTheirOwnExactCount() throws Exception {
        String db = TestPostgres.freshDatabase("count_batches");
        // 120 analyzed small tables, t_i with i rows, and one with no estimate: a count given to the wrong table
        // of a batch would be a silent lie.
        TestPostgres.exec(db, """
                DO $$ BEGIN FOR i IN 1..120 LOOP
                  EXECUTE format('CREATE TABLE t_%s AS SELECT g FROM generate_series(1, %s) g', i, i);
                END LOOP; END $$;
                ANALYZE;
                CREATE TABLE unknown AS SELECT g FROM generate_series(1, 7) g;
                """);
        ExecutorService workers = Executors.newFixedThreadPool(2);
        try (Database target = open(db)) {
            RowCounter.Counts<Void> counts = RowCounter.count(target, "public", null, workers, 2, new CancelToken(),
                    Duration.ofSeconds(30), c -> null);
            assertThat(counts.counts()).hasSize(121).containsEntry("unknown", 7L);
            for (int i = 1; i <= 120; i++) assertThat(counts.counts()).containsEntry("t_" + i, (long) i);
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void rowsMovedBetweenTablesWhileTheyAreCountedAreSeenExactlyOnce() throws Exception {
        String db = TestPostgres.freshDatabase("count_moving");
        // 12 tables of 1,000 rows; a writer keeps moving rows from one to another, each move one transaction, and
        // adds a row to a table now and then. Every count of one snapshot sees each row once: the total is a
        // total the tables really held at one instant, 12,000 plus the added rows committed before it.
        TestPostgres.exec(db, """
                DO $$ BEGIN FOR i IN 1..12 LOOP
                  EXECUTE format('CREATE TABLE m_%s (id bigint PRIMARY KEY, payload text)', i);
                  EXECUTE format('INSERT INTO m_%s SELECT g + %s * 100000, md5(g::text)'
                                 ' FROM generate_series(1, 1000) g', i, i);
                END LOOP; END $$;
                CREATE TABLE added (n int); INSERT INTO added VALUES (0);
                """);
        TestPostgres.exec(db, "VACUUM ANALYZE");
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger moves = new java.util.concurrent.atomic.AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(4);
        java.util.concurrent.Future<?> writer = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "mover");
            t.setDaemon(true);
            return t;
        }).submit(() -> {
            try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
                java.util.Random random = new java.util.Random(16);
                for (int i = 0; !stop.get(); i++) {
                    int from = 1 + random.nextInt(12);
                    int to = 1 + random.nextInt(12);
                    s.execute("WITH gone AS (DELETE FROM m_" + from + " WHERE id = (SELECT min(id) FROM m_" + from
                            + ") RETURNING id, payload) INSERT INTO m_" + to + " SELECT id + " + 10_000_000L * (i + 1)
                            + ", payload FROM gone");
                    if (i % 10 == 0) {
                        // An added row and its tally are one statement, so the total it allows is exact too.
                        s.execute("WITH new AS (INSERT INTO m_" + to + " VALUES (-" + (i + 1) + ", 'new')"
                                + " RETURNING id) UPDATE added SET n = n + (SELECT count(*) FROM new)");
                    }
                    moves.incrementAndGet();
                }
            }
            return null;
        });
        try (Database target = open(db)) {
            for (int round = 0; round < 5 || moves.get() < 50; round++) {
                RowCounter.Counts<Integer> counts = RowCounter.count(target, "public", null, workers, 4,
                        new CancelToken(), Duration.ofSeconds(30), c -> {
                            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                                    "SELECT n FROM added")) {
                                rs.next();
                                return rs.getInt(1);
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        });
                long total = 0;
                for (int i = 1; i <= 12; i++) total += counts.counts().get("m_" + i);
                assertThat(total).as("round %d", round).isEqualTo(12_000L + counts.inSnapshot());
                assertThat(counts.counts()).containsEntry("added", 1L);
            }
        } finally {
            stop.set(true);
            workers.shutdownNow();
        }
        writer.get(30, TimeUnit.SECONDS);
        assertThat(moves.get()).isGreaterThanOrEqualTo(50);
    }

    @Test
    void aCountHeldUpByALockIsHeardWithItsTableAndThePlannersEstimateBeforeItFinishes() throws Exception {
        String db = TestPostgres.freshDatabase("count_progress");
        // orders is analyzed (the planner knows its size), fresh never was: the wizard says "size not estimated".
        TestPostgres.exec(db, "CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 20000) g; ANALYZE orders;"
                + " CREATE TABLE fresh AS SELECT g AS id FROM generate_series(1, 5) g");
        java.util.concurrent.BlockingQueue<String> heard = new java.util.concurrent.LinkedBlockingQueue<>();
        RowCounter.Progress progress = new RowCounter.Progress() {
            @Override
            public void countStarted(List<String> tables, long estimatedRows) {
                heard.add("started " + tables + " " + estimatedRows);
            }

            @Override
            public void countEnded(List<String> tables) {
                heard.add("ended " + tables);
            }
        };
        ExecutorService workers = Executors.newFixedThreadPool(3);
        try (Database target = open(db); Connection locker = TestPostgres.connect(db)) {
            locker.setAutoCommit(false);
            try (Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            }
            java.util.concurrent.Future<RowCounter.Counts<List<Void>>> counting = workers.submit(() ->
                    RowCounter.count(target, "public", List.of("orders", "fresh"), List.of(), workers, 1,
                            new CancelToken(), Duration.ofSeconds(30), List.<RowCounter.Read<Void>>of(), progress));
            java.util.Set<String> before = new java.util.HashSet<>();
            // Both statements start; orders cannot end while its lock is held.
            while (!before.contains("started [orders] 20000") || !before.contains("started [fresh] -1")) {
                String e = heard.poll(30, TimeUnit.SECONDS);
                assertThat(e).as("a count start heard within 30 s").isNotNull();
                before.add(e);
            }
            assertThat(before).doesNotContain("ended [orders]");
            assertThat(counting).isNotDone();
            locker.rollback();
            RowCounter.Counts<List<Void>> counts = counting.get(30, TimeUnit.SECONDS);
            assertThat(counts.counts()).containsEntry("orders", 20000L).containsEntry("fresh", 5L);
            List<String> after = new java.util.ArrayList<>();
            heard.drainTo(after);
            before.addAll(after);
            assertThat(before).contains("ended [orders]", "ended [fresh]");
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void onlyTablesKnownToBeSmallShareACountingStatement() {
        Map<String, Long> rows = new java.util.LinkedHashMap<>();
        rows.put("unanalyzed", -1L);
        rows.put("big", RowCounter.BATCH_ROWS);
        for (int i = 0; i < RowCounter.BATCH_TABLES + 1; i++) rows.put("small" + i, 10L);
        rows.put("half1", RowCounter.BATCH_ROWS / 2);
        rows.put("half2", RowCounter.BATCH_ROWS / 2 + 1);
        List<List<String>> batches = RowCounter.batches(List.of(rows.keySet().toArray(String[]::new)), rows);
        assertThat(batches.get(0)).containsExactly("unanalyzed");
        assertThat(batches.get(1)).containsExactly("big");
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(RowCounter.BATCH_TABLES));
        assertThat(batches).allSatisfy(b -> assertThat(b.size() == 1 || b.stream().mapToLong(rows::get).sum()
                <= RowCounter.BATCH_ROWS).isTrue());
        assertThat(batches.stream().flatMap(List::stream).toList()).containsExactlyElementsOf(rows.keySet());
    }

    /** What a read beside the counts sees and may do on its connection. */
    private static String view(Connection c) throws SQLException {
        String tables = CatalogReader.read(c, "public", EnumSet.of(ObjectKind.TABLES)).objects().stream()
                .map(CatalogObject::name).toList().toString();
        String rows = single(c, "SELECT count(*) FROM a");
        String readOnly = single(c, "SHOW transaction_read_only");
        String isolation = single(c, "SHOW transaction_isolation");
        String refused;
        try (Statement s = c.createStatement()) {
            s.execute("SAVEPOINT attempt");
            try {
                s.execute("CREATE TABLE evil (id int)");
                refused = "write allowed";
            } catch (SQLException e) {
                refused = "write refused " + e.getSQLState();
            }
            s.execute("ROLLBACK TO SAVEPOINT attempt");
        }
        return "tables " + tables + ", " + rows + " rows, read only " + readOnly + ", " + isolation + ", " + refused;
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) throw new IllegalStateException("the other read never came");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Database open(String db) throws SQLException {
        return Database.open(TestPostgres.jdbcUrl(db), new Properties(), 3, CheckDefaults.LOCK_TIMEOUT);
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
