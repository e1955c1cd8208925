package dev.runbookpilot.importer.intent;

import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.PdfReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where an imported step came from travels with it: the importer writes the checklist's file and line as the
 * step's {@code source:}, the session journals it, and the report prints it beside the step, while the checks'
 * names and manual texts stay the checklist's own words.
 */
class ImportTraceTest {

    private static final String CHECKLIST = """
            # Orders cleanup
            ## Before
            - [ ] Nobody else connected

            ## After
            - [ ] Orders table still there: `\\dt orders` should show `orders`
            - [ ] Tell the support team
            """;

    @Test
    void theReportNamesTheChecklistLineEveryImportedStepCameFrom(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("trace");
        TestPostgres.exec(db, "CREATE TABLE orders (id int)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            assertThat(live.runbook.steps().map(Step::source))
                    .containsExactly("checklist.md, line 2", "checklist.md, line 5");
            live.runStep("After");
            String report = MarkdownReport.render(ReportBuilder.build(live.state()));
            assertThat(report).contains("Step `before` · from checklist.md, line 2")
                    .contains("Step `after` · from checklist.md, line 5");
            byte[] pdf = PdfReport.render(ReportBuilder.build(live.state()));
            try (PDDocument doc = Loader.loadPDF(pdf)) {
                assertThat(new PDFTextStripper().getText(doc).replaceAll("\\s+", ""))
                        .contains("·fromchecklist.md,line2").contains("·fromchecklist.md,line5");
            }
            // The items keep their own words: no "(checklist line N)" appended to a manual text.
            assertThat(live.runbook.steps().flatMap(s -> s.checks().stream())
                    .filter(dev.runbookpilot.runbook.CheckSpec.Manual.class::isInstance)
                    .map(c -> ((dev.runbookpilot.runbook.CheckSpec.Manual) c).text()))
                    .contains("Tell the support team");
        }
    }

    @Test
    void aSourceIsOneShortLine() {
        String runbook = """
                runbook: Trace
                target: { environment: staging }
                phases:
                  - name: P
                    steps:
                      - id: s
                        title: S
                        source: "line one\\nline two"
                        manual: Done
                """;
        assertThatThrownBy(() -> RunbookLoader.parse(runbook, Path.of("runbook.yaml"),
                RunbookLoader.sha256(runbook.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(RunbookException.class).hasMessageContaining("'source'");
    }
}
