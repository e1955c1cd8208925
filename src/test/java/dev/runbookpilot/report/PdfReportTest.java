package dev.runbookpilot.report;

import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.font.PDFont;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PdfReportTest {
    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static SessionState state;

    @BeforeAll
    static void runSession() throws Exception {
        fx = SessionFixture.open("pdfreport", SignedReportFixture.SETUP, dir);
        state = SignedReportFixture.finishedSession(fx);
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    /** Text layout breaks lines anywhere; what matters is that every character made it, in order. */
    private static String squash(String s) {
        return s.replaceAll("\\s+", "");
    }

    @Test
    void wordsWithFfFiOrFlAreWrittenLetterByLetterSoSearchAndCopyFindThem() throws Exception {
        byte[] pdf = PdfReport.render(ReportBuilder.build(state));
        String text;
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            text = new PDFTextStripper().getText(doc);
        }
        // Every page's footer says "sign-off"; a ligature glyph would extract as U+FB00 and "sign-off" not be found.
        assertThat(squash(text)).contains("Pilotsign-offreport");
        assertThat(text.codePoints().filter(c -> c >= 0xFB00 && c <= 0xFB06).count()).as("ligature glyphs").isZero();
    }

    @Test
    void theTextOfThePdfHoldsEveryExpectedAndActualValueAndEveryName() throws Exception {
        Report report = ReportBuilder.build(state);
        byte[] pdf = PdfReport.render(report);
        String text;
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            text = new PDFTextStripper().getText(doc);
            assertThat(doc.getNumberOfPages()).isGreaterThan(1);
        }
        String flat = squash(text);
        // The report writes the workstation's folders relative to the runbook's (demo/migrate.sql, not /tmp/...).
        WorkstationPaths paths = new WorkstationPaths(report.runbookFile(), System.getProperty("user.home"));
        java.util.function.UnaryOperator<String> shown = t -> squash(paths.apply(t));
        int checks = 0;
        for (Report.PhaseReport p : report.phases()) {
            for (Report.StepReport st : p.steps()) {
                for (Report.CheckReport c : st.checks()) {
                    checks++;
                    assertThat(flat).as(st.id() + "#" + c.index() + " label").contains(shown.apply(c.label()));
                    if (c.expected() != null) {
                        assertThat(flat).as(st.id() + "#" + c.index() + " expected").contains(shown.apply(c.expected()));
                    }
                    if (c.actual() != null) {
                        assertThat(flat).as(st.id() + "#" + c.index() + " actual").contains(shown.apply(c.actual()));
                    }
                    if (c.sql() != null) assertThat(flat).contains(shown.apply(c.sql()));
                    if (c.error() != null) assertThat(flat).contains(shown.apply(c.error()));
                }
            }
        }
        assertThat(checks).isGreaterThanOrEqualTo(8);
        assertThat(text)
                .contains(SignedReportFixture.OPERATOR)
                .contains(SignedReportFixture.SIGNER)
                .contains("Ана Петрова")
                .contains("Verdict: FAILED")
                .contains("Page 1 of ")
                .contains("SQLSTATE 42P01");
        assertThat(flat).contains(squash(report.title())).contains(report.runbookSha256())
                .contains(squash("order count differs by design, see OPS-42 <script>"));
        assertThat(flat).contains("s3://backups/shop-2024-05-01.dump—“checked”by山田");
    }

    /**
     * The renderer reports what it ignores (an unknown CSS property, a missing resource) as warnings, which reach
     * stderr and the log file and, in a cold {@code report} command, start both of Logback's appenders. The report's
     * own stylesheet and markup give it nothing to warn about.
     */
    @Test
    void theRendererFindsNothingToWarnAboutInTheReportsStylesheetOrMarkup() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("dev.runbookpilot.report.pdf");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try {
            PdfReport.render(ReportBuilder.build(state), new PdfReport.Signer("Ann", "AB:CD"));
        } finally {
            log.detachAppender(seen);
        }
        assertThat(seen.list).extracting(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage)
                .isEmpty();
    }

    @Test
    void theSameJournalAlwaysGivesTheSameBytes() throws Exception {
        Report report = ReportBuilder.build(state);
        byte[] first = PdfReport.render(report);
        byte[] second = PdfReport.render(ReportBuilder.build(SessionState.replay(state.events())));
        assertThat(second).isEqualTo(first);
        Files.write(dir.resolve("unsigned.pdf"), first);
    }

    @Test
    void everyPageCarriesTheRunningHeaderAndItsNumberAndEveryFontIsEmbedded() throws Exception {
        Report report = ReportBuilder.build(state);
        try (PDDocument doc = Loader.loadPDF(PdfReport.render(report))) {
            int pages = doc.getNumberOfPages();
            for (int page = 1; page <= pages; page++) {
                PDFTextStripper stripper = new PDFTextStripper();
                stripper.setStartPage(page);
                stripper.setEndPage(page);
                String text = squash(stripper.getText(doc));
                assertThat(text).as("page %d header", page).contains(squash(report.title()))
                        .contains(squash("verdict " + report.verdict()));
                assertThat(text).as("page %d number", page).contains(squash("Page " + page + " of " + pages));
            }
            for (PDPage page : doc.getPages()) {
                for (COSName name : page.getResources().getFontNames()) {
                    PDFont font = page.getResources().getFont(name);
                    // A font left to the reader's machine may lack a glyph: names in Cyrillic or CJK would vanish.
                    assertThat(font.isEmbedded()).as(font.getName()).isTrue();
                }
            }
        }
    }
}
