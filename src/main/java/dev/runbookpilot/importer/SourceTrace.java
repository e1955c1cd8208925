package dev.runbookpilot.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What "a line of the checklist is in the runbook" means: the line's text, Markdown markers aside, can be found in
 * the runbook's texts. A line splits into fragments (table cells, inline code spans, the prose around them) because
 * the runbook carries them apart: a check's name holds an item's prose, its {@code sql} the code span. The importer
 * uses this to find the lines of an automated item its checks do not carry, so that they go to the step instead of
 * nowhere; the tests use it to prove that nothing was lost.
 */
final class SourceTrace {

    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}(?=[ \\t]|$)");
    private static final Pattern FENCE_MARKER = Pattern.compile("^\\s*(`{3,}|~{3,})\\s*[\\w+.#-]*\\s*$");
    private static final Pattern MARKER = Pattern.compile(
            "^(?:\\s*(?:>|[-*+•]|\\d{1,9}[.)])(?=[ \\t]|$))+\\s*(?:\\[[ xX✓✔]?]|[☐☑☒✅✔✓⬜]\\uFE0F?)?");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");
    private static final Pattern FORMAT_ONLY = Pattern.compile("[-=*_|:~`#>\\s]*");

    private SourceTrace() {}

    /** The pieces of one source line that must each be found in the runbook; none for formatting-only lines. */
    static List<String> fragments(String rawLine) {
        List<String> out = new ArrayList<>();
        String t = rawLine.strip();
        if (FORMAT_ONLY.matcher(t).matches() || FENCE_MARKER.matcher(rawLine).matches()) return out;
        if (t.startsWith("|")) {
            for (String cell : MarkdownBlocks.cells(t)) addProseAndCode(cell, out);
            return out;
        }
        t = HEADING.matcher(t).replaceFirst("").replaceAll("[ \\t]+#+$", "");
        t = MARKER.matcher(t).replaceFirst("");
        addProseAndCode(t, out);
        return out;
    }

    /** Code spans and the prose between them apart: a check name keeps the prose and drops the spans. */
    private static void addProseAndCode(String text, List<String> out) {
        Matcher m = INLINE_CODE.matcher(text);
        int last = 0;
        while (m.find()) {
            add(text.substring(last, m.start()), out);
            add(m.group(2), out);
            last = m.end();
        }
        add(text.substring(last), out);
    }

    private static void add(String piece, List<String> out) {
        String n = normalise(piece);
        if (!FORMAT_ONLY.matcher(n).matches()) out.add(n);
    }

    /**
     * Text as compared: control characters dropped (the YAML writer cannot carry them, so it leaves them out),
     * emphasis markers and backticks dropped, whitespace runs (Unicode line separators too: the
     * YAML reader turns them into line breaks) made one space, and the
     * punctuation a check name or a split statement drops at the ends trimmed.
     */
    static String normalise(String text) {
        return text.replaceAll("[\\p{Cc}&&[^\\t\\n\\r]]", "").replace("**", "").replace("__", "").replace("`", "")
                .replaceAll("(?U)\\s+", " ")
                .replaceAll("(?U)^[\\s:;,.]+|[\\s:;,.]+$", "");
    }

    /** Whether the line, verbatim or as every one of its fragments, is in the (already normalised) text. */
    static boolean carriedIn(String rawLine, String normalisedText) {
        // A line kept as written (a table row with an escaped pipe, say) is carried even where its cells, unescaped,
        // read differently.
        String whole = normalise(rawLine);
        if (!whole.isEmpty() && normalisedText.contains(whole)) return true;
        for (String f : fragments(rawLine)) if (!normalisedText.contains(f)) return false;
        return true;
    }
}
