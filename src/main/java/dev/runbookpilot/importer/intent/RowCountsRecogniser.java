package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Row counts recorded before and compared after, in words only: "Record row counts of `users` and `orders`"
 * becomes a {@code snapshot} of those tables (every table when none is named); a later "Row counts match",
 * "Compare row counts with the ones recorded" becomes {@code rowCounts} against the latest snapshot. "match",
 * "same", "unchanged", "equal" state the expectation; "compare" alone does not say the counts must be equal, so
 * that check is emitted as unsure. A table the checklist says is renamed is compared under its new name.
 */
public final class RowCountsRecogniser implements Recogniser {

    private static final Pattern RECORD = Pattern.compile(
            "(?i)\\b(record|note|capture|save|take|write\\s+down|log)\\b.{0,30}\\brow[- ]?counts?\\b"
                    + "|\\brow[- ]?counts?\\b.{0,20}\\b(recorded|captured|saved|noted)\\b.{0,20}\\bbefore\\b");
    private static final Pattern SAME = Pattern.compile(
            "(?i)\\brow[- ]?counts?\\b.{0,60}\\b(match(es|ing)?|same|unchanged|equal|identical|consistent)\\b"
                    + "|\\b(match(es|ing)?|same|unchanged|equal|identical)\\b.{0,40}\\brow[- ]?counts?\\b");
    private static final Pattern COMPARE = Pattern.compile(
            "(?i)\\bcompare\\b.{0,40}\\brow[- ]?counts?\\b|\\brow[- ]?counts?\\b.{0,40}\\bcompare");
    /** "Row counts don't match (data loss)" under "Roll back if:" is a trigger, not an expectation. */
    private static final Pattern NEGATED = Pattern.compile(
            "(?i)\\b(don'?t|do\\s+not|doesn'?t|does\\s+not|not|never|mismatch\\w*|differ\\w*|wrong|lost|loss)\\b");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return Optional.empty();
        String text = item.text().replace("**", "");
        if (NEGATED.matcher(Names.proseOnly(text)).find()) return Optional.empty();
        List<String> tables = Names.backticked(text, NAME);
        if (tables == null) return Optional.empty();
        boolean same = SAME.matcher(text).find();
        boolean compare = COMPARE.matcher(text).find();
        if (RECORD.matcher(text).find() && !same) {
            String name = context.newSnapshot(tables);
            var options = Intent.options("name", name);
            if (!tables.isEmpty()) options.put("rowCounts", new ArrayList<Object>(tables));
            return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "snapshot", options))));
        }
        String against = context.latestSnapshot();
        if (against == null || !(same || compare)) return Optional.empty();
        // Every table of the snapshot is compared: "identical (`orders` too)" names one table more, not the only
        // one, and a narrower comparison could pass while a recorded table lost rows.
        var options = Intent.options("name", Names.checkName(item), "compareTo", against);
        // A table the checklist renames is counted under its new name: compared under the old one, it would be
        // missing and the check would fail on a migration that went right.
        List<String> counted = context.snapshotTables(against);
        var map = new LinkedHashMap<String, Object>();
        context.renamedTables().forEach((from, to) -> {
            if (counted == null || counted.isEmpty() || counted.contains(from)) map.put(from, to);
        });
        if (!map.isEmpty()) options.put("map", map);
        Intent.Check check = new Intent.Check(item.line(), "rowCounts", options);
        return Optional.of(same ? Intent.sure(this, List.of(check))
                : Intent.unsure(this, "the checklist says to compare the counts, not that they must be equal; "
                        + "add a tolerance or map if they may differ", List.of(check)));
    }
}
