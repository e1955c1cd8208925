package dev.runbookpilot.session;

import dev.runbookpilot.runbook.Runbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;


import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/** Every overrun of a step, a phase or the window is journaled once, and a resumed session knows it already. */
class OverrunJournalTest {
    @Test
    void eachOverrunIsJournaledOnceAndSurvivesAResume(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("overrun", null, dir)) {
            Instant start = Instant.now();
            Runbook rb = f.runbook("""
                    runbook: Overruns
                    target: { environment: development }
                    window: { start: "%s", duration: 1h }
                    phases:
                      - name: Only
                        budget: 10m
                        steps:
                          - id: a
                            title: A
                            budget: 1m
                            checks:
                              - query: { sql: "SELECT 1", expect: "= 1" }
                    """.formatted(start));
            Path journal;
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                journal = s.journalFile();
                assertThat(s.recordOverruns(Instant.now())).as("nothing over budget yet").isEmpty();
                List<JournalEvent.Overrun> first = s.recordOverruns(Instant.now().plus(Duration.ofMinutes(2)));
                assertThat(first).extracting(JournalEvent.Overrun::key).containsExactly("step:a");
                assertThat(first.get(0).budget()).isEqualTo(60_000);
                assertThat(first.get(0).elapsed()).isGreaterThan(60_000);
                assertThat(s.recordOverruns(Instant.now().plus(Duration.ofMinutes(3)))).as("once").isEmpty();

                List<JournalEvent.Overrun> later = s.recordOverruns(Instant.now().plus(Duration.ofMinutes(70)));
                assertThat(later).extracting(JournalEvent.Overrun::key).containsExactly("phase:Only", "window");
                s.runChecks(step(rb, "a"), Session.Scope.ALL);
            }
            assertThat(Journal.read(journal).stream().filter(e -> e instanceof JournalEvent.Overrun)).hasSize(3);
            try (Session s = Session.resume(journal, rb, f.db, "bob", RunListener.NONE)) {
                assertThat(s.state().overruns()).containsOnlyKeys("step:a", "phase:Only", "window");
                assertThat(s.recordOverruns(Instant.now().plus(Duration.ofHours(5)))).isEmpty();
                String md = dev.runbookpilot.report.MarkdownReport.render(
                        dev.runbookpilot.report.ReportBuilder.build(s.state()));
                assertThat(md).contains("## Planned vs actual").contains("| **Only** | 10 min 00 s |")
                        .contains("`a` A | 1 min 00 s |").contains("⚠ OVERRUN")
                        .contains("OVERRUN A (step:a)");
                assertRedBarDrawn(dev.runbookpilot.report.PdfReport.render(
                        dev.runbookpilot.report.ReportBuilder.build(s.state())));
            }
        }
    }

    /** The PDF's chart is drawn with PDFBox primitives: filled rectangles, one of them in the overrun's red. */
    private static void assertRedBarDrawn(byte[] pdf) throws Exception {
        try (var doc = org.apache.pdfbox.Loader.loadPDF(pdf)) {
            String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc);
            assertThat(text).contains("Planned vs actual").contains("OVERRUN");
            boolean red = false;
            int rects = 0;
            for (var page : doc.getPages()) {
              for (var streams = page.getContentStreams(); streams.hasNext(); ) {
                var parser = new org.apache.pdfbox.pdfparser.PDFStreamParser(streams.next().toByteArray());
                List<Object> operands = new java.util.ArrayList<>();
                for (Object token = parser.parseNextToken(); token != null; token = parser.parseNextToken()) {
                    if (token instanceof org.apache.pdfbox.contentstream.operator.Operator op) {
                        if (op.getName().equals("re")) rects++;
                        if ((op.getName().equals("rg") || op.getName().equals("sc")) && operands.size() == 3
                                && operands.get(0) instanceof org.apache.pdfbox.cos.COSNumber r
                                && Math.abs(r.floatValue() - 0xcf / 255f) < 0.01) {
                            red = true;
                        }
                        operands.clear();
                    } else {
                        operands.add(token);
                    }
                }
              }
            }
            assertThat(red).as("a red bar for the overrun").isTrue();
            assertThat(rects).isGreaterThanOrEqualTo(3);
        }
    }
}
