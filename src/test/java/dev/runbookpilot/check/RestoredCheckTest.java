package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The proof that the way back reached the baseline, against a real server, from the side of a rollback that leaves
 * something behind. Each test works in a schema of its own of one shared database, so a change one test makes is
 * outside the schema another test's snapshot and proof look at.
 */
class RestoredCheckTest {
    private static EngineHarness h;

    /** Rows of orders, with values of types whose text form depends on session settings. */
    private static String orders(String schema, int from, int to) {
        return """
                INSERT INTO %s.orders SELECT g, CASE WHEN g %% 5 = 0 THEN '' ELSE 'note ' || g END, g * 1.25,
                       timestamptz '2024-03-01 12:00+00' + g * interval '1 hour', g / 3.0, decode(md5(g::text), 'hex'),
                       ARRAY['a' || g, NULL], jsonb_build_object('g', g), g * interval '1 minute'
                  FROM generate_series(%d, %d) g;
                """.formatted(schema, from, to);
    }

    /** 300 orders and 20 audit log entries in a schema of their own. */
    private static final String TABLES = """
            CREATE SCHEMA %1$s;
            CREATE TABLE %1$s.orders (id int PRIMARY KEY, note text, amount numeric(12,2), placed timestamptz,
                                      ratio float8, blob bytea, tags text[], doc jsonb, wait interval);
            %2$s
            CREATE INDEX orders_placed_idx ON %1$s.orders (placed);
            CREATE TABLE %1$s.audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, what text);
            INSERT INTO %1$s.audit_log (what) SELECT 'event ' || g FROM generate_series(1, 20) g;
            """;

    @BeforeAll
    static void setUp() throws Exception {
        StringBuilder setup = new StringBuilder();
        for (String schema : List.of("nulled", "swapped", "unindexed", "extra", "audit", "unproven", "dumped",
                "locked", "settings")) {
            setup.append(TABLES.formatted(schema, orders(schema, 1, 300)));
        }
        h = new EngineHarness("restored", setup.toString());
    }

    @AfterAll
    static void tearDown() {
        h.close();
    }

