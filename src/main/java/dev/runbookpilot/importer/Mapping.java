package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportSummary.UnmappedSql;
import dev.runbookpilot.importer.MarkdownBlocks.Block;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the statement mapping made of one checklist entry: its automated checks with their source lines, the
 * statements left for the operator, and which statements had a stated result. Every reading ({@link QueryMapping},
 * {@link ExplainMapping}, {@link ProbeMapping}, {@link MetaCommandMapping}, {@link RowCountMapping}) adds to it
 * through {@link #add} and {@link #leftover}; {@link StatementMapping} then places the entry's lines, and
 * {@link Recognition} fills it for an entry left without a check.
 */
final class Mapping {
    final List<Map<String, Object>> checks = new ArrayList<>();
    final List<Integer> checkLines = new ArrayList<>();
    /** Source lines of the statements that became checks, wrappers and continuation lines included. */
    final Set<Integer> checkedLines = new HashSet<>();
    final List<SqlText.Stmt> leftoverReads = new ArrayList<>();
    final List<SqlText.Stmt> leftoverWrites = new ArrayList<>();
    /** Placeholders ({@code <user_id>}, lower case) filled from an earlier RETURNING, and from which line. */
    final Map<String, Integer> filled = new LinkedHashMap<>();
    /**
     * Statements with an expected result written for them, whether or not they became checks: the ratio's
     * denominator counts statements, so an item with three stated queries and one check is one of three.
     */
    final Set<SqlText.Stmt> stated = new HashSet<>();
    /** Statements that became at least one automated check. */
    final Set<SqlText.Stmt> checked = new HashSet<>();
    /**
     * The item's notes that speak for the statement on their own line, by line: sub-steps (nested list
     * items) and notes that state their statement's result.
     */
    final Map<Integer, Block> subSteps = new HashMap<>();
    SqlText.Stmt current;

    /** Where a statement left for the operator is listed, with its reason. */
    private final List<UnmappedSql> unmapped;

    Mapping(List<UnmappedSql> unmapped) {
        this.unmapped = unmapped;
    }

    /** Kinds that look at the database as it is, so they must not run before writes the operator still has to do. */
    private static final Set<String> READS_STATE = Set.of("query", "tables", "indexes", "columns", "views",
            "sequences", "functions", "extensions", "explain");

    /** Adds a check of {@code kind} made from the current statement, unless writes left to the operator precede it. */
    void add(String kind, Map<String, Object> body, int line) {
        if (READS_STATE.contains(kind) && !leftoverWrites.isEmpty()) {
            // The engine would run it at once, before the operator ran the writes above it in the same block.
            leftover(current, "runs after statements left to the operator in the same block (from line "
                    + leftoverWrites.get(0).line + "); what it finds depends on them, so it is checked by "
                    + "hand after them");
            return;
        }
        Map<String, Object> check = new LinkedHashMap<>();
        check.put(kind, body);
        checks.add(check);
        checkLines.add(line);
        checked.add(current);
        for (int l = current.line; l <= current.endLine; l++) checkedLines.add(l);
    }

    /** Leaves {@code s} to the operator and lists it as unmapped, with the reason. */
    void leftover(SqlText.Stmt s, String reason) {
        unmapped.add(new UnmappedSql(s.line, s.sql, reason));
        SqlText.Kind k = SqlText.kind(s.sql);
        if (k == SqlText.Kind.WRITE || k == SqlText.Kind.CONTROL) leftoverWrites.add(s);
        else leftoverReads.add(s);
    }

    /** A statement that became part of a check after all is no longer listed as unmapped nor left over. */
    void unleftover(SqlText.Stmt s) {
        if (leftoverWrites.remove(s)) unmapped.removeIf(um -> um.line() == s.line && um.sql().equals(s.sql));
    }

    /** The SQL a check runs: the statement without its trailing semicolons. */
    static String stripSemicolon(String sql) {
        String s = sql.strip();
        while (s.endsWith(";")) s = s.substring(0, s.length() - 1).strip();
        return s;
    }
}
