package dev.runbookpilot.cli;

import static dev.runbookpilot.cli.CliRun.cli;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.check.TargetCopy;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.report.ReportExporter;
import dev.runbookpilot.report.ReportFormat;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.runbookpilot.cli.ChildRun.awaitJournalLine;
import static dev.runbookpilot.cli.ChildRun.onlyJournal;

/**
 * {@code rehearse}: the runbook runs forward on a copy, the original is never written, the copy is gone at the end
 * (also after a kill), and a broken migration is caught before any real window.
 */
class RehearseTest {

    private static final String RUNBOOK = """
            runbook: Add a status column
            target: { environment: production, database: %s }
            phases:
              - name: Before
                steps:
                  - id: before
                    title: Orders are there
                    checks:
                      - query: { sql: "SELECT count(*) FROM orders", expect: "= 500" }
                      - snapshot: { name: before, rowCounts: all, schema: public }
                  - id: announce
                    title: Maintenance announced
                    manual: The maintenance banner is up
                    requireNote: true
              - name: Change
                steps:
                  - id: migrate
                    title: Add and fill status
                    execute: { file: migration.sql, rollback: { file: %s, baseline: before } }
                  - id: after
                    title: Every order has a status
                    checks:
                      - query: { sql: "SELECT count(*) FROM orders WHERE status IS NULL", expect: "= 0" }
              - name: Sign-off
                steps:
                  - id: sign
                    title: Sign-off
                    signoff: { roles: [DBA] }
            """;

    private static String ordersDatabase(String prefix, boolean withNullRegion) throws Exception {
        String db = TestPostgres.freshDatabase(prefix);
        TestPostgres.exec(db, "CREATE TABLE orders (id int PRIMARY KEY, region text);"
                + "INSERT INTO orders SELECT g, CASE WHEN " + withNullRegion + " AND g = 7 THEN NULL ELSE 'eu' END"
                + " FROM generate_series(1, 500) g;");
        return db;
    }

    private static Path runbook(Path dir, String db, String migration) throws Exception {
        return runbook(dir, db, migration, ROLLBACK);
    }

