package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A success criterion that names no objects, under the block that creates them: "All indexes created", "Indexes
 * created successfully", "New tables exist" after a block of {@code CREATE INDEX} / {@code CREATE TABLE} lines.
 * The names come from those lines ({@link Context#created}), the nearest block above the item in the same step or
 * the step before; a block further up, or one that also drops objects of that kind, says too little.
 * Reading names from a neighbouring step rests on the layout, so that reading is emitted as unsure.
 */
public final class CreatedObjectsRecogniser implements Recogniser {

    private static final Pattern CRITERION = Pattern.compile(
            "(?i)^\\W*(?:all\\s+(?:(\\d+|two|three|four|five|six|seven|eight|nine|ten)\\s+)?|the\\s+)?(?:new\\s+)?"
                    + "(indexes|indices|tables)\\s+(?:are\\s+|were\\s+|have\\s+been\\s+)?"
                    + "(?:created|exist|present|in\\s+place|built)(?:\\s+successfully)?(\\s+and\\s+(?:are\\s+)?valid)?"
                    // "none left `INVALID` by a failed concurrent build" says the same as "valid".
                    + "(?:\\s*[,;—–-]\\s*none\\s+(?:left\\s+|is\\s+)?`?invalid\\b`?(?:\\s[^`]*)?)?\\W*$");
    private static final Pattern UNIQUE = Pattern.compile(
            "(?i)^\\W*`([A-Za-z_][A-Za-z0-9_$]*)`\\s+is\\s+(?:a\\s+)?unique(?:\\s+index)?\\W*$");
    private static final List<String> NUMBERS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return Optional.empty();
        String text = item.text().replace("**", "").strip();
        Matcher u = UNIQUE.matcher(text);
        if (u.matches()) return unique(item, context, u.group(1));
        Matcher m = CRITERION.matcher(text);
        if (!m.matches()) return Optional.empty();
        String kind = m.group(2).toLowerCase(java.util.Locale.ROOT).startsWith("ind") ? "indexes" : "tables";
        Context.Created created = context.created(kind);
        if (created == null || created.names().isEmpty()) return Optional.empty();
        // "all three indexes": a number that is not the block's count means another block, or a miscount.
        if (m.group(1) != null && number(m.group(1)) != created.names().size()) return Optional.empty();
        Intent.Check check;
        if (m.group(3) != null || text.toLowerCase(java.util.Locale.ROOT).contains("invalid")) {
            // Valid is more than listed: a failed CREATE INDEX CONCURRENTLY leaves the index there, INVALID.
            if (!kind.equals("indexes")) return Optional.empty();
            check = new Intent.Check(item.line(), "query", Intent.options("name", Names.checkName(item),
                    "sql", "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                            + " WHERE c.relname IN (" + String.join(", ", created.names().stream()
                            .map(n -> "'" + n + "'").toList()) + ") AND pg_catalog.pg_table_is_visible(c.oid)"
                            + " AND i.indisvalid AND i.indisready",
                    "expect", "= " + created.names().size()));
        } else {
            check = new Intent.Check(item.line(), kind, Intent.options(
                    "name", Names.checkName(item), "exist", new ArrayList<Object>(created.names())));
        }
        return Optional.of(created.sameStep() ? Intent.sure(this, List.of(check))
                : Intent.unsure(this, "the names come from the CREATE lines at line " + created.line()
                        + " in the step before", List.of(check)));
    }

    /** "`ux_tags_lower_name` is unique", an index the block above creates. */
    private Optional<Intent> unique(Item item, Context context, String name) {
        Context.Created created = context.created("indexes");
        if (created == null || !created.names().contains(name)) return Optional.empty();
        Intent.Check check = new Intent.Check(item.line(), "indexes", Intent.options("name", Names.checkName(item),
                "exist", List.of(Intent.options("name", name, "unique", true))));
        return Optional.of(created.sameStep() ? Intent.sure(this, List.of(check))
                : Intent.unsure(this, "`" + name + "` is read as the index the CREATE lines at line " + created.line()
                        + " create", List.of(check)));
    }

    private static int number(String n) {
        return n.matches("\\d+") ? Integer.parseInt(n) : NUMBERS.indexOf(n.toLowerCase(java.util.Locale.ROOT));
    }
}
