package dev.runbookpilot.cli;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.runbookpilot.cli.ChildRun.awaitJournalLine;

/**
 * A real run killed with SIGKILL once its backup has begun (pg_dump writing, or the restore drill running): the
 * resume leaves no partial dump and no scratch database, and the backup that then runs is a whole one.
 */
class BackupCrashTest {

    private static final String RUNBOOK = """
            runbook: Backup crash drill
            target: { environment: development }
            phases:
              - name: Before
                steps:
                  - id: backup
                    title: Backup taken and proven
                    backup: { dir: dumps, verify: restore, scratch: target }
            """;

    @Test
    void aRunKilledDuringItsBackupResumesWithoutAPartialDumpOrAScratchDatabase(@TempDir Path dir)
            throws Exception {
        String db = TestPostgres.freshDatabase("backup_crash");
        TestPostgres.exec(db, "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);"
                + "INSERT INTO items SELECT g, g % 7 FROM generate_series(1, 200000) g;");
        Path runbook = dir.resolve("drill").resolve("runbook.yaml");
        Files.createDirectories(runbook.getParent());
        Files.writeString(runbook, RUNBOOK);
        Path sessions = dir.resolve("sessions");
        Path dumps = runbook.resolveSibling("dumps");

        Process child = ChildRun.start(dir.resolve("child.log"), "run", runbook.toString(), "--db",
                TestPostgres.jdbcUrl(db), "--session-dir", sessions.toString());
        Path journal = awaitJournalLine(sessions, "\"event\":\"backupBegan\"", child);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        String scratch = Journal.read(journal).stream().filter(e -> e instanceof JournalEvent.BackupBegan)
                .map(e -> ((JournalEvent.BackupBegan) e).scratchDatabase()).findFirst().orElseThrow();

        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "resume",
                journal.toString(), "--db", TestPostgres.jdbcUrl(db), "--session-dir", sessions.toString());

        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.OK);
        List<JournalEvent> events = Journal.read(journal);
        assertThat(events).as("the killed backup was cleaned up by the resume").anyMatch(e ->
                e instanceof JournalEvent.BackupCleaned c && c.note().endsWith("removed on resume"));
        SessionState state = SessionState.replay(events);
        assertThat(state.result("backup", 0).orElseThrow().status()).isEqualTo(Status.PASSED);
        try (Stream<Path> files = Files.list(dumps)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList())
                    .as("one whole dump, no partial one").singleElement()
                    .satisfies(name -> assertThat(name).endsWith(".dump").doesNotStartWith("."));
        }
        try (var c = TestPostgres.connect("postgres"); var s = c.prepareStatement(
                "SELECT count(*) FROM pg_database WHERE datname = ?")) {
            s.setString(1, scratch);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("scratch database " + scratch).isZero();
            }
        }
    }
}
