package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.importer.Outline.PhaseDraft;
import dev.runbookpilot.importer.Outline.StepDraft;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.runbookpilot.importer.ChecklistImporter.truncate;
import static dev.runbookpilot.importer.ChecklistImporter.withoutLastNewline;

/**
 * Stage 5, the last: writes the mapped {@link Outline} as runbook YAML ({@link YamlText}). Steps that ended with
 * no check and no sign-off fold into their phase's description, empty phases into the runbook's; the target
 * environment is read from the title or the introduction (and warned about); every check carries a comment with
 * the checklist line it came from, and every line still unplaced is recorded as description in the
 * {@link ImportLedger}.
 */
final class RunbookSynthesis {

    private final ChecklistDocument doc;
    private final ImportLedger ledger;
    private final Outline outline;
    private final LineUse[] uses;
    private final List<PhaseDraft> phases;
    private final List<Integer> runbookDescription;
    private final String sourceName;
    private final String title;

    RunbookSynthesis(ChecklistDocument doc, ImportLedger ledger, Outline outline, String sourceName) {
        this.doc = doc;
        this.ledger = ledger;
        this.outline = outline;
        this.uses = ledger.uses;
        this.phases = outline.phases;
        this.runbookDescription = outline.runbookDescription;
        this.sourceName = sourceName;
        this.title = outline.title;
    }

    /** The runbook YAML, after folding empty steps and phases. */
    String yaml() {
        foldEmpty();
        return emit();
    }

    private String raw(int line) {
        return doc.raw(line);
    }

    private String kept(int line) {
        return doc.kept(line);
    }

    private void use(int line, Use use, String stepId, String kept) {
        ledger.use(line, use, stepId, kept);
    }

    private void warn(int line, String message) {
        ledger.warn(line, message);
    }

    // -------------------------------------------------------------- empty steps and phases fold into descriptions

    private void foldEmpty() {
        for (PhaseDraft p : phases) {
            List<StepDraft> kept = new ArrayList<>();
            for (StepDraft s : p.steps) {
                if (s.checks.isEmpty() && s.roles.isEmpty() && s.command == null) {
                    p.descriptionLines.add(s.line);
                    use(s.line, Use.DESCRIPTION, null, kept(s.line));
                    p.descriptionLines.addAll(s.descriptionLines);
                    outline.releaseId(s.id);
                } else {
                    kept.add(s);
                }
            }
            p.steps.clear();
            p.steps.addAll(kept);
        }
        List<PhaseDraft> keptPhases = new ArrayList<>();
        for (PhaseDraft p : phases) {
            if (p.steps.isEmpty()) {
                runbookDescription.add(p.line);
                use(p.line, Use.DESCRIPTION, null, kept(p.line));
                runbookDescription.addAll(p.descriptionLines);
            } else {
                keptPhases.add(p);
            }
        }
        phases.clear();
        phases.addAll(keptPhases);
        if (phases.isEmpty()) {
            PhaseDraft p = new PhaseDraft("Checklist", 1);
            StepDraft s = new StepDraft("Review the checklist", 1);
            s.id = outline.uniqueId("review-the-checklist");
            s.checks.add(StatementMapping.manual("The checklist has no items; read its text (in the runbook description) and "
                    + "confirm it was followed.", false));
            s.checkComments.add(List.of("no items in " + truncate(sourceName, 100)));
            warn(0, "the checklist has no items (list items, checkboxes, tables or code blocks); the runbook "
                    + "has a single manual confirmation");
            p.steps.add(s);
            phases.add(p);
        }
    }

    // -------------------------------------------------------------- environment

    private String environment() {
        String t = title.toLowerCase(Locale.ROOT);
        if (t.matches(".*\\b(production|prod)\\b.*")) {
            warn(0, "target environment set to production because the title mentions it; check target.environment");
            return "production";
        }
        if (t.matches(".*\\bstaging\\b.*")) {
            warn(0, "target environment set to staging because the title mentions it; check target.environment");
            return "staging";
        }
        StringBuilder intro = new StringBuilder();
        for (int l : runbookDescription) intro.append(raw(l)).append('\n');
        String i = intro.toString().toLowerCase(Locale.ROOT);
        boolean prod = i.matches("(?s).*\\b(production|prod)\\s+only\\b.*");
        boolean staging = i.matches("(?s).*\\bstaging\\s+only\\b.*");
        if (prod != staging) {
            String env = prod ? "production" : "staging";
            warn(0, "target environment set to " + env + " because the introduction says '" + env
                    + " only'; check target.environment");
            return env;
        }
        warn(0, "target environment set to development: the title names neither production nor staging; "
                + "set target.environment before running against another environment");
        return "development";
    }

