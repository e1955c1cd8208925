package dev.runbookpilot.cli;

import dev.runbookpilot.check.CheckResult;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.runbookpilot.cli.ChildRun.awaitJournalLine;

/**
 * Kills a real run (SIGKILL to its JVM) while its command runs, then resumes: the command is ERROR "interrupted —
 * outcome unknown", is not started again by {@code resume --yes}, and waits for a person's settle decision.
 */
class CommandCrashResumeTest {

    private static final String RUNBOOK = """
            runbook: Command crash drill
            target: { environment: development }
            phases:
              - name: Execute
                steps:
                  - id: migrate
                    title: Run the tool
                    command:
                      run: echo ran >> runs.txt; echo upgrading; sleep 3; echo done
                      expectOutput: [done]
            """;

    @Test
    void aRunKilledWhileItsCommandRunsResumesAsUnknownAndNeverStartsItAgain(@TempDir Path dir) throws Exception {
        Path runbook = dir.resolve("drill").resolve("runbook.yaml");
        Files.createDirectories(runbook.getParent());
        Files.writeString(runbook, RUNBOOK);
        Path runs = runbook.resolveSibling("runs.txt");
        String db = TestPostgres.freshDatabase("cmdcrash");
        Path sessions = dir.resolve("sessions");

        Process child = ChildRun.start(dir.resolve("child.log"), "run", runbook.toString(), "--db",
                TestPostgres.jdbcUrl(db), "--yes", "--session-dir", sessions.toString());
        Path journal = awaitJournalLine(sessions, "\"text\":\"upgrading\"", child);
        child.destroyForcibly();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();

        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "resume", journal.toString(),
                "--db", TestPostgres.jdbcUrl(db), "--yes", "--session-dir", sessions.toString());
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(out.toString()).contains("interrupted — outcome unknown").contains("--settle migrate=");

        SessionState state = SessionState.replay(Journal.read(journal));
        CheckResult r = state.result("migrate", 0).orElseThrow();
        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.actual()).contains("interrupted — outcome unknown");
        // The orphaned shell of the killed run finishes its sleep; nothing started a second one.
        Thread.sleep(3500);
        assertThat(Files.readAllLines(runs)).containsExactly("ran");

        out = new StringWriter();
        code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "resume", journal.toString(),
                "--db", TestPostgres.jdbcUrl(db), "--yes", "--session-dir", sessions.toString(), "--settle",
                "migrate=applied:the tool's log says done");
        assertThat(code).as(out.toString()).isEqualTo(ExitCodes.OK);
        List<JournalEvent> events = Journal.read(journal);
        assertThat(SessionState.replay(events).status("migrate", 0, "command", List.of()))
                .isEqualTo(Status.CONFIRMED);
        assertThat(events.stream().filter(e -> e instanceof JournalEvent.CommandBegan)).hasSize(1);
        assertThat(Files.readAllLines(runs)).containsExactly("ran");
    }
}
