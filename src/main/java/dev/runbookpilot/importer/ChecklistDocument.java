package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;

import java.util.List;

/**
 * Stage 1 of the import: the checklist text as line-numbered blocks (headings, list items, fenced code, table rows,
 * text, ...; see {@link MarkdownBlocks}), read by commonmark-java with the checklist leniencies of
 * {@link ChecklistLeniency} ({@link CommonmarkBlocks}), and for every line the text the runbook carries when it
 * quotes the line: a list item without its marker and checkbox, code without the indentation of its fence.
 */
final class ChecklistDocument {

    /** The source lines, line 1 first. */
    final List<String> lines;
    final List<Block> blocks;
    /** Per line, the opening line of the fence whose content it is, else 0. */
    final int[] fenceOf;
    /** Per line, the text the runbook carries: item text without its marker, code without the fence's indent. */
    private final String[] keptText;

    private ChecklistDocument(List<String> lines, List<Block> blocks) {
        this.lines = lines;
        this.blocks = blocks;
        this.keptText = new String[lines.size()];
        this.fenceOf = new int[lines.size()];
        for (Block b : blocks) {
            if (b.type == Type.ITEM) {
                keptText[b.line - 1] = b.text;
            } else if (b.type == Type.FENCE) {
                for (int k = 0; k < b.content.size(); k++) {
                    keptText[b.line + k] = b.content.get(k);
                    fenceOf[b.line + k] = b.line;
                }
            }
        }
    }

    static ChecklistDocument parse(String markdown) {
        List<String> lines = MarkdownBlocks.lines(markdown);
        return new ChecklistDocument(lines, CommonmarkBlocks.parse(lines));
    }

    /** Line {@code line} (1-based) as written. */
    String raw(int line) {
        return lines.get(line - 1);
    }

    /** The source text a line contributes: its content without list markers' indentation. */
    String kept(int line) {
        String k = keptText[line - 1];
        return k != null ? k : raw(line).strip();
    }
}
