package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A way back that left something behind (an index it did not drop, an extra row, a column it did not restore): the
 * restored check FAILS in a real session, and both reports show the whole diff against the baseline.
 */
class BaselineProofReportTest {
    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static SessionState state;
    private static Path journal;

    @BeforeAll
    static void runSession() throws Exception {
        fx = SessionFixture.open("proof_report", """
                CREATE TABLE orders (id int PRIMARY KEY, email text);
                INSERT INTO orders SELECT g, 'u' || g || '@example.com' FROM generate_series(1, 50) g;
                CREATE TABLE audit_log (id int);
                """, dir);
        Runbook rb = fx.runbook("""
                runbook: A way back that leaves something behind
                target: { environment: staging }
                phases:
                  - name: Window
                    steps:
                      - id: before
                        title: Baseline
                        checks:
                          - snapshot: { name: before, rowCounts: [orders, audit_log], checksums: [orders] }
                      - id: migrate
                        title: Migration and a faulty rollback
                        execute: { file: migrate.sql }
                      - id: proof
                        title: Back at the baseline
                        checks:
                          - restored: { baseline: before, countsMayDiffer: [audit_log], checksums: [orders] }
                """, Map.of("migrate.sql", """
                CREATE INDEX orders_email_idx ON orders (email);
                UPDATE orders SET email = NULL WHERE id = 3;
                INSERT INTO audit_log VALUES (1);
                """));
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            for (String id : List.of("before", "migrate", "proof")) s.runChecks(step(rb, id), Session.Scope.ALL);
            state = s.state();
            journal = s.journalFile();
        }
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    @Test
    void theProofFailsAndTheJournalKeepsItsDiff() throws Exception {
        CheckResult r = state.result("proof", 0).orElseThrow();
        assertThat(r.status()).as(r.toString()).isEqualTo(Status.FAILED);
        assertThat(r.actual()).isEqualTo("1 schema change: added index:orders_email_idx; contents differ: orders");
        assertThat(Journal.read(journal)).anySatisfy(e -> assertThat(e.toString()).contains("RestoredProof"));
    }

    @Test
    void markdownShowsSchemaCountsAndContentsAgainstTheBaseline() {
        String md = MarkdownReport.render(ReportBuilder.build(state));
        assertThat(md).contains("Schema against snapshot before: 1 change.")
                .contains("| added | index:orders\\_email\\_idx | **no** | yes |")
                .contains("| orders | orders | 50 | 50 | 0 | ✅ PASSED |")
                .contains("| audit\\_log | audit\\_log | 0 | 1 | +1 | ✅ PASSED may differ (countsMayDiffer), delta 1 |")
                .containsPattern("\\| orders \\| md5-row-sum/1:50:[-0-9]+:[-0-9]+ \\| md5-row-sum/1:50:[-0-9]+:[-0-9]+"
                        + " \\| ❌ FAILED contents differ \\|")
                .containsPattern("\\| orders \\| md5-row-sum/1:50:[-0-9]+:[-0-9]+ \\|\n");
    }

    @Test
    void thePdfShowsTheSameDiff() throws Exception {
        byte[] pdf = PdfReport.render(ReportBuilder.build(state));
        String text;
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            text = new PDFTextStripper().getText(doc);
        }
        String flat = text.replaceAll("\\s+", "");
        assertThat(flat).contains("Schemaagainstsnapshotbefore:1change.").contains("index:orders_email_idx")
                .contains("Checksuminthesnapshot").contains("contentsdiffer").contains("maydiffer(countsMayDiffer)");
    }
}
