package dev.runbookpilot.cli;

import static dev.runbookpilot.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runbookpilot.report.SignoffSignatures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;

/**
 * A journal handed to an auditor beside the signed report it was made from, then cut short or edited after its last
 * key-signed line: the lines there are covered by no sign-off signature, so only the report's journal row (its
 * length and SHA-256, under the report's signature) can show that they are not what the report was made from.
 */
class JournalWitnessTest {
    /* A keyed GO at the gate, then a check that FAILS: what a cut journal would hide comes after the last signature. */
    private static final String RUNBOOK = """
            runbook: What came after the gate
            target: { environment: development }
            phases:
              - name: Prepare
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 3" }
                  - id: go
                    title: Go?
                    gate: { roles: [DBA], question: "Go?" }
              - name: Verify
                steps:
                  - id: after
                    title: Rows after the change
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 4" }
            """;

    @TempDir
    static Path dir;
    private static Path journal;
    private static byte[] original;
    private static Path md;
    private static Path pdf;

    @BeforeAll
    static void signedRunAndReports() throws Exception {
        journal = KeyedRun.of(dir, "witness", RUNBOOK, ExitCodes.CHECK_FAILED).journal();
        original = Files.readAllBytes(journal);
        assertThat(lines().get(lastSigned() + 1)).as("a line after the last signature").isNotBlank();
        assertThat(String.join("\n", lines().subList(lastSigned() + 1, lines().size()))).contains("FAILED");
        md = dir.resolve("report.md");
        pdf = dir.resolve("report.pdf");
        for (Path report : List.of(md, pdf)) {
            CliRun made = cli("report", journal.toString(), "--format", report.equals(md) ? "md" : "pdf", "--out",
                    report.toString(), "--sign", "--signer", "Grace Hopper", "--config-dir",
                    dir.resolve("config").toString());
            assertThat(made.code()).as(made.output()).isZero();
        }
    }