    // -------------------------------------------------------------- YAML

    String emit() {
        String env = environment();
        YamlText y = new YamlText();
        y.comment(0, "Imported by runbook-pilot import from " + truncate(sourceName, 200)
                + ". Review every check before use.");
        y.comment(0, "Comments give the checklist line each check came from.");
        y.entry(0, "runbook", title);
        StringBuilder d = new StringBuilder();
        for (int l : runbookDescription) {
            d.append(kept(l)).append('\n');
            if (uses[l - 1] == null) use(l, Use.DESCRIPTION, null, kept(l));
        }
        d.append("\nImported from ").append(sourceName).append(" by runbook-pilot import.");
        y.entry(0, "description", withoutLastNewline(d));
        y.line(0, "target:");
        y.entry(2, "environment", env);
        y.line(0, "phases:");
        for (PhaseDraft p : phases) {
            y.comment(2, "line " + p.line);
            y.entry(2, "- name", p.name);
            if (!p.descriptionLines.isEmpty()) {
                StringBuilder pd = new StringBuilder();
                for (int l : p.descriptionLines) {
                    pd.append(kept(l)).append('\n');
                    if (uses[l - 1] == null || uses[l - 1].use() == Use.DESCRIPTION) {
                        use(l, Use.DESCRIPTION, null, kept(l));
                    }
                }
                y.entry(4, "description", withoutLastNewline(pd));
            }
            y.line(4, "steps:");
            for (StepDraft s : p.steps) emitStep(y, s);
        }
        return y.text();
    }

    private void emitStep(YamlText y, StepDraft s) {
        StringBuilder d = new StringBuilder();
        for (int l : s.descriptionLines) {
            d.append(kept(l)).append('\n');
            use(l, Use.DESCRIPTION, s.id, kept(l));
        }
        for (String x : s.extraDescription) d.append(x).append('\n');
        d.append("(").append(sourceName).append(", from line ").append(s.line).append(")");
        boolean hasChecks = !s.checks.isEmpty() || s.command != null;
        if (hasChecks) {
            y.comment(6, "line " + s.line);
            y.entry(6, "- id", s.id);
            y.entry(8, "title", s.title);
            // The trace the report prints beside the step's title (the description says it to the wizard).
            y.entry(8, "source", sourceName + ", line " + s.line);
            y.entry(8, "description", withoutLastNewline(d));
            if (s.optional) y.entry(8, "optional", true);
            if (s.backup != null) y.entry(8, "backup", s.backup);
            if (s.command != null) {
                // A command stands alone in its step (the format's rule): ActionSteps gave it a step of its own.
                y.entry(8, "command", s.command);
            } else {
                y.line(8, "checks:");
            }
            for (int i = 0; i < s.checks.size(); i++) {
                for (String c : s.checkComments.get(i)) y.comment(10, c);
                y.list(10, List.of(s.checks.get(i)));
            }
        }
        if (!s.roles.isEmpty()) {
            String id = hasChecks ? outline.uniqueId(s.id + "-signoff") : s.id;
            y.comment(6, "sign-off, line " + s.signLines.get(0));
            y.entry(6, "- id", id);
            y.entry(8, "title", hasChecks ? "Sign-off: " + s.title : s.title);
            y.entry(8, "source", sourceName + ", line " + (hasChecks ? s.signLines.get(0) : s.line));
            StringBuilder sd = new StringBuilder();
            for (int l : s.signLines) {
                sd.append(kept(l)).append('\n');
                use(l, Use.SIGNOFF, id, kept(l));
            }
            if (!hasChecks) sd.append(d);
            else sd.append("(").append(sourceName).append(", line ").append(s.signLines.get(0)).append(")");
            y.entry(8, "description", withoutLastNewline(sd));
            List<String> roles = new ArrayList<>(new LinkedHashSet<>(s.roles));
            Map<String, Object> signoff = new LinkedHashMap<>();
            signoff.put("roles", new ArrayList<Object>(roles));
            y.entry(8, "signoff", signoff);
        }
    }
}
