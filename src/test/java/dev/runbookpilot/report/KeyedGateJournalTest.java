package dev.runbookpilot.report;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SignoffKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Gate answers signed with a key: the signature covers the decision and the reason, so a GO edited into a NO-GO is
 * caught; sign-offs keyed before that (whose signed text named no decision) still verify, and such a signature is
 * never accepted for a line that carries a decision.
 */
class KeyedGateJournalTest {
    static final String RUNBOOK = """
            runbook: Keyed gate
            target: { environment: staging, database: DBNAME }
            phases:
              - name: Prepare
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 2" }
                  - id: go
                    title: Go for production?
                    gate: { roles: [DBA, Backend lead], question: "Go for production?" }
              - name: Production
                steps:
                  - id: signoff
                    title: Sign-off
                    signoff: { roles: [DBA] }
            """;

    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static Runbook rb;

    @BeforeAll
    static void database() throws Exception {
        fx = SessionFixture.open("keyedgate", "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);", dir);
        rb = fx.runbook(RUNBOOK.replace("DBNAME", fx.database));
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    @Test
    void aGoSignedWithAKeyVerifiesAndEditingItIntoANoGoIsCaught() throws Exception {
        Path config = dir.resolve("gate-config");
        Path journal;
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            s.runChecks(step(rb, "count"), Session.Scope.ALL);
            s.answerGateWithKey(step(rb, "go"), "DBA", SignoffSignatures.generated(config, "Dana Operator"), true,
                    null);
            s.answerGateWithKey(step(rb, "go"), "Backend lead", SignoffSignatures.generated(config, "Bo Lead"), true,
                    null);
            assertThat(s.closedBy(step(rb, "signoff"))).as("every role said GO with a key").isEmpty();
            s.signWithKey(step(rb, "signoff"), "DBA", SignoffSignatures.generated(config, "Dana Operator"));
            s.finish();
            journal = s.journalFile();
            JournalEvent.Signed go = s.state().signatures("go").get("Backend lead");
            assertThat(go.decision()).isEqualTo(JournalEvent.Signed.GO);
            assertThat(go.keyed()).isTrue();
        }
        ReportSigners.Check good = SignoffSignatures.verifyJournal(journal);
        assertThat(good.valid()).as(good.problems().toString()).isTrue();
        assertThat(good.signers()).extracting(ReportSigners.Signer::role)
                .containsExactly("DBA (GO at the gate 'go')", "Backend lead (GO at the gate 'go')", "DBA");
        assertThat(good.signed()).containsExactly("DBA (gate 'go')", "Backend lead (gate 'go')", "DBA");
        assertThat(good.unsigned()).isEmpty();

        // The backend lead's GO rewritten as a NO-GO with a reason: the line's own signature no longer verifies,
        // and the DBA's later sign-off, which signed the journal holding the GO, notices too.
        List<String> lines = Files.readAllLines(journal);
        int bo = indexOf(lines, "\"role\":\"Backend lead\"");
        String line = lines.get(bo);
        assertThat(line).contains("\"decision\":\"GO\",\"reason\":null");
        List<String> edited = new ArrayList<>(lines);
        edited.set(bo, line.replace("\"decision\":\"GO\",\"reason\":null",
                "\"decision\":\"NO-GO\",\"reason\":\"checkout errors\""));
        Path forged = dir.resolve("gate-forged.jsonl");
        Files.write(forged, edited);
        ReportSigners.Check caught = SignoffSignatures.verifyJournal(forged);
        assertThat(caught.problems()).anySatisfy(p -> assertThat(p)
                .contains("the NO-GO at the gate 'go' of Backend lead by Bo Lead does not verify"));
        assertThat(caught.problems()).anySatisfy(p -> assertThat(p)
                .contains("the sign-off of DBA by Dana Operator was made over a different journal"));

        // Only the reason changed, on the last line nothing later covers: the signature covers the reason too.
        Files.write(forged, lines.subList(0, bo + 1));
        assertThat(SignoffSignatures.verifyJournal(forged).valid()).isTrue();
        List<String> reasoned = new ArrayList<>(lines.subList(0, bo + 1));
        reasoned.set(bo, line.replace("\"reason\":null", "\"reason\":\"after the freeze\""));
        Files.write(forged, reasoned);
        assertThat(SignoffSignatures.verifyJournal(forged).problems()).singleElement().asString()
                .contains("the GO at the gate 'go' of Backend lead by Bo Lead does not verify");
    }

