package dev.runbookpilot.db;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
