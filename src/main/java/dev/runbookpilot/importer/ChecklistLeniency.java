package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import org.commonmark.node.SourceSpan;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The places where checklist authors mean something CommonMark reads otherwise, each a named rule saying which
 * writing it accepts. {@link CommonmarkBlocks} applies them to CommonMark's blocks; everything else is read as
 * CommonMark reads it. A checklist is written to be read by a person ticking boxes, not rendered: its authors indent
 * by eye, bullet with whatever their editor gives them and number steps through paragraphs.
 */
final class ChecklistLeniency {

    private ChecklistLeniency() {
    }

    private static final Pattern ITEM = Pattern.compile("^(\\s*)([-*+•]|\\d{1,9}[.)])[ \\t]+(.*)$", Pattern.DOTALL);
    private static final Pattern FENCE_OPENER = Pattern.compile("^\\s*(`{3,}[^`]*|~{3,}.*)$");
    private static final Pattern BOX = Pattern.compile("^\\[([ xX✓✔])\\](?:[ \\t]+(.*)|[ \\t]*)$");
    private static final Pattern GLYPH_BOX = Pattern.compile("^([☐☑☒✅✔✓⬜])\\uFE0F?[ \\t]*(.*)$");

    /**
     * Items inside paragraphs, and pipe rows. A line CommonMark keeps inside a paragraph is an item when it starts
     * with a list marker: a {@code •} bullet pasted from a word processor, {@code 2.} numbering a step right under
     * a line of prose (CommonMark lets only {@code 1.} interrupt a paragraph), an item indented four or more spaces
     * under another (a lazy continuation to CommonMark). A line starting with {@code |} is a table row, with or
     * without the separator row GitHub tables need: checklists draw checkbox grids without one. Returns null for a
     * line that opens a code fence (indented past CommonMark's limit under an item): the caller reads the document
     * again from there.
     */
    static Block lineInsideAParagraph(String raw, int lineNo) {
        int indent = MarkdownBlocks.indentOf(raw);
        String s = raw.strip();
        if (FENCE_OPENER.matcher(raw).matches()) return null;
        Matcher it = ITEM.matcher(raw);
        if (it.matches() && !it.group(3).isBlank()) {
            return withCheckbox(new Block(Type.ITEM, lineNo, indent, it.group(3).strip()));
        }
        if (s.startsWith("|") && s.length() > 1) return new Block(Type.TABLE_ROW, lineNo, indent, s);
        return new Block(Type.TEXT, lineNo, indent, s);
    }

    /** An item's checkbox: {@code [ ]}, {@code [x]}, or a glyph ({@code ☐ ✅ ✔}) in front of its text. */
    static Block withCheckbox(Block b) {
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
        return b;
    }

    /**
     * A fence indented as code under an item is a fence. An author lines up a {@code ```sql} fence under the item
     * above by eye: six spaces under {@code - [ ]} after a blank line is an indented code block to CommonMark, its
     * SQL prose. Only that block (its first line a fence opener: a block read again from the middle of an item, see
     * {@code lineInsideAParagraph}, no longer knows the item it is in) is read again as Markdown,
     * without its common indentation; the blocks keep the lines' real indentation. Any other indented code block
     * is what CommonMark says, code: a sample of tool output may hold {@code - [ ] `mix ecto.migrate`}, and it is
     * not an item to run. Returns null for such a block (its lines stay text).
     */
    static List<String> indentedCodeIsIndentedMarkdown(List<SourceSpan> spans, List<String> source) {
        int first = spans.get(0).getLineIndex();
        int last = spans.get(spans.size() - 1).getLineIndex();
        String[] text = new String[last - first + 1];
        java.util.Arrays.fill(text, "");
        for (SourceSpan span : spans) {
            String line = source.get(span.getLineIndex());
            text[span.getLineIndex() - first] = line.substring(Math.min(span.getColumnIndex(), line.length()));
        }
        int common = Integer.MAX_VALUE;
        for (String t : text) if (!t.isBlank()) common = Math.min(common, MarkdownBlocks.indentOf(t));
        List<String> out = new ArrayList<>();
        for (String t : text) out.add(t.isBlank() ? "" : MarkdownBlocks.dedent(t, common));
        String opener = out.stream().filter(t -> !t.isBlank()).findFirst().orElse("");
        return opener.startsWith("```") || opener.startsWith("~~~") ? out : null;
    }

