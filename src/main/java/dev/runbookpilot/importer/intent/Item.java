package dev.runbookpilot.importer.intent;

import java.util.List;

/**
 * One checklist entry as a recogniser sees it: the item's own text, the notes nested under it, its code blocks,
 * the headings it stands under, and the SQL statements the importer read from it. Lines are the checklist's
 * (1-based), so every intent can say where it came from.
 *
 * @param line       the item's first line
 * @param text       the item's text without its list marker or checkbox (inline code keeps its backticks)
 * @param notes      text nested under the item (sub-bullets, continuation lines), in order
 * @param code       fenced code blocks that belong to the item
 * @param headings   the heading path: phase name, then step title
 * @param statements SQL statements and psql commands the importer read from the item, in order
 */
public record Item(int line, String text, List<Note> notes, List<Code> code, List<String> headings,
                   List<Statement> statements) {

    public Item {
        notes = List.copyOf(notes);
        code = List.copyOf(code);
        headings = List.copyOf(headings);
        statements = List.copyOf(statements);
    }

    public record Note(int line, String text) {}

    /** A fenced block: the line of its opening fence, its language tag ("" when none), its lines. */
    public record Code(int line, String lang, List<String> lines) {
        public Code {
            lines = List.copyOf(lines);
        }
    }

    /** A statement: where it starts, its SQL, and the comments written after it (its stated expectation). */
    public record Statement(int line, String sql, String comments) {}

    /** The item's text and its notes, one per line: what the checklist says about the item in prose. */
    public String prose() {
        StringBuilder b = new StringBuilder(text);
        for (Note n : notes) b.append('\n').append(n.text());
        return b.toString();
    }

    /** Every line of the item's code blocks, stripped, comments included. */
    public List<String> codeLines() {
        return code.stream().flatMap(c -> c.lines().stream()).map(String::strip).toList();
    }
}
