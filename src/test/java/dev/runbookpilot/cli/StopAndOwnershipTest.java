package dev.runbookpilot.cli;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.runbookpilot.cli.ChildRun.onlyJournal;

/**
 * Real processes: a second opener of a session is refused and told which process holds it; SIGTERM (what Ctrl-C
 * and a service manager send) of a run cancels its statement on the server before the process exits, and the
 * journal says so. And the command line settles a migration whose outcome is unknown.
 */
class StopAndOwnershipTest {

    private static final String RUNBOOK = """
            runbook: Stop drill
            target: { environment: development }
            phases:
              - name: All
                steps:
                  - id: %s
                    title: A long statement
                    %s
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"migration", "check"})
    void sigtermCancelsTheRunningStatementOnTheServerAndJournalsIt(String kind) throws Exception {
        boolean migration = kind.equals("migration");
        Path runbook = write(migration ? "migrate" : "look", migration
                ? "execute: { file: migration.sql, transaction: false }"
                : "checks:\n                      - query: { sql: \"SELECT 1 FROM pg_sleep(600)\", expect: \"= 1\","
                + " timeout: 20m }");
        String db = TestPostgres.freshDatabase("stop");
        Path sessions = dir.resolve("sessions");
        Process child = startChild(runbook, db, sessions);
        try {
            awaitStatement(db, child);
            Path journal = onlyJournal(sessions);

            // A second opener, as another terminal would be: refused, and told who holds the session.
            StringWriter out = new StringWriter();
            int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "resume",
                    journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes", "--session-dir",
                    sessions.toString());
            assertThat(code).isEqualTo(ExitCodes.USAGE);
            assertThat(out.toString()).contains("open in another process").contains("pid " + child.pid());

            child.destroy();
            assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("the child exits").isTrue();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (activeSleeps(db) > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertThat(activeSleeps(db)).as("nothing of the stopped run still runs on the server").isZero();

            List<JournalEvent> events = Journal.read(journal);
            String key = (migration ? "migrate" : "look") + "#0";
            assertThat(events).filteredOn(e -> e instanceof JournalEvent.CheckFinished).singleElement()
                    .extracting(e -> ((JournalEvent.CheckFinished) e).result()).satisfies(r -> {
                        assertThat(r.status()).isEqualTo(Status.ERROR);
                        assertThat(r.actual()).contains("cancelled: the process was stopped");
                    });
            assertThat(events).last().isInstanceOfSatisfying(JournalEvent.Stopped.class,
                    st -> assertThat(st.cancelled()).containsExactly(key));
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void theCommandLineNeverRunsAnUnsettledMigrationAgainAndSettlesItWithANote() throws Exception {
        Path runbook = write("migrate", "execute: { file: migration.sql, transaction: false,"
                + " expectNotices: [\"backfill done\"] }");
        Files.writeString(runbook.resolveSibling("migration.sql"), "INSERT INTO log VALUES (1);\n"
                + "INSERT INTO log VALUES (2);\n");
        String db = TestPostgres.freshDatabase("settle");
        TestPostgres.exec(db, "CREATE TABLE log (n int)");
        Path sessions = dir.resolve("sessions");

        StringWriter first = new StringWriter();
        int code = cli(first, "run", runbook.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--session-dir", sessions.toString());
        assertThat(code).as(first.toString()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(first.toString()).contains("UNSETTLED").contains("all 2 statements ran and committed")
                .contains("--settle migrate=applied|not-applied|run-again");
        Path journal = onlyJournal(sessions);

        StringWriter again = new StringWriter();
        assertThat(cli(again, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--session-dir", sessions.toString())).as(again.toString()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(count(db)).as("resume --yes did not run the INSERTs again").isEqualTo(2);

        StringWriter settled = new StringWriter();
        assertThat(cli(settled, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--settle", "migrate=applied:both rows present", "--session-dir", sessions.toString()))
                .as(settled.toString()).isEqualTo(ExitCodes.OK);
        assertThat(settled.toString()).contains("SETTLED   applied by");
        assertThat(count(db)).isEqualTo(2);

        StringWriter later = new StringWriter();
        assertThat(cli(later, "resume", journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--session-dir", sessions.toString())).isEqualTo(ExitCodes.OK);
        assertThat(later.toString()).contains("applied").contains("settled as applied: both rows present");
        assertThat(count(db)).isEqualTo(2);

        StringWriter report = new StringWriter();
        Path md = dir.resolve("report.md");
        assertThat(cli(report, "report", journal.toString(), "--format", "md", "--out", md.toString()))
                .as(report.toString()).isZero();
        assertThat(Files.readString(md)).contains("settled as applied by").contains("both rows present");
    }

    private static int cli(StringWriter out, String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
    }

    private Path write(String stepId, String body) throws IOException {
        Path rb = dir.resolve("drill").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK.formatted(stepId, body));
        Files.writeString(rb.resolveSibling("migration.sql"), "SELECT pg_sleep(600);\n");
        return rb;
    }

    private static Process startChild(Path runbook, String db, Path sessions) throws IOException {
        return ChildRun.start(sessions.resolveSibling("child.log"), "run", runbook.toString(), "--db",
                TestPostgres.jdbcUrl(db), "--yes", "--session-dir", sessions.toString());
    }

    private static void awaitStatement(String db, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (activeSleeps(db) > 0) return;
            assertThat(child.isAlive()).as("the run ended before its statement ran").isTrue();
            Thread.sleep(20);
        }
        throw new AssertionError("the statement never ran");
    }

    private static long activeSleeps(String db) throws Exception {
        return count(db, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                + " AND query LIKE '%pg_sleep(600)%' AND pid <> pg_backend_pid()");
    }

    private static long count(String db) throws Exception {
        return count(db, "SELECT count(*) FROM log");
    }

    private static long count(String db, String sql) throws Exception {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
