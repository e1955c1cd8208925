package dev.runbookpilot.importer.intent;

import dev.runbookpilot.importer.ExpectationText;
import dev.runbookpilot.sql.SqlStatements;
import dev.runbookpilot.sql.StatementGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A shell block holding one query and one shell comment with its expected result, anywhere in the block:
 * <pre>
 * ORPHANS=$(psql -t -c "SELECT count(*) FROM order_items ...")
 * echo $ORPHANS
 * # Expected: 0
 * </pre>
 * or the SQL written bare inside the {@code bash} fence. The block must hold exactly one statement (read by the
 * project's SQL lexer when bare) that passes the engine's read-only guard, exactly one stated result, and no pipe
 * after the psql call ({@code | wc -l} would change what is compared).
 */
public final class ShellBlockExpectationRecogniser implements Recogniser {

    private static final Pattern SHELL = Pattern.compile("|bash|sh|shell|console|zsh|terminal|shell-session");
    private static final Pattern SHELL_WORD = Pattern.compile(
            "^(?:[A-Za-z_]\\w*=|echo\\b|printf\\b|export\\b|if\\b|then\\b|fi\\b|test\\b|\\[|cd\\b|\\$\\s|psql\\b)");
    private static final Pattern SINGLE_COUNT = Pattern.compile(
            "(?is)^\\s*select\\s+count\\s*\\([^)]*\\)(?:\\s+(?:as\\s+)?\\w+)?\\s+from\\b(?!.*\\bgroup\\s+by\\b).*");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (item.code().size() != 1 || !SHELL.matcher(item.code().get(0).lang()).matches()) return Optional.empty();
        List<String> lines = item.code().get(0).lines();
        String phrase = null;
        List<String> bare = new ArrayList<>();
        for (String raw : lines) {
            String l = raw.strip();
            if (l.startsWith("#")) {
                String p = ExpectationText.phrase(l.substring(1));
                if (p != null) {
                    if (phrase != null) return Optional.empty();
                    phrase = p;
                }
            } else if (l.contains("psql") && l.matches(".*[\"')]\\s*\\|.*")) {
                return Optional.empty();
            } else if (!l.isEmpty() && !SHELL_WORD.matcher(l).find()) {
                bare.add(raw);
            }
        }
        if (phrase == null) return Optional.empty();
        String sql;
        int line = item.line();
        if (item.statements().size() == 1 && bare.isEmpty()) {
            sql = item.statements().get(0).sql();
            line = item.statements().get(0).line();
        } else if (item.statements().isEmpty() && !bare.isEmpty()) {
            try {
                List<SqlStatements.Statement> stmts = SqlStatements.split(String.join("\n", bare));
                if (stmts.size() != 1) return Optional.empty();
                sql = stmts.get(0).sql();
                line = item.code().get(0).line() + 1 + lines.indexOf(bare.get(0));
            } catch (SqlStatements.MetaCommandException e) {
                return Optional.empty();
            }
        } else {
            return Optional.empty();
        }
        sql = sql.strip().replaceAll(";+$", "").strip();
        try {
            StatementGuard.check(sql, StatementGuard.Use.READ, true);
        } catch (StatementGuard.Refusal e) {
            return Optional.empty();
        }
        Optional<String> grammar = ExpectationText.grammar(phrase);
        if (grammar.isEmpty()) return Optional.empty();
        String expect = grammar.get();
        if (SINGLE_COUNT.matcher(sql).matches()) {
            // A count always returns one row: "0 rows" / "empty" under it mean the count.
            if (expect.equals("empty")) expect = "= 0";
            else if (expect.startsWith("rows = ")) expect = "= " + expect.substring("rows = ".length());
        }
        // A block standing alone has no text of its own: the check is named by its query, at the query's line.
        if (!item.text().isBlank()) line = item.line();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(line, "query", Intent.options(
                "name", Names.checkName(item, line, sql), "sql", sql, "expect", expect)))));
    }
}
