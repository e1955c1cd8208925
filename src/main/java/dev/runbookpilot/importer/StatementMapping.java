package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportSummary.UnmappedSql;
import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import dev.runbookpilot.importer.Outline.PhaseDraft;
import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static dev.runbookpilot.importer.ChecklistImporter.clean;
import static dev.runbookpilot.importer.ChecklistImporter.truncate;

/**
 * Stage 3 of the import: turns every entry of the {@link Outline} into checks of its step. First the statement
 * mapping: each SQL statement or psql command the entry holds goes, by its kind, to its reading — {@link
 * QueryMapping}, {@link ExplainMapping}, {@link ProbeMapping}, {@link MetaCommandMapping} (row counts through
 * {@link RowCountMapping}) — which makes it an automated check (query, explain, rejects/accepts, rowCounts, tables,
 * columns, ...) when the checklist states its expected result next to it, and lists it as unmapped with the reason
 * otherwise. An entry left without an automated check is then offered to the recognisers ({@link Recognition}),
 * whose intent becomes its checks, its step's backup or a note. {@link EntryPlacement} then puts the entry's lines
 * into the step: what no check carries stays a manual confirmation or description, so no line of an entry is lost.
 * Counts go to the {@link ImportLedger}.
 */
final class StatementMapping {

    private final ChecklistDocument doc;
    private final ImportLedger ledger;
    private final Outline outline;
    private final List<UnmappedSql> unmapped;
    private final Set<Integer> parsedLines;
    private final Map<Integer, Unit> unitOfLine;
    private final RowCountMapping rowCounts;
    private final QueryMapping queries;
    private final ProbeMapping probes;
    private final Placeholders placeholders;
    private final Recognition recognition;
    private final EntryPlacement placement;

    StatementMapping(ChecklistDocument doc, ImportLedger ledger, Outline outline) {
        this.doc = doc;
        this.ledger = ledger;
        this.outline = outline;
        this.unmapped = ledger.unmapped;
        this.parsedLines = ledger.parsedLines;
        this.unitOfLine = ledger.unitOfLine;
        this.rowCounts = new RowCountMapping(ledger);
        this.queries = new QueryMapping(rowCounts);
        this.probes = new ProbeMapping(ledger);
        this.placeholders = new Placeholders(doc, ledger);
        this.recognition = new Recognition(ledger, rowCounts.renames, rowCounts.snapshots, rowCounts.snapshotTables);
        this.placement = new EntryPlacement(doc, ledger);
    }

    /** Maps every step of the outline, in document order (a later step may compare with an earlier snapshot). */
    void mapAll() {
        rowCounts.findRenames(doc);
        for (PhaseDraft p : outline.phases) for (StepDraft s : p.steps) mapStep(p, s);
    }

    // -------------------------------------------------------------- mapping units to checks

    private void mapStep(PhaseDraft phase, StepDraft step) {
        step.id = outline.uniqueId(step.title);
        step.optional = isConditional(phase.name + " " + step.title);
        recognition.enterStep(step);
        for (Unit u : step.units) {
            StatementReader.collectStatements(u, u.stmts);
            for (SqlText.Stmt x : u.stmts) for (int l = x.line; l <= x.endLine; l++) parsedLines.add(l);
            for (int l : u.lines) unitOfLine.putIfAbsent(l, u);
        }
        ExplainMapping.borrowPlans(step);
        MetaCommandMapping.borrowDescribedTables(step);
        for (Unit u : step.units) {
            mapUnit(phase, step, u);
            recognition.mapped(u, step);
        }
    }

    private void mapUnit(PhaseDraft phase, StepDraft step, Unit u) {
        ledger.items++;
        Mapping m = new Mapping(unmapped);
        List<SqlText.Stmt> stmts = u.stmts;
        String unitText = unitText(u);
        // A sub-step that carries its own statement ("1. Version bumped: `SELECT ...` → 7.2"), or a note that
        // states its own statement's result, speaks for that statement only: its expectation must not reach
        // its siblings' statements.
        Set<Integer> noteStatements = new HashSet<>();
        for (Block n : u.notes) {
            if (stmts.stream().noneMatch(x -> x.line == n.line)) continue;
            noteStatements.add(n.line);
            if (n.type == Type.ITEM || ExpectationText.phrase(n.text) != null) m.subSteps.put(n.line, n);
        }
        String unitPhrase = tablePhrase(u);
        if (unitPhrase == null && u.tableSql == null) unitPhrase = ExpectationText.phrase(u.text);
        if (unitPhrase == null && u.tableSql == null) {
            for (Block n : u.notes) {
                if (noteStatements.contains(n.line)) continue;
                String p = ExpectationText.phrase(n.text);
                if (p != null) {
                    unitPhrase = p;
                    break;
                }
            }
        }
        List<SqlText.Stmt> setup = new ArrayList<>();
        for (SqlText.Stmt s : stmts) mapStatement(u, s, stmts, unitText, unitPhrase, setup, m);
        placeholders.warn(u, m);
        String note = null;
        if (m.checks.isEmpty() && !placeholders.any(u)) note = recognition.recognise(phase, step, u, m);
        boolean isAutomated = !m.checks.isEmpty();
        // A check is itself a stated result (a \dt list, a row-count block), so it counts as verifiable.
        Set<SqlText.Stmt> verifiableStmts = new HashSet<>(m.stated);
        verifiableStmts.addAll(m.checked);
        ledger.verifiable += verifiableStmts.size();
        ledger.countAutomatedVerifiable += m.checked.size();
        if (isAutomated) {
            ledger.automated++;
            placement.placeAutomated(step, u, m);
        } else {
            placement.placeManual(step, u, note);
        }
        if (isConditional(phase.name + " " + step.title) && isAutomated) {
            ledger.warn(u.line, "automated check in a conditional section ('" + step.title + "'): it only holds when "
                    + "that situation happened; skip or waive the step otherwise");
        }
    }

