package dev.runbookpilot.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The journal a report was made from, as the report states it under its signature: the file's name, and the length in
 * lines and bytes and the SHA-256 of exactly the bytes the report was built from. A journal's key-signed lines cover
 * only what came before them; this covers everything the report shows, so a journal cut short or edited after its
 * last key signature no longer matches the report. By hand: {@code head -c BYTES FILE | sha256sum}, and
 * {@code head -c BYTES FILE | wc -l} for the lines.
 */
public record JournalWitness(String file, int lines, long bytes, String sha256) {
    /** The PDF document-information entry holding the witness as JSON, covered by the first signature. */
    public static final String PDF_INFO_KEY = "RunbookPilotJournal";

    /** A Markdown report's row, as {@link #markdownValue} writes it; file names that need escaping included. */
    private static final Pattern MARKDOWN_ROW = Pattern.compile("^\\| Journal \\| (.+) as read for this report: "
            + "(\\d+) lines, (\\d+) bytes, SHA-256 `([0-9a-f]{64})` \\|$", Pattern.MULTILINE);

    static JournalWitness of(Journal.Snapshot journal) {
        return new JournalWitness(journal.file().getFileName().toString(), journal.lines(), journal.length(),
                journal.sha256());
    }

    /** The witness as a Markdown table cell. */
    String markdownValue() {
        return (file.matches("[A-Za-z0-9._:-]+") ? "`" + file + "`" : MarkdownReport.cell(file))
                + " as read for this report: " + counts() + ", SHA-256 `" + sha256 + "`";
    }

    /** {@code N lines, B bytes}, as both formats show it. */
    String counts() {
        return lines + " lines, " + bytes + " bytes";
    }

    String pdfInfoValue() {
        try {
            return Journal.JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("strings and numbers always serialise", e);
        }
    }

    /**
     * The witness a report carries; empty for a report exported before reports carried one.
     *
     * @throws IOException when it cannot be read, or a Markdown report has more than one journal row in the table
     *                     under its title (text from the journal cannot forge one there, as cells escape backquotes
     *                     and bars; two is not a report this tool wrote)
     */
    public static Optional<JournalWitness> of(Path report) throws IOException {
        if (ReportVerifier.formatOf(report) == ReportFormat.PDF) {
            String json;
            try (PDDocument doc = Loader.loadPDF(report.toFile())) {
                json = doc.getDocumentInformation().getCustomMetadataValue(PDF_INFO_KEY);
            }
            if (json == null) return Optional.empty();
            try {
                return Optional.of(Journal.JSON.readValue(json, JournalWitness.class));
            } catch (JsonProcessingException e) {
                throw new IOException(report + ": its journal witness is unreadable (" + e.getOriginalMessage() + ")");
            }
        }
        String text = new String(Files.readAllBytes(report), StandardCharsets.UTF_8);
        // The row is in the table under the title, before the first section: code blocks further down hold journal
        // text (command output, SQL) that is printed as it is.
        int firstSection = text.indexOf("\n## ");
        Matcher m = MARKDOWN_ROW.matcher(firstSection < 0 ? text : text.substring(0, firstSection));
        if (!m.find()) return Optional.empty();
        JournalWitness w = new JournalWitness(m.group(1).replaceAll("^`|`$", ""), Integer.parseInt(m.group(2)),
                Long.parseLong(m.group(3)), m.group(4));
        if (m.find()) throw new IOException(report + " has more than one journal row; this tool writes one");
        return Optional.of(w);
    }

