package dev.runbookpilot.cli;

import static dev.runbookpilot.cli.CliRun.cli;

import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
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

    @BeforeAll
    static void runSession() throws Exception {
        String db = TestPostgres.freshDatabase("clisign");
        TestPostgres.exec(db, "CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 3)");
        Path rb = dir.resolve("rb/runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, RUNBOOK);
        Path sessions = dir.resolve("sessions");
        CliRun run = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--sign", "DBA=Ada",
                "--session-dir", sessions.toString(), "--operator", "Grace Hopper");
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        try (Stream<Path> files = Files.list(sessions)) {
            session = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow().toString();
        }
    }

    @Test
    void aSignedPdfVerifiesWithExitZeroAndATamperedOneWithExitOne() throws Exception {
        Path pdf = dir.resolve("out/report.pdf");
        CliRun report = cli("report", session, "--format", "pdf", "--out", pdf.toString(), "--sign",
                "--config-dir", dir.resolve("config").toString());
        assertThat(report.code()).as(report.output()).isEqualTo(ExitCodes.OK);
        assertThat(report.output()).contains("Report written to " + pdf).contains("Fingerprint: ")
                .contains("Verified: Valid signature");

        CliRun ok = cli("verify", pdf.toString());
        assertThat(ok.code()).as(ok.output()).isEqualTo(ExitCodes.OK);
        assertThat(ok.output()).startsWith("VALID: ");

        byte[] bytes = Files.readAllBytes(pdf);
        bytes[bytes.length / 3] ^= 0x20;
        Path tampered = dir.resolve("out/tampered.pdf");
        Files.write(tampered, bytes);
        CliRun bad = cli("verify", tampered.toString());
        assertThat(bad.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(bad.output()).startsWith("INVALID: ");

        Path unsigned = dir.resolve("out/unsigned.pdf");
        assertThat(cli("report", session, "--format", "pdf", "--out", unsigned.toString()).code()).isZero();
        CliRun none = cli("verify", unsigned.toString());
        assertThat(none.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(none.output()).contains("INVALID: The PDF is not signed.");
    }

    @Test
    void aGeneratedIdentitySignsAsTheSessionsOperatorUnlessASignerIsNamed() throws Exception {
        Path config = dir.resolve("config-signer");
        CliRun asOperator = cli("report", session, "--format", "md", "--out", dir.resolve("out/op.md").toString(),
                "--sign", "--config-dir", config.toString());
        assertThat(asOperator.code()).as(asOperator.output()).isEqualTo(ExitCodes.OK);
        // An SSH principal is one word: the name's spaces become underscores.
        assertThat(asOperator.output()).contains("Signed by Grace_Hopper with");

        CliRun named = cli("report", session, "--format", "md", "--out", dir.resolve("out/named.md").toString(),
                "--sign", "--signer", "Ada Lovelace", "--config-dir", config.toString());
        assertThat(named.code()).as(named.output()).isEqualTo(ExitCodes.OK);
        assertThat(named.output()).contains("Signed by Ada_Lovelace with");

        CliRun unsigned = cli("report", session, "--format", "md", "--out", dir.resolve("out/x.md").toString(),
                "--signer", "Ada Lovelace");
        assertThat(unsigned.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(unsigned.output()).contains("--signer needs --sign");

        CliRun mdRole = cli("report", session, "--format", "md", "--out", dir.resolve("out/role.md").toString(),
                "--sign", "--role", "DBA", "--config-dir", config.toString());
        assertThat(mdRole.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(mdRole.output()).contains("--role applies to a PDF's signature");
    }

    @Test
    void aPdfVerifiesAgainstPinnedSignersAndNamesAnUnknownOne() throws Exception {
        PdfIdentity ada = PdfIdentity.selfSigned("Ada Lovelace");
        Path p12 = dir.resolve("pin/ada.p12");
        Files.createDirectories(p12.getParent());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("ada", ada.privateKey(), new char[0], ada.chain().toArray(new Certificate[0]));
        try (OutputStream o = Files.newOutputStream(p12)) {
            ks.store(o, new char[0]);
        }
        Path adaPem = dir.resolve("pin/ada.pem");
        Files.writeString(adaPem, "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes())
                .encodeToString(ada.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        Path malloryDer = dir.resolve("pin/mallory.der");
        Files.write(malloryDer, PdfIdentity.selfSigned("Ada Lovelace").certificate().getEncoded());
        String fp = ada.fingerprint();

        Path pdf = dir.resolve("pin/report.pdf");
        CliRun report = cli("report", session, "--format", "pdf", "--out", pdf.toString(), "--key", p12.toString());
        assertThat(report.code()).as(report.output()).isEqualTo(ExitCodes.OK);

        CliRun unpinned = cli("verify", pdf.toString());
        assertThat(unpinned.code()).as(unpinned.output()).isEqualTo(ExitCodes.OK);
        assertThat(unpinned.output()).contains("Signature 1: Ada Lovelace (no role), certificate SHA-256 " + fp
                        + ", signed ", "Sign-off roles not signed yet: DBA\n",
                "Signers NOT checked against a trust list; to require it, give --signer-fingerprint or --trusted-cert.");

        byte[] hash = HexFormat.ofDelimiter(":").parseHex(fp);
        for (String[] pin : List.of(new String[] {"--signer-fingerprint", fp.replace(":", "").toLowerCase()},
                new String[] {"--signer-fingerprint", "SHA256:" + Base64.getEncoder().withoutPadding()
                        .encodeToString(hash)},
                new String[] {"--trusted-cert", adaPem.toString()},
                new String[] {"--trusted-cert", malloryDer.toString(), "--trusted-cert", adaPem.toString()})) {
            List<String> args = new ArrayList<>(List.of("verify", pdf.toString()));
            args.addAll(List.of(pin));
            CliRun pinned = cli(args.toArray(new String[0]));
            assertThat(pinned.code()).as(args + ": " + pinned.output()).isEqualTo(ExitCodes.OK);
            assertThat(pinned.output()).contains(fp + ", signed ").contains(", trusted\n")
                    .doesNotContain("NOT checked");
        }

        CliRun unknown = cli("verify", pdf.toString(), "--trusted-cert", malloryDer.toString());
        assertThat(unknown.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(unknown.output()).startsWith("INVALID: Unknown signer: Ada Lovelace " + fp
                + " (signature 1) is not one of the trusted certificates given.\n")
                .contains(", NOT TRUSTED\n");

        byte[] bytes = Files.readAllBytes(pdf);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        bytes[text.indexOf("stream") + 20] ^= 0x01;
        Path tampered = dir.resolve("pin/tampered.pdf");
        Files.write(tampered, bytes);
        CliRun digest = cli("verify", tampered.toString(), "--trusted-cert", adaPem.toString());
        assertThat(digest.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(digest.output()).startsWith("INVALID: signature 1 (Ada Lovelace): Digest mismatch: the file was "
                + "changed after it was signed by Ada Lovelace.\n");
    }

    @Test
    void aSignerOnAnotherWorkstationCountersignsTheExportedPdfInTheirRole() throws Exception {
        Path pdf = dir.resolve("counter/report.pdf");
        CliRun report = cli("report", session, "--format", "pdf", "--out", pdf.toString(), "--sign", "--role", "DBA",
                "--config-dir", dir.resolve("config").toString());
        assertThat(report.code()).as(report.output()).isEqualTo(ExitCodes.OK);
        CliRun before = cli("verify", pdf.toString());
        assertThat(before.output()).contains("Signature 1: Grace Hopper as DBA, certificate SHA-256 ",
                "Sign-off roles signed: DBA\n", "Sign-off roles not signed yet: none\n");

        // Ada's workstation: her own config directory, only the file.
        Path adaConfig = dir.resolve("counter/ada-config");
        CliRun counter = cli("countersign", pdf.toString(), "--name", "Ada", "--role", "Reviewer", "--config-dir",
                adaConfig.toString());
        assertThat(counter.code()).as(counter.output()).isEqualTo(ExitCodes.OK);
        assertThat(counter.output()).startsWith("Countersigned " + pdf + " as Reviewer by Ada (")
                .contains("VALID: 2 signatures", "Signature 2: Ada as Reviewer");
        assertThat(Files.list(adaConfig)).hasSize(1);

        CliRun after = cli("verify", pdf.toString());
        assertThat(after.code()).as(after.output()).isEqualTo(ExitCodes.OK);
        assertThat(after.output()).contains("Signature 1: Grace Hopper as DBA", "Signature 2: Ada as Reviewer");

        CliRun again = cli("countersign", pdf.toString(), "--name", "Ada", "--role", "Reviewer", "--config-dir",
                adaConfig.toString());
        assertThat(again.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(again.output()).contains("cannot countersign: Reviewer has already signed");
        CliRun both = cli("countersign", pdf.toString(), "--name", "Ada", "--key", "x.p12", "--role", "DBA");
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aSignOffSignedWithAKeyOnTheCommandLineVerifiesUntilAnEarlierJournalLineIsEdited() throws Exception {
        Path key = dir.resolve("keyed/id_ed25519");
        Files.createDirectories(key.getParent());
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ada@example.org", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        String db = TestPostgres.freshDatabase("clisignkey");
        TestPostgres.exec(db, "CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 3)");
        Path rb = dir.resolve("keyed/runbook.yaml");
        Files.writeString(rb, RUNBOOK);
        Path sessions = dir.resolve("keyed/sessions");
        CliRun run = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--sign-key", "DBA=" + key,
                "--session-dir", sessions.toString(), "--operator", "Grace Hopper");
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(run.output()).contains("SIGNED    DBA: ada@example.org with key SHA256:");
        Path journal;
        try (Stream<Path> files = Files.list(sessions)) {
            journal = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        CliRun ok = cli("verify", journal.toString());
        assertThat(ok.code()).as(ok.output()).isEqualTo(ExitCodes.OK);
        assertThat(ok.output()).contains("VALID: 1 signature, each a sign-off signed with a key",
                "Sign-off 1: ada@example.org as DBA, key SHA256:", "Sign-off roles signed with a key: DBA\n");

        List<String> lines = Files.readAllLines(journal);
        // The operator's name in the first line, rewritten: the sign-off signed the journal with the real one.
        assertThat(lines.get(0)).contains("Grace Hopper");
        lines.set(0, lines.get(0).replace("Grace Hopper", "Grace Hoppe"));
        Files.write(journal, lines);
        CliRun edited = cli("verify", journal.toString());
        assertThat(edited.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(edited.output()).contains("the sign-off of DBA by ada@example.org was made over a different "
                + "journal");

        CliRun typed = cli("verify", session);
        assertThat(typed.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(typed.output()).contains("the sign-off of DBA by Ada is a typed name, not signed with a key",
                "Sign-off 1: Ada as DBA, no key (a typed name)");
    }

    @Test
    void optionsThatDoNotApplyToTheFileOrCannotBeReadAreUsageErrors() throws Exception {
        Path pdf = dir.resolve("usage/report.pdf");
        assertThat(cli("report", session, "--format", "pdf", "--out", pdf.toString(), "--sign", "--config-dir",
                dir.resolve("config").toString()).code()).isZero();
        Path md = dir.resolve("usage/report.md");
        assertThat(cli("report", session, "--format", "md", "--out", md.toString(), "--sign", "--config-dir",
                dir.resolve("config").toString()).code()).isZero();
        Path text = dir.resolve("usage/not-a-cert.pem");
        Files.writeString(text, "hello\n");

        CliRun sig = cli("verify", pdf.toString(), "--sig", md + ".sig");
        assertThat(sig.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(sig.output()).isEqualTo("cannot verify: --sig does not apply to " + pdf
                + ", a PDF report (its signature is embedded).\n");
        CliRun both = cli("verify", pdf.toString(), "--sig", md + ".sig", "--allowed-signers", text.toString());
        assertThat(both.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.output()).contains("--sig and --allowed-signers do not apply to " + pdf);
        CliRun pinMd = cli("verify", md.toString(), "--signer-fingerprint", "AB");
        assertThat(pinMd.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(pinMd.output()).isEqualTo("cannot verify: --signer-fingerprint does not apply to " + md
                + ", a Markdown report (trust its signers with --allowed-signers).\n");
        CliRun badFingerprint = cli("verify", pdf.toString(), "--signer-fingerprint", "AB:CD");
        assertThat(badFingerprint.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badFingerprint.output()).startsWith("cannot verify: 'AB:CD' is not a SHA-256 certificate "
                + "fingerprint");
        CliRun badCert = cli("verify", pdf.toString(), "--trusted-cert", text.toString());
        assertThat(badCert.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(badCert.output()).startsWith("cannot verify: " + text + " is not an X.509 certificate");
        CliRun mdUnchecked = cli("verify", md.toString());
        assertThat(mdUnchecked.code()).isEqualTo(ExitCodes.OK);
        assertThat(mdUnchecked.output()).contains("VALID: 1 signature, each valid over the whole file.",
                "Signature 1: (signer not checked) (no role), key SHA256:",
                "Signers NOT checked against a trust list; to require it, give --allowed-signers.");
    }

    @Test
    void aSignedMarkdownReportPrintsItsAllowedSignersLineAndVerifiesAgainstIt() throws Exception {
        Path md = dir.resolve("md/report.md");
        CliRun report = cli("report", session, "--format", "md", "--out", md.toString(), "--sign", "--config-dir",
                dir.resolve("config").toString());
        assertThat(report.code()).as(report.output()).isEqualTo(ExitCodes.OK);
        String line = report.output().lines().filter(l -> l.contains(" namespaces=\"file\" ssh-ed25519 "))
                .findFirst().orElseThrow();
        Path allowed = dir.resolve("md/allowed_signers");
        Files.writeString(allowed, line + "\n");

        CliRun ok = cli("verify", md.toString(), "--allowed-signers", allowed.toString());
        assertThat(ok.code()).as(ok.output()).isEqualTo(ExitCodes.OK);

        CliRun counter = cli("countersign", md.toString(), "--name", "Ada", "--role", "DBA", "--config-dir",
                dir.resolve("md/ada-config").toString());
        assertThat(counter.code()).as(counter.output()).isEqualTo(ExitCodes.OK);
        assertThat(counter.output()).contains("Signature written to " + md + ".DBA.sig",
                "Sign-off roles signed: DBA\n");
        String adaLine = counter.output().lines().filter(l -> l.startsWith("Ada namespaces=\"file\" ssh-ed25519 "))
                .findFirst().orElseThrow();
        Files.writeString(allowed, line + "\n" + adaLine + "\n");
        CliRun both = cli("verify", md.toString(), "--allowed-signers", allowed.toString());
        assertThat(both.code()).as(both.output()).isEqualTo(ExitCodes.OK);
        assertThat(both.output()).contains("VALID: 2 signatures", "Signature 1: Grace_Hopper (no role)",
                "Signature 2: Ada as DBA", "Sign-off roles not signed yet: none\n");
        Files.writeString(md, Files.readString(md) + "\nOne more line.\n");
        CliRun bad = cli("verify", md.toString(), "--sig", md + ".sig", "--allowed-signers", allowed.toString());
        assertThat(bad.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(bad.output()).contains("INVALID: Digest mismatch");

        assertThat(cli("verify", dir.resolve("missing.md").toString()).code()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void aKeyOfTheWrongKindIsRefusedWithExitTwo() throws Exception {
        Path notAKey = dir.resolve("not-a-key");
        Files.writeString(notAKey, "hello\n");
        CliRun run = cli("report", session, "--format", "md", "--out", dir.resolve("x.md").toString(), "--key",
                notAKey.toString());
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.output()).contains("cannot sign the report").contains("is not an OpenSSH private key");
        assertThat(Files.exists(dir.resolve("x.md"))).isFalse();
    }
}