    private static final Pattern CONDITIONAL = Pattern.compile(
            "(?i)\\b(rollback|roll back|troubleshoot\\w*|emergency|if needed|if\\b.{0,40}\\bfails?|if issues|incident)\\b");

    static boolean isConditional(String title) {
        return CONDITIONAL.matcher(title).find();
    }

    /** The entry's text and its notes, one per line: what the checklist says about it in prose. */
    static String unitText(Unit u) {
        StringBuilder b = new StringBuilder(u.text);
        for (Block n : u.notes) b.append('\n').append(n.text);
        return b.toString();
    }

    /**
     * A table row's expected result comes from its own expected cell ("must return 0" read as a phrase, "7.1"
     * as it is); a blank cell states nothing. Without an expected column, the row's other cells may state it.
     */
    private static String tablePhrase(Unit u) {
        if (u.tableSql == null) return null;
        if (u.tableExpect == null) return ExpectationText.phrase(u.tableLabel);
        String cell = u.tableExpect.replace("`", "").strip();
        if (cell.isEmpty()) return null;
        String p = ExpectationText.phrase(cell);
        return p != null ? p : cell;
    }

    private void mapStatement(Unit u, SqlText.Stmt s, List<SqlText.Stmt> all, String unitText,
                              String unitPhrase, List<SqlText.Stmt> setup, Mapping m) {
        m.current = s;
        Block sub = m.subSteps.get(s.line);
        if (sub != null) {
            unitText = sub.text;
            unitPhrase = ExpectationText.phrase(sub.text);
        }
        String name = checkName(u, s, sub != null && sub.type == Type.ITEM ? sub : null);
        SqlText.Kind kind = SqlText.kind(s.sql);
        String comments = s.comments();
        String stmtPhrase = ExpectationText.phrase(String.join("\n", s.after));
        if (stmtPhrase == null) stmtPhrase = ExpectationText.phrase(String.join("\n", s.before));
        String phrase = stmtPhrase != null ? stmtPhrase : unitPhrase;
        String placeholder = SqlText.placeholder(s.sql);
        switch (kind) {
            case META -> MetaCommandMapping.map(u, s, unitText, comments, name, m);
            case READ -> queries.map(s, unitText, comments, phrase, placeholder, name, m);
            case EXPLAIN -> ExplainMapping.map(s, unitText, comments, placeholder, name, m);
            case WRITE -> probes.map(s, all, unitText, comments, sub != null, name, setup, m);
            case CONTROL -> m.leftover(s, "transaction control or session setting; the checks manage their own "
                    + "transactions");
        }
    }

    private String checkName(Unit u, SqlText.Stmt s, Block sub) {
        String text = sub != null ? sub.text : u.text;
        String prose = clean(StatementReader.INLINE_CODE.matcher(text).replaceAll(" ")).replaceAll("\\s+", " ")
                .replaceAll("[\\s:]+$", "");
        String base = prose.length() >= 3 ? prose : clean(text).replaceAll(":\\s*$", "");
        if (u.tableSql != null) base = u.tableLabel;
        if (u.text.isBlank() && !s.before.isEmpty()) base = String.join("; ", s.before);
        if (base.isBlank()) base = firstLine(s.sql);
        return truncate(base, 120) + " (line " + s.line + ")";
    }

    private static String firstLine(String sql) {
        return sql.lines().findFirst().orElse("").strip();
    }

    /** A manual confirmation check quoting {@code text}. */
    static Map<String, Object> manual(String text, boolean requireNote) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", text);
        body.put("requireNote", requireNote);
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("manual", body);
        return check;
    }
}
