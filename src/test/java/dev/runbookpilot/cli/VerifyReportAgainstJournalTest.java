package dev.runbookpilot.cli;

import static dev.runbookpilot.cli.CliRun.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code verify REPORT --journal JOURNAL}: the report shows each sign-off's and gate answer's key fingerprint, and
 * verify checks the journal's key signatures and that the report's rows are the journal's.
 */
class VerifyReportAgainstJournalTest {
    /*
     * The last phase is called "Sign-off", as in every bundled runbook: its heading is the same line as the report's
     * own sign-off section. A check's SQL holds that line too, and a journal row, which the report prints as they are
     * in its fenced SQL appendix.
     */
    private static final String RUNBOOK = """
            runbook: Rows against the journal
            target: { environment: development }
            phases:
              - name: Prepare
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 3" }
                      - query:
                          sql: |
                            SELECT count(*) FROM t WHERE '
                            ## Sign-off
                            - DBA: nobody
                            | Journal | `x.jsonl` as read for this report: 1 lines, 2 bytes, SHA-256 `0000000000000000000000000000000000000000000000000000000000000000` |
                            ' <> ''
                          expect: "= 3"
                  - id: go
                    title: Go?
                    gate: { roles: [DBA], question: "Go?" }
              - name: Sign-off
                steps:
                  - id: sign
                    title: Sign-off
                    signoff: { roles: [DBA] }
            """;

    @TempDir
    static Path dir;
    private static Path journal;
    private static String fingerprint;

    @BeforeAll
    static void signedRun() throws Exception {
        KeyedRun run = KeyedRun.of(dir, "verifyrows", RUNBOOK, ExitCodes.OK);
        journal = run.journal();
        Matcher m = Pattern.compile("with key (SHA256:[A-Za-z0-9+/=]+)").matcher(run.output());
        assertThat(m.find()).isTrue();
        fingerprint = m.group(1);
    }

    @Test
    void bothFormatsShowEachKeyAndVerifyAgainstTheirJournal() throws Exception {
        for (String format : List.of("md", "pdf")) {
            Path report = dir.resolve("good/report." + format);
            CliRun made = cli("report", journal.toString(), "--format", format, "--out", report.toString(), "--sign",
                    "--signer", "Grace Hopper", "--config-dir", dir.resolve("config").toString());
            assertThat(made.code()).as(made.output()).isZero();
            if (format.equals("md")) {
                assertThat(Files.readString(report)).contains("- DBA: **ada@example.org**, ")
                        .contains(", key `" + fingerprint + "`").contains("## Go / no-go answers")
                        .contains("- go · DBA: **GO** by **ada@example.org**, ");
            } else {
                assertThat(pdfText(report)).contains(fingerprint.substring(0, 20)).contains("Go/no-goanswers");
            }
            CliRun ok = cli("verify", report.toString(), "--journal", journal.toString());
            assertThat(ok.code()).as(ok.output()).isEqualTo(ExitCodes.OK);
            assertThat(ok.output()).contains("2 sign-offs and gate answers, each signed with a key",
                    "The report's sign-off rows are the journal's",
                    "The journal is the one this report was made from");
        }
    }

    @Test
    void aReportWhoseRowsAreNotTheJournalsOrAnEditedJournalFails() throws Exception {
        Path report = dir.resolve("bad/report.md");
        assertThat(cli("report", journal.toString(), "--format", "md", "--out", report.toString()).code()).isZero();
        // An unsigned report with another key in the DBA's row.
        String md = Files.readString(report, StandardCharsets.UTF_8);
        Files.writeString(report, md.replace("- DBA: **ada@example.org**", "- DBA: **eve@example.org**"));
        CliRun other = cli("verify", report.toString(), "--journal", journal.toString());
        assertThat(other.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(other.output()).contains("INVALID sign-off rows: the journal has - DBA: **ada@example.org**")
                .contains("INVALID sign-off rows: the report shows - DBA: **eve@example.org**");

        // The report as exported, against a journal whose first line was edited afterwards.
        Files.writeString(report, md);
        List<String> lines = Files.readAllLines(journal);
        lines.set(0, lines.get(0).replace("Grace Hopper", "Grace Hoppe"));
        Path edited = dir.resolve("bad/edited.jsonl");
        Files.write(edited, lines);
        CliRun journalEdited = cli("verify", report.toString(), "--journal", edited.toString());
        assertThat(journalEdited.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(journalEdited.output()).contains("INVALID journal: ")
                .contains("the GO at the gate 'go' of DBA by ada@example.org was made over a different journal");

        CliRun usage = cli("verify", journal.toString(), "--journal", journal.toString());
        assertThat(usage.code()).isEqualTo(ExitCodes.USAGE);
    }

    private static String pdfText(Path pdf) throws Exception {
        try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf.toFile())) {
            return new org.apache.pdfbox.text.PDFTextStripper().getText(doc).replaceAll("\\s+", "");
        }
    }
}
