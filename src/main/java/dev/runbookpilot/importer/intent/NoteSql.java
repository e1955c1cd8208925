package dev.runbookpilot.importer.intent;

import dev.runbookpilot.sql.SqlStatements;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * SQL written as indented lines under an item with no fence around it (Markdown's indented code block, common in
 * checklists written with setext headings): the importer reads those lines as the item's notes. The run of notes
 * that starts with a statement keyword and ends at the first line that is prose again is read as statements, each
 * at its own line; the notes after the run are what the item says about it ("should be 0").
 */
final class NoteSql {

    private static final Pattern STARTS_SQL = Pattern.compile("(?i)^\\s*(select|with|values|table|show)\\b.*");
    private static final Pattern PROSE = Pattern.compile("(?i)^\\s*(should|must|expect|expected|result|returns?|→|->|[a-z]+:\\s)");

    private NoteSql() {}

    /** The item's statements, or those of its notes when it has none and no code block. */
    static List<Item.Statement> statements(Item item) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return item.statements();
        List<Item.Note> run = sqlRun(item);
        if (run.isEmpty()) return List.of();
        StringBuilder text = new StringBuilder();
        for (Item.Note n : run) text.append(n.text()).append('\n');
        try {
            List<Item.Statement> out = new ArrayList<>();
            for (SqlStatements.Statement s : SqlStatements.split(text.toString())) {
                out.add(new Item.Statement(run.get(0).line() + s.line() - 1, s.sql(), ""));
            }
            return out;
        } catch (SqlStatements.MetaCommandException e) {
            return List.of();
        }
    }

    /** The item's words without the notes that are SQL. */
    static String prose(Item item) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return item.prose();
        List<Item.Note> run = sqlRun(item);
        StringBuilder b = new StringBuilder(item.text());
        for (Item.Note n : item.notes()) if (!run.contains(n)) b.append('\n').append(n.text());
        return b.toString();
    }

    private static List<Item.Note> sqlRun(Item item) {
        List<Item.Note> run = new ArrayList<>();
        for (Item.Note n : item.notes()) {
            if (run.isEmpty()) {
                if (STARTS_SQL.matcher(n.text()).matches()) run.add(n);
            } else if (n.text().isBlank() || PROSE.matcher(n.text()).find()) {
                break;
            } else {
                run.add(n);
            }
        }
        return run;
    }
}
