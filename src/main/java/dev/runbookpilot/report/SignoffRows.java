package dev.runbookpilot.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a report's sign-off and gate rows are the journal's: the same roles, names, decisions, times and key
 * fingerprints. A Markdown report is compared line by line as it reads; a PDF by the rows it carries in its document
 * information ({@value #PDF_INFO_KEY}), written from the same rows as its table and covered by its first signature.
 */
public final class SignoffRows {
    /** The PDF document-information entry holding the report's sign-off and gate rows as JSON. */
    public static final String PDF_INFO_KEY = "RunbookPilotSignoffRows";

    private static final ObjectMapper JSON = Journal.JSON;

    private SignoffRows() {}

    /** One row as a PDF carries it; {@code at} as ISO-8601 text, so the comparison is of what was written. */
    public record Row(String stepId, String role, boolean gate, String name, String at, String decision, String reason,
               String fingerprint) {
        static Row of(Report.SignoffLine l) {
            return new Row(l.stepId(), l.role(), l.gate(), l.name(), l.at() == null ? null : l.at().toString(),
                    l.decision(), l.reason(), l.fingerprint());
        }

        String describe() {
            return (gate ? "gate '" + stepId + "' " : "sign-off '" + stepId + "' ") + role + ": " + (name == null
                    ? "not signed" : (decision == null ? "" : decision + " ") + "by " + name + " at " + at + ", "
                    + (fingerprint == null ? SignoffSignatures.TYPED : "key " + fingerprint)
                    + (reason == null ? "" : " (" + reason + ")"));
        }
    }

    /** The value of {@link #PDF_INFO_KEY} for a report. */
    static String pdfInfoValue(Report r) {
        try {
            return JSON.writeValueAsString(r.signoffs().stream().map(Row::of).toList());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("rows of strings always serialise", e);
        }
    }

    /**
     * What differs between the report's sign-off and gate rows and those the journal's {@code events} give; empty
     * when they agree. Given every event of a journal that went on after the report was made, a later sign-off
     * differs too: the report does not show what the journal now holds.
     */
    public static List<String> compare(Path report, Path journal, List<JournalEvent> events) throws IOException {
        Report expected = ReportBuilder.build(SessionState.replay(events));
        List<String> problems = new ArrayList<>();
        if (ReportVerifier.formatOf(report) == ReportFormat.PDF) {
            String json;
            try (PDDocument doc = Loader.loadPDF(report.toFile())) {
                json = doc.getDocumentInformation().getCustomMetadataValue(PDF_INFO_KEY);
                String subject = doc.getDocumentInformation().getSubject();
                if (subject == null || !subject.contains(expected.sessionId())) {
                    problems.add(report + " is not the report of session " + expected.sessionId() + " (" + journal
                            + ").");
                    return problems;
                }
            }
            if (json == null) {
                problems.add(report + " carries no sign-off rows to compare (exported by an older version).");
                return problems;
            }
            List<Row> shown;
            try {
                shown = JSON.readValue(json, new TypeReference<List<Row>>() {});
            } catch (JsonProcessingException e) {
                problems.add(report + ": its sign-off rows are unreadable (" + e.getOriginalMessage() + ").");
                return problems;
            }
            differences(problems, shown.stream().map(Row::describe).toList(),
                    expected.signoffs().stream().map(Row::of).map(Row::describe).toList());
        } else {
            String text = new String(Files.readAllBytes(report), StandardCharsets.UTF_8);
            if (!text.contains(expected.sessionId())) {
                problems.add(report + " is not the report of session " + expected.sessionId() + " (" + journal + ").");
                return problems;
            }
            differences(problems, markdownLines(text), MarkdownReport.signoffLines(expected));
        }
        return problems;
    }

    private static void differences(List<String> problems, List<String> shown, List<String> journal) {
        for (String row : journal) {
            if (!shown.contains(row)) problems.add("the journal has " + row + "; the report does not show it.");
        }
        for (String row : shown) {
            if (!journal.contains(row)) problems.add("the report shows " + row + "; the journal does not have it.");
        }
        if (problems.isEmpty() && !shown.equals(journal)) {
            problems.add("the report shows the journal's sign-off rows in another order.");
        }
    }

    /** The lines of a Markdown report's sign-off and gate sections, as {@link MarkdownReport#signoffLines} makes. */
    private static List<String> markdownLines(String markdown) {
        List<String> lines = new ArrayList<>();
        String[] all = markdown.split("\n", -1);
        int heading = signoffHeading(all);
        if (heading < 0) return lines;
        for (String line : Arrays.asList(all).subList(heading + 1, all.length)) {
            if (line.equals(MarkdownReport.GATES_SECTION)) {
                lines.add(line);
            } else if (line.startsWith("## ")) {
                break;
            } else if (line.startsWith("- ")) {
                lines.add(line);
            }
        }
        return lines;
    }

    /**
     * The line of the report's own sign-off heading: the last {@code ## Sign-off} outside a code block. A phase may be
     * called "Sign-off" too (its heading is the same line), and every phase comes before the report's section; the
     * SQL appendix after it is fenced, so a statement's text cannot pass for the heading.
     */
    private static int signoffHeading(String[] lines) {
        int found = -1;
        String fence = null;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int ticks = 0;
            while (ticks < line.length() && line.charAt(ticks) == '`') ticks++;
            if (fence != null) {
                // A fence closes with a line of at least as many backticks and nothing else.
                if (ticks >= fence.length() && line.substring(ticks).isBlank()) fence = null;
            } else if (ticks >= 3) {
                fence = line.substring(0, ticks);
            } else if (line.equals("## Sign-off") || line.startsWith("## Sign-off · ")) {
                found = i;
            }
        }
        return found;
    }
}
