package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.runbookpilot.importer.ChecklistImporter.truncate;
import static dev.runbookpilot.importer.ChecklistImporter.withoutLastNewline;

/**
 * Where a mapped entry's lines go in its step, once its statements are read: an automated entry's checks (each with
 * a comment quoting its source line), commands it leaves to the operator as a manual "Also do by hand" check, text
 * the checks do not quote and writes with no stated result in the step's description; an entry without an automated
 * check becomes one manual confirmation quoting all its lines. Takes the step, the entry and its {@link Mapping};
 * records each line's use in the {@link ImportLedger}, so no line of an entry is lost.
 */
final class EntryPlacement {

    private final ChecklistDocument doc;
    private final ImportLedger ledger;

    EntryPlacement(ChecklistDocument doc, ImportLedger ledger) {
        this.doc = doc;
        this.ledger = ledger;
    }

    /** Puts an entry with automated checks into {@code step}: its checks, then what they leave over. */
    void placeAutomated(StepDraft step, Unit u, Mapping m) {
        Set<Integer> leftoverLines = new LinkedHashSet<>();
        for (SqlText.Stmt s : m.leftoverReads) for (int l = s.line; l <= s.endLine; l++) leftoverLines.add(l);
        Set<Integer> writeLines = new LinkedHashSet<>();
        for (SqlText.Stmt s : m.leftoverWrites) for (int l = s.line; l <= s.endLine; l++) writeLines.add(l);
        writeLines.removeAll(leftoverLines);
        int firstCheck = step.checks.size();
        for (int k = 0; k < m.checks.size(); k++) {
            step.checks.add(m.checks.get(k));
            step.checkComments.add(sourceComment(u, m.checkLines.get(k)));
        }
        List<Integer> byHand = new ArrayList<>(leftoverLines);
        List<Integer> uncarried = new ArrayList<>();
        sortAutomatedItemLines(u, m, leftoverLines, writeLines, byHand, uncarried, step.id);
        byHand.sort(null);
        if (!byHand.isEmpty()) {
            StringBuilder t = new StringBuilder("Also do by hand (from the checklist item at line ")
                    .append(u.line).append("; the automated checks above do not cover these):\n");
            for (int l : byHand) {
                t.append(doc.kept(l)).append('\n');
                ledger.use(l, Use.MANUAL, step.id, doc.kept(l));
            }
            // A command written before every checked statement (a pg_dump before the check) is done first.
            int at = byHand.get(0) < m.checkedLines.stream().mapToInt(Integer::intValue).min().orElse(0)
                    ? firstCheck : step.checks.size();
            step.checks.add(at, StatementMapping.manual(withoutLastNewline(t), false));
            step.checkComments.add(at, List.of("line " + u.line + ": commands left for the operator"));
        }
        if (!uncarried.isEmpty()) {
            step.extraDescription.add("From the checklist item at line " + u.line + " (text the checks "
                    + "below do not quote):");
            for (int l : uncarried) {
                step.extraDescription.add(doc.kept(l));
                ledger.use(l, Use.DESCRIPTION, step.id, doc.kept(l));
            }
        }
        if (!writeLines.isEmpty()) {
            step.extraDescription.add("Statements at lines " + range(writeLines) + " were not imported as "
                    + "checks: they write and no result was stated for them. The rejects/accepts checks "
                    + "above roll back, so they leave no test data to clean up.");
            for (int l : writeLines) {
                step.extraDescription.add(doc.kept(l));
                ledger.use(l, Use.DESCRIPTION, step.id, doc.kept(l));
            }
        }
    }

    /** Puts an entry without an automated check into {@code step} as one manual confirmation; {@code note} ends it. */
    void placeManual(StepDraft step, Unit u, String note) {
        StringBuilder t = new StringBuilder();
        for (int l : u.lines) {
            t.append(doc.kept(l)).append('\n');
            ledger.use(l, Use.MANUAL, step.id, doc.kept(l));
        }
        if (note != null) t.append(note);
        // An empty "- [ ]" still asks the operator for something: say which line it is.
        if (t.toString().isBlank()) t.append("(empty checklist item at line ").append(u.line).append(')');
        step.checks.add(StatementMapping.manual(withoutLastNewline(t), u.requireNote));
        step.checkComments.add(sourceComment(u, u.line));
    }

    /**
     * An automated item's lines beyond its leftover statements: a line whose text the checks carry (the item's
     * words in a check name, a statement in its sql) is automated; a command in the item's code that no check
     * runs ({@code pg_dump}, {@code mix ecto.migrate}, code in another language) is for the operator to do by
     * hand; any other line (a sub-bullet "if non-zero, page the on-call DBA", an expectation comment, the psql
     * wrapper around a checked statement) goes to the step description, so no line of the item is lost.
     */
    private void sortAutomatedItemLines(Unit u, Mapping m, Set<Integer> leftoverLines, Set<Integer> writeLines,
                                        List<Integer> byHand, List<Integer> uncarried, String stepId) {
        StringBuilder text = new StringBuilder();
        for (Map<String, Object> c : m.checks) strings(c, text);
        String carried = SourceTrace.normalise(text.toString());
        Set<Integer> code = new HashSet<>();
        for (Block b : u.blocks) {
            int last = b.closed ? b.endLine - 1 : b.endLine;
            for (int l = b.line + 1; l <= last; l++) code.add(l);
        }
        for (int l : u.lines) {
            if (leftoverLines.contains(l) || writeLines.contains(l)) continue;
            String t = doc.kept(l).strip();
            if (SourceTrace.carriedIn(doc.raw(l), carried)) {
                ledger.use(l, Use.AUTOMATED, stepId, doc.raw(l).strip());
            } else if (code.contains(l) && !m.checkedLines.contains(l) && !t.startsWith("#")
                    && !t.startsWith("--")) {
                byHand.add(l);
            } else {
                uncarried.add(l);
            }
        }
    }

    private static void strings(Object o, StringBuilder out) {
        if (o instanceof Map<?, ?> map) {
            for (Object v : map.values()) strings(v, out);
        } else if (o instanceof List<?> list) {
            for (Object v : list) strings(v, out);
        } else if (o != null) {
            out.append(o).append('\n');
        }
    }

    private String range(Set<Integer> ls) {
        int min = ls.stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = ls.stream().mapToInt(Integer::intValue).max().orElse(0);
        return min == max ? String.valueOf(min) : min + "–" + max;
    }

    private List<String> sourceComment(Unit u, int line) {
        return List.of("line " + line + ": " + truncate(doc.raw(line).strip(), 160));
    }
}