    /**
     * How a journal stands against this witness.
     *
     * @param problem    why it is not the journal the report was made from (cut short, or changed); null when it is
     * @param extraLines complete lines after the witnessed bytes
     * @param kinds      those lines by event type, in first-seen order ({@code unreadable} for a line that is no
     *                   journal event)
     * @param failed     check results among them by FAILED and ERROR
     * @param torn       bytes of a last line without its line end after the witnessed bytes (0 when none)
     */
    public record Comparison(JournalWitness witness, String problem, int extraLines, Map<String, Integer> kinds,
                             Map<Status, Integer> failed, int torn) {
        public boolean same() {
            return problem == null;
        }

        /** What the journal holds after the witnessed bytes, as a sentence; null when nothing. */
        public String extra() {
            if (problem != null || extraLines == 0 && torn == 0) return null;
            StringBuilder b = new StringBuilder("the journal goes on after what this report was made from: ");
            if (extraLines > 0) {
                List<String> k = new ArrayList<>();
                kinds.forEach((kind, n) -> k.add(n + " " + kind));
                b.append(extraLines).append(extraLines == 1 ? " more line" : " more lines").append(" after line ")
                        .append(witness.lines()).append(" (").append(String.join(", ", k)).append(')');
                List<String> bad = new ArrayList<>();
                failed.forEach((status, n) -> bad.add(n + (n == 1 ? " check result " : " check results ") + status));
                if (!bad.isEmpty()) b.append("; among them ").append(String.join(", ", bad));
                if (torn > 0) b.append("; and ");
            }
            if (torn > 0) {
                b.append("a last line cut mid-way (").append(torn).append(" bytes without a line end: being written, "
                        + "or torn by a crash)");
            }
            boolean one = extraLines + (torn > 0 ? 1 : 0) == 1;
            return b.append(". The report does not show ").append(one ? "it." : "them.").toString();
        }
    }

    private static final ObjectReader STRICT = Journal.JSON.reader()
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** Compares {@code journal}, the bytes of a journal file, with this witness. */
    public Comparison compare(byte[] journal) {
        String made = "the report was made from its first " + counts().replace(" lines, ", " lines (") + "), SHA-256 "
                + sha256;
        if (journal.length < bytes) {
            return new Comparison(this, "the journal is not the one this report was made from: cut short: this file "
                    + "has " + journal.length + " bytes (" + lineEnds(journal, journal.length) + " lines); " + made
                    + ".", 0, Map.of(), Map.of(), 0);
        }
        String prefix = Journal.sha256(journal, (int) bytes);
        if (!prefix.equals(sha256)) {
            return new Comparison(this, "the journal is not the one this report was made from: changed: its first "
                    + bytes + " bytes have SHA-256 " + prefix + "; " + made + ". A line among them was edited, "
                    + "added, removed or replaced." + copyHint(journal), 0, Map.of(), Map.of(), 0);
        }
        Map<String, Integer> kinds = new LinkedHashMap<>();
        Map<Status, Integer> failed = new LinkedHashMap<>();
        int extra = 0;
        int start = (int) bytes;
        for (int nl = start; nl < journal.length; nl++) {
            if (journal[nl] != '\n') continue;
            extra++;
            String line = new String(journal, start, nl - start, StandardCharsets.UTF_8);
            start = nl + 1;
            String kind;
            try {
                // A key given twice is refused: Jackson would type the event by the first "event" and a tree keep
                // the last, and the kind printed must be the one counted.
                JsonNode tree = line.isBlank() ? null : STRICT.readTree(line);
                JournalEvent e = tree == null ? null : Journal.JSON.treeToValue(tree, JournalEvent.class);
                kind = e == null ? "blank" : tree.path("event").asText();
                if (e instanceof JournalEvent.CheckFinished f && f.result() != null
                        && (f.result().status() == Status.FAILED || f.result().status() == Status.ERROR)) {
                    failed.merge(f.result().status(), 1, Integer::sum);
                }
            } catch (JsonProcessingException bad) {
                kind = "unreadable";
            }
            kinds.merge(kind, 1, Integer::sum);
        }
        return new Comparison(this, null, extra, kinds, failed, journal.length - start);
    }

    /**
     * What a copy that rewrites text does to a journal, named when seen (the journal this tool writes has neither):
     * the auditor then asks for the file as it was, rather than suspecting an edit.
     */
    private static String copyHint(byte[] journal) {
        boolean bom = journal.length >= 3 && (journal[0] & 0xff) == 0xef && (journal[1] & 0xff) == 0xbb
                && (journal[2] & 0xff) == 0xbf;
        boolean crlf = false;
        for (int i = 1; i < journal.length && !crlf; i++) crlf = journal[i] == '\n' && journal[i - 1] == '\r';
        if (!bom && !crlf) return "";
        return " This file " + (crlf ? "has CR LF line ends" + (bom ? " and " : "") : "")
                + (bom ? "starts with a byte order mark" : "") + ", which this tool never writes: it may have been "
                + "converted as text when copied; compare the file as the session wrote it.";
    }

    private static int lineEnds(byte[] b, int end) {
        int n = 0;
        for (int i = 0; i < end; i++) if (b[i] == '\n') n++;
        return n;
    }
}
