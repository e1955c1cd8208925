package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.ThematicBreak;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads checklist Markdown into the importer's line-numbered blocks with commonmark-java: every CommonMark block
 * carries its source lines ({@link IncludeSourceSpans#BLOCKS}), and each is mapped to the block model (a list
 * item's first line is an item, a paragraph's lines are text, a fenced code block is a fence with its content,
 * thematic breaks are rules, ...). Where checklist authors mean something CommonMark reads otherwise, a named rule
 * of {@link ChecklistLeniency} decides; each says which writing it accepts. Every line belongs to exactly one block.
 */
final class CommonmarkBlocks {

    /** Blocks only: the stages read a line's inline Markdown themselves, so CommonMark's inline parsing is skipped. */
    private static final Parser PARSER = Parser.builder().includeSourceSpans(IncludeSourceSpans.BLOCKS)
            .inlineParserFactory(context -> (sourceLines, node) -> { }).build();
    private static final Pattern ATX = Pattern.compile("^\\s*(#{1,6})(?:[ \\t]+(.*?))?[ \\t]*$", Pattern.DOTALL);
    /** The first word of a fence's info string: its language. */
    private static final Pattern FENCE_LANG = Pattern.compile("^\\s*(?:`{3,}|~{3,})\\s*([^`\\s]*)");
    private static final Pattern MARKER = Pattern.compile("^([-*+]|\\d{1,9}[.)])[ \\t]*");

    private final List<String> lines;

    private CommonmarkBlocks(List<String> lines) {
        this.lines = lines;
    }

    /** The blocks of the whole document, line 1 first. */
    static List<Block> parse(List<String> lines) {
        CommonmarkBlocks reader = new CommonmarkBlocks(lines);
        List<Block> out = new ArrayList<>();
        int from = 0;
        while (from < lines.size()) {
            Reading reading = reader.read(from, lines.size(), lines.subList(from, lines.size()));
            int next = lines.size();
            for (Block b : reading.blocks) {
                if (b.type == Type.FENCE) {
                    int end = b.endLine;
                    boolean closed = b.closed;
                    int after = ChecklistLeniency.fenceRunsToItsClosingLine(b, lines);
                    if (after != end || closed != b.closed) {
                        out.add(b);
                        next = after;
                        break;
                    }
                }
                if (reading.rereadFrom >= 0 && b.line - 1 >= reading.rereadFrom) {
                    next = reading.rereadFrom;
                    break;
                }
                out.add(b);
            }
            from = next;
        }
        ChecklistLeniency.underlinedLineIsAHeading(out, lines);
        return out;
    }

    /** Blocks of lines [{@code from}, {@code to}), as CommonMark reads {@code source} (those lines, maybe dedented). */
    private record Reading(List<Block> blocks, int rereadFrom) { }

    private Reading read(int from, int to, List<String> source) {
        Node doc = PARSER.parse(String.join("\n", source));
        Block[] at = new Block[to - from];
        ListItem[] itemAt = new ListItem[to - from];
        int[] reread = {-1};
        visit(doc, from, source, at, itemAt, reread);
        List<Block> blocks = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Block b = at[i - from];
            if (b == null) {
                String s = lines.get(i).strip();
                b = new Block(s.isEmpty() ? Type.BLANK : Type.TEXT, i + 1, MarkdownBlocks.indentOf(lines.get(i)), s);
            }
            blocks.add(b);
            i = b.endLine - 1;
        }
        return new Reading(blocks, reread[0]);
    }

    private void visit(Node node, int from, List<String> source, Block[] at, ListItem[] itemAt, int[] reread) {
        for (Node n = node.getFirstChild(); n != null; n = n.getNext()) {
            List<SourceSpan> spans = n.getSourceSpans();
            if (spans.isEmpty()) continue;
            int first = spans.get(0).getLineIndex();
            int last = spans.get(spans.size() - 1).getLineIndex();
            if (n instanceof ListItem item) {
                if (itemAt[first] == null) itemAt[first] = item;
                visit(n, from, source, at, itemAt, reread);
            } else if (n instanceof Paragraph) {
                paragraph(spans, from, source, at, itemAt, reread);
            } else if (n instanceof Heading h) {
                heading(h, spans, from, source, at, itemAt);
            } else if (n instanceof ThematicBreak) {
                at[first] = block(Type.RULE, from + first);
            } else if (n instanceof FencedCodeBlock f) {
                at[first] = fence(f, from + first, from + last);
            } else if (n instanceof IndentedCodeBlock) {
                List<String> dedented = ChecklistLeniency.indentedCodeIsIndentedMarkdown(spans, source);
                if (dedented == null) {
                    // Code that stays text, line by line; marked so that no stage reads a command out of it.
                    for (int l = first; l <= last; l++) {
                        if (lines.get(from + l).isBlank()) continue;
                        Block b = block(Type.TEXT, from + l);
                        b.literal = true;
                        at[l] = b;
                    }
                    continue;
                }
                Reading inner = read(from + first, from + last + 1, dedented);
                for (Block b : inner.blocks) at[b.line - 1 - from] = b;
                if (inner.rereadFrom >= 0 && reread[0] < 0) reread[0] = inner.rereadFrom;
            } else if (n instanceof HtmlBlock) {
                if (source.get(first).strip().startsWith("<!--")) {
                    for (int l = first; l <= last; l++) at[l] = block(Type.COMMENT, from + l);
                } else {
                    at[first] = block(Type.TEXT, from + first);
                    List<String> markdown = last > first
                            ? ChecklistLeniency.htmlBlockHoldsMarkdown(source, first + 1, last) : null;
                    if (markdown != null) {
                        Reading inner = read(from + first + 1, from + last + 1, markdown);
                        for (Block b : inner.blocks) at[b.line - 1 - from] = b;
                        if (inner.rereadFrom >= 0 && reread[0] < 0) reread[0] = inner.rereadFrom;
                    }
                }
            } else if (n.getFirstChild() != null) {
                visit(n, from, source, at, itemAt, reread);
            }
        }
    }

    private void paragraph(List<SourceSpan> spans, int from, List<String> source, Block[] at, ListItem[] itemAt,
            int[] reread) {
        for (SourceSpan span : spans) {
            int l = span.getLineIndex();
            if (itemAt[l] != null) {
                at[l] = item(from + l, source.get(l), itemAt[l]);
                continue;
            }
            Block b = ChecklistLeniency.lineInsideAParagraph(lines.get(from + l), from + l + 1);
            if (b == null) {
                // A fence opened inside a paragraph (indented past CommonMark's limit): read again from there.
                if (reread[0] < 0 && l > 0) reread[0] = from + l;
                b = block(Type.TEXT, from + l);
            }
            at[l] = b;
        }
    }

    private void heading(Heading h, List<SourceSpan> spans, int from, List<String> source, Block[] at,
            ListItem[] itemAt) {
        int first = spans.get(0).getLineIndex();
        int last = spans.get(spans.size() - 1).getLineIndex();
        if (first == last) {
            if (itemAt[first] != null) {
                at[first] = item(from + first, source.get(first), itemAt[first]);
                return;
            }
            if (MarkdownBlocks.indentOf(lines.get(from + first)) >= 4) {
                // Read again from indented code: a heading's '#' indented as code is text (as CommonMark says).
                at[first] = block(Type.TEXT, from + first);
                return;
            }
            Matcher m = ATX.matcher(source.get(first).substring(spans.get(0).getColumnIndex()));
            String text = !m.matches() || m.group(2) == null ? ""
                    : m.group(2).replaceAll("[ \\t]+#+$", "").replaceAll("^#+$", "").strip();
            Block b = block(Type.HEADING, from + first);
            b.text = text;
            b.level = h.getLevel();
            at[first] = b;
            return;
        }
        for (int l = first; l < last - 1; l++) at[l] = lineAsParagraph(from + l, source, itemAt, l);
        Block underlined = lineAsParagraph(from + last - 1, source, itemAt, last - 1);
        if (ChecklistLeniency.underlineMakesAHeading(underlined)) {
            Block b = block(Type.HEADING, from + last - 1);
            b.level = h.getLevel();
            at[last - 1] = b;
            at[last] = block(Type.SETEXT_UNDERLINE, from + last);
        } else {
            at[last - 1] = underlined;
            at[last] = ChecklistLeniency.underlineUnderAnItem(lines.get(from + last), from + last + 1);
        }
    }

    private Block lineAsParagraph(int line, List<String> source, ListItem[] itemAt, int l) {
        if (itemAt[l] != null) return item(line, source.get(l), itemAt[l]);
        Block b = ChecklistLeniency.lineInsideAParagraph(lines.get(line), line + 1);
        return b != null ? b : block(Type.TEXT, line);
    }

    /** The first line of a list item: its text after the marker, a checkbox read off it. */
    private Block item(int line, String sourceLine, ListItem item) {
        int col = item.getSourceSpans().get(0).getColumnIndex();
        String rest = sourceLine.substring(Math.min(col, sourceLine.length())).stripLeading();
        Matcher m = MARKER.matcher(rest);
        String text = (m.lookingAt() ? rest.substring(m.end()) : rest).strip();
        if (text.isEmpty()) return block(Type.TEXT, line);
        return ChecklistLeniency.withCheckbox(new Block(Type.ITEM, line + 1, MarkdownBlocks.indentOf(lines.get(line)),
                text));
    }

    private Block fence(FencedCodeBlock f, int first, int last) {
        Block b = block(Type.FENCE, first);
        Matcher info = FENCE_LANG.matcher(lines.get(first));
        b.lang = info.lookingAt() ? info.group(1).toLowerCase(Locale.ROOT).replaceAll("[{}.]", "") : "";
        int indent = b.indent;
        b.closed = f.getClosingFenceLength() != null;
        b.endLine = last + 1;
        b.content = new ArrayList<>();
        int contentEnd = b.closed ? last : last + 1;
        for (int l = first + 1; l < contentEnd; l++) b.content.add(MarkdownBlocks.dedent(lines.get(l), indent));
        return b;
    }

    private Block block(Type type, int line) {
        String raw = lines.get(line);
        return new Block(type, line + 1, MarkdownBlocks.indentOf(raw), raw.strip());
    }
}
