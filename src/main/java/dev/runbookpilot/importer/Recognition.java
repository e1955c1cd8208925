package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.Outline.PhaseDraft;
import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;
import dev.runbookpilot.importer.intent.Confidence;
import dev.runbookpilot.importer.intent.Intent;
import dev.runbookpilot.importer.intent.Item;
import dev.runbookpilot.importer.intent.Recogniser;
import dev.runbookpilot.importer.intent.Recognisers;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.runbookpilot.importer.ChecklistImporter.clean;
import static dev.runbookpilot.importer.ChecklistImporter.truncate;

/**
 * The recognisers' stage, inside {@link StatementMapping}: an entry the statement mapping left without an automated
 * check is offered, as an {@link Item} (text, notes, code, heading path, statements), to {@link Recognisers#ALL};
 * the first {@link Intent} found is put into the step here (checks, the step's backup, or a note for the manual
 * confirmation), an unsure one with its doubt next to it. The {@link Recogniser.Context} a recogniser sees
 * (snapshots, renames, objects a block above created) is answered here too.
 */
final class Recognition {

    private final ImportLedger ledger;
    private final Map<String, String> renames;
    private final List<String> snapshots;
    private final Map<String, List<String>> snapshotTables;

    /** The renames, snapshots and snapshot tables are the statement mapping's: snapshots are named in one sequence. */
    Recognition(ImportLedger ledger, Map<String, String> renames, List<String> snapshots,
                Map<String, List<String>> snapshotTables) {
        this.ledger = ledger;
        this.renames = renames;
        this.snapshots = snapshots;
        this.snapshotTables = snapshotTables;
    }

    /** The mapping starts on {@code step}: "a block above" may be in it or in the step before. */
    void enterStep(StepDraft step) {
        previousStep = currentStep;
        currentStep = step;
    }

    /** {@code u} of {@code step} is mapped; a later entry may name the objects its CREATE statements make. */
    void mapped(Unit u, StepDraft step) {
        recent.add(u);
        recentStep.add(step);
    }

    /**
     * Asks the recognisers about {@code u} and applies the first intent found to the step and {@code m}; returns
     * text for the end of the entry's manual confirmation, or null.
     */
    String recognise(PhaseDraft phase, StepDraft step, Unit u, Mapping m) {
        Intent intent = Recognisers.recognise(item(phase, step, u), recogniserContext).orElse(null);
        return intent == null ? null : applyIntent(step, u, m, intent);
    }

    /** The unit as the recognisers see it: its text, notes, code, heading path and statements. */
    private static Item item(PhaseDraft phase, StepDraft step, Unit u) {
        List<Item.Note> notes = u.notes.stream().map(n -> new Item.Note(n.line, n.text)).toList();
        List<Item.Code> code = u.blocks.stream()
                .map(b -> new Item.Code(b.line, b.lang == null ? "" : b.lang, b.content)).toList();
        List<Item.Statement> stmts = u.stmts.stream()
                .map(x -> new Item.Statement(x.line, x.sql, x.comments())).toList();
        return new Item(u.line, u.text, notes, code, List.of(phase.name, step.title), stmts);
    }

    private static final Pattern CREATE_INDEX = Pattern.compile(
            "(?is)^\\s*create\\s+(?:unique\\s+)?index\\s+(?:concurrently\\s+)?(?:if\\s+not\\s+exists\\s+)?"
                    + "([A-Za-z_][\\w$]*)\\s+on\\b");
    private static final Pattern CREATE_TABLE = Pattern.compile(
            "(?is)^\\s*create\\s+(?:unlogged\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?([A-Za-z_][\\w$]*)\\s*\\(");
    private static final Pattern DROP_INDEX = Pattern.compile("(?is)^\\s*drop\\s+index\\b");
    private static final Pattern DROP_TABLE = Pattern.compile("(?is)^\\s*drop\\s+table\\b");
    /** Items mapped so far with their steps, for a criterion that names the objects a block above created. */
    private final List<Unit> recent = new ArrayList<>();
    private final List<StepDraft> recentStep = new ArrayList<>();
    private StepDraft currentStep;
    private StepDraft previousStep;

