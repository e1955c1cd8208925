package dev.runbookpilot.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits checklist Markdown into line-numbered blocks: headings (ATX and setext), list items (with or without a
 * checkbox), fenced code (an unclosed fence runs to the end), table rows, blank lines, rules and text. Every line
 * belongs to exactly one block.
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

        Block(Type type, int line, int indent, String text) {
            this.type = type;
            this.line = line;
            this.endLine = line;
            this.indent = indent;
            this.text = text;
        }
    }

    private static final Pattern FENCE = Pattern.compile("^(\\s*)(`{3,}|~{3,})\\s*([^`\\s]*).*$");
    private static final Pattern ATX = Pattern.compile("^ {0,3}(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*$");
    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");
    private static final Pattern ITEM = Pattern.compile("^(\\s*)([-*+•]|\\d{1,9}[.)])[ \\t]+(.*)$");
    private static final Pattern BOX = Pattern.compile("^\\[([ xX✓✔])\\](?:[ \\t]+(.*)|[ \\t]*)$");
    private static final Pattern GLYPH_BOX = Pattern.compile("^([☐☑☒✅✔✓⬜])\\uFE0F?[ \\t]*(.*)$");

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

    static List<Block> parse(List<String> lines) {
        List<Block> out = new ArrayList<>();
        boolean inComment = false;
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            int no = i + 1;
            String s = raw.strip();
            int indent = indentOf(raw);
            if (inComment) {
                out.add(new Block(Type.COMMENT, no, indent, s));
                if (s.contains("-->")) inComment = false;
                continue;
            }
            Matcher f = FENCE.matcher(raw);
            if (f.matches() && (f.group(2).charAt(0) == '~' || !f.group(3).contains("`"))) {
                Block b = new Block(Type.FENCE, no, indent, s);
                b.lang = f.group(3).toLowerCase(java.util.Locale.ROOT).replaceAll("[{}.]", "");
                String marker = f.group(2);
                List<String> content = new ArrayList<>();
                int j = i + 1;
                boolean closed = false;
                for (; j < lines.size(); j++) {
                    String t = lines.get(j).strip();
                    if (t.length() >= marker.length() && t.chars().allMatch(ch -> ch == marker.charAt(0))
                            && t.startsWith(marker)) {
                        closed = true;
                        break;
                    }
                    content.add(dedent(lines.get(j), indent));
                }
                b.content = content;
                b.closed = closed;
                b.endLine = closed ? j + 1 : lines.size();
                out.add(b);
                i = closed ? j : lines.size();
                continue;
            }
            if (s.isEmpty()) {
                out.add(new Block(Type.BLANK, no, indent, ""));
                continue;
            }
            Block prev = out.isEmpty() ? null : out.get(out.size() - 1);
            Matcher st = SETEXT.matcher(raw);
            if (st.matches() && prev != null && prev.type == Type.TEXT && prev.indent < 4) {
                prev.level = st.group(1).charAt(0) == '=' ? 1 : 2;
                out.set(out.size() - 1, heading(prev));
                out.add(new Block(Type.SETEXT_UNDERLINE, no, indent, s));
                continue;
            }
            if (isRule(raw)) {
                out.add(new Block(Type.RULE, no, indent, s));
                continue;
            }
            Matcher h = ATX.matcher(raw);
            if (h.matches()) {
                String text = h.group(2) == null ? "" : h.group(2).replaceAll("[ \\t]+#+$", "").strip();
                Block b = new Block(Type.HEADING, no, indent, text);
                b.level = h.group(1).length();
                out.add(b);
                continue;
            }
            Matcher it = ITEM.matcher(raw);
            if (it.matches() && !it.group(3).isBlank()) {
                Block b = new Block(Type.ITEM, no, indent, it.group(3).strip());
                Matcher box = BOX.matcher(b.text);
                Matcher glyph = GLYPH_BOX.matcher(b.text);
                if (box.matches()) {
                    b.box = true;
                    b.checked = !box.group(1).equals(" ");
                    b.text = box.group(2) == null ? "" : box.group(2).strip();
                } else if (glyph.matches() && !glyph.group(2).isBlank()) {
                    b.box = true;
                    b.checked = !glyph.group(1).equals("☐") && !glyph.group(1).equals("⬜");
                    b.text = glyph.group(2).strip();
                }
                out.add(b);
                continue;
            }
            if (s.startsWith("|") && s.length() > 1) {
                out.add(new Block(Type.TABLE_ROW, no, indent, s));
                continue;
            }
            if (s.startsWith("<!--")) {
                out.add(new Block(Type.COMMENT, no, indent, s));
                inComment = !s.substring(4).contains("-->");
                continue;
            }
            out.add(new Block(Type.TEXT, no, indent, s));
        }
        return out;
    }

    private static Block heading(Block text) {
        Block b = new Block(Type.HEADING, text.line, text.indent, text.text);
        b.level = text.level;
        return b;
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

    /** A thematic break: three or more of the same '-', '*' or '_', spaces allowed, indented at most 3. */
    private static boolean isRule(String raw) {
        if (indentOf(raw) > 3) return false;
        String s = raw.replace(" ", "").replace("\t", "");
        if (s.length() < 3) return false;
        char c = s.charAt(0);
        return (c == '-' || c == '*' || c == '_') && s.chars().allMatch(x -> x == c);
    }
}
