package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.Outline.PhaseDraft;
import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The checklist's shape, as {@link ItemReader} reads it and {@link StatementMapping} fills it: the runbook title,
 * the lines of its description, and phases of steps whose entries ({@link Unit}) are the checklist's items, table
 * rows, free code blocks and fill-in fields. Mapping adds each step's checks; {@link RunbookSynthesis} writes it.
 */
final class Outline {
    String title;
    final List<Integer> runbookDescription = new ArrayList<>();
    final List<PhaseDraft> phases = new ArrayList<>();
    private final Set<String> stepIds = new HashSet<>();

    /** A checklist entry: a list item, a table row, a code block outside items, or a fill-in field. */
    static final class Unit {
        final int line;
        final String text;
        final List<Block> notes = new ArrayList<>();
        final List<Block> blocks = new ArrayList<>();
        final Set<Integer> lines = new LinkedHashSet<>();
        String tableSql;
        String tableExpect;
        /** A table row's other cells (not the SQL, the expectation or a row number): what the row checks. */
        String tableLabel;
        boolean requireNote;
        final int indent;
        /** Its statements, collected before mapping so that a later item can borrow plans. */
        final List<SqlText.Stmt> stmts = new ArrayList<>();

        Unit(int line, String text, int indent) {
            this.line = line;
            this.text = text;
            this.indent = indent;
            lines.add(line);
        }
    }

    static final class StepDraft {
        final String title;
        final int line;
        final List<Integer> descriptionLines = new ArrayList<>();
        final List<Unit> units = new ArrayList<>();
        final List<String> roles = new ArrayList<>();
        final List<Integer> signLines = new ArrayList<>();
        final List<String> extraDescription = new ArrayList<>();
        final List<Map<String, Object>> checks = new ArrayList<>();
        final List<List<String>> checkComments = new ArrayList<>();
        String id;
        /** A backup a recogniser found the step to take and prove, or null. */
        Map<String, Object> backup;
        /** A rollback, troubleshooting or emergency section: it holds only when that happened. */
        boolean optional;
        /** The {@code command} a migration line of the checklist became ({@link ActionSteps}): the step's only work. */
        Map<String, Object> command;

        StepDraft(String title, int line) {
            this.title = title;
            this.line = line;
        }
    }

    static final class PhaseDraft {
        final String name;
        final int line;
        final List<Integer> descriptionLines = new ArrayList<>();
        final List<StepDraft> steps = new ArrayList<>();

        PhaseDraft(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    String uniqueId(String text) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 60) slug = slug.substring(0, 60).replaceAll("-+$", "");
        if (slug.isEmpty()) slug = "step";
        String id = slug;
        for (int n = 2; !stepIds.add(id); n++) id = slug + "-" + n;
        return id;
    }

    /** Forgets a step id (a step folded into its phase's description), so that another step may take it. */
    void releaseId(String id) {
        stepIds.remove(id);
    }
}
