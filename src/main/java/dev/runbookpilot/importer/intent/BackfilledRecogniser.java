package dev.runbookpilot.importer.intent;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "`users.email_normalized` 100% backfilled", "Total row count = filled count (100% backfilled)" under a column
 * the item names: the expectation is derived, {@code count(col) = count(*)}, written as
 * {@code SELECT count(*) - count(col) FROM table} with {@code = 0}, so one unfilled row fails it.
 * The column is a backticked {@code table.column}, or a column and a table named apart ("`email_normalized` in
 * `users`"); the second reading rests on the word order, so it is emitted as unsure.
 */
public final class BackfilledRecogniser implements Recogniser {

    private static final Pattern FILLED = Pattern.compile(
            "(?i)(?:\\b(?:100\\s*%|fully|completely|all\\s+rows?(?:\\s+are)?)\\s*(?:backfilled|filled|populated)\\b"
                    + "|\\bbackfill(?:ed|ing)?\\b.*\\b(?:complete[d]?|done|finished|100\\s*%)"
                    + "|\\btotal\\s+(?:row\\s+)?count\\s*=\\s*(?:filled|non-?null|populated)\\s+count"
                    + "|\\bno\\s+(?:nulls?|null\\s+values|unfilled\\s+rows)\\s+(?:left\\s+)?in\\b)");
    private static final Pattern DOTTED = Pattern.compile("`([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)?)\\.([A-Za-z_]\\w*)`");
    private static final Pattern APART = Pattern.compile(
            "`([A-Za-z_]\\w*)`\\s+(?:column\\s+)?(?:in|of|on)\\s+(?:table\\s+)?`([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)?)`");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return Optional.empty();
        String text = item.prose().replace("**", "");
        if (!FILLED.matcher(Names.proseOnly(text)).find()) return Optional.empty();
        Matcher d = DOTTED.matcher(text);
        if (d.find()) {
            if (d.find(d.end())) return Optional.empty();
            d = DOTTED.matcher(text);
            d.find();
            return Optional.of(Intent.sure(this, List.of(check(item, d.group(1), d.group(2)))));
        }
        Matcher a = APART.matcher(text);
        if (a.find()) {
            return Optional.of(Intent.unsure(this, "read `" + a.group(1) + "` as the column and `" + a.group(2)
                    + "` as its table", List.of(check(item, a.group(2), a.group(1)))));
        }
        return Optional.empty();
    }

    private Intent.Check check(Item item, String table, String column) {
        return new Intent.Check(item.line(), "query", Intent.options(
                "name", Names.checkName(item),
                "sql", "SELECT count(*) - count(" + column + ") FROM " + table,
                "expect", "= 0"));
    }
}
