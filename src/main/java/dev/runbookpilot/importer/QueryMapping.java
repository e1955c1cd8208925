package dev.runbookpilot.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.runbookpilot.importer.ChecklistImporter.truncate;

/**
 * The query reading: a read-only query with its expected result written next to it becomes a {@code query} check
 * ({@code = 0}, {@code empty}, a value; a count's "0 rows" read as the count, a version compared as text). Besides:
 * {@code pg_stat_activity} under "no other connections" or "no long-running queries" becomes an {@code activity}
 * check; {@code UNION ALL} of labelled branches a check per branch, or, when each branch counts one table, the
 * row-count reading ({@link RowCountMapping}); psql's row format ("both should be: varchar | 200") a query that
 * counts the rows matching it. A query with a placeholder, a shell pipe, or no result stated stays with the
 * operator. Takes the statement, its stated phrase and the entry's text; gives checks and leftovers to the entry's
 * {@link Mapping}.
 */
final class QueryMapping {

    private final RowCountMapping rowCounts;

    QueryMapping(RowCountMapping rowCounts) {
        this.rowCounts = rowCounts;
    }

    /**
     * Maps the query {@code s}: {@code phrase} is the expected result stated for it (its own comment, else the
     * entry's), or null; {@code placeholder} the first placeholder in it, or null.
     */
    void map(SqlText.Stmt s, String unitText, String comments, String phrase, String placeholder, String name,
             Mapping m) {
        if (placeholder != null) {
            // Stated but not automatable: it counts against the ratio, as a machine could verify it.
            if (phrase != null) m.stated.add(m.current);
            m.leftover(s, "contains the placeholder " + placeholder + "; fill it in by hand");
            return;
        }
        if (s.piped) {
            if (phrase != null) m.stated.add(m.current);
            m.leftover(s, "its output is filtered by a shell pipe, which the check cannot reproduce");
            return;
        }
        String activityLimit = activityLimit(s.sql, unitText);
        if (activityLimit != null) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put(activityLimit, 0);
            m.add("activity", body, s.line);
            m.stated.add(m.current);
            return;
        }
        if (mapUnion(s, phrase, comments + "\n" + unitText, name, m)) return;
        if (phrase == null) {
            m.leftover(s, "no expected result written next to it");
            return;
        }
        m.stated.add(m.current);
        var g = ExpectationText.grammar(phrase);
        if (g.isEmpty() && mapRowValues(s, phrase, comments + "\n" + unitText, name, m)) return;
        if (g.isEmpty()) {
            m.leftover(s, "expected result '" + truncate(phrase, 60) + "' is not a single value or "
                    + "comparison");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("sql", Mapping.stripSemicolon(s.sql));
        body.put("expect", countAsValue(versionAsText(g.get(), s.sql), s.sql));
        m.add("query", body, s.line);
    }

    /**
     * The {@code activity} limit a {@code pg_stat_activity} query stands for under "no other connections"
     * ({@code otherSessions}) or "no long-running queries" ({@code longTransactions}: the engine's notion of long,
     * open longer than longTransactionAge, default 5 minutes), or null.
     */
    private static String activityLimit(String sql, String unitText) {
        if (!sql.toLowerCase(Locale.ROOT).contains("pg_stat_activity")) return null;
        if (unitText.matches(
                "(?is).*\\bno\\s+(?:other\\s+|active\\s+|open\\s+)*(?:connections|sessions|clients)\\b.*")) {
            return "otherSessions";
        }
        if (unitText.matches("(?is).*\\bno\\s+(?:active\\s+|open\\s+)*long[- ]running\\s+(?:queries|transactions"
                + "|statements)\\b.*")) {
            return "longTransactions";
        }
        return null;
    }

    /**
     * A decimal expected from a query about versions compares as text: numerically 1.10 would equal 1.1 and
     * the check would pass on the wrong version.
     */
    private static String versionAsText(String grammar, String sql) {
        if (grammar.matches("= \\d+\\.\\d+") && sql.toLowerCase(Locale.ROOT).contains("version")) {
            return "'" + grammar.substring(2) + "'";
        }
        return grammar;
    }

    private static final Pattern SINGLE_COUNT = Pattern.compile(
            "(?is)^\\s*select\\s+count\\s*\\([^)]*\\)(?:\\s*::\\s*\\w+)?(?:\\s+(?:as\\s+)?\\w+)?\\s+from\\b(?!.*\\bgroup\\s+by\\b).*");

