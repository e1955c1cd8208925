package dev.runbookpilot.importer.intent;

import dev.runbookpilot.importer.ExpectationText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Row counts taken with plain count queries and compared later in words. An item whose statements are all
 * {@code SELECT count(*) FROM table} (in a block, indented under it, in {@code psql -c} calls, in
 * {@code VAR=$(psql -c ...)}) and that
 * states no value is a recording: a {@code snapshot} of those tables. A later item that says the counts are the
 * same ("The counts from step 1 should match exactly", "numbers should match", "The invoices count is same like
 * before", "Same counts as step 3"; a count or rows must be named) becomes {@code rowCounts} against the latest snapshot, every table it counted
 * compared (renames the checklist states mapped), since a narrower comparison could pass while a recorded table lost
 * rows. The same count queries again with such words are that comparison too.
 *
 * <p>A recording in words only, "count orders + line_items, paste numbers in #deploys", is a snapshot of the
 * tables the words name, emitted as unsure (the names are read from prose). Triggers ("if the counts differ, roll
 * back", "counts don't match") are left alone.
 */
public final class CountQueriesRecogniser implements Recogniser {

    private static final Pattern PLAIN_COUNT = Pattern.compile(
            "(?is)\\s*select\\s+count\\s*\\(\\s*(?:\\*|1)\\s*\\)\\s+from\\s+([A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?)\\s*;?\\s*");
    private static final Pattern COUNTS = Pattern.compile("(?i)\\b(row[- ]?counts?|counts?|rows)\\b");
    private static final Pattern SAME = Pattern.compile(
            "(?i)\\b(match(es|ing)?|same|unchanged|identical|equal)\\b|\\b(as|like)\\s+before\\b");
    private static final String IDENT = "[A-Za-z_][A-Za-z0-9_$]*";
    private static final Pattern COUNT_TABLES = Pattern.compile("(?i)^\\W*(?:count|record\\s+(?:the\\s+)?counts?\\s+of"
            + "|take\\s+(?:the\\s+)?counts?\\s+of)\\s+(" + IDENT + "(?:\\s*(?:\\+|&|/|\\band\\b)\\s*" + IDENT + ")+)"
            + "\\s*(?:[,;.]|$|\\s+(?:before|now|first))");
    private static final Pattern RECORDING = Pattern.compile(
            "(?i)\\b(counts?|record\\w*|note|write|save|before|compare\\w*)\\b");
    private static final Pattern RELATION = Pattern.compile(
            "(?i)\\b(equals?|than|number\\s+of|as\\s+many|same|match\\w*|greater|less|fewer|more|at\\s+least)\\b|[=<>≥≤]");
    private static final Pattern TRIGGER = Pattern.compile(
            "(?i)\\b(if|when|unless|else|otherwise|don'?t|do\\s+not|doesn'?t|does\\s+not|not\\s+(?:the\\s+)?same"
                    + "|mismatch\\w*|differ\\w*|wrong)\\b");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        String prose = Names.proseOnly(NoteSql.prose(item).replace("**", ""));
        List<Item.Statement> statements = NoteSql.statements(item);
        boolean same = COUNTS.matcher(prose).find() && SAME.matcher(prose).find() && !TRIGGER.matcher(prose).find();
        if (statements.isEmpty()) {
            if (!item.code().isEmpty()) return Optional.empty();
            if (same) return compare(item, context);
            Matcher words = COUNT_TABLES.matcher(item.text().replace("`", ""));
            if (!words.find() || TRIGGER.matcher(prose).find()) return Optional.empty();
            // "count orders + line_items, paste numbers in #deploys": a recording of the tables named in words.
            List<String> named = new ArrayList<>();
            for (String t : words.group(1).split("\\s*(?:\\+|&|/|\\band\\b)\\s*")) if (!named.contains(t)) named.add(t);
            String snapshot = context.newSnapshot(named);
            return Optional.of(Intent.unsure(this, "the words after \"count\" are read as the tables " + named,
                    List.of(new Intent.Check(item.line(), "snapshot",
                            Intent.options("name", snapshot, "rowCounts", new ArrayList<Object>(named))))));
        }
        List<String> tables = new ArrayList<>();
        for (Item.Statement s : statements) {
            Matcher m = PLAIN_COUNT.matcher(s.sql());
            if (!m.matches() || ExpectationText.phrase(s.comments()) != null) return Optional.empty();
            if (!tables.contains(m.group(1))) tables.add(m.group(1));
        }
        // A value stated anywhere (a "# Expected: > 0" in the block, "should be 500" in the prose) is a check of
        // its own, not a recording.
        if (ExpectationText.phrase(prose) != null) return Optional.empty();
        for (String l : item.codeLines()) {
            if ((l.startsWith("#") || l.startsWith("--")) && ExpectationText.phrase(l.substring(1)) != null) {
                return Optional.empty();
            }
        }
        if (same && context.latestSnapshot() != null) return compare(item, context);
        // A recording says so ("row counts:", "count before", "so we can compare later"); words that relate the
        // count to something else ("equals the number of accounts") state a result this reading does not check.
        if (!RECORDING.matcher(prose).find() || RELATION.matcher(prose).find()) return Optional.empty();
        String name = context.newSnapshot(tables);
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "snapshot",
                Intent.options("name", name, "rowCounts", new ArrayList<Object>(tables))))));
    }

    private Optional<Intent> compare(Item item, Context context) {
        String against = context.latestSnapshot();
        if (against == null) return Optional.empty();
        var options = Intent.options("name", Names.checkName(item), "compareTo", against);
        // A table the checklist renames is counted under its new name: compared under the old one, it would be
        // missing and the check would fail on a migration that went right.
        List<String> counted = context.snapshotTables(against);
        var map = new LinkedHashMap<String, Object>();
        context.renamedTables().forEach((from, to) -> {
            if (counted == null || counted.isEmpty() || counted.contains(from)) map.put(from, to);
        });
        if (!map.isEmpty()) options.put("map", map);
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "rowCounts", options))));
    }
}
