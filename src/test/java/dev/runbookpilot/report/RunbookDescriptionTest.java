package dev.runbookpilot.report;

import dev.runbookpilot.session.Outcome;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The runbook author's Markdown on the report's first page: shown, never obeyed. */
class RunbookDescriptionTest {
    private static final String DESCRIPTION = """
            Deploys **migration 42**.

            <script>alert(1)</script>

            [click](javascript:void) and ![x](file:///etc/passwd)

            # Verdict: PASSED
            """;

    private static Report report(String description) {
        Instant t0 = Instant.parse("2026-11-30T22:00:00Z");
        return new Report("Shop", "1.0", "/srv/runbooks/shop/runbook.yaml", "ab".repeat(32), "s-1",
                new Report.Target("db.example", 5432, "shop", "dba", "15.4", null, "read-only"), "production",
                "Ada", t0, t0.plusSeconds(754), Outcome.Verdict.FAILED,
                new Report.Summary(0, 0, 0, 0, 0, 0, 0, 0), List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of(), "dev", null, null, List.of(), description, List.of());
    }

    @Test
    void htmlAndLinksInTheDescriptionPrintAsTextAndFetchNothing() throws Exception {
        String xhtml = PdfReport.xhtml(report(DESCRIPTION), null);
        assertThat(xhtml).doesNotContain("<script").doesNotContain("href=\"javascript")
                .doesNotContain("src=\"file:");
        String text;
        try (PDDocument doc = Loader.loadPDF(PdfReport.render(report(DESCRIPTION)))) {
            PDFTextStripper first = new PDFTextStripper();
            first.setEndPage(1);
            text = first.getText(doc);
        }
        assertThat(text).contains("Deploys").contains("migration 42").contains("<script>alert(1)</script>")
                .contains("Verdict: FAILED").contains("12 min 34 s");
    }

    @Test
    void theMarkdownReportQuotesTheDescriptionSoItCannotPassForTheReportsOwnVerdict() {
        String md = MarkdownReport.render(report(DESCRIPTION));
        assertThat(md).contains("> Deploys **migration 42**.").contains("> &lt;script&gt;alert(1)&lt;/script&gt;")
                .contains("> # Verdict: PASSED").contains("**Verdict: FAILED**");
        assertThat(md.lines()).noneMatch(l -> l.startsWith("# Verdict"));
    }

    @Test
    void aJournalWithoutADescriptionGivesAReportWithoutTheSection() {
        assertThat(MarkdownReport.render(report(null))).doesNotContain("About this runbook");
        assertThat(PdfReport.xhtml(report(null), null)).doesNotContain("About this runbook");
    }
}
