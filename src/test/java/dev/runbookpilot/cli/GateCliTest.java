package dev.runbookpilot.cli;

import static dev.runbookpilot.cli.CliRun.cli;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void onProductionATypedGateAnswerOrSignOffIsRefusedAndNothingIsJournaledForIt(@TempDir Path dir) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, """
                runbook: Production gate
                target: { environment: production }
                phases:
                  - name: Prepare
                    steps:
                      - id: go
                        title: Go?
                        gate: { roles: [DBA], question: "Go?" }
                  - name: Close
                    steps:
                      - id: signoff
                        title: Sign-off
                        signoff: { roles: [Backend lead] }
                """);
        Path key = dir.resolve("id_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ada@example.org", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        String db = TestPostgres.jdbcUrl(TestPostgres.freshDatabase("gatecli"));

        Path typed = dir.resolve("typed");
        CliRun gate = cli("run", rb.toString(), "--db", db, "--session-dir", typed.toString(), "--gate", "DBA=go");
        assertThat(gate.code()).as(gate.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(gate.output()).contains("--gate DBA: a production window is signed with a key, not a typed name:"
                + " add --sign-key \"DBA=FILE\"");
        assertThat(onlyJournalText(typed)).doesNotContain("\"event\":\"signed\"");

        Path keyed = dir.resolve("keyed");
        CliRun signoff = cli("run", rb.toString(), "--db", db, "--session-dir", keyed.toString(), "--gate", "DBA=go",
                "--sign-key", "DBA=" + key, "--sign", "Backend lead=Grace Hopper");
        assertThat(signoff.code()).as(signoff.output()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(signoff.output()).contains("GO        DBA (signed by ada@example.org with key SHA256:")
                .contains("PENDING   sign-off by Backend lead: a production window is signed with a key, not a typed"
                        + " name: sign with --sign-key \"Backend lead=FILE\"");
        assertThat(onlyJournalText(keyed)).contains("\"role\":\"DBA\"").doesNotContain("\"role\":\"Backend lead\"");

        // Each journal line carries its own public key: only a list of registered keys says whose it is.
        String journal = journalIn(keyed);
        java.util.regex.Matcher fp = java.util.regex.Pattern.compile("with key (SHA256:\\S+)\\)")
                .matcher(signoff.output());
        assertThat(fp.find()).as(signoff.output()).isTrue();
        CliRun unlisted = cli("verify", journal);
        assertThat(unlisted.code()).as(unlisted.output()).isEqualTo(ExitCodes.OK);
        assertThat(unlisted.output()).contains("Signers NOT checked against a trust list");
        CliRun registered = cli("verify", journal, "--signer-fingerprint", fp.group(1));
        assertThat(registered.code()).as(registered.output()).isEqualTo(ExitCodes.OK);
        assertThat(registered.output()).contains(", trusted").doesNotContain("NOT checked");
        CliRun stranger = cli("verify", journal, "--signer-fingerprint", "SHA256:someoneElse");
        assertThat(stranger.code()).as(stranger.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(stranger.output()).contains("INVALID: Unknown signer: ada@example.org as DBA (GO at the gate 'go'), key " + fp.group(1));
    }

    private static String onlyJournalText(Path sessions) throws Exception {
        return Files.readString(Path.of(journalIn(sessions)));
    }

    private static String journalIn(Path sessions) throws Exception {
        try (Stream<Path> files = Files.list(sessions)) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow().toString();
        }
    }

    @Test
    void keepGoingAfterAFailureRunsNothingBehindAnUnansweredGate(@TempDir Path dir) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        // The first step now fails: with --keep-going the later read checks would run, but not behind the gate.
        Files.writeString(rb, RUNBOOK.replaceFirst("expect: \"= 1\"", "expect: \"= 2\""));
        String db = TestPostgres.jdbcUrl(TestPostgres.freshDatabase("gatecli"));
        CliRun run = cli("run", rb.toString(), "--db", db, "--session-dir", dir.resolve("s").toString(), "--keep-going");
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

        CliRun first = cli("run", rb.toString(), "--db", db, "--session-dir", sessions.toString(), "--gate", "DBA=go");
        assertThat(first.code()).as(first.output()).isEqualTo(ExitCodes.GATE_OPEN);
        assertThat(first.output()).contains("GO        DBA").contains("waiting for Backend lead")
                .contains("--gate \"Backend lead=go\"").doesNotContain("After the gate");
        String session;
        try (Stream<Path> files = Files.list(sessions)) {
            session = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow().toString();
        }

        CliRun bad = cli("resume", session, "--db", db, "--session-dir", sessions.toString(), "--gate",
                "Backend lead=no-go");
        assertThat(bad.code()).as(bad.output()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.output()).contains("no-go with its reason");

        CliRun noGo = cli("resume", session, "--db", db, "--session-dir", sessions.toString(), "--gate",
                "Backend lead=no-go:checkout errors at 4 %");
        assertThat(noGo.code()).as(noGo.output()).isEqualTo(ExitCodes.ABORTED);
        assertThat(noGo.output()).contains("ABORTED").contains("checkout errors at 4 %")
                .contains("Verdict: ABORTED").doesNotContain("After the gate");

        CliRun again = cli("resume", session, "--db", db, "--session-dir", sessions.toString(), "--gate", "DBA=go");
        assertThat(again.code()).as("the NO-GO stands after a resume").isEqualTo(ExitCodes.ABORTED);
    }

    @Test
    void aGateAnsweredWithTheRolesSignKeyIsSignedAndAnEditedDecisionFailsVerify(@TempDir Path dir) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK);
        Path key = dir.resolve("id_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ada@example.org", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        String db = TestPostgres.jdbcUrl(TestPostgres.freshDatabase("gatecli"));
        Path sessions = dir.resolve("s");

        CliRun run = cli("run", rb.toString(), "--db", db, "--session-dir", sessions.toString(), "--gate", "DBA=go",
                "--sign-key", "DBA=" + key, "--gate", "Backend lead=go", "--operator", "Grace Hopper");
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(run.output()).contains("GO        DBA (signed by ada@example.org with key SHA256:")
                .contains("GO        Backend lead (answered by Grace Hopper, unsigned (typed name))");
        String session = journalIn(sessions);
        CliRun verify = cli("verify", session);
        assertThat(verify.code()).as("the backend lead's answer is typed").isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(verify.output()).doesNotContain("of DBA by ada@example.org")
                .contains("the GO at the gate 'go' of Backend lead by Grace Hopper is a typed name")
                .contains("Sign-off 1: ada@example.org as DBA (GO at the gate 'go'), key SHA256:");

        List<String> lines = Files.readAllLines(Path.of(session));
        int dba = -1;
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains("\"signature\":\"-----BEGIN")) dba = i;
        lines.set(dba, lines.get(dba).replace("\"decision\":\"GO\",\"reason\":null",
                "\"decision\":\"NO-GO\",\"reason\":\"not ready\""));
        Files.write(Path.of(session), lines);
        CliRun edited = cli("verify", session);
        assertThat(edited.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(edited.output()).contains("the NO-GO at the gate 'go' of DBA by ada@example.org does not verify");
    }
}
