package dev.runbookpilot.importer;

import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.runbookpilot.importer.ChecklistImporter.truncate;

/**
 * The EXPLAIN reading: an {@code EXPLAIN} whose entry says what the plan must show ("uses an index", "no seq scan")
 * becomes an {@code explain} check ({@code indexScan} on the table read, or one per joined table; {@code
 * noSeqScan}); with no stated plan, or a placeholder in it, it stays with the operator. Before the entries are
 * mapped, {@link #borrowPlans} moves plain EXPLAINs to a later entry of the step that states the verdict. Takes the
 * statement and the entry's text; gives checks and leftovers to the entry's {@link Mapping}.
 */
final class ExplainMapping {

    private ExplainMapping() {
    }

    private static final Pattern JOINED_TABLE = Pattern.compile(
            "(?i)\\bjoin\\s+(?:lateral\\s+)?((?:[A-Za-z_][\\w$]*\\.)?[A-Za-z_][\\w$]*)");

    private static final Pattern PLAN_VERDICT = Pattern.compile(
            "(?is)(?=.*\\bexplain\\b).*\\b(index(es)?\\s+(are\\s+)?(being\\s+)?used|uses?\\s+(an\\s+)?index(es)?"
                    + "|index\\s+scan|no\\s+seq(uential)?\\s*scans?)\\b.*");

    /**
     * "- [ ] Indexes being used (check EXPLAIN output)" after an item whose block runs EXPLAINs with no expected
     * plan: the later item states what the plans must show, so the EXPLAINs move to it and become its checks.
     * The earlier item keeps its block verbatim in its manual text.
     */
    static void borrowPlans(StepDraft step) {
        for (int k = 1; k < step.units.size(); k++) {
            Unit later = step.units.get(k);
            if (!later.stmts.isEmpty() || !later.blocks.isEmpty()
                    || !PLAN_VERDICT.matcher(StatementMapping.unitText(later)).matches()) {
                continue;
            }
            for (int j = k - 1; j >= 0; j--) {
                Unit earlier = step.units.get(j);
                List<SqlText.Stmt> plans = earlier.stmts.stream()
                        .filter(x -> SqlText.kind(x.sql) == SqlText.Kind.EXPLAIN && x.comments().isBlank()).toList();
                if (plans.isEmpty()) continue;
                earlier.stmts.removeAll(plans);
                later.stmts.addAll(plans);
                break;
            }
        }
    }

    /** Maps the EXPLAIN {@code s}; {@code placeholder} is the first placeholder in it, or null. */
    static void map(SqlText.Stmt s, String unitText, String comments, String placeholder, String name, Mapping m) {
        String about = comments + "\n" + unitText;
        boolean indexScan = about.matches("(?is).*\\b(index\\s+scan|index\\s+usage|uses?\\s+(an\\s+)?index"
                + "|indexes\\s+(are\\s+)?(being\\s+)?used|use\\s+indexes).*");
        boolean noSeq = about.matches("(?is).*\\b(no|not|without)\\s+\"?seq(uential)?\\s*scans?.*");
        if (placeholder != null || !(indexScan || noSeq)) {
            if (indexScan || noSeq) m.stated.add(m.current);
            m.leftover(s, placeholder != null ? "contains the placeholder " + placeholder
                    : "no expected plan written next to it");
            return;
        }
        m.stated.add(m.current);
        String target = SqlText.explainTarget(s.sql);
        String expect = indexScan ? "indexScan" : "noSeqScan";
        Set<String> joined = new LinkedHashSet<>();
        Matcher jm = JOINED_TABLE.matcher(SqlText.withoutStrings(SqlText.withoutComments(target)));
        while (jm.find()) joined.add(jm.group(1));
        if (!joined.isEmpty()) {
            // A join's driving table is read whole when nothing filters it; "uses indexes" is about the
            // lookups into the joined tables, so each of those gets its own plan check.
            for (String t : joined) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", truncate(name, 140) + " — " + t);
                body.put("sql", Mapping.stripSemicolon(target));
                body.put("expect", expect);
                body.put("table", t);
                m.add("explain", body, s.line);
            }
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("sql", Mapping.stripSemicolon(target));
        body.put("expect", expect);
        String table = SqlText.firstTable(target);
        if (table != null && indexScan) body.put("table", table);
        m.add("explain", body, s.line);
    }
}
