package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.importer.ImportSummary.UnmappedSql;
import dev.runbookpilot.importer.ImportSummary.Warning;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one import did, written by every stage: where each source line went, the warnings, the SQL that did not
 * become a check, and the counts of the summary. {@link ChecklistImporter} turns it into the {@link ImportResult}.
 */
final class ImportLedger {

    /** Per line (line 1 at index 0), where it went; null until a stage places it. */
    final LineUse[] uses;
    final List<Warning> warnings = new ArrayList<>();
    final List<UnmappedSql> unmapped = new ArrayList<>();
    /** Lines some statement the importer parsed spans, and the entry each line belongs to. */
    final Set<Integer> parsedLines = new HashSet<>();
    final Map<Integer, Unit> unitOfLine = new HashMap<>();
    /** Checklist entries, those with an automated check, machine-verifiable statements, and those automated. */
    int items;
    int automated;
    int verifiable;
    int countAutomatedVerifiable;

    ImportLedger(int lineCount) {
        this.uses = new LineUse[lineCount];
    }

    void use(int line, Use use, String stepId, String kept) {
        if (line >= 1 && line <= uses.length) uses[line - 1] = new LineUse(line, use, stepId, kept);
    }

    void warn(int line, String message) {
        warnings.add(new Warning(line, message));
    }
}