    /**
     * "Result: 0 rows" under {@code SELECT count(*) FROM ...}: a count always returns one row, so the checklist
     * means the count; read as {@code empty} the check could never pass.
     */
    private static String countAsValue(String grammar, String sql) {
        if (!SINGLE_COUNT.matcher(SqlText.withoutComments(sql)).matches()) return grammar;
        if (grammar.equals("empty")) return "= 0";
        if (grammar.startsWith("rows = ")) return "= " + grammar.substring("rows = ".length());
        return grammar;
    }

    private boolean mapUnion(SqlText.Stmt s, String phrase, String about, String name, Mapping m) {
        List<String> branches = SqlText.unionAllBranches(SqlText.withoutComments(s.sql));
        if (branches.size() < 2) return false;
        List<SqlText.Labelled> labelled = new ArrayList<>();
        for (String b : branches) {
            SqlText.Labelled l = SqlText.labelled(b);
            if (l == null) return false;
            labelled.add(l);
        }
        List<String> counted = new ArrayList<>();
        for (SqlText.Labelled l : labelled) {
            String t = SqlText.countedTable(l.sql());
            if (t == null) {
                counted = null;
                break;
            }
            counted.add(t);
        }
        var g = phrase == null ? java.util.Optional.<String>empty() : ExpectationText.grammar(phrase);
        boolean allPass = about.matches("(?is).*\\ball\\s+(should|must)\\s+pass\\b.*");
        if (counted != null && g.isEmpty()) {
            rowCounts.map(s, counted, about, name, m);
            return true;
        }
        if (g.isEmpty() && !allPass) return false;
        m.stated.add(m.current);
        for (SqlText.Labelled l : labelled) {
            String expect = g.orElse(null);
            if (expect == null) {
                if (!l.sql().contains("'PASS'")) return false;
                expect = "'PASS'";
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", truncate(l.label(), 80) + " (line " + s.line + ")");
            body.put("sql", l.sql());
            body.put("expect", expect);
            m.add("query", body, s.line);
        }
        return true;
    }

    private static final Pattern ROW_VALUES = Pattern.compile("[^|]*\\S[^|]*(?:\\|[^|]*\\S[^|]*)+");
    private static final Pattern QUANTIFIER = Pattern.compile(
            "(?i)\\b(both|all|each|every\\s+row|all\\s+(\\d+|two|three|four|five))\\b[^\\n]*?\\b(should|must)\\b");

    /**
     * "Both should be: character varying | 200" — psql's row format: the last columns of every row the query
     * returns hold these values. The query is wrapped so that it counts the rows that match; "both" (or "all
     * three") also fixes how many rows there must be, "all"/"each" needs at least one. Values compare as psql
     * prints them (text). Only a plain select list whose column names are visible in the SQL is wrapped.
     */
    private boolean mapRowValues(SqlText.Stmt s, String phrase, String about, String name, Mapping m) {
        if (!ROW_VALUES.matcher(phrase).matches()) return false;
        List<String> values = new ArrayList<>();
        for (String v : phrase.split("\\|")) values.add(v.strip());
        List<String> columns = SqlText.selectColumns(s.sql);
        if (columns == null || columns.size() < values.size()) return false;
        Matcher q = QUANTIFIER.matcher(about);
        Integer rows = null;
        if (q.find()) {
            String word = q.group(2) != null ? q.group(2).toLowerCase(Locale.ROOT) : q.group(1).toLowerCase(Locale.ROOT);
            rows = switch (word) {
                case "both", "two" -> 2;
                case "three" -> 3;
                case "four" -> 4;
                case "five" -> 5;
                default -> word.matches("\\d+") ? Integer.valueOf(word) : null;
            };
        }
        List<String> conds = new ArrayList<>();
        int offset = columns.size() - values.size();
        for (int i = 0; i < values.size(); i++) {
            conds.add("q." + columns.get(offset + i) + "::text IS NOT DISTINCT FROM "
                    + (values.get(i).isEmpty() || values.get(i).equalsIgnoreCase("null") ? "NULL"
                    : "'" + values.get(i).replace("'", "''") + "'"));
        }
        String cond = String.join(" AND ", conds);
        String inner = "(\n" + Mapping.stripSemicolon(s.sql) + "\n) AS q";
        String sql;
        String expect;
        if (rows != null) {
            sql = "SELECT count(*) FILTER (WHERE " + cond + ") || ' of ' || count(*) || ' match' FROM " + inner;
            expect = "'" + rows + " of " + rows + " match'";
        } else {
            sql = "SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE " + cond + ") = count(*) THEN "
                    + "'all match' ELSE count(*) FILTER (WHERE " + cond + ") || ' of ' || count(*) || ' match' END "
                    + "FROM " + inner;
            expect = "'all match'";
        }
        m.stated.add(m.current);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("sql", sql);
        body.put("expect", expect);
        m.add("query", body, s.line);
        return true;
    }
}
