package dev.runbookpilot.cli;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Rollbacks;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.runbookpilot.cli.ChildRun.awaitJournalLine;
import static dev.runbookpilot.cli.ChildRun.onlyJournal;

/**
 * {@code --roll-back-on-failure} from the attacker's side: production needs the typed database name for the
 * rollback as for the migration; a run killed mid-rollback resumes to a rollback that ran once and is settled
 * exactly as a migration would be; the report says ROLLED BACK.
 */
class RollbackCliTest {

    private static final String RUNBOOK = """
            runbook: Rollback CLI drill
            target: { environment: %s }
            phases:
              - name: Before
                steps:
                  - id: baseline
                    title: Baseline
                    checks:
                      - snapshot: { name: before, rowCounts: [items] }
              - name: Execute
                steps:
                  - id: add-column
                    title: Add a note column
                    execute: { file: add.sql, rollback: { file: drop.sql, transaction: %s } }
              - name: Verify
                steps:
                  - id: after
                    title: Notes were filled
                    checks:
                      - query: { sql: "SELECT count(*) FROM items WHERE note IS NOT NULL", expect: "= 5" }
            """;

    private static final String ROLLBACK_KEY = Rollbacks.stepId("add-column", 0) + "#0";

    private static Path writeRunbook(Path dir, String environment, boolean transaction) throws IOException {
        Path rb = dir.resolve("drill").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK.formatted(environment, transaction));
        Files.writeString(rb.resolveSibling("add.sql"), "ALTER TABLE items ADD COLUMN note text;\n");
        Files.writeString(rb.resolveSibling("drop.sql"), "ALTER TABLE items DROP COLUMN note;\nSELECT pg_sleep(1.5);\n");
        return rb;
    }

    private static String freshItems(String prefix) throws Exception {
        String db = TestPostgres.freshDatabase(prefix);
        TestPostgres.exec(db, "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);"
                + "INSERT INTO items SELECT g, g % 7 FROM generate_series(1, 100) g;");
        return db;
    }

    private static int cli(StringWriter out, String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
    }

    @Test
    void onProductionTheRollbackWaitsForTheTypedDatabaseNameThenEndsRolledBackInTheReport(@TempDir Path dir)
            throws Exception {
        Path runbook = writeRunbook(dir, "production", true);
        String db = freshItems("rb_prod");
        Path sessions = dir.resolve("sessions");
        StringWriter out = new StringWriter();
        int code = cli(out, "run", runbook.toString(), "--db", TestPostgres.jdbcUrl(db), "--confirm-production", db,
                "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.CHECK_FAILED);
        Path journal = onlyJournal(sessions);

        // --yes is not enough on production: the rollback writes to it as the migration did.
        out = new StringWriter();
        code = cli(out, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--roll-back-on-failure", "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(out.toString()).contains("confirm with --confirm-production " + db);
        assertThat(noteColumns(db)).as("nothing was rolled back").isEqualTo(1);
        assertThat(began(journal)).isZero();

        out = new StringWriter();
        Path report = dir.resolve("report.md");
        code = cli(out, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--confirm-production", db,
                "--session-dir", sessions.toString(), "--report", report.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.ROLLED_BACK);
        assertThat(noteColumns(db)).isZero();
        assertThat(out.toString()).contains("Verdict: ROLLED BACK");
        assertThat(Files.readString(report)).contains("ROLLED BACK").contains("Rollback")
                .contains("drop.sql");
    }

    @Test
    void aRunKilledInsideATransactionalRollbackResumesToOneRollbackAndAProof(@TempDir Path dir) throws Exception {
        Path runbook = writeRunbook(dir, "development", true);
        String db = freshItems("rb_crash_tx");
        Path sessions = dir.resolve("sessions");
        Process child = startChild(runbook, db, sessions, dir.resolve("child.log"));
        Path journal = awaitJournalLine(sessions, "\"event\":\"migrationBegan\",\"stepId\":\"rollback:", child);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        StringWriter out = new StringWriter();
        int code = cli(out, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.ROLLED_BACK);
        List<JournalEvent> events = Journal.read(journal);
        assertThat(events).filteredOn(e -> e instanceof JournalEvent.MigrationResolved r
                && r.stepId().equals(Rollbacks.stepId("add-column", 0))).singleElement()
                .satisfies(e -> assertThat(((JournalEvent.MigrationResolved) e).cleared()).isTrue());
        assertThat(results(events, ROLLBACK_KEY)).extracting(CheckResult::status).containsExactly(Status.PASSED);
        assertThat(noteColumns(db)).isZero();
        assertThat(dev.runbookpilot.session.Outcome.of(SessionState.replay(events)).verdict())
                .isEqualTo(dev.runbookpilot.session.Outcome.Verdict.ROLLED_BACK);
    }

    @Test
    void aRunKilledInsideARollbackWithoutATransactionIsNeverRunAgainBeforeItIsSettled(@TempDir Path dir)
            throws Exception {
        Path runbook = writeRunbook(dir, "development", false);
        String db = freshItems("rb_crash_notx");
        Path sessions = dir.resolve("sessions");
        Process child = startChild(runbook, db, sessions, dir.resolve("child.log"));
        Path journal = awaitJournalLine(sessions, "\"stepId\":\"rollback:add-column#0\",\"index\":0,\"number\":2",
                child);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        StringWriter out = new StringWriter();
        int code = cli(out, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(out.toString()).contains("UNSETTLED").contains("--settle rollback:add-column#0=");
        assertThat(began(journal)).as("the rollback did not run again").isEqualTo(1);

        out = new StringWriter();
        code = cli(out, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--settle", "rollback:add-column#0=applied:the note column is gone",
                "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.ROLLED_BACK);
        assertThat(began(journal)).isEqualTo(1);
        assertThat(noteColumns(db)).isZero();
    }

    private static List<CheckResult> results(List<JournalEvent> events, String key) {
        return events.stream().filter(e -> e instanceof JournalEvent.CheckFinished f && f.result().key().equals(key))
                .map(e -> ((JournalEvent.CheckFinished) e).result()).toList();
    }

    private static long began(Path journal) throws IOException {
        return Journal.read(journal).stream().filter(e -> e instanceof JournalEvent.MigrationBegan m
                && Rollbacks.isRollback(m.stepId())).count();
    }

    private static long noteColumns(String db) throws Exception {
        try (var c = TestPostgres.connect(db); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_attribute WHERE attrelid = 'items'::regclass"
                     + " AND attname = 'note' AND NOT attisdropped")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Process startChild(Path runbook, String db, Path sessions, Path log) throws IOException {
        return ChildRun.start(log, "run", runbook.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--roll-back-on-failure", "--session-dir", sessions.toString());
    }
}