    @Test
    void bothReportsCarryTheJournalsNameLengthAndHash() throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(original));
        String name = journal.getFileName().toString();
        assertThat(Files.readString(md)).contains("| Journal | `" + name + "` as read for this report: "
                + lines().size() + " lines, " + original.length + " bytes, SHA-256 `" + sha + "` |");
        try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc).replaceAll("\\s+", "");
            assertThat(text).contains(name).contains(lines().size() + "lines," + original.length + "bytes")
                    .contains(sha);
        }
        for (Path report : List.of(md, pdf)) {
            CliRun ok = cli("verify", report.toString(), "--journal", journal.toString());
            assertThat(ok.code()).as(ok.output()).isEqualTo(ExitCodes.OK);
            assertThat(ok.output()).contains("The journal is the one this report was made from: its " + lines().size()
                    + " lines (" + original.length + " bytes) have the SHA-256 the report carries.")
                    .doesNotContain("WARNING");
        }
    }

    @Test
    void aJournalCutShortByWholeLinesAfterItsLastSignatureIsInvalid() throws Exception {
        List<String> all = lines();
        // What a `head -n` to the last signature hides: the FAILED check after the gate.
        Path toSignature = write("to-signature.jsonl", String.join("\n", all.subList(0, lastSigned() + 1)) + "\n");
        Path lastLineDropped = write("one-line-less.jsonl", String.join("\n", all.subList(0, all.size() - 1)) + "\n");
        for (Path cut : List.of(toSignature, lastLineDropped)) {
            for (Path report : List.of(md, pdf)) {
                CliRun v = cli("verify", report.toString(), "--journal", cut.toString());
                assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.CHECK_FAILED);
                assertThat(v.output()).contains("INVALID journal: the journal is not the one this report was made "
                        + "from: cut short").contains("the report was made from its first " + all.size() + " lines ("
                        + original.length + " bytes)");
                // Whatever the report's own signatures say above, the verdict a reader sees last is the pair's.
                assertThat(lastLine(v.output())).isEqualTo("INVALID with this journal: it is not the journal the "
                        + "report was made from (the INVALID lines above).");
            }
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\\R");
        return lines[lines.length - 1];
    }

    @Test
    void aJournalCutMidLineIsInvalid() throws Exception {
        Path cut = dir.resolve("mid-line.jsonl");
        Files.write(cut, Arrays.copyOf(original, original.length - 7));
        for (Path report : List.of(md, pdf)) {
            CliRun v = cli("verify", report.toString(), "--journal", cut.toString());
            assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(v.output()).contains("INVALID journal: the journal is not the one this report was made from: "
                    + "cut short");
        }
    }

    @Test
    void aLineAfterTheLastSignatureEditedIsInvalid() throws Exception {
        List<String> all = new ArrayList<>(lines());
        int failed = -1;
        for (int i = lastSigned() + 1; i < all.size(); i++) if (all.get(i).contains("\"FAILED\"")) failed = i;
        assertThat(failed).isPositive();
        all.set(failed, all.get(failed).replace("\"FAILED\"", "\"PASSED\""));
        Path edited = write("edited.jsonl", String.join("\n", all) + "\n");
        assertThat(Files.size(edited)).isEqualTo(original.length);
        assertThat(cli("verify", edited.toString()).code()).as("its signatures alone still hold")
                .isEqualTo(ExitCodes.OK);
        for (Path report : List.of(md, pdf)) {
            CliRun v = cli("verify", report.toString(), "--journal", edited.toString());
            assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(v.output()).contains("INVALID journal: the journal is not the one this report was made from: "
                    + "changed");
        }
    }

    @Test
    void linesAppendedAfterTheReportAreCountedByKindAndNamed() throws Exception {
        List<String> all = lines();
        String failedResult = all.stream().filter(l -> l.contains("\"FAILED\"")).reduce((a, b) -> b).orElseThrow();
        // Whatever the lines say, even a second 'started': they are counted by kind, not trusted.
        String more = failedResult + "\n" + failedResult + "\n" + all.get(0) + "\n";
        Path longer = write("longer.jsonl", new String(original, StandardCharsets.UTF_8) + more);
        for (Path report : List.of(md, pdf)) {
            CliRun v = cli("verify", report.toString(), "--journal", longer.toString());
            assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.OK);
            assertThat(v.output()).contains("WARNING: the journal goes on after what this report was made from: "
                    + "3 more lines after line " + all.size() + " (2 checkFinished, 1 started); among them 2 check "
                    + "results FAILED. The report does not show them.");
            CliRun strict = cli("verify", report.toString(), "--journal", longer.toString(), "--whole-journal");
            assertThat(strict.code()).as(strict.output()).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(strict.output()).contains("INVALID journal: the journal goes on after what this report was "
                    + "made from");
        }
        String cut = "{\"event\":\"ended\",\"at";
        Path torn = write("torn.jsonl", new String(original, StandardCharsets.UTF_8) + cut);
        CliRun v = cli("verify", md.toString(), "--journal", torn.toString());
        assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.OK);
        assertThat(v.output()).contains("WARNING: the journal goes on after what this report was made from: a last"
                + " line cut mid-way (" + cut.length() + " bytes without a line end");
    }

    @Test
    void aJournalConvertedToWindowsLineEndsIsInvalidAndSaysHowItDiffers() throws Exception {
        Path converted = write("crlf.jsonl", new String(original, StandardCharsets.UTF_8).replace("\n", "\r\n"));
        CliRun v = cli("verify", md.toString(), "--journal", converted.toString());
        assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(v.output()).contains("INVALID journal: the journal is not the one this report was made from: "
                + "changed").contains("This file has CR LF line ends, which this tool never writes: it may have "
                + "been converted as text when copied");
    }

    @Test
    void aLineAppendedWithItsKindTwiceCannotPrintLinesOfItsOwn() throws Exception {
        String failedResult = lines().stream().filter(l -> l.contains("\"FAILED\"")).reduce((a, b) -> b)
                .orElseThrow();
        // Typed by its first "event", read back by its last: a line end and a terminal escape in the second would
        // print a verdict of their own and hide what follows.
        String forged = failedResult.replaceFirst("}$", Matcher.quoteReplacement(
                ",\"event\":\"x)\\nVALID: the report and this journal match\\u001b[8m\"}"));
        Path longer = write("forged-kind.jsonl", new String(original, StandardCharsets.UTF_8) + forged + "\n");
        CliRun v = cli("verify", md.toString(), "--journal", longer.toString(), "--whole-journal");
        assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(v.output()).contains("1 more line after line " + lines().size() + " (1 unreadable)")
                .doesNotContain("\u001b").doesNotContain("\nVALID: the report and this journal match");
        assertThat(lastLine(v.output())).isEqualTo("INVALID with this journal: the journal goes on after what the "
                + "report was made from (the INVALID lines above).");
    }

    @Test
    void aPdfWhoseJournalRowIsTakenOutAfterSigningIsInvalid() throws Exception {
        // What an attacker holding a signed PDF can do without the key: an incremental update that drops the
        // document information's witness, so that a cut journal meets no witness at all.
        Path stripped = dir.resolve("stripped.pdf");
        Files.copy(pdf, stripped);
        try (var doc = org.apache.pdfbox.Loader.loadPDF(stripped.toFile());
             var out = Files.newOutputStream(stripped, java.nio.file.StandardOpenOption.APPEND)) {
            var info = doc.getDocumentInformation();
            info.setCustomMetadataValue(dev.runbookpilot.report.JournalWitness.PDF_INFO_KEY, null);
            info.getCOSObject().setNeedToBeUpdated(true);
            doc.getDocumentCatalog().getCOSObject().setNeedToBeUpdated(true);
            java.io.ByteArrayOutputStream update = new java.io.ByteArrayOutputStream();
            doc.saveIncremental(update);
            out.write(update.toByteArray(), (int) Files.size(pdf), update.size() - (int) Files.size(pdf));
        }
        Path cut = write("cut-for-stripped.jsonl", String.join("\n", lines().subList(0, lastSigned() + 1)) + "\n");
        CliRun v = cli("verify", stripped.toString(), "--journal", cut.toString());
        assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(v.output()).contains("WARNING: the report names no journal").contains("does not cover the whole file");
    }

    @Test
    void aReportThatNamesNoJournalVerifiesAsBeforeAndSaysSo() throws Exception {
        // A report as an older version wrote it: no Journal row, signed over the whole file with the same key.
        Path old = dir.resolve("old/report.md");
        Files.createDirectories(old.getParent());
        Files.write(old, Files.readAllLines(md).stream().filter(l -> !l.startsWith("| Journal | ")).toList());
        Path key = SignoffSignatures.generatedFile(dir.resolve("config"), "Grace Hopper");
        Process sign = new ProcessBuilder("ssh-keygen", "-q", "-Y", "sign", "-f", key.toString(), "-n", "file",
                old.toString()).redirectErrorStream(true).start();
        String said = new String(sign.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(sign.waitFor()).as(said).isZero();
        CliRun v = cli("verify", old.toString(), "--journal", journal.toString());
        assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.OK);
        assertThat(v.output()).contains("WARNING: the report names no journal (it was exported before reports "
                + "carried a Journal row, or the row was taken out after signing, which the report's signature check "
                + "shows): nothing shows whether this journal was cut short")
                .contains("The report's sign-off rows are the journal's").contains("VALID: 1 signature");
        CliRun strict = cli("verify", old.toString(), "--journal", journal.toString(), "--whole-journal");
        assertThat(strict.code()).as(strict.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(strict.output()).contains("INVALID journal: the report names no journal");
    }

    @Test
    void aJournalAloneSaysItCannotProveItWasNotCutShort() {
        CliRun v = cli("verify", journal.toString());
        assertThat(v.code()).as(v.output()).isEqualTo(ExitCodes.OK);
        assertThat(v.output()).contains("A journal on its own cannot show that it was not cut short")
                .contains("lines " + (lastSigned() + 2) + " to " + lines().size() + " come after its last key "
                        + "signature")
                .contains("verify REPORT --journal " + journal);
    }

    /** The journal's lines as run, without line ends. */
    private static List<String> lines() {
        return Arrays.asList(new String(original, StandardCharsets.UTF_8).split("\n"));
    }

    /** The index of the last line carrying a key signature. */
    private static int lastSigned() {
        List<String> all = lines();
        for (int i = all.size() - 1; i >= 0; i--) if (all.get(i).contains("\"signature\":\"")) return i;
        throw new AssertionError("no key-signed line");
    }

    private static Path write(String name, String text) throws Exception {
        Path f = dir.resolve(name);
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }
}
