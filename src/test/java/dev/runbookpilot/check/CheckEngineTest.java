package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Expectation;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CheckEngineTest {
    private static EngineHarness h;

    @BeforeAll
    static void setUp() throws Exception {
        h = new EngineHarness("engine", """
                CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, score numeric);
                INSERT INTO accounts SELECT g, 'user' || g || '@example.com', (g % 10) / 10.0
                  FROM generate_series(1, 5000) g;
                CREATE INDEX accounts_email_idx ON accounts (email);
                CREATE TABLE "Order Items" ("select" int, "Qty" int);
                INSERT INTO "Order Items" SELECT g, g FROM generate_series(1, 42) g;
                CREATE TABLE jobs (job_type text NOT NULL, idempotency_key text NOT NULL,
                                   UNIQUE (job_type, idempotency_key));
                INSERT INTO jobs VALUES ('t', 'k');
                ANALYZE;
                """);
    }

    @AfterAll
    static void tearDown() {
        h.close();
    }

    private static CheckSpec.Query query(String sql, String expect) throws Expectation.ParseException {
        return new CheckSpec.Query(EngineHarness.meta(), sql, Expectation.parse(expect));
    }

    @Test
    void queryPassesWhenTheScalarMeetsTheExpectation() throws Exception {
        CheckResult r = h.run(query("SELECT count(*) FROM accounts", "= 5000"));
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASSED);
        assertThat(r.actual()).contains("5000");
        assertThat(r.sql()).isEqualTo("SELECT count(*) FROM accounts");
    }

    @Test
    void queryFailsWithExpectedAndActualWhenTheScalarDiffers() throws Exception {
        CheckResult r = h.run(query("SELECT count(*) FROM accounts WHERE score > 0.5", "= 0"));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.expected()).isEqualTo("= 0");
        assertThat(r.actual()).contains("2000");
    }

    @Test
    void queryOnAMissingTableIsAnErrorWithItsSqlState() throws Exception {
        CheckResult r = h.run(query("SELECT count(*) FROM no_such_table", "= 0"));
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.sqlState()).isEqualTo("42P01");
    }

    @Test
    void aCheckThatTriesToDeleteIsRefusedBeforeItRunsAndNoRowIsLost() throws Exception {
        CheckResult r = h.run(query("DELETE FROM accounts RETURNING 1", "empty"));
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.sqlState()).isEqualTo("42501");
        assertThat(r.error()).contains("refused before it ran").contains("'DELETE' is not allowed");
        try (var c = TestPostgres.connect(h.database); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5000);
        }
    }

    @Test
    void aCheckCannotSwitchItsTransactionToReadWriteAndAWriteThatPassesTheGuardMeetsTheReadOnlyTransaction()
            throws Exception {
        CheckResult r = h.run(query("SELECT set_config('default_transaction_read_only', 'off', false)", "not empty"));
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.error()).contains("set_config");
        CheckResult write = h.run(query("WITH d AS (DELETE FROM accounts RETURNING 1) SELECT count(*) FROM d", "= 0"));
        assertThat(write.status()).isEqualTo(Status.ERROR);
        assertThat(write.sqlState()).isEqualTo("25006");
    }

    @Test
    void aCheckCannotEndItsReadOnlyTransactionToWrite() throws Exception {
        CheckResult r = h.run(query("COMMIT; DELETE FROM accounts; SELECT 1", "= 1"));
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.error()).contains("exactly one statement");
        try (var c = TestPostgres.connect(h.database); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(5000);
        }
    }

    @Test
    void aSlowCheckIsCancelledOnTheServerWithinTwoSeconds() throws Exception {
        CancelToken token = new CancelToken();
        CompletableFuture<CheckResult> running = CompletableFuture.supplyAsync(() -> {
            try {
                return h.run(query("SELECT pg_sleep(30) IS NULL", "'x'"), token);
            } catch (Expectation.ParseException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitServerQuery("pg_sleep(30)", true);
        long t0 = System.nanoTime();
        token.cancel();
        CheckResult r = running.get(10, TimeUnit.SECONDS);
        awaitServerQuery("pg_sleep(30)", false);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(millis).as("cancel took %d ms", millis).isLessThan(2000);
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.sqlState()).isEqualTo("57014");
        assertThat(r.error()).isEqualTo("cancelled by the operator");
    }

    /** Polls pg_stat_activity from a separate superuser connection until the query is (or is no longer) active. */
    private static void awaitServerQuery(String fragment, boolean present) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        try (var c = TestPostgres.connect(h.database);
             var ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
                     + "AND query LIKE '%' || ? || '%' AND pid <> pg_backend_pid()")) {
            ps.setString(1, fragment);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if ((rs.getLong(1) > 0) == present) return;
                }
                Thread.sleep(20);
            }
        }
        throw new AssertionError("query " + fragment + (present ? " never started" : " still running on the server"));
    }

    @Test
    void aCheckTimeoutIsEnforcedByTheServerAndReportedAsError() throws Exception {
        var spec = new CheckSpec.Query(new CheckSpec.Meta(null, Duration.ofMillis(200), null),
                "SELECT pg_sleep(5)::text", Expectation.parse("'x'"));
        CheckResult r = h.run(spec);
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.sqlState()).isEqualTo("57014");
        assertThat(r.error()).startsWith("timed out");
    }

    @Test
    void quotedMixedCaseAndReservedIdentifiersAreCountedExactly() throws Exception {
        CheckResult snap = h.run(new CheckSpec.Snapshot(EngineHarness.meta(), "ids", List.of("Order Items"), false,
                null));
        assertThat(snap.status()).isEqualTo(Status.PASSED);
        assertThat(((CheckDetail.SnapshotTaken) snap.detail()).rowCounts()).containsEntry("Order Items", 42L);
    }

    @Test
    void snapshotOfAMissingTableFailsAndNamesIt() {
        CheckResult r = h.run(new CheckSpec.Snapshot(EngineHarness.meta(), "missing", List.of("ghost"), false, null));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).contains("ghost");
    }

    @Test
    void rowCountsCompareRenamedSplitAndDroppedTablesWithTheSnapshot() throws Exception {
        String db = h.database;
        TestPostgres.exec(db, "CREATE TABLE rc_old (id int); INSERT INTO rc_old SELECT generate_series(1, 100);"
                + "CREATE TABLE rc_split (id int); INSERT INTO rc_split SELECT generate_series(1, 10);"
                + "CREATE TABLE rc_gone (id int);");
        h.run(new CheckSpec.Snapshot(EngineHarness.meta(), "rc", List.of("rc_old", "rc_split", "rc_gone"), false,
                null));
        TestPostgres.exec(db, "ALTER TABLE rc_old RENAME TO rc_new;"
                + "CREATE TABLE rc_a AS SELECT id FROM rc_split WHERE id <= 4;"
                + "CREATE TABLE rc_b AS SELECT id FROM rc_split WHERE id > 4; DROP TABLE rc_split; DROP TABLE rc_gone;");
        var spec = new CheckSpec.RowCounts(EngineHarness.meta(), "rc", List.of(),
                Map.of("rc_old", List.of("rc_new"), "rc_split", List.of("rc_a", "rc_b")), List.of("rc_gone"), null);
        CheckResult ok = h.run(spec);
        assertThat(ok.status()).as(ok.actual()).isEqualTo(Status.PASSED);
        var lines = ((CheckDetail.RowCountDiff) ok.detail()).lines();
        assertThat(lines).extracting(CheckDetail.RowCountLine::after).containsExactly(100L, 10L, null);

        TestPostgres.exec(db, "DELETE FROM rc_new WHERE id = 1");
        CheckResult lost = h.run(spec);
        assertThat(lost.status()).isEqualTo(Status.FAILED);
        assertThat(((CheckDetail.RowCountDiff) lost.detail()).lines().get(0).delta()).isEqualTo(-1L);
    }

    @Test
    void rowCountsWithoutTheSnapshotIsAnErrorNotAPass() {
        CheckResult r = h.run(new CheckSpec.RowCounts(EngineHarness.meta(), "never", List.of(), Map.of(), List.of(),
                null));
        assertThat(r.status()).isEqualTo(Status.ERROR);
    }

    @Test
    void rowCountsAgainstASnapshotThatCountedNoTableIsAnErrorNotAPassOverNothing() {
        h.run(new CheckSpec.Snapshot(EngineHarness.meta(), "schema only", List.of(), false, null));
        CheckResult r = h.run(new CheckSpec.RowCounts(EngineHarness.meta(), "schema only", List.of(), Map.of(),
                List.of(), null));
        assertThat(r.status()).as(r.actual()).isEqualTo(Status.ERROR);
        assertThat(r.actual()).contains("counted no table");
    }

    @Test
    void explainSeesAnIndexScanAndASeqScan() {
        CheckResult indexed = h.run(new CheckSpec.Explain(EngineHarness.meta(),
                "SELECT * FROM accounts WHERE email = 'user7@example.com'", CheckSpec.PlanExpectation.INDEX_SCAN,
                "accounts", null, false));
        assertThat(indexed.status()).as(indexed.actual()).isEqualTo(Status.PASSED);
        assertThat(((CheckDetail.Plan) indexed.detail()).text()).contains("accounts_email_idx");

        CheckResult seq = h.run(new CheckSpec.Explain(EngineHarness.meta(),
                "SELECT * FROM accounts WHERE score > 0.1", CheckSpec.PlanExpectation.NO_SEQ_SCAN, "accounts", null,
                false));
        assertThat(seq.status()).isEqualTo(Status.FAILED);
        assertThat(seq.actual()).contains("Seq Scan on accounts");
    }

    /** A typo in the table once passed noSeqScan: nothing was looked at, so nothing may pass. */
    @Test
    void explainOfATableThePlanNeverScansIsAnErrorNamingWhatItScans() {
        CheckResult r = h.run(new CheckSpec.Explain(EngineHarness.meta(),
                "SELECT * FROM accounts WHERE score > 0.1", CheckSpec.PlanExpectation.NO_SEQ_SCAN, "acounts", null,
                false));
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.actual()).isEqualTo("table 'acounts' is in no scan of this plan; the plan scans accounts");
        CheckResult index = h.run(new CheckSpec.Explain(EngineHarness.meta(), "SELECT 1",
                CheckSpec.PlanExpectation.INDEX_SCAN, "accounts", null, false));
        assertThat(index.status()).isEqualTo(Status.ERROR);
        assertThat(index.actual()).endsWith("the plan scans no table");
    }

    /** A partitioned table's scans carry its partitions' names; they are scans of the table all the same. */
    @Test
    void explainCountsScansOfPartitionsForTheirParent() throws Exception {
        TestPostgres.exec(h.database, """
                CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
                CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')
                    PARTITION BY RANGE (id);
                CREATE TABLE events_2024_low PARTITION OF events_2024 FOR VALUES FROM (0) TO (1000);
                CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
                """);
        CheckResult r = h.run(new CheckSpec.Explain(EngineHarness.meta(), "SELECT * FROM events WHERE id = 3",
                CheckSpec.PlanExpectation.NO_SEQ_SCAN, "events", null, false));
        assertThat(r.status()).as(r.actual()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).contains("Seq Scan on events_2024_low").contains("Seq Scan on events_2025");
    }

    @Test
    void explainMaxCostComparesThePlannersTotalCost() {
        CheckResult cheap = h.run(new CheckSpec.Explain(EngineHarness.meta(), "SELECT 1",
                CheckSpec.PlanExpectation.MAX_COST, null, 10.0, false));
        assertThat(cheap.status()).isEqualTo(Status.PASSED);
        CheckResult dear = h.run(new CheckSpec.Explain(EngineHarness.meta(), "SELECT * FROM accounts",
                CheckSpec.PlanExpectation.MAX_COST, null, 1.0, false));
        assertThat(dear.status()).isEqualTo(Status.FAILED);
    }

    @Test
    void rejectsPassesOnTheExpectedSqlStateAndLeavesNoTrace() throws Exception {
        var spec = new CheckSpec.Statement(EngineHarness.meta(), true,
                "INSERT INTO jobs VALUES ('probe', 'p1')", "INSERT INTO jobs VALUES ('probe', 'p1')", "23505", null);
        CheckResult r = h.run(spec);
        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        assertThat(r.actual()).contains("23505");
        try (var c = TestPostgres.connect(h.database); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM jobs WHERE job_type = 'probe'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void rejectsFailsWhenTheStatementIsAcceptedOrFailsDifferently() {
        CheckResult accepted = h.run(new CheckSpec.Statement(EngineHarness.meta(), true, null,
                "INSERT INTO jobs VALUES ('other', 'k')", "23505", null));
        assertThat(accepted.status()).isEqualTo(Status.FAILED);
        CheckResult otherError = h.run(new CheckSpec.Statement(EngineHarness.meta(), true, null,
                "INSERT INTO jobs VALUES (NULL, 'k')", "23505", null));
        assertThat(otherError.status()).isEqualTo(Status.FAILED);
        assertThat(otherError.actual()).contains("23502");
    }

    @Test
    void acceptsPassesWhenTheStatementSucceedsAndRollsItBack() throws Exception {
        CheckResult r = h.run(new CheckSpec.Statement(EngineHarness.meta(), false, null,
                "INSERT INTO jobs VALUES ('different', 'k')", null, null));
        assertThat(r.status()).isEqualTo(Status.PASSED);
        try (var c = TestPostgres.connect(h.database); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM jobs WHERE job_type = 'different'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    @Test
    void activityCountsOtherSessionsButNotOurOwn() throws Exception {
        var spec = new CheckSpec.Activity(EngineHarness.meta(), 0, null, Duration.ofMinutes(5), 0);
        assertThat(h.run(spec).status()).isEqualTo(Status.PASSED);
        try (var other = TestPostgres.connect(h.database)) {
            CheckResult r = h.run(spec);
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("other sessions = 1");
            assertThat(r.detail()).isInstanceOf(CheckDetail.Rows.class);
        }
    }

    /** A colleague's Runbook Pilot migrating the same database is another session, however it is named. */
    @Test
    void activityCountsAnotherRunbookPilotInstance() throws Exception {
        var spec = new CheckSpec.Activity(EngineHarness.meta(), 0, null, Duration.ofMinutes(5), null);
        java.util.Properties colleague = new java.util.Properties();
        colleague.setProperty("user", "postgres");
        colleague.setProperty("ApplicationName", "Runbook Pilot (migration) [rp-0123456789abcdef]");
        try (var other = java.sql.DriverManager.getConnection(TestPostgres.jdbcUrl(h.database), colleague)) {
            CheckResult r = h.run(spec);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("other sessions = 1");
        }
        // This process's own writer is not "another session".
        try (var own = h.db.openWriter()) {
            assertThat(h.run(spec).status()).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void executeRunsASqlStandardFunctionBodyAsOneStatementAsPsqlDoes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("atomic.sql");
        Files.writeString(file, """
                CREATE FUNCTION ex_double(i int) RETURNS int LANGUAGE sql
                BEGIN ATOMIC
                  SELECT CASE WHEN i IS NULL THEN 0 ELSE i * 2 END;
                END;
                CREATE TABLE ex_atomic AS SELECT ex_double(21) AS v;
                """);
        CheckResult r = h.run(new CheckSpec.Execute(new CheckSpec.Meta(null, Duration.ZERO, null), file, true,
                List.of()));
        assertThat(r.status()).as(r.actual() + " " + r.error()).isEqualTo(Status.PASSED);
        assertThat(h.run(query("SELECT v FROM ex_atomic", "= 42")).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void executeCommitsAndCapturesNotices(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.sql");
        Files.writeString(file, """
                CREATE TABLE ex_done (id int);
                DO $$ BEGIN RAISE NOTICE 'Created ex_done; ready'; END $$;
                INSERT INTO ex_done SELECT generate_series(1, 3);
                """);
        CheckResult r = h.run(new CheckSpec.Execute(new CheckSpec.Meta(null, Duration.ZERO, null), file, true,
                List.of("Created ex_done")));
        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        assertThat(((CheckDetail.Notices) r.detail()).received()).contains("Created ex_done; ready");
        assertThat(((CheckDetail.Notices) r.detail()).rowsAffected()).isEqualTo(3);
        assertThat(tableExists("ex_done")).isTrue();
    }

    @Test
    void executeRollsBackWhenAnExpectedNoticeNeverCame(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("m.sql");
        Files.writeString(file, "CREATE TABLE ex_rolled (id int);");
        CheckResult r = h.run(new CheckSpec.Execute(new CheckSpec.Meta(null, Duration.ZERO, null), file, true,
                List.of("Created ex_rolled")));
        assertThat(r.status()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).startsWith("rolled back");
        assertThat(tableExists("ex_rolled")).isFalse();
    }

    @Test
    void executeFailureNamesTheFileLineAndRollsBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.sql");
        Files.writeString(file, "CREATE TABLE ex_partial (id int);\n\nINSERT INTO nowhere VALUES (1);\n");
        CheckResult r = h.run(new CheckSpec.Execute(new CheckSpec.Meta(null, Duration.ZERO, null), file, true,
                List.of()));
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.sqlState()).isEqualTo("42P01");
        assertThat(r.error()).startsWith("bad.sql:3:");
        assertThat(tableExists("ex_partial")).isFalse();
    }

    private static boolean tableExists(String name) throws Exception {
        try (var c = TestPostgres.connect(h.database);
             var ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
