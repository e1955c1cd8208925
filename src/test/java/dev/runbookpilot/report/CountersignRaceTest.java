package dev.runbookpilot.report;

import dev.runbookpilot.cli.ExitCodes;
import dev.runbookpilot.cli.Main;
import dev.runbookpilot.io.ReplaceLock;
import dev.runbookpilot.report.sign.PadesSigner;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two countersigns of one report at the same moment: both signatures end up in the file, or one is refused with its
 * message and exit code, never one silently dropped by the other's write.
 */
class CountersignRaceTest {
    private static final String RUNBOOK = """
            runbook: Raced sign-off
            target: { environment: staging, database: DBNAME }
            phases:
              - name: Only
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 2" }
                  - id: signoff
                    title: Sign-off
                    signoff: { roles: [DBA, Backend lead, DevOps] }
            """;

    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static byte[] exported;
    private static Journal.Snapshot journal;

    @BeforeAll
    static void exportASignedReport() throws Exception {
        fx = SessionFixture.open("countersign_race", "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);", dir);
        Runbook rb = fx.runbook(RUNBOOK.replace("DBNAME", fx.database));
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            s.runChecks(step(rb, "count"), Session.Scope.ALL);
            s.finish();
            journal = Journal.snapshot(s.journalFile());
        }
        Path pdf = dir.resolve("exported.pdf");
        ReportExporter.export(journal, ReportFormat.PDF, pdf,
                SigningIdentity.generated(dir.resolve("dana-config"), ReportFormat.PDF, "Dana Operator"));
        exported = Files.readAllBytes(pdf);
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    @Test
    void aCountersignWhoseReportChangedWhileItSignedIsRefusedAndTheOtherSignatureStays() throws Exception {
        Path pdf = dir.resolve("changed.pdf");
        Files.write(pdf, exported);
        SigningIdentity devi = SigningIdentity.generated(dir.resolve("devi-config"), ReportFormat.PDF, "Devi Ops");
        byte[] boSigned;
        CompletableFuture<ReportSigners.Check> deviSigns;
        // Holding the lock, as another countersign about to write does: Devi's has read and signed and now waits.
        try (ReplaceLock other = ReplaceLock.acquire(pdf, Duration.ofSeconds(5))) {
            deviSigns = CompletableFuture.supplyAsync(() -> {
                try {
                    return ReportSigners.countersignPdf(pdf, devi, "DevOps");
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            awaitWaitingOnTheLock();
            boSigned = PadesSigner.countersign(exported, PdfIdentity.selfSigned("Bo Lead"), "Backend lead",
                    Instant.now());
            Files.write(pdf, boSigned);
        }
        assertThat(deviSigns).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(
                java.util.concurrent.ExecutionException.class).havingCause()
                .isInstanceOf(ReportChangedException.class)
                .withMessageContaining("changed while it was being countersigned as DevOps")
                .withMessageContaining("signature 2 (Bo Lead as Backend lead) was added")
                .withMessageContaining("nothing was written");
        assertThat(Files.readAllBytes(pdf)).as("the other signer's file is untouched").isEqualTo(boSigned);

        ReportSigners.Check again = ReportSigners.countersignPdf(pdf, devi, "DevOps");
        assertThat(again.valid()).as(again.problems().toString()).isTrue();
        assertThat(again.signers()).extracting(ReportSigners.Signer::name)
                .containsExactly("Dana Operator", "Bo Lead", "Devi Ops");
    }

    @Test
    void aMarkdownCountersignWhoseRoleSignedMeanwhileIsRefusedAndTheOtherSignatureStays() throws Exception {
        Path md = dir.resolve("raced.md");
        ReportExporter.export(journal, ReportFormat.MARKDOWN, md,
                SigningIdentity.generated(dir.resolve("dana-md"), ReportFormat.MARKDOWN, "Dana Operator"));
        SigningIdentity devi = SigningIdentity.generated(dir.resolve("devi-md"), ReportFormat.MARKDOWN, "Devi Ops");
        SigningIdentity other = SigningIdentity.generated(dir.resolve("other-md"), ReportFormat.MARKDOWN, "Dev Ops");
        Path sig = ReportSigners.roleSignatureFile(md, "DevOps");
        String theirs;
        CompletableFuture<ReportSigners.Countersigned> deviSigns;
        try (ReplaceLock lock = ReplaceLock.acquire(md, Duration.ofSeconds(5))) {
            deviSigns = CompletableFuture.supplyAsync(() -> {
                try {
                    return ReportSigners.countersignMarkdown(md, devi, "DevOps");
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            awaitWaitingOnTheLock();
            // Someone else in the same role got there first (their signature file appeared meanwhile).
            theirs = dev.runbookpilot.report.sign.SshSig.sign(other.sshKey(), Files.readAllBytes(md));
            Files.writeString(sig, theirs);
        }
        assertThat(deviSigns).failsWithin(60, TimeUnit.SECONDS).withThrowableOfType(
                java.util.concurrent.ExecutionException.class).havingCause()
                .isInstanceOf(ReportChangedException.class)
                .withMessageContaining("changed while it was being countersigned as DevOps")
                .withMessageContaining(sig.getFileName() + " was written");
        assertThat(Files.readString(sig)).as("the signature written first stays").isEqualTo(theirs);
    }

    @Test
    void twoProcessesCountersigningOneReportAtOnceLoseNoSignature() throws Exception {
        Path pdf = dir.resolve("raced.pdf");
        Files.write(pdf, exported);
        // Identities made up front, so both processes spend their time reading and signing, not generating keys.
        SigningIdentity.generated(dir.resolve("bo-config"), ReportFormat.PDF, "Bo Lead");
        SigningIdentity.generated(dir.resolve("devi-config"), ReportFormat.PDF, "Devi Ops");
        int refused = 0;
        int rounds = 0;
        // Repeated until both processes read the same bytes at least once (a refusal) or a few rounds passed:
        // every round must end with each signature written or refused out loud.
        while (rounds < 4 && refused == 0) {
            rounds++;
            Files.write(pdf, exported);
            Process bo = countersign(pdf, "Backend lead", "Bo Lead", "bo-config", "bo-" + rounds);
            Process devi = countersign(pdf, "DevOps", "Devi Ops", "devi-config", "devi-" + rounds);
            List<String> written = new ArrayList<>();
            for (Object[] p : new Object[][] {{bo, "Backend lead", "bo-" + rounds}, {devi, "DevOps", "devi-" + rounds}}) {
                Process proc = (Process) p[0];
                assertThat(proc.waitFor(120, TimeUnit.SECONDS)).isTrue();
                String log = Files.readString(dir.resolve(p[2] + ".log"), StandardCharsets.UTF_8);
                if (proc.exitValue() == ExitCodes.OK) {
                    written.add((String) p[1]);
                } else {
                    assertThat(proc.exitValue()).as(log).isEqualTo(ExitCodes.CHANGED_MEANWHILE);
                    assertThat(log).contains("changed while it was being countersigned as " + p[1])
                            .contains("nothing was written");
                    refused++;
                }
            }
            assertThat(written).as("at least one of them signs").isNotEmpty();
            ReportSigners.Check check = ReportSigners.verifyPdf(pdf, Set.of());
            assertThat(check.valid()).as(check.problems().toString()).isTrue();
            assertThat(check.signers()).as("every countersign that said it signed is in the file")
                    .hasSize(1 + written.size()).extracting(ReportSigners.Signer::role).containsAll(written);
            String pdfsig = Tools.pdfsig(pdf).output();
            assertThat(count(pdfsig, "Signature Validation: Signature is Valid.")).as(pdfsig)
                    .isEqualTo(1 + written.size());
        }
        System.out.println("countersign race: " + rounds + " round(s), " + refused + " refused");
    }

    private static Process countersign(Path pdf, String role, String name, String config, String log)
            throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "countersign", pdf.toString(),
                "--role", role, "--name", name, "--config-dir", dir.resolve(config).toString());
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log + ".log").toFile())
                .start();
    }

    /** Until a thread is parked in the lock's wait: it has read the report and signed it. */
    private static void awaitWaitingOnTheLock() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (var e : Thread.getAllStackTraces().entrySet()) {
                if (e.getKey() == Thread.currentThread()) continue;
                if (Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().equals(ReplaceLock.class.getName())
                        && f.getMethodName().equals("acquire"))) {
                    return;
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("the countersign never reached the lock");
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) n++;
        return n;
    }
}