    /** Snapshots are named in one sequence, whether the statement mapping or a recogniser takes them. */
    private final Recogniser.Context recogniserContext = new Recogniser.Context() {
        @Override
        public String latestSnapshot() {
            return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
        }

        @Override
        public List<String> snapshotTables(String snapshot) {
            return snapshotTables.get(snapshot);
        }

        @Override
        public Map<String, String> renamedTables() {
            return Collections.unmodifiableMap(renames);
        }

        @Override
        public Created created(String kind) {
            Pattern create = kind.equals("indexes") ? CREATE_INDEX : CREATE_TABLE;
            Pattern drop = kind.equals("indexes") ? DROP_INDEX : DROP_TABLE;
            for (int k = recent.size() - 1; k >= 0; k--) {
                Unit earlier = recent.get(k);
                boolean sameStep = recentStep.get(k) == currentStep;
                if (!sameStep && recentStep.get(k) != previousStep) return null;
                List<String> names = new ArrayList<>();
                int first = 0;
                for (SqlText.Stmt x : earlier.stmts) {
                    if (drop.matcher(x.sql).find()) return null;
                    Matcher c = create.matcher(x.sql);
                    if (c.find() && !names.contains(c.group(1))) {
                        if (names.isEmpty()) first = x.line;
                        names.add(c.group(1));
                    }
                }
                if (!names.isEmpty()) return new Created(names, first, sameStep);
            }
            return null;
        }

        @Override
        public String newSnapshot(List<String> tables) {
            String snap = snapshots.isEmpty() ? "before" : "before-" + (snapshots.size() + 1);
            snapshots.add(snap);
            snapshotTables.put(snap, tables);
            return snap;
        }
    };

    /**
     * Puts what a recogniser found into the step: its checks become the item's automated checks (one
     * machine-verifiable statement, automated), a backup the step's, a note the end of the item's manual text
     * (returned). An unsure intent is said in the step's description next to the check and warned about.
     */
    private String applyIntent(StepDraft step, Unit u, Mapping m, Intent intent) {
        boolean applies = !intent.checks().isEmpty() || intent.backup() != null && step.backup == null
                || intent.note() != null;
        if (applies && intent.confidence() == Confidence.UNSURE) {
            String what = truncate(clean(u.text), 120);
            step.extraDescription.add("Imported from line " + u.line + ": " + what + " — check this expectation: "
                    + intent.doubt() + ".");
            ledger.warn(u.line, "check this expectation (" + intent.doubt() + "): '" + what + "'");
        }
        if (!intent.checks().isEmpty()) {
            for (Intent.Check c : intent.checks()) {
                Map<String, Object> check = new LinkedHashMap<>();
                check.put(c.kind(), c.options());
                m.checks.add(check);
                m.checkLines.add(c.line());
                m.checkedLines.add(c.line());
            }
            // The statement the recogniser read (a query in a code span) is the check now, not left over.
            Set<Integer> read = new HashSet<>();
            for (SqlText.Stmt x : m.leftoverReads) read.add(x.line);
            m.leftoverReads.clear();
            ledger.unmapped.removeIf(x -> read.contains(x.line()));
            // The item's lines are read now: SQL in them is not listed again as "not recognised", and its code
            // (the psql call the check replaces) is not work left to do by hand.
            ledger.parsedLines.addAll(u.lines);
            for (Block b : u.blocks) for (int l = b.line; l <= b.endLine; l++) m.checkedLines.add(l);
            ledger.verifiable++;
            ledger.countAutomatedVerifiable++;
            return null;
        }
        if (intent.backup() != null && step.backup == null) {
            step.backup = new LinkedHashMap<>(intent.backup());
            ledger.verifiable++;
            ledger.countAutomatedVerifiable++;
            return "\n(This step takes the backup with pg_dump and proves it (verify: " + intent.backup().get("verify")
                    + "); confirm here what the checklist asks beyond that.)";
        }
        return intent.note() == null ? null : "\n(" + intent.note() + ")";
    }
}
