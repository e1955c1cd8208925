package dev.runbookpilot.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * The importer's model of checklist Markdown: line-numbered blocks (headings, list items with or without a
 * checkbox, fenced code, table rows, blank lines, rules, HTML comments and text; every line belongs to exactly one
 * block), as {@link CommonmarkBlocks} reads them, and the helpers the stages use on lines and table rows.
 */
final class MarkdownBlocks {

    enum Type { BLANK, RULE, HEADING, SETEXT_UNDERLINE, ITEM, FENCE, TABLE_ROW, TEXT, COMMENT }

    static final class Block {
        final Type type;
        final int line;
        int endLine;
        /** Leading columns, tabs counted as 4. */
        final int indent;
        /** Heading text, item text after the marker (and checkbox), or the stripped line. */
        String text;
        int level;
        boolean box;
        boolean checked;
        String lang;
        /** Fence content lines (without the fence lines), indentation up to the fence's removed. */
        List<String> content = List.of();
        boolean closed = true;
        /**
         * A line of an indented code block read as text (ADR 0036): its backticks are characters of the sample, not
         * code spans of the checklist's, so nothing in it is a command to run.
         */
        boolean literal;

        Block(Type type, int line, int indent, String text) {
            this.type = type;
            this.line = line;
            this.endLine = line;
            this.indent = indent;
            this.text = text;
        }
    }

    /** Lines of a text: a leading BOM dropped, split at CRLF, CR or LF. */
    static List<String> lines(String text) {
        String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<String> out = new ArrayList<>(List.of(t.split("\r\n|\r|\n", -1)));
        if (out.size() > 1 && out.get(out.size() - 1).isEmpty()) out.remove(out.size() - 1);
        return out;
    }

    static int indentOf(String raw) {
        int cols = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == ' ') cols++;
            else if (c == '\t') cols += 4 - cols % 4;
            else break;
        }
        return cols;
    }

    /** {@code raw} without up to {@code cols} columns of leading whitespace. */
    static String dedent(String raw, int cols) {
        int i = 0;
        int c = 0;
        while (i < raw.length() && c < cols && (raw.charAt(i) == ' ' || raw.charAt(i) == '\t')) {
            c += raw.charAt(i) == '\t' ? 4 - c % 4 : 1;
            i++;
        }
        return raw.substring(i);
    }

    /** Cells of a table row, without the outer pipes. */
    static List<String> cells(String row) {
        String r = row.strip();
        if (r.startsWith("|")) r = r.substring(1);
        if (r.endsWith("|") && !r.endsWith("\\|")) r = r.substring(0, r.length() - 1);
        List<String> cells = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean code = false;
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '`') code = !code;
            if (c == '\\' && i + 1 < r.length() && r.charAt(i + 1) == '|') {
                cur.append('|');
                i++;
            } else if (c == '|' && !code) {
                cells.add(cur.toString().strip());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        cells.add(cur.toString().strip());
        return cells;
    }

    /** {@code |---|:--:|}: only pipes, dashes, colons and spaces, with at least one dash. */
    static boolean isSeparatorRow(String row) {
        String r = row.strip();
        return r.contains("-") && r.chars().allMatch(c -> c == '|' || c == '-' || c == ':' || c == ' ' || c == '\t');
    }
}
