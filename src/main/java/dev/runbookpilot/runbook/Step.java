package dev.runbookpilot.runbook;

import java.util.List;

/**
 * One wizard screen. Its checks are evaluated together; manual confirmations, migrations ({@code execute})
 * and sign-offs are checks too, so every outcome in a session is a check result.
 *
 * @param optional        the operator may skip the step with a written reason (a sign-off step never is optional)
 * @param pointOfNoReturn once its writer applied, rollback means restoring the backup: no rollback is offered
 * @param budget          how long the step is planned to take; null when the runbook gives none
 * @param source          where the step came from, as the runbook says ({@code source:}, e.g. the checklist file and
 *                        line it was imported from), shown in the report; null when it says nothing
 */
public record Step(String id, String title, String description, List<CheckSpec> checks, SourceLocation location,
                   boolean optional, boolean pointOfNoReturn, java.time.Duration budget, String source) {
    public Step {
        checks = List.copyOf(checks);
        if (optional && checks.stream().anyMatch(c -> c instanceof CheckSpec.Signoff)) {
            throw new IllegalArgumentException("a sign-off step cannot be optional");
        }
    }

    public Step(String id, String title, String description, List<CheckSpec> checks, SourceLocation location,
                boolean optional, boolean pointOfNoReturn, java.time.Duration budget) {
        this(id, title, description, checks, location, optional, pointOfNoReturn, budget, null);
    }

    public Step(String id, String title, String description, List<CheckSpec> checks, SourceLocation location,
                boolean optional, boolean pointOfNoReturn) {
        this(id, title, description, checks, location, optional, pointOfNoReturn, null);
    }

    public Step(String id, String title, String description, List<CheckSpec> checks, SourceLocation location) {
        this(id, title, description, checks, location, false, false);
    }

    public Step(String id, String title, String description, List<CheckSpec> checks, SourceLocation location,
                boolean optional) {
        this(id, title, description, checks, location, optional, false);
    }

    /** A step that writes to the target: it must be confirmed before it runs. */
    public boolean mutates() {
        return checks.stream().anyMatch(c -> c instanceof CheckSpec.Writer);
    }

    /**
     * The index of the {@code command} whose {@code verify:} check this is (they follow it in {@link #checks()}),
     * or -1.
     */
    public int verifies(int index) {
        for (int i = 0; i < index; i++) {
            if (checks.get(i) instanceof CheckSpec.Command c && index <= i + c.verify().size()) return i;
        }
        return -1;
    }

    public boolean isSignoff() {
        return checks.stream().anyMatch(c -> c instanceof CheckSpec.Signoff);
    }

    public boolean isGate() {
        return checks.stream().anyMatch(c -> c instanceof CheckSpec.Gate);
    }

    public boolean isManual() {
        return !checks.isEmpty() && checks.stream().allMatch(c -> c instanceof CheckSpec.Manual);
    }
}
