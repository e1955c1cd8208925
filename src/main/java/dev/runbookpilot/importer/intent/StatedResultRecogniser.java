package dev.runbookpilot.importer.intent;

import dev.runbookpilot.importer.ExpectationText;
import dev.runbookpilot.sql.StatementGuard;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One read query in an item (a code span, a {@code psql -c} call, a block under it) whose result the item's words
 * say somewhere other than an "Expected:" comment: right after the query ("`SELECT count(*) FROM jobs WHERE ...` = 0,
 * else wait"), as a value it returns ("... returns `p`", "... gives `20261127120000`"), on a line under the block
 * ("should be 0"), before it ("you should get zero rows back from `SELECT ...`"), or in the next cell of a table
 * row ("| `SELECT locked FROM lock WHERE id = 1` | false |", booleans only: other cells are the table reading's). A
 * boolean is compared as the text of the query's one value, {@code true} or {@code false}. A count always returns one
 * row, so "no rows" under a single {@code count(*)} means the count is 0. The query must pass the engine's
 * read-only guard; a negation anywhere in the words ("not", "non-zero") leaves the item to a person.
 */
public final class StatedResultRecogniser implements Recogniser {

    private static final String QUERY = "\u27e8query\u27e9";
    private static final Pattern RIGHT_AFTER = Pattern.compile(
            "^[\\s`\")]*(=|==|>=|<=|>|<|≥|≤)\\s*([-+]?\\d+(?:\\.\\d+)?)\\b(?!\\s*[-+*/%])");
    private static final Pattern VALUE_WORD = Pattern.compile(
            "(?i)(?:\\b(?:returns?|gives?|yields?|prints?|outputs?|shows?|equals?|should\\s+(?:be|return|give|show|equal)"
                    + "|must\\s+(?:be|return|give|show|equal))|→|⇒|->)\\s*:?\\s*"
                    + "(`[^`\\s]+`|'[^'\\s]+'|\"[^\"\\s]+\"|[-+]?\\d+(?:\\.\\d+)?\\b(?![.\\d])|(?i:true|false)\\b)");
    private static final Pattern ALTERNATIVE = Pattern.compile("(?i)\\s*(?:or|and|,|/|to|-|–)\\s*[`'\"\\d]");
    private static final Pattern NEXT_CELL = Pattern.compile("^[\\s`\"]*\\|\\s*([^|]+?)\\s*\\|?\\s*$");
    private static final Pattern BOOLEAN = Pattern.compile("(?i)(true)|false");
    private static final Pattern LOCKS_OR_WRITES = Pattern.compile(
            "(?is)\\bfor\\s+(?:no\\s+key\\s+)?(?:update|share|key\\s+share)\\b|\\binto\\b");
    private static final Pattern NO_ROWS = Pattern.compile(
            "(?i)\\b(?:zero|no|0)\\s+rows\\b|\\b(?:is|comes?\\s+back|stays?|be)\\s+empty\\b");
    private static final Pattern NEGATION = Pattern.compile("(?i)\\b(not|never|non-?zero|non-?empty|unless|at\\s+least)\\b");
    private static final Pattern SINGLE_COUNT = Pattern.compile(
            "(?is)^\\s*select\\s+count\\s*\\([^)]*\\)(?:\\s+(?:as\\s+)?\\w+)?\\s+from\\b(?!.*\\bgroup\\s+by\\b).*");
    private static final Pattern SPAN = Pattern.compile("(`+)(.+?)\\1");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        List<Item.Statement> statements = NoteSql.statements(item);
        if (statements.size() != 1) return Optional.empty();
        Item.Statement s = statements.get(0);
        if (ExpectationText.phrase(s.comments()) != null) return Optional.empty();
        String sql = s.sql().strip().replaceAll(";+$", "").strip();
        // A SELECT that locks rows or writes a table (INTO) is no read, whatever the guard lets through.
        if (LOCKS_OR_WRITES.matcher(sql).find()) return Optional.empty();
        try {
            StatementGuard.check(sql, StatementGuard.Use.READ, true);
        } catch (StatementGuard.Refusal e) {
            return Optional.empty();
        }
        // The words of the item with the span that holds the query replaced by a marker, so "right after the
        // query" can be read; the other spans stay (they may be the value).
        String words = withQueryMarked(NoteSql.prose(item).replace("**", ""), sql);
        if (words.contains("```") || NEGATION.matcher(words).find()) return Optional.empty();
        boolean count = SINGLE_COUNT.matcher(sql).matches();
        String expect = null;
        int at = words.indexOf(QUERY);
        if (at >= 0) {
            Matcher m = RIGHT_AFTER.matcher(words.substring(at + QUERY.length()));
            if (m.find()) expect = grammar(m.group(1) + " " + m.group(2));
        }
        if (expect == null) {
            Matcher m = VALUE_WORD.matcher(words);
            if (m.find()) {
                String v = m.group(1);
                // "returns `p` or `r`", "gives 1, 2": more than one value is not one expectation.
                if (ALTERNATIVE.matcher(words.substring(m.end())).lookingAt() || m.find()) return Optional.empty();
                expect = v.matches("(?i)true|false") ? "'" + v.toLowerCase(java.util.Locale.ROOT) + "'"
                        : grammar(v.matches("[-+]?\\d.*") ? v : "'" + v.substring(1, v.length() - 1) + "'");
            }
        }
        if (expect == null && at >= 0) {
            // A table row: the query's cell, then the expected cell.
            Matcher cell = NEXT_CELL.matcher(words.substring(at + QUERY.length()));
            if (cell.matches() && BOOLEAN.matcher(cell.group(1)).matches()) expect = "'" + cell.group(1) + "'";
        }
        if (expect == null && NO_ROWS.matcher(words).find()) expect = count ? "= 0" : "empty";
        if (expect == null) return Optional.empty();
        Matcher bool = BOOLEAN.matcher(expect.replace("'", ""));
        if (bool.matches()) {
            // A boolean prints as t/f through the driver: the query's one value is compared as text, true/false.
            sql = "SELECT (" + sql + ")::text";
            expect = "'" + (bool.group(1) != null ? "true" : "false") + "'";
        }
        int line = s.line();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.text().isBlank() ? line : item.line(),
                "query", Intent.options("name", Names.checkName(item, item.text().isBlank() ? line : item.line(), sql),
                        "sql", sql, "expect", expect)))));
    }

    private static String grammar(String phrase) {
        return ExpectationText.grammar(phrase).orElse(null);
    }

    /** The text with the code span holding the query (or the psql call around it) replaced by a marker. */
    private static String withQueryMarked(String text, String sql) {
        String squeezed = sql.replaceAll("\\s+", " ");
        Matcher m = SPAN.matcher(text);
        StringBuilder b = new StringBuilder();
        boolean marked = false;
        while (m.find()) {
            boolean holds = !marked && m.group(2).replaceAll("\\s+", " ").contains(squeezed);
            m.appendReplacement(b, Matcher.quoteReplacement(holds ? QUERY : m.group()));
            marked |= holds;
        }
        m.appendTail(b);
        return b.toString();
    }
}