    /**
     * HTML is a line, not a block. CommonMark makes everything from a {@code <details>} or {@code </div>} line to
     * the next blank line raw HTML; checklist authors fold a group of items into a {@code <details>} and write
     * Markdown inside it. The HTML line is text, the lines after it (to where CommonMark ended the HTML) are read
     * again as Markdown. Except in {@code <pre>}, {@code <script>}, {@code <style>} and {@code <textarea>}: their
     * content is text by their own meaning (an old runbook kept for history in a {@code <pre>} is not this one);
     * for them this returns null and the lines stay text.
     */
    static List<String> htmlBlockHoldsMarkdown(List<String> source, int first, int last) {
        if (RAW_TEXT_ELEMENT.matcher(source.get(first - 1).strip()).lookingAt()) return null;
        return new ArrayList<>(source.subList(first, last + 1));
    }

    private static final Pattern RAW_TEXT_ELEMENT =
            Pattern.compile("(?i)<(?:pre|script|style|textarea)(?:[\\s>]|$)");

    /**
     * A fence runs to its closing line. CommonMark ends a fence inside a list item where the item ends, so SQL
     * written flush left under an indented {@code ```sql} leaves the fence and the closing {@code ```} opens a new
     * one; and it does not close a fence with a closing line indented four or more spaces deeper than the opening
     * one. Checklist authors close their fences themselves, indented by eye. A fence takes every line up to its
     * closing line (only the same fence character, at least as many, however indented), or, when there is none,
     * to the end of the document (the item reader warns about it). Returns the index of the first line after it.
     */
    static int fenceRunsToItsClosingLine(Block fence, List<String> lines) {
        String opener = lines.get(fence.line - 1).strip();
        char c = opener.charAt(0);
        int length = 0;
        while (length < opener.length() && opener.charAt(length) == c) length++;
        List<String> content = new ArrayList<>();
        int l = fence.line;
        for (; l < lines.size(); l++) {
            String t = lines.get(l).strip();
            if (isClosing(t, c, length)) break;
            content.add(MarkdownBlocks.dedent(lines.get(l), fence.indent));
        }
        fence.content = content;
        fence.closed = l < lines.size();
        fence.endLine = fence.closed ? l + 1 : lines.size();
        return fence.endLine;
    }

    private static boolean isClosing(String stripped, char c, int length) {
        if (stripped.length() < length) return false;
        for (int i = 0; i < stripped.length(); i++) if (stripped.charAt(i) != c) return false;
        return true;
    }

    /**
     * A {@code ---} under an item or a table row is a rule, not a setext heading. CommonMark makes an item's text
     * (or a pipe row it reads as a paragraph) a heading when a line of dashes follows it, indented into the item;
     * checklist authors draw that line to separate groups of items. Only a line of text, not indented as code,
     * becomes a heading.
     */
    static boolean underlineMakesAHeading(Block underlined) {
        return underlined.type == Type.TEXT && underlined.indent < 4;
    }

    private static final Pattern SETEXT = Pattern.compile("^ {0,3}(=+|-+)[ \\t]*$");

    /**
     * An underlined line is a heading, even right under an item. CommonMark continues an item's paragraph with
     * the flush-left line after it ("lazy continuation") and then cannot make it a heading, so {@code ===} under
     * it is more text and {@code ---} a rule; a checklist author who underlines a line under a list means a
     * heading (they forgot the blank line). A text line, not indented as code, directly above a line of only
     * {@code =} or {@code -} becomes a heading of level 1 or 2.
     */
    static void underlinedLineIsAHeading(List<Block> blocks, List<String> lines) {
        for (int i = 1; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            Block prev = blocks.get(i - 1);
            if ((b.type != Type.RULE && b.type != Type.TEXT) || prev.type != Type.TEXT || prev.indent >= 4) continue;
            Matcher m = SETEXT.matcher(lines.get(b.line - 1));
            if (!m.matches()) continue;
            Block heading = new Block(Type.HEADING, prev.line, prev.indent, prev.text);
            heading.level = m.group(1).charAt(0) == '=' ? 1 : 2;
            blocks.set(i - 1, heading);
            blocks.set(i, new Block(Type.SETEXT_UNDERLINE, b.line, b.indent, b.text));
        }
    }

    /** The underline {@link #underlineMakesAHeading} did not accept: a rule when it is one, else text. */
    static Block underlineUnderAnItem(String raw, int lineNo) {
        int indent = MarkdownBlocks.indentOf(raw);
        String s = raw.strip();
        String bare = s.replace(" ", "").replace("\t", "");
        boolean rule = indent <= 3 && bare.length() >= 3 && bare.chars().allMatch(x -> x == bare.charAt(0))
                && "-*_".indexOf(bare.charAt(0)) >= 0;
        return new Block(rule ? Type.RULE : Type.TEXT, lineNo, indent, s);
    }
}