    @Test
    void aNoGoSignedWithAKeyEndsTheWindowAndItsReasonIsSigned() throws Exception {
        Path config = dir.resolve("nogo-config");
        Path journal;
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            s.runChecks(step(rb, "count"), Session.Scope.ALL);
            s.answerGateWithKey(step(rb, "go"), "DBA", SignoffSignatures.generated(config, "Dana Operator"), false,
                    "replica lag 40 s");
            assertThat(s.state().abort()).isPresent();
            assertThat(s.outcome().verdict()).hasToString("ABORTED");
            journal = s.journalFile();
        }
        assertThat(SignoffSignatures.verifyJournal(journal).problems()).as("only Backend lead did not answer")
                .isEmpty();
        List<String> lines = Files.readAllLines(journal);
        int dba = indexOf(lines, "\"decision\":\"NO-GO\"");
        lines.set(dba, lines.get(dba).replace("replica lag 40 s", "replica lag 4 s"));
        Path forged = dir.resolve("nogo-forged.jsonl");
        Files.write(forged, lines);
        assertThat(SignoffSignatures.verifyJournal(forged).problems()).anySatisfy(p -> assertThat(p)
                .contains("the NO-GO at the gate 'go' of DBA by Dana Operator does not verify"));
    }

    @Test
    void theKeyGeneratedForAPersonIsOwnerOnlyAndSignsTheirNextSignOffToo() throws Exception {
        Path config = dir.resolve("reuse-config");
        String first;
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            SignoffKey dana = SignoffSignatures.generated(config, "Dana Operator");
            s.answerGateWithKey(step(rb, "go"), "DBA", dana, true, null);
            first = s.state().signatures("go").get("DBA").fingerprint();
        }
        Path file = SignoffSignatures.generatedFile(config, "Dana Operator");
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            // A new key object, as the next sign-off makes one: it reads the file made the first time.
            s.answerGateWithKey(step(rb, "go"), "DBA", SignoffSignatures.generated(config, " Dana Operator "), true,
                    null);
            assertThat(s.state().signatures("go").get("DBA").fingerprint()).isEqualTo(first);
        }
        try (var files = Files.list(config)) {
            assertThat(files.toList()).as("one key and its .pub, made once")
                    .containsExactlyInAnyOrder(file, file.resolveSibling(file.getFileName() + ".pub"));
        }
    }

    @Test
    void aSignOffKeyedBeforeGatesCouldBeStillVerifiesButItsSignatureNeverCoversADecision() throws Exception {
        Path config = dir.resolve("v1-config");
        SignoffKey dana = SignoffSignatures.generated(config, "Dana Operator");
        Path journal;
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            s.runChecks(step(rb, "count"), Session.Scope.ALL);
            s.answerGate(step(rb, "go"), "DBA", "Dana Operator", true, null);
            s.answerGate(step(rb, "go"), "Backend lead", "Bo Lead", true, null);
            journal = s.journalFile();
        }
        // A sign-off line as the previous version wrote it: v1 text, no decision, no reason.
        byte[] before = Files.readAllBytes(journal);
        String prefix = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(before));
        String sessionId = ((JournalEvent.Started) Journal.read(journal).get(0)).sessionId();
        java.time.Instant at = java.time.Instant.parse("2026-12-05T03:00:00Z");
        String text = JournalEvent.Signed.signedTextV1(sessionId, "signoff", "DBA", "Dana Operator", at, prefix);
        JournalEvent.Signed v1 = new JournalEvent.Signed("signoff", "DBA", "Dana Operator", at, null, null,
                dana.fingerprint(), dana.publicKey(), prefix, dana.sign(text.getBytes(StandardCharsets.UTF_8)));
        String v1Line = Journal.JSON.writeValueAsString(v1);
        Path old = dir.resolve("v1.jsonl");
        Files.write(old, (new String(before, StandardCharsets.UTF_8) + v1Line + "\n").getBytes(StandardCharsets.UTF_8));
        ReportSigners.Check ok = SignoffSignatures.verifyJournal(old);
        assertThat(ok.problems()).as("only the typed gate answers are problems").hasSize(2)
                .allSatisfy(p -> assertThat(p).contains("is a typed name, not signed with a key"));
        assertThat(ok.signed()).containsExactly("DBA");

        // The same v1 signature on a line that now carries a GO: nothing signed that decision.
        String withDecision = v1Line.replace("\"decision\":null", "\"decision\":\"GO\"");
        assertThat(withDecision).isNotEqualTo(v1Line);
        Files.write(old, (new String(before, StandardCharsets.UTF_8) + withDecision + "\n")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(SignoffSignatures.verifyJournal(old).problems()).anySatisfy(p -> assertThat(p)
                .contains("carries a gate decision (GO) that its key signature does not cover"));
        assertThat(SignoffSignatures.verifyJournal(old).signed()).doesNotContain("DBA");
    }

    private static int indexOf(List<String> lines, String what) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(what)) return i;
        throw new AssertionError("no journal line holds " + what);
    }
}
