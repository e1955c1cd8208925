package dev.runbookpilot.session;

import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.PdfReport;
import dev.runbookpilot.report.Report;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.runbook.Runbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window's planned start and length are journaled when the session starts: the report's planned-vs-actual has a
 * window row from the journal alone, and a resumed session keeps the journal's window whatever the runbook says now.
 */
class WindowPlanJournalTest {
    private static final String RUNBOOK = """
            runbook: Planned window
            target: { environment: development }
            window: { start: "%s", duration: %s }
            phases:
              - name: Only
                steps:
                  - id: a
                    title: A
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
            """;

    @Test
    void theWindowIsJournaledAtTheStartAndTheReportShowsItAgainstTheFirstAndLastAction(@TempDir Path dir)
            throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
        String written = start.atOffset(ZoneOffset.ofHours(1)).toString();
        try (SessionFixture f = SessionFixture.open("window_plan", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK.formatted(written, "1h"));
            Path journal;
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                journal = s.journalFile();
                s.runChecks(step(rb, "a"), Session.Scope.ALL);
                s.finish();
            }
            JournalEvent.Started started = (JournalEvent.Started) Journal.read(journal).get(0);
            assertThat(started.window()).isEqualTo(new JournalEvent.WindowPlan(start, 3_600_000, written));

            // The report is built from the journal alone: the runbook file may be gone.
            Files.delete(rb.file());
            SessionState state = SessionState.replay(Journal.read(journal));
            Report report = ReportBuilder.build(state);
            WindowTimes.Actions actions = WindowTimes.actions(state);
            assertThat(report.window()).isEqualTo(new Report.WindowLine(written, start, start.plus(Duration.ofHours(1)),
                    actions.first(), actions.last(), false, false));
            assertThat(MarkdownReport.render(report)).contains("## Planned vs actual")
                    .contains("| **Window** | " + utc(start) + " to " + utc(start.plus(Duration.ofHours(1)))
                            + " (1 h 00 min); the runbook says " + written + " | first action " + utc(actions.first())
                            + ", last " + utc(actions.last()));
            try (var doc = org.apache.pdfbox.Loader.loadPDF(PdfReport.render(report))) {
                String text = new org.apache.pdfbox.text.PDFTextStripper().getText(doc).replaceAll("\\s+", " ");
                assertThat(text).contains("Planned vs actual").contains(utc(start) + " to " + utc(start.plus(Duration.ofHours(1))) + " (1 h 00 min)")
                        .contains("first action " + utc(actions.first()))
                        .as("the cover's window is the planned one, the session's own span named apart")
                        .contains("Window planned " + utc(start) + " to ").contains("; this session ");
            }
        }
    }

    @Test
    void aResumedSessionKeepsTheJournalsWindowNotTheRunbooksAndTheReportToo(@TempDir Path dir) throws Exception {
        Instant planned = Instant.parse("2026-12-05T02:00:00Z");
        try (SessionFixture f = SessionFixture.open("window_kept", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK.formatted(planned, "2h"));
            Path journal;
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                journal = s.journalFile();
            }
            try (Session s = Session.resume(journal, rb, f.db, "bob", RunListener.NONE)) {
                // Another day, another reading of the plan (zone rules updated, a runbook edited): the journal wins.
                Runbook other = f.runbook(RUNBOOK.formatted("2026-12-06T05:00:00Z", "30m"));
                WindowTimes.Times times = WindowTimes.of(other, s.state());
                assertThat(times.window().start()).isEqualTo(planned);
                assertThat(times.window().end()).isEqualTo(planned.plus(Duration.ofHours(2)));
                assertThat(times.left(planned.plus(Duration.ofMinutes(90)))).isEqualTo(Duration.ofMinutes(30));
                assertThat(ReportBuilder.build(s.state()).window().plannedEnd())
                        .isEqualTo(Instant.parse("2026-12-05T04:00:00Z"));
            }
        }
    }

    @Test
    void aJournalFromBeforeTheWindowWasRecordedReadsWithNoneAndTheClockTakesTheRunbooks(@TempDir Path dir)
            throws Exception {
        try (SessionFixture f = SessionFixture.open("window_old", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK.formatted("2026-12-05T02:00:00Z", "2h"));
            Path journal;
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                journal = s.journalFile();
            }
            // The first line as an older version wrote it: no "window" field at all.
            List<String> lines = Files.readAllLines(journal);
            var started = (com.fasterxml.jackson.databind.node.ObjectNode) Journal.JSON.readTree(lines.get(0));
            assertThat(started.has("window")).isTrue();
            started.remove("window");
            lines.set(0, Journal.JSON.writeValueAsString(started));
            Files.write(journal, lines);

            SessionState state = SessionState.replay(Journal.read(journal));
            assertThat(state.started().window()).isNull();
            assertThat(ReportBuilder.build(state).window()).as("the report says only what the journal holds").isNull();
            assertThat(WindowTimes.of(rb, state).window().start()).isEqualTo(Instant.parse("2026-12-05T02:00:00Z"));
        }
    }

    private static String utc(Instant t) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC)
                .format(t);
    }
}
