package dev.runbookpilot.report;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
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

/** The report shows a hot query's baseline, and before and after a migration its timings and both plans. */
class QueryBaselineReportTest {
    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static SessionState state;

    @BeforeAll
    static void runSession() throws Exception {
        fx = SessionFixture.open("baseline_report", """
                CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL);
                INSERT INTO orders SELECT g, g % 500 FROM generate_series(1, 10000) g;
                CREATE INDEX orders_customer_idx ON orders (customer_id);
                ANALYZE orders;
                """, dir);
        Runbook rb = fx.runbook("""
                runbook: Drop an index
                target: { environment: staging }
                phases:
                  - name: Change
                    steps:
                      - id: before
                        title: Before
                        checks:
                          - snapshot:
                              name: before
                              rowCounts: [orders]
                              queries: { by_customer: "SELECT * FROM orders WHERE customer_id = 42" }
                      - id: migrate
                        title: Drop the index
                        execute: { file: migrate.sql }
                      - id: performance
                        title: Hot queries
                        checks:
                          - explain: { compareTo: before, query: by_customer, slowerBy: "< 10%" }
                """, Map.of("migrate.sql", "DROP INDEX orders_customer_idx;\n"));
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            for (String id : List.of("before", "migrate", "performance")) {
                s.runChecks(step(rb, id), Session.Scope.ALL);
            }
            assertThat(s.state().result("performance", 0).orElseThrow().status()).isEqualTo(Status.FAILED);
            state = s.state();
        }
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    @Test
    void markdownShowsTheBaselineThenTimingsSideBySideAndBothPlans() {
        String md = MarkdownReport.render(ReportBuilder.build(state));

        assertThat(md).contains("| Hot query | Median | Fastest | Slowest | Runs | Indexes |")
                .containsPattern("\\| by\\\\_customer \\| \\d+\\.\\d{3} ms \\| \\d+\\.\\d{3} ms \\| \\d+\\.\\d{3} ms"
                        + " \\| 5 \\| orders\\\\_customer\\\\_idx \\|")
                .contains("| by\\_customer | Before (snapshot before) | Now |")
                .contains("| Runs | 5 | 5 |")
                .contains("| Indexes | orders\\_customer\\_idx |  |")
                .contains("Indexes no longer used: orders\\_customer\\_idx");
        String before = md.substring(md.indexOf("Plan before:"), md.indexOf("Plan now:"));
        String now = md.substring(md.indexOf("Plan now:"));
        assertThat(before).contains("orders_customer_idx");
        assertThat(now).contains("Seq Scan on orders");
    }

    @Test
    void thePdfShowsTheTimingsAndBothPlans() throws Exception {
        byte[] pdf = PdfReport.render(ReportBuilder.build(state));
        String text;
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            text = new PDFTextStripper().getText(doc);
        }
        String flat = text.replaceAll("\\s+", "");
        assertThat(flat).contains("Hotquery").contains("Planbefore").contains("Plannow")
                .contains("Before(snapshotbefore)").contains("Indexesnolongerused:orders_customer_idx")
                .contains("SeqScanonorders").contains("orders_customer_idx");
    }
}
