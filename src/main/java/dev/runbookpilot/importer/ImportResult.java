package dev.runbookpilot.importer;

import java.util.List;

/**
 * The runbook YAML produced from a checklist, what the import did, and where every source line went.
 *
 * @param lines one entry per source line, in order (line 1 first)
 */
public record ImportResult(String yaml, ImportSummary summary, List<LineUse> lines) {
    public ImportResult {
        lines = List.copyOf(lines);
    }

    /** Where one source line ended up. {@code kept} is the part of the line the runbook carries verbatim. */
    public record LineUse(int line, Use use, String stepId, String kept) {}

    public enum Use {
        /** Blank, a horizontal rule or a fence marker: formatting only. */
        FORMAT,
        /** The runbook title, a phase name or a step title. */
        HEADING,
        /**
         * An automated check (query, tables, rowCounts, ...) was derived from it and carries its text: the item's
         * words in the check's name, its statement in the check's SQL. Lines of an automated item the checks do
         * not carry are {@link #MANUAL} ("also do by hand") or {@link #DESCRIPTION}.
         */
        AUTOMATED,
        /** The text of a manual confirmation carries it verbatim. */
        MANUAL,
        /** A sign-off step was made from it. */
        SIGNOFF,
        /** The runbook, phase or step description carries it verbatim. */
        DESCRIPTION
    }
}
