package dev.runbookpilot.importer.intent;

import dev.runbookpilot.sql.StatementGuard;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One query in a code span of a plain item, with the expected result said in the prose around it rather than after
 * an "Expected:" marker: "`SELECT count(*) FROM users WHERE email IS NULL` is empty (expected)", "... comes back
 * empty", "... is zero", "... returns no rows". A count always returns one row, so "empty" under a single
 * {@code count(*)} means the count is 0; any other query must return no rows. The query must pass the engine's
 * read-only guard (the project's SQL lexer), else the item stays manual.
 */
public final class InlineSqlInProseRecogniser implements Recogniser {

    private static final Pattern EMPTY = Pattern.compile(
            "(?i)\\b(?:is|are|be|comes?\\s+back|stays?|returns?|gives?|shows?|should\\s+be)\\s+"
                    + "(?:empty|nothing|no\\s+rows|zero\\s+rows|0\\s+rows)\\b|\\bno\\s+rows\\b");
    private static final Pattern ZERO = Pattern.compile("(?i)\\b(?:is|are|be|equals?|stays?)\\s+(?:zero|0)\\b(?!\\s*\\.\\d)");
    private static final Pattern SINGLE_COUNT = Pattern.compile(
            "(?is)^\\s*select\\s+count\\s*\\([^)]*\\)(?:\\s+(?:as\\s+)?\\w+)?\\s+from\\b(?!.*\\bgroup\\s+by\\b).*");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (item.statements().size() != 1 || !item.code().isEmpty()) return Optional.empty();
        Item.Statement s = item.statements().get(0);
        if (s.line() != item.line()) return Optional.empty();
        String sql = s.sql().strip().replaceAll(";+$", "").strip();
        try {
            StatementGuard.check(sql, StatementGuard.Use.READ, true);
        } catch (StatementGuard.Refusal e) {
            return Optional.empty();
        }
        String prose = Names.proseOnly(item.text());
        boolean count = SINGLE_COUNT.matcher(sql).matches();
        String expect;
        if (EMPTY.matcher(prose).find()) {
            expect = count ? "= 0" : "empty";
        } else if (ZERO.matcher(prose).find() && count) {
            expect = "= 0";
        } else {
            return Optional.empty();
        }
        if (prose.toLowerCase(Locale.ROOT).matches("(?s).*\\b(not|never|non-?empty)\\b.*")) return Optional.empty();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "query", Intent.options(
                "name", Names.checkName(item), "sql", sql, "expect", expect)))));
    }
}
