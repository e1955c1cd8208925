package dev.runbookpilot.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probe reading: a write ({@code INSERT}, {@code UPDATE}, {@code ALTER}, ...) with "should FAIL" or "should
 * SUCCEED" written next to it becomes a {@code rejects} check (with the SQLSTATE or message the checklist names) or an
 * {@code accepts} check, both run in a transaction that rolls back. Writes above it in the same entry become the
 * probe's setup, with {@code <placeholders>} filled from their RETURNING ({@link ReturningPlaceholders}). A write with
 * no stated outcome, one the check guard would refuse, or a failure with no error named stays with the operator.
 * Takes the statement and the entry's text; gives checks and leftovers to the entry's {@link Mapping}, and warnings
 * about filled placeholders to the {@link ImportLedger}.
 */
final class ProbeMapping {

    private final ImportLedger ledger;

    ProbeMapping(ImportLedger ledger) {
        this.ledger = ledger;
    }

    /**
     * Maps the write {@code s} of an entry whose statements are {@code all}; {@code setup} holds the entry's writes
     * so far (a probe runs after them) and receives this one when it is meant to succeed.
     *
     * @param subStep whether a sub-step of the entry carries {@code s}, so the sub-step's text speaks for it alone
     */
    void map(SqlText.Stmt s, List<SqlText.Stmt> all, String unitText, String comments, boolean subStep, String name,
             List<SqlText.Stmt> setup, Mapping m) {
        // The item's own text speaks for its statement only when there is no other write to mean.
        long writes = all.stream().filter(x -> SqlText.kind(x.sql) == SqlText.Kind.WRITE).count();
        String about = ExpectationText.saysFails(comments) || ExpectationText.saysSucceeds(comments)
                || writes != 1 && !subStep ? comments : comments + "\n" + unitText;
        boolean fails = ExpectationText.saysFails(about);
        boolean succeeds = !fails && ExpectationText.saysSucceeds(about);
        if (!fails && !succeeds) {
            setup.add(s);
            m.leftover(s, "writes, and no expected error or success is written next to it");
            return;
        }
        m.stated.add(m.current);
        ReturningPlaceholders.Filled f = ReturningPlaceholders.fill(setup, s);
        if (f.unfilled() != null) {
            m.leftover(s, "contains the placeholder " + f.unfilled() + "; fill it in by hand");
            if (succeeds) setup.add(s);
            return;
        }
        String probeSetup = f.setup().isEmpty() ? null : String.join(";\n", f.setup());
        if (!SqlText.probeAllowed(probeSetup, f.sql())) {
            m.leftover(s, "as a probe, the check guard would refuse it or its setup (a statement whose"
                    + " effect a rollback does not undo, or SQL read two ways); try it by hand");
            if (succeeds) setup.add(s);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (probeSetup != null) body.put("setup", probeSetup);
        body.put("sql", f.sql());
        if (fails) {
            String error = ExpectationText.errorText(about);
            String state = ExpectationText.sqlstate(error != null ? error : about);
            if (state != null) {
                body.put("sqlstate", state);
            } else if (error != null) {
                body.put("message", error);
            } else {
                m.leftover(s, "expected to fail, but no error message or SQLSTATE is written; any "
                        + "failure would not prove the item");
                return;
            }
            m.add("rejects", body, s.line);
        } else {
            m.add("accepts", body, s.line);
            setup.add(s);
        }
        // Statements that became setup of the check are part of it, not leftovers.
        for (SqlText.Stmt x : setup) m.unleftover(x);
        // The setup ran as part of the check (placeholders rewritten), so its lines are no work left to do.
        for (SqlText.Stmt x : setup) for (int l = x.line; l <= x.endLine; l++) m.checkedLines.add(l);
        for (Map.Entry<String, Integer> e : f.filled().entrySet()) {
            if (m.filled.putIfAbsent(e.getKey(), e.getValue()) == null) {
                ledger.warn(s.line, "placeholder " + e.getKey() + " filled with the value the statement at line "
                        + e.getValue() + " returns (kept in a temporary table inside the check's "
                        + "rolled-back transaction); review the rewritten SQL");
            }
        }
    }
}