    private static Path runbook(Path dir, String db, String migration, String rollback) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK.formatted(db, "rollback.sql"));
        Files.writeString(rb.resolveSibling("migration.sql"), migration);
        Files.writeString(rb.resolveSibling("rollback.sql"), rollback);
        return rb;
    }

    private static final String ROLLBACK = "ALTER TABLE orders DROP COLUMN status;\n";

    private static final String MIGRATION = "ALTER TABLE orders ADD COLUMN status text;\n"
            + "UPDATE orders SET status = 'open';\n";

    /**
     * What would change if anything wrote to the original database: the rows its queries inserted, updated and
     * deleted (catalog rows too, so DDL counts), its tables' own write counters, and its row count. The cluster's
     * next transaction id would be stricter, but other databases' autovacuum moves it too.
     */
    private static String writeFingerprint(String db) throws Exception {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
            s.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = s.executeQuery("SELECT (SELECT tup_inserted + tup_updated + tup_deleted"
                    + " FROM pg_stat_database WHERE datname = current_database()),"
                    + " (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables),"
                    + " (SELECT count(*) FROM orders)")) {
                rs.next();
                return "database rows written " + rs.getLong(1) + ", table rows written " + rs.getLong(2)
                        + ", orders " + rs.getLong(3);
            }
        }
    }

    private static boolean databaseExists(String name) throws Exception {
        try (Connection c = TestPostgres.connect("postgres");
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }

    @Test
    void aRehearsalRunsForwardOnACopyAndNothingOfTheToolWritesToTheOriginal(@TempDir Path dir) throws Exception {
        String db = ordersDatabase("rehearse_original", false);
        // Autovacuum's ANALYZE of the fresh rows writes pg_statistic (a transaction id) whenever it comes round: do
        // it now, so the only writer that could move the fingerprint during the rehearsal is the tool.
        TestPostgres.exec(db, "ALTER TABLE orders SET (autovacuum_enabled = off); ANALYZE orders");
        Path rb = runbook(dir, db, MIGRATION);
        String schemaBefore = schema(db);
        // Stats of the setup's writes reach the shared counters within moments; wait until they stand still.
        String before = settledFingerprint(db);
        Path sessions = dir.resolve("sessions");

        CliRun run = cli("rehearse", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--session-dir",
                sessions.toString(), "--report", dir.resolve("rehearsal.md").toString());

        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(run.output()).contains("REHEARSAL forward run: PASSED").contains("without approval")
                .contains("REHEARSAL way back: ROLLED BACK").doesNotContain("--confirm-production");
        assertThat(schema(db)).as("the original's schema").isEqualTo(schemaBefore)
                .doesNotContain("status");
        assertThat(settledFingerprint(db)).as("nothing wrote to the original").isEqualTo(before);

        SessionState state = SessionState.replay(Journal.read(onlyJournal(sessions)));
        JournalEvent.RehearsalPlanned planned = state.rehearsal().orElseThrow();
        assertThat(planned.copyServer()).isEqualTo("embedded");
        // On the throw-away server the copy keeps the original's name (checks of current_database() hold), on
        // another cluster: the session's connection was never to the original.
        assertThat(state.started().server().database()).isEqualTo(planned.copyDatabase()).isEqualTo(db);
        assertThat(state.started().server().systemIdentifier()).isNotNull()
                .isNotEqualTo(planned.originalServer().systemIdentifier());
        assertThat(state.started().server().port()).isNotEqualTo(TestPostgres.server().port());
        assertThat(state.result("migrate", 0).orElseThrow().status()).isEqualTo(Status.PASSED);
        assertThat(state.result("rollback:proof", 0).orElseThrow().status()).as("the way back proven on the copy")
                .isEqualTo(Status.PASSED);
        assertThat(state.status("announce", 0, "manual", List.of())).isEqualTo(Status.REHEARSED);
        assertThat(state.confirmation("announce", 0)).as("rehearsed, never confirmed").isEmpty();
        assertThat(state.signatures("sign")).as("nobody signs a rehearsal").isEmpty();
        assertThat(state.events()).anyMatch(e -> e instanceof JournalEvent.RehearsalCopyDropped);
        assertThat(Path.of(planned.copyDataDir())).as("the copy's throw-away server").doesNotExist();
        assertThat(Files.readString(dir.resolve("rehearsal.md")))
                .startsWith("# REHEARSAL ON A COPY — not the real window")
                .contains("| `migrate` Add and fill status |").contains("Planned for the real window")
                .contains("## Sign-off · REHEARSAL").doesNotContain("CONFIRMED");
        Path pdf = dir.resolve("rehearsal.pdf");
        ReportExporter.export(Journal.snapshot(onlyJournal(sessions)), ReportFormat.PDF, pdf, null);
        try (PDDocument doc = Loader.loadPDF(pdf.toFile())) {
            assertThat(doc.getNumberOfPages()).isGreaterThan(1);
            for (int page = 1; page <= doc.getNumberOfPages(); page++) {
                PDFTextStripper text = new PDFTextStripper();
                text.setStartPage(page);
                text.setEndPage(page);
                assertThat(text.getText(doc)).as("page " + page).contains("REHEARSAL ON A COPY");
            }
        }

        // The fingerprint is not blind: one write on the original moves it.
        TestPostgres.exec(db, "CREATE TABLE scratch_note (id int)");
        assertThat(settledFingerprint(db)).as("DDL on the original moves it").isNotEqualTo(before);

        // The real window of the same runbook shows the rehearsal's times beside its own. On production the DBA
        // signs with a key: a typed name is refused there.
        Path key = dir.resolve("id_ed25519");
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "dana@example.org",
                "-f", key.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor()).isZero();
        CliRun real = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--confirm-production", db,
                "--confirm", "announce=banner up", "--sign-key", "DBA=" + key, "--session-dir", sessions.toString(),
                "--report", dir.resolve("real.md").toString());
        assertThat(real.code()).as(real.output()).isEqualTo(ExitCodes.OK);
        assertThat(Files.readString(dir.resolve("real.md"))).startsWith("# Sign-off report")
                .doesNotContain("REHEARSAL ON A COPY").contains("| Step | This window | Last rehearsal | Planned |")
                .containsPattern("\\| `migrate` Add and fill status \\| [^|]+ \\| [0-9][^|]* \\| [0-9][^|]* \\|");
    }

    /** pg_dump 15.14+ writes a random {@code \restrict} key into every dump: not part of the schema. */
    private static String schema(String db) throws Exception {
        return TestPostgres.schemaDump(db, "public").lines().filter(l -> !l.startsWith("\\restrict")
                && !l.startsWith("\\unrestrict")).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static String settledFingerprint(String db) throws Exception {
        String last = writeFingerprint(db);
        for (int i = 0; i < 20; i++) {
            Thread.sleep(500);
            String now = writeFingerprint(db);
            if (now.equals(last)) return now;
            last = now;
        }
        return last;
    }

    /** A migration that meets data it cannot handle fails on the full copy; the original never sees it. */
    @Test
    void aMigrationThatFailsOnTheDataIsCaughtByTheRehearsal(@TempDir Path dir) throws Exception {
        String db = ordersDatabase("rehearse_broken", true);
        Path rb = runbook(dir, db, "ALTER TABLE orders ALTER COLUMN region SET NOT NULL;\n" + MIGRATION);

        CliRun full = cli("rehearse", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--copy-on-target",
                "--session-dir", dir.resolve("s1").toString());
        assertThat(full.code()).as(full.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(full.output()).contains("ERROR").contains("region").contains("contains null values");

        // Schema only, the copy has no rows to trip on: a rehearsal on it passes and cannot vouch for the data.
        CliRun schemaOnly = cli("rehearse", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--copy-on-target",
                "--data", "schema", "--session-dir", dir.resolve("s2").toString());
        assertThat(schemaOnly.code()).as(schemaOnly.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(schemaOnly.output()).as("the copy holds no rows").contains("expected: = 500");

        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders'"
                     + " AND column_name = 'status'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the original has no status column").isZero();
        }
        for (Path sessions : List.of(dir.resolve("s1"), dir.resolve("s2"))) {
            String copy = SessionState.replay(Journal.read(onlyJournal(sessions))).rehearsal().orElseThrow()
                    .copyDatabase();
            assertThat(databaseExists(copy)).as(copy + " dropped").isFalse();
        }
    }

    /** The forward run passes, but its rollback leaves the new column behind: the rehearsal fails, with the diff. */
    @Test
    void aRollbackThatLeavesTheChangeBehindFailsTheRehearsal(@TempDir Path dir) throws Exception {
        String db = ordersDatabase("rehearse_rollback", false);
        Path rb = runbook(dir, db, MIGRATION, "UPDATE orders SET status = NULL;\n");

        CliRun run = cli("rehearse", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--copy-on-target",
                "--session-dir", dir.resolve("sessions").toString());

        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(run.output()).contains("REHEARSAL forward run: PASSED").contains("REHEARSAL way back: ROLLBACK FAILED")
                .contains("status");
    }

    /**
     * The copy is restored without owners and grants, on a server that has none of the original's roles: the role
     * the migration grants to is created there (NOLOGIN), and a rollback that faithfully puts the grant back is not
     * a change the proof counts — on the original the grant was there all along.
     */
    @Test
    void aRollbackThatPutsBackAGrantIsProvenOnACopyServerWithoutTheOriginalsRoles(@TempDir Path dir)
            throws Exception {
        String db = ordersDatabase("rehearse_roles", false);
        TestPostgres.exec(db, "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rp_rehearse_reader')"
                + " THEN CREATE ROLE rp_rehearse_reader NOLOGIN; END IF; END $$;"
                + " GRANT SELECT ON orders TO rp_rehearse_reader");
        Path rb = runbook(dir, db, MIGRATION + "GRANT SELECT ON orders TO rp_rehearse_reader;\n",
                ROLLBACK + "GRANT SELECT ON orders TO rp_rehearse_reader;\n");
        Path sessions = dir.resolve("sessions");

        CliRun run = cli("rehearse", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--session-dir",
                sessions.toString());

        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(run.output()).contains("created role rp_rehearse_reader NOLOGIN on")
                .contains("REHEARSAL way back: ROLLED BACK");
        SessionState state = SessionState.replay(Journal.read(onlyJournal(sessions)));
        assertThat(state.result("rollback:proof", 0).orElseThrow().expected())
                .contains("(owners and privileges not compared)");
    }

    @Test
    void aRehearsalKilledMidRunLeavesACopyThatTheNextStartDrops(@TempDir Path dir) throws Exception {
        String db = ordersDatabase("rehearse_crash", false);
        Path rb = runbook(dir, db, "SELECT pg_sleep(60);\n" + MIGRATION);
        Path sessions = dir.resolve("sessions");
        Process child = ChildRun.start(dir.resolve("child.log"), "rehearse", rb.toString(), "--db",
                TestPostgres.jdbcUrl(db), "--copy-on-target", "--session-dir", sessions.toString());
        Path journal = awaitJournalLine(sessions, "\"event\":\"migrationBegan\"", child);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String copy = SessionState.replay(Journal.read(journal)).rehearsal().orElseThrow().copyDatabase();
        assertThat(copy).startsWith(TargetCopy.PREFIX);
        assertThat(databaseExists(copy)).as("the killed rehearsal's copy is still there").isTrue();

        CliRun resume = cli("resume", journal.toString(), "--session-dir", sessions.toString());
        assertThat(resume.code()).as(resume.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(resume.output()).contains("not resumed");

        CliRun next = cli("rehearse", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--copy-on-target", "--data",
                "schema", "--session-dir", sessions.toString());
        assertThat(next.output()).contains("dropped the copy " + copy);
        assertThat(databaseExists(copy)).as(copy + " after the next start").isFalse();
        assertThat(Journal.read(journal)).as("the drop is journaled in the killed rehearsal's journal")
                .anyMatch(e -> e instanceof JournalEvent.RehearsalCopyDropped);
    }

    /** One session directory for the demo rehearsals: each sample's demo template is built once for the class. */
    @TempDir
    static Path demoSessions;

    /**
     * Every sample rehearses green on a copy of its demo database, manual steps and sign-offs rehearsed —
     * schema-alignment too, whose baseline on the copy holds its varchar CHECK as pg_restore re-parsed it while the
     * rollback recreates it from its source text.
     */
    @ParameterizedTest
    @ValueSource(strings = {"alembic-upgrade", "production-cleanup", "schema-alignment", "schema-fixes-3.7.0",
            "staging-core-schema"})
    void everySampleRehearsesGreenOnItsDemo(String sample) {
        Path rb = TestPostgres.projectDir().resolve("runbooks").resolve(sample).resolve("runbook.yaml");
        CliRun run = cli("rehearse", rb.toString(), "--demo", "--session-dir", demoSessions.toString());
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(run.output()).contains("REHEARSAL forward run: PASSED").contains("was dropped")
                .containsAnyOf("REHEARSAL way back: ROLLED BACK", "is a point of no return");
    }

    /**
     * Each sample test's deliberately broken migration (it runs cleanly, only the sample's own checks can tell) is
     * caught by a rehearsal of the sample's runbook before any real window: the rehearsal is not green, it stops at
     * a check the sample's expected-failures file names, and the sample's demo database it copied is untouched. The
     * demo is started here rather than with {@code --demo} (which discards it at the end), on the class's shared
     * templates, so that it can be compared afterwards.
     */
    @ParameterizedTest
    @ValueSource(strings = {"alembic-upgrade", "production-cleanup", "schema-alignment", "schema-fixes-3.7.0",
            "staging-core-schema"})
    void everySamplesBrokenMigrationIsCaughtByItsRehearsal(String sample, @TempDir Path dir) throws Exception {
        Path source = TestPostgres.projectDir().resolve("runbooks").resolve(sample);
        Path copy = dir.resolve(sample);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path f : files.toList()) {
                Path to = copy.resolve(source.relativize(f).toString());
                if (Files.isDirectory(f)) Files.createDirectories(to);
                else Files.copy(f, to);
            }
        }
        Path broken = TestPostgres.projectDir().resolve("src/test/resources/broken-migrations");
        Files.copy(broken.resolve(sample + ".sql"), copy.resolve("demo").resolve("migration.sql"),
                StandardCopyOption.REPLACE_EXISTING);
        Set<String> expected = Files.readAllLines(broken.resolve(sample + ".expected-failures.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toSet());
        Path file = copy.resolve("runbook.yaml");
        // A backup step writes under the home directory by default: keep it in the test's folder.
        Files.writeString(file, Files.readString(file).replace("~/runbook-pilot-backups", dir.resolve("backups")
                .toString()));
        Runbook runbook = RunbookLoader.load(file);
        String database = DemoDatabase.databaseName(runbook);
        Path sessions = dir.resolve("sessions");

        try (EmbeddedServer demo = DemoDatabase.start(runbook, dir.resolve("demo-original"),
                demoSessions.resolve("demo-templates"))) {
            String before = fullDump(demo, database);

            CliRun run = cli("rehearse", file.toString(), "--db", demo.uri(database), "--session-dir",
                    sessions.toString());

            assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(run.output()).contains("REHEARSAL forward run: stopped (exit " + ExitCodes.CHECK_FAILED + ")")
                    .contains("was dropped");
            SessionState state = SessionState.replay(Journal.read(onlyJournal(sessions)));
            Step migrate = runbook.phases().stream().flatMap(p -> p.steps().stream()).filter(s -> s.checks().stream()
                    .anyMatch(c -> c instanceof CheckSpec.Writer w && w.rollback() != null)).findFirst().orElseThrow();
            int writer = migrate.checks().indexOf(migrate.checks().stream()
                    .filter(c -> c instanceof CheckSpec.Writer).findFirst().orElseThrow());
            assertThat(state.result(migrate.id(), writer).orElseThrow().status())
                    .as("the broken migration itself runs cleanly").isEqualTo(Status.PASSED);
            Map<String, Status> stopped = state.events().stream()
                    .filter(e -> e instanceof JournalEvent.CheckFinished).map(e -> ((JournalEvent.CheckFinished) e)
                            .result()).filter(r -> !r.stepId().startsWith("rollback:")
                            && (r.status() == Status.FAILED || r.status() == Status.ERROR))
                    .collect(Collectors.toMap(CheckResult::key, CheckResult::status, (a, b) -> b, TreeMap::new));
            assertThat(stopped).as(run.output()).isNotEmpty()
                    .allSatisfy((key, status) -> assertThat(status).as(key).isEqualTo(Status.FAILED));
            assertThat(expected).as("the checks the rehearsal stopped at").containsAll(stopped.keySet());
            assertThat(fullDump(demo, database)).as("the original demo database, schema and rows").isEqualTo(before);
        }
    }

    /** Schema and rows of a database on {@code server}, as pg_dump writes them (less its random restrict key). */
    private static String fullDump(EmbeddedServer server, String database) throws Exception {
        Process p = new ProcessBuilder("pg_dump", "--no-password", "--host=localhost", "--port=" + server.port(),
                "--username=" + server.user(), database).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
                .collect(Collectors.joining("\n"));
    }
}
