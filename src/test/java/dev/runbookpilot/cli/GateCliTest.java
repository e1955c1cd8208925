package dev.runbookpilot.cli;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Headless gates: a run stops at an unanswered gate (exit 7); --gate answers it; a NO-GO ends ABORTED (exit 8). */
class GateCliTest {
    private static final String RUNBOOK = """
            runbook: Gate headless
            target: { environment: development }
            phases:
              - name: Prepare
                steps:
                  - id: ready
                    title: Ready
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
                  - id: go
                    title: Go for production?
                    gate: { roles: [DBA, Backend lead], question: "Go for production?" }
              - name: Production
                steps:
                  - id: after
                    title: After the gate
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
            """;

    record Run(int code, String output) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
        return new Run(code, out.toString());
    }

    @Test
    void keepGoingAfterAFailureRunsNothingBehindAnUnansweredGate(@TempDir Path dir) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        // The first step now fails: with --keep-going the later read checks would run, but not behind the gate.
        Files.writeString(rb, RUNBOOK.replaceFirst("expect: \"= 1\"", "expect: \"= 2\""));
        String db = TestPostgres.jdbcUrl(TestPostgres.freshDatabase("gatecli"));
        Run run = cli("run", rb.toString(), "--db", db, "--session-dir", dir.resolve("s").toString(), "--keep-going");
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(run.output()).contains("NOT RUN   'After the gate' is in a phase the gate");
    }

    @Test
    void aRunStopsAtTheGateAndOneNoGoOnResumeEndsItAborted(@TempDir Path dir) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK);
        String db = TestPostgres.jdbcUrl(TestPostgres.freshDatabase("gatecli"));
        Path sessions = dir.resolve("s");

        Run first = cli("run", rb.toString(), "--db", db, "--session-dir", sessions.toString(), "--gate", "DBA=go");
        assertThat(first.code()).as(first.output()).isEqualTo(ExitCodes.GATE_OPEN);
        assertThat(first.output()).contains("GO        DBA").contains("waiting for Backend lead")
                .contains("--gate \"Backend lead=go\"").doesNotContain("After the gate");
        String session;
        try (Stream<Path> files = Files.list(sessions)) {
            session = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow().toString();
        }

        Run bad = cli("resume", session, "--db", db, "--session-dir", sessions.toString(), "--gate",
                "Backend lead=no-go");
        assertThat(bad.code()).as(bad.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.output()).contains("no-go with its reason");

        Run noGo = cli("resume", session, "--db", db, "--session-dir", sessions.toString(), "--gate",
                "Backend lead=no-go:checkout errors at 4 %");
        assertThat(noGo.code()).as(noGo.output()).isEqualTo(ExitCodes.ABORTED);
        assertThat(noGo.output()).contains("ABORTED").contains("checkout errors at 4 %")
                .contains("Verdict: ABORTED").doesNotContain("After the gate");

        Run again = cli("resume", session, "--db", db, "--session-dir", sessions.toString(), "--gate", "DBA=go");
        assertThat(again.code()).as("the NO-GO stands after a resume").isEqualTo(ExitCodes.ABORTED);
    }
}