    private static CheckResult snapshot(String schema, List<String> checksums) {
        CheckResult r = h.run(new CheckSpec.Snapshot(EngineHarness.meta(), schema, List.of("orders", "audit_log"),
                false, schema, List.of(), checksums));
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASSED);
        return r;
    }

    private static CheckResult restored(String baseline, List<String> countsMayDiffer, List<String> checksums) {
        return h.run(new CheckSpec.Restored(EngineHarness.meta(), baseline, countsMayDiffer, checksums));
    }

    private static CheckDetail.RestoredProof proof(CheckResult r) {
        assertThat(r.detail()).as(r.toString()).isInstanceOf(CheckDetail.RestoredProof.class);
        return (CheckDetail.RestoredProof) r.detail();
    }

    @Test
    void aColumnNulledByTheWayBackKeepsEveryCountYetFailsOnItsChecksum() throws Exception {
        snapshot("nulled", List.of("orders"));
        assertThat(h.snapshots.get("nulled").checksums().get("orders")).startsWith("md5-row-sum/1:300:");
        TestPostgres.exec(h.database, "UPDATE nulled.orders SET note = NULL WHERE id = 7");

        CheckResult countsOnly = restored("nulled", List.of(), List.of());
        assertThat(countsOnly.status()).as("counts and schema alone cannot see it").isEqualTo(Status.PASSED);

        CheckResult r = restored("nulled", List.of(), List.of("orders"));
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).isEqualTo("contents differ: orders");
        CheckDetail.RestoredProof p = proof(r);
        assertThat(p.counts()).allSatisfy(l -> assertThat(l.status()).isEqualTo(Status.PASSED));
        assertThat(p.schema()).isEmpty();
        assertThat(p.checksums()).singleElement().satisfies(l -> {
            assertThat(l.table()).isEqualTo("orders");
            assertThat(l.status()).isEqualTo(Status.FAILED);
            assertThat(l.now()).isNotEqualTo(l.before());
        });

        // An empty string is a value, not a NULL: putting '' where the text was does not pass either.
        TestPostgres.exec(h.database, "UPDATE nulled.orders SET note = '' WHERE id = 7");
        assertThat(restored("nulled", List.of(), List.of("orders")).status()).isEqualTo(Status.FAILED);
        TestPostgres.exec(h.database, "UPDATE nulled.orders SET note = 'note 7' WHERE id = 7");
        assertThat(restored("nulled", List.of(), List.of("orders")).status()).as("the value put back")
                .isEqualTo(Status.PASSED);
    }

    @Test
    void valuesSwappedBetweenTwoRowsFailTheChecksumThoughEveryColumnHoldsTheSameValues() throws Exception {
        snapshot("swapped", List.of("orders"));
        TestPostgres.exec(h.database, """
                UPDATE swapped.orders o SET amount = x.amount
                  FROM (VALUES (1, (SELECT amount FROM swapped.orders WHERE id = 2)),
                               (2, (SELECT amount FROM swapped.orders WHERE id = 1))) AS x(id, amount)
                 WHERE o.id = x.id
                """);
        CheckResult r = restored("swapped", List.of(), List.of("orders"));
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).contains("contents differ: orders");
    }

    @Test
    void aDroppedIndexFailsOnTheSchemaWithTheChangeShown() throws Exception {
        snapshot("unindexed", List.of());
        TestPostgres.exec(h.database, "DROP INDEX unindexed.orders_placed_idx");
        CheckResult r = restored("unindexed", List.of(), List.of());
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).isEqualTo("1 schema change: removed index:orders_placed_idx");
        CheckDetail.RestoredProof p = proof(r);
        assertThat(p.schema()).singleElement().satisfies(c -> {
            assertThat(c.change()).isEqualTo("removed");
            assertThat(c.object()).isEqualTo("index:orders_placed_idx");
            assertThat(c.expected()).isFalse();
        });
        assertThat(p.counts()).allSatisfy(l -> assertThat(l.status()).isEqualTo(Status.PASSED));
    }

    @Test
    void anExtraRowFailsWithItsDelta() throws Exception {
        snapshot("extra", List.of());
        TestPostgres.exec(h.database, "INSERT INTO extra.orders (id) VALUES (1000)");
        CheckResult r = restored("extra", List.of(), List.of());
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).isEqualTo("1 of 2 row counts differ: orders delta 1");
        assertThat(proof(r).counts()).filteredOn(l -> l.beforeTable().equals("orders")).singleElement()
                .satisfies(l -> {
                    assertThat(l.before()).isEqualTo(300);
                    assertThat(l.after()).isEqualTo(301);
                    assertThat(l.status()).isEqualTo(Status.FAILED);
                });
    }

    @Test
    void countsMayDifferLetsOnlyTheTablesItNamesDiffer() throws Exception {
        snapshot("audit", List.of("orders"));
        TestPostgres.exec(h.database, "INSERT INTO audit.audit_log (what) VALUES ('rolled back');"
                + " DELETE FROM audit.orders WHERE id = 300");
        CheckResult r = restored("audit", List.of("audit_log"), List.of());
        assertThat(r.status()).as("orders is not excused by the audit log's exemption").isEqualTo(Status.FAILED);
        assertThat(r.actual()).isEqualTo("1 of 2 row counts differ: orders delta -1");

        TestPostgres.exec(h.database, orders("audit", 300, 300));
        CheckResult back = restored("audit", List.of("audit_log"), List.of("orders"));
        assertThat(back.status()).as(back.toString()).isEqualTo(Status.PASSED);
        assertThat(proof(back).counts()).filteredOn(l -> l.beforeTable().equals("audit_log")).singleElement()
                .satisfies(l -> {
                    assertThat(l.delta()).isEqualTo(1);
                    assertThat(l.note()).contains("may differ");
                });
        assertThat(restored("audit", List.of(), List.of()).status()).as("without the exemption")
                .isEqualTo(Status.FAILED);
    }

    @Test
    void whatCannotBeComparedIsAnErrorSayingWhatIsMissingNeverAPass() throws Exception {
        CheckResult noBaseline = restored("never_taken", List.of(), List.of());
        assertThat(noBaseline.status()).isEqualTo(Status.ERROR);
        assertThat(noBaseline.actual()).contains("snapshot 'never_taken' has not been taken in this session");

        snapshot("unproven", List.of("orders"));
        CheckResult notRecorded = restored("unproven", List.of(), List.of("audit_log"));
        assertThat(notRecorded.status()).isEqualTo(Status.ERROR);
        assertThat(notRecorded.actual()).contains("recorded no content checksum of audit_log");

        TestPostgres.exec(h.database, "DROP TABLE unproven.orders");
        CheckResult gone = restored("unproven", List.of(), List.of("orders"));
        assertThat(gone.status()).as(gone.toString()).isEqualTo(Status.ERROR);
        assertThat(gone.actual()).startsWith("could not compare: table orders is gone; table orders is gone, its"
                + " contents cannot be compared").contains("removed table:orders");
        assertThat(proof(gone).schema()).as("the diff is kept with the error")
                .anySatisfy(c -> assertThat(c.object()).isEqualTo("table:orders"));
    }

    @Test
    void aTableDumpedDroppedRestoredAndRewrittenKeepsItsChecksumAndIsBackAtTheBaseline(@TempDir Path dir)
            throws Exception {
        snapshot("dumped", List.of("orders", "audit_log"));
        Path dump = dir.resolve("orders.dump");
        run("pg_dump", "--format=custom", "--table=dumped.orders", "--file=" + dump, h.database);
        TestPostgres.exec(h.database, "DROP TABLE dumped.orders");
        run("pg_restore", "--dbname=" + h.database, dump.toString());
        // Rows in another physical order: half of them rewritten to the end of the heap, then the table rewritten.
        TestPostgres.exec(h.database, "UPDATE dumped.orders SET note = note WHERE id % 2 = 0");
        TestPostgres.exec(h.database, "VACUUM FULL dumped.orders");
        CheckResult r = restored("dumped", List.of(), List.of("orders", "audit_log"));
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASSED);
        assertThat(proof(r).checksums()).extracting(CheckDetail.ChecksumLine::status)
                .containsExactly(Status.PASSED, Status.PASSED);
    }

    /** As the migration's rollback writes them: an IN list on a varchar column, in a CHECK, an index and a view. */
    private static final String KNOWLEDGE = """
            CREATE SCHEMA deparsed;
            CREATE TABLE deparsed.knowledge (id int PRIMARY KEY, kind varchar(20) NOT NULL
                CONSTRAINT knowledge_kind_check CHECK (kind IN ('template', 'pattern', 'framework')));
            CREATE INDEX knowledge_pattern_idx ON deparsed.knowledge (id) WHERE kind IN ('pattern', 'framework');
            CREATE VIEW deparsed.templates AS SELECT id, kind FROM deparsed.knowledge WHERE kind IN ('template', 'x');
            INSERT INTO deparsed.knowledge SELECT g, CASE WHEN g % 2 = 0 THEN 'template' ELSE 'pattern' END
              FROM generate_series(1, 30) g;
            """;

    /**
     * A baseline read on a copy made by pg_dump holds the IN lists as pg_restore re-parsed them, and the rollback
     * recreates them from their source text: PostgreSQL prints the two differently, they mean the same. A CHECK
     * with one value fewer still fails.
     */
    @Test
    void aConstraintRecreatedFromItsSourceIsBackAtABaselineReadAfterPgRestoreAndOneValueFewerIsNot(
            @TempDir Path dir) throws Exception {
        TestPostgres.exec(h.database, KNOWLEDGE);
        Path dump = dir.resolve("deparsed.dump");
        run("pg_dump", "--format=custom", "--schema=deparsed", "--file=" + dump, h.database);
        TestPostgres.exec(h.database, "DROP SCHEMA deparsed CASCADE");
        run("pg_restore", "--dbname=" + h.database, dump.toString());
        CheckResult baseline = h.run(new CheckSpec.Snapshot(EngineHarness.meta(), "deparsed",
                List.of("knowledge"), false, "deparsed", List.of(), List.of("knowledge")));
        assertThat(baseline.status()).as(baseline.toString()).isEqualTo(Status.PASSED);
        String restoredText = h.snapshots.get("deparsed").catalog()
                .find("constraint:knowledge.knowledge_kind_check").orElseThrow().definition();

        // The way back: everything dropped and recreated from the source text.
        TestPostgres.exec(h.database, "DROP SCHEMA deparsed CASCADE;" + KNOWLEDGE);
        try (Connection c = TestPostgres.connect(h.database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_get_constraintdef(oid, true) FROM pg_constraint"
                     + " WHERE conname = 'knowledge_kind_check'")) {
            rs.next();
            assertThat(rs.getString(1)).as("PostgreSQL prints the two differently").isNotEqualTo(restoredText);
        }
        CheckResult r = h.run(new CheckSpec.Restored(EngineHarness.meta(), "deparsed", List.of(),
                List.of("knowledge")));
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASSED);

        TestPostgres.exec(h.database, "ALTER TABLE deparsed.knowledge DROP CONSTRAINT knowledge_kind_check;"
                + " ALTER TABLE deparsed.knowledge ADD CONSTRAINT knowledge_kind_check"
                + " CHECK (kind IN ('template', 'pattern'))");
        CheckResult fewer = h.run(new CheckSpec.Restored(EngineHarness.meta(), "deparsed", List.of(),
                List.of("knowledge")));
        assertThat(fewer.status()).as(fewer.toString()).isEqualTo(Status.FAILED);
        assertThat(fewer.actual()).isEqualTo("1 schema change: changed constraint:knowledge.knowledge_kind_check:"
                + " definition changed");
    }

    @Test
    void theChecksumWritesNothingAndTakesNoLockStrongerThanAccessShare() throws Exception {
        String injected = "x\"; DROP TABLE locked.audit_log; --";
        TestPostgres.exec(h.database, "CREATE TABLE locked.\"x\"\"; DROP TABLE locked.audit_log; --\" (v int);"
                + " INSERT INTO locked.\"x\"\"; DROP TABLE locked.audit_log; --\" VALUES (1)");
        try (Connection blocker = TestPostgres.connect(h.database); Statement s = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            // EXCLUSIVE conflicts with every mode but ACCESS SHARE: a write (ROW EXCLUSIVE) or any stronger lock would
            // wait here until lock_timeout and make the snapshot an ERROR.
            s.execute("LOCK TABLE locked.orders, locked.\"x\"\"; DROP TABLE locked.audit_log; --\" IN EXCLUSIVE MODE");
            assertLockWouldWait("LOCK TABLE locked.orders IN ROW SHARE MODE");

            CheckResult r = h.run(new CheckSpec.Snapshot(EngineHarness.meta(), "locked", List.of("orders"), false,
                    "locked", List.of(), List.of("orders", injected)));
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASSED);
            assertThat(h.snapshots.get("locked").checksums()).containsOnlyKeys("orders", injected);
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_locks WHERE relation IN"
                    + " ('locked.orders'::regclass, 'locked.audit_log'::regclass) AND pid <> pg_backend_pid()")) {
                rs.next();
                assertThat(rs.getInt(1)).as("no lock left behind").isZero();
            }
            blocker.rollback();
        }
        try (Connection c = TestPostgres.connect(h.database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM locked.audit_log")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the name was quoted, never run").isEqualTo(20);
        }
    }

    private static void assertLockWouldWait(String lock) throws SQLException {
        try (Connection other = TestPostgres.connect(h.database); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            s.execute("SET LOCAL lock_timeout = '200ms'");
            assertThatThrownBy(() -> s.execute(lock)).isInstanceOfSatisfying(SQLException.class,
                    e -> assertThat(e.getSQLState()).isEqualTo("55P03"));
            other.rollback();
        }
    }

    @Test
    void theChecksumDoesNotDependOnTheSessionsOutputSettings() throws Exception {
        snapshot("settings", List.of("orders"));
        TestPostgres.exec(h.database, "ALTER ROLE postgres IN DATABASE " + h.database + " SET TimeZone = 'Asia/Tokyo';"
                + " ALTER ROLE postgres IN DATABASE " + h.database + " SET DateStyle = 'SQL, DMY';"
                + " ALTER ROLE postgres IN DATABASE " + h.database + " SET IntervalStyle = 'iso_8601';"
                + " ALTER ROLE postgres IN DATABASE " + h.database + " SET extra_float_digits = -3;"
                + " ALTER ROLE postgres IN DATABASE " + h.database + " SET bytea_output = 'escape'");
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        try (Database other = Database.open(TestPostgres.jdbcUrl(h.database), props, 4, CheckDefaults.LOCK_TIMEOUT)) {
            // pgjdbc sets TimeZone, DateStyle and extra_float_digits itself when it connects; these two it leaves.
            try (Connection c = other.readConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT current_setting('IntervalStyle'),"
                         + " current_setting('bytea_output')")) {
                rs.next();
                assertThat(rs.getString(1) + " " + rs.getString(2)).as("the new session prints differently")
                        .isEqualTo("iso_8601 escape");
            }
            Snapshots store = name -> Optional.ofNullable(h.snapshots.get(name));
            EvalContext ctx = new EvalContext(other, "public", store, h.workers, 4, new CancelToken(),
                    EvalContext.ExecuteListener.NONE, "restored tests @ " + h.database);
            CheckResult r = CheckEngine.evaluate("step", 0, new CheckSpec.Restored(EngineHarness.meta(), "settings",
                    List.of(), List.of("orders")), ctx).result();
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.PASSED);
        } finally {
            TestPostgres.exec(h.database, "ALTER ROLE postgres IN DATABASE " + h.database + " RESET ALL");
        }
    }

    @Test
    void aRowSecurityPolicyMakesTheChecksumAnErrorInsteadOfSummingFewerRows() throws Exception {
        String reader = h.database + "_reader";
        TestPostgres.exec(h.database, "CREATE ROLE " + reader + " LOGIN;"
                + " CREATE SCHEMA policed; CREATE TABLE policed.orders (id int);"
                + " INSERT INTO policed.orders SELECT generate_series(1, 100);"
                + " ALTER TABLE policed.orders ENABLE ROW LEVEL SECURITY;"
                + " CREATE POLICY some_rows ON policed.orders FOR SELECT USING (id <= 10);"
                + " GRANT USAGE ON SCHEMA policed TO " + reader + "; GRANT SELECT ON policed.orders TO " + reader);
        Properties props = new Properties();
        props.setProperty("user", reader);
        // Not TestPostgres.jdbcUrl: its user parameter would win over the properties' user.
        String url = "jdbc:postgresql://localhost:" + TestPostgres.server().port() + "/" + h.database;
        try (Database asReader = Database.open(url, props, 4, CheckDefaults.LOCK_TIMEOUT)) {
            assertThat(asReader.serverInfo().user()).isEqualTo(reader);
            Snapshots store = name -> Optional.empty();
            EvalContext ctx = new EvalContext(asReader, "public", store, h.workers, 4, new CancelToken(),
                    EvalContext.ExecuteListener.NONE, "restored tests @ " + h.database);
            CheckResult r = CheckEngine.evaluate("step", 0, new CheckSpec.Snapshot(EngineHarness.meta(), "policed",
                    List.of(), false, "policed", List.of(), List.of("orders")), ctx).result();
            assertThat(r.status()).as(r.toString()).isEqualTo(Status.ERROR);
            assertThat(r.sqlState()).isEqualTo("42501");
            assertThat(r.error()).contains("row-level security");
        } finally {
            TestPostgres.exec(h.database, "DROP SCHEMA policed CASCADE; DROP OWNED BY " + reader + ";"
                    + " DROP ROLE " + reader);
        }
    }

    private static void run(String tool, String... args) throws Exception {
        var s = TestPostgres.server();
        List<String> cmd = new java.util.ArrayList<>(List.of(tool, "--no-password", "--host=localhost",
                "--port=" + s.port(), "--username=" + s.user()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(tool + " finished").isTrue();
        assertThat(p.exitValue()).as(tool + ": " + out).isZero();
    }
}
