package dev.runbookpilot.cli;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.runbookpilot.cli.ChildRun.awaitJournalLine;
import static dev.runbookpilot.cli.ChildRun.onlyJournal;

/**
 * Kills a real run with SIGKILL at different moments — inside a check, inside the migration's transaction,
 * between steps — then resumes it, and compares with a run that was never interrupted.
 */
class CrashResumeTest {

    private static final String RUNBOOK = """
            runbook: Crash drill
            target: { environment: development }
            phases:
              - name: Before
                steps:
                  - id: slow-before
                    title: Slow checks before
                    checks:
                      - query: { sql: "SELECT count(*) FROM items, pg_sleep(0.4)", expect: "= 1000" }
                      - query: { sql: "SELECT count(*) FROM items WHERE qty < 0", expect: "= 0" }
                  - id: baseline
                    title: Baseline
                    checks:
                      - snapshot: { name: before, rowCounts: [items] }
                  - id: backup
                    title: Backup taken
                    manual: Take a backup and say where it is
                    requireNote: true
              - name: Execute
                steps:
                  - id: migrate
                    title: Rename items to stock
                    execute: { file: migration.sql, expectNotices: ["moved items"] }
              - name: Verify
                steps:
                  - id: slow-after
                    title: Slow checks after
                    checks:
                      - rowCounts: { compareTo: before, map: { items: stock } }
                      - query: { sql: "SELECT count(*) FROM stock, pg_sleep(0.4)", expect: "= 1000" }
                      - tables: { exist: [stock], absent: [items] }
                  - id: signoff
                    title: Sign-off
                    signoff: { roles: [DBA] }
            """;

    private static final String MIGRATION = """
            ALTER TABLE items RENAME TO stock;
            SELECT pg_sleep(1.5);
            DO $$ BEGIN RAISE NOTICE 'moved items'; END $$;
            """;

    @ParameterizedTest(name = "killed at {0}")
    @ValueSource(strings = {"\"event\":\"checkStarted\",\"stepId\":\"slow-before\"", "\"event\":\"migrationBegan\"",
            "\"event\":\"checkStarted\",\"stepId\":\"slow-after\""})
    void aRunKilledAtAnyMomentResumesToTheSameResultsWithoutDuplicates(String killAt, @TempDir Path dir)
            throws Exception {
        Path runbook = writeRunbook(dir);
        Map<String, Status> reference = uninterruptedRun(runbook, dir.resolve("reference"));

        String db = freshItems("crash");
        Path sessions = dir.resolve("sessions");
        Process child = startChild(runbook, db, sessions, dir.resolve("child.log"));
        Path journal = awaitJournalLine(sessions, killAt, child);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as("killed, not finished").isNotZero();

        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "resume",
                journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes", "--confirm", "backup=s3://b/1",
                "--sign", "DBA=Ada", "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.OK);

        List<JournalEvent> events = Journal.read(journal);
        assertThat(statuses(SessionState.replay(events))).isEqualTo(reference);
        Map<String, Long> finishedPerCheck = events.stream().filter(e -> e instanceof JournalEvent.CheckFinished)
                .map(e -> ((JournalEvent.CheckFinished) e).result().key())
                .collect(Collectors.groupingBy(k -> k, LinkedHashMap::new, Collectors.counting()));
        assertThat(finishedPerCheck.values()).as(finishedPerCheck.toString()).allMatch(n -> n == 1);
        assertThat(count(db, "SELECT count(*) FROM stock")).isEqualTo(1000);
        assertThat(count(db, "SELECT count(*) FROM pg_class WHERE relname = 'items'")).isZero();
    }

    private static Path writeRunbook(Path dir) throws IOException {
        Path rb = dir.resolve("drill").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK);
        Files.writeString(rb.resolveSibling("migration.sql"), MIGRATION);
        return rb;
    }

    private static String freshItems(String prefix) throws Exception {
        String db = TestPostgres.freshDatabase(prefix);
        TestPostgres.exec(db, "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);"
                + "INSERT INTO items SELECT g, g % 7 FROM generate_series(1, 1000) g;");
        return db;
    }

    private static Map<String, Status> uninterruptedRun(Path runbook, Path sessions) throws Exception {
        String db = freshItems("crashref");
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "run", runbook.toString(),
                "--db", TestPostgres.jdbcUrl(db), "--yes", "--confirm", "backup=s3://b/1", "--sign", "DBA=Ada",
                "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.OK);
        return statuses(SessionState.replay(Journal.read(onlyJournal(sessions))));
    }

    private static Map<String, Status> statuses(SessionState state) {
        Map<String, Status> out = new LinkedHashMap<>();
        for (JournalEvent.PhaseOutline p : state.started().outline()) {
            for (JournalEvent.StepOutline s : p.steps()) {
                for (int i = 0; i < s.checks().size(); i++) {
                    JournalEvent.CheckOutline c = s.checks().get(i);
                    out.put(s.id() + "#" + i, state.status(s.id(), i, c.kind(), c.roles()));
                }
            }
        }
        return out;
    }

    private static Process startChild(Path runbook, String db, Path sessions, Path log) throws IOException {
        return ChildRun.start(log, "run", runbook.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--confirm", "backup=s3://b/1", "--sign", "DBA=Ada", "--session-dir", sessions.toString());
    }

    private static long count(String db, String sql) throws Exception {
        try (var c = TestPostgres.connect(db); var s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
