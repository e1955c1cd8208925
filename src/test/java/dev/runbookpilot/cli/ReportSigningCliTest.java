package dev.runbookpilot.cli;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code report --sign} and {@code verify}, end to end through the command line, on a real session. */
class ReportSigningCliTest {
    private static final String RUNBOOK = """
            runbook: Signed from the CLI
            target: { environment: development }
            phases:
              - name: Only
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 3" }
                  - id: sign
                    title: Sign-off
                    signoff: { roles: [DBA] }
            """;

    @TempDir
    static Path dir;
    private static String session;

    record Run(int code, String output) {}

    private static Run cli(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
        return new Run(code, out.toString());
    }

    @BeforeAll
    static void runSession() throws Exception {
        String db = TestPostgres.freshDatabase("clisign");
        TestPostgres.exec(db, "CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 3)");
        Path rb = dir.resolve("rb/runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK);
        Path sessions = dir.resolve("sessions");
        Run run = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--sign", "DBA=Ada",
                "--session-dir", sessions.toString());
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        try (Stream<Path> files = Files.list(sessions)) {
            session = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow().toString();
        }
    }

    @Test
    void aSignedPdfVerifiesWithExitZeroAndATamperedOneWithExitOne() throws Exception {
        Path pdf = dir.resolve("out/report.pdf");
        Run report = cli("report", session, "--format", "pdf", "--out", pdf.toString(), "--sign",
                "--config-dir", dir.resolve("config").toString());
        assertThat(report.code()).as(report.output()).isEqualTo(ExitCodes.OK);
        assertThat(report.output()).contains("Report written to " + pdf).contains("Fingerprint: ")
                .contains("Verified: Valid signature");

        Run ok = cli("verify", pdf.toString());
        assertThat(ok.code()).as(ok.output()).isEqualTo(ExitCodes.OK);
        assertThat(ok.output()).startsWith("VALID: ");

        byte[] bytes = Files.readAllBytes(pdf);
        bytes[bytes.length / 3] ^= 0x20;
        Path tampered = dir.resolve("out/tampered.pdf");
        Files.write(tampered, bytes);
        Run bad = cli("verify", tampered.toString());
        assertThat(bad.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(bad.output()).startsWith("INVALID: ");

        Path unsigned = dir.resolve("out/unsigned.pdf");
        assertThat(cli("report", session, "--format", "pdf", "--out", unsigned.toString()).code()).isZero();
        Run none = cli("verify", unsigned.toString());
        assertThat(none.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(none.output()).contains("INVALID: The PDF is not signed.");
    }

    @Test
    void aSignedMarkdownReportPrintsItsAllowedSignersLineAndVerifiesAgainstIt() throws Exception {
        Path md = dir.resolve("md/report.md");
        Run report = cli("report", session, "--format", "md", "--out", md.toString(), "--sign", "--config-dir",
                dir.resolve("config").toString());
        assertThat(report.code()).as(report.output()).isEqualTo(ExitCodes.OK);
        String line = report.output().lines().filter(l -> l.contains(" namespaces=\"file\" ssh-ed25519 "))
                .findFirst().orElseThrow();
        Path allowed = dir.resolve("md/allowed_signers");
        Files.writeString(allowed, line + "\n");

        Run ok = cli("verify", md.toString(), "--allowed-signers", allowed.toString());
        assertThat(ok.code()).as(ok.output()).isEqualTo(ExitCodes.OK);
        Files.writeString(md, Files.readString(md) + "\nOne more line.\n");
        Run bad = cli("verify", md.toString(), "--sig", md + ".sig", "--allowed-signers", allowed.toString());
        assertThat(bad.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(bad.output()).contains("INVALID: Digest mismatch");

        assertThat(cli("verify", dir.resolve("missing.md").toString()).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aKeyOfTheWrongKindIsRefusedWithExitTwo() throws Exception {
        Path notAKey = dir.resolve("not-a-key");
        Files.writeString(notAKey, "hello\n");
        Run run = cli("report", session, "--format", "md", "--out", dir.resolve("x.md").toString(), "--key",
                notAKey.toString());
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.output()).contains("cannot sign the report").contains("is not an OpenSSH private key");
        assertThat(Files.exists(dir.resolve("x.md"))).isFalse();
    }
}
