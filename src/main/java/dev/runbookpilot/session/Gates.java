package dev.runbookpilot.session;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Go/no-go gates from the journal: a phase after a gate stays closed until every role of the gate answered GO, and a
 * NO-GO anywhere closes everything after it for good. Rollback steps are not in the runbook's phases: a NO-GO never
 * stops the way back.
 */
public final class Gates {
    private Gates() {}

    public static Optional<CheckSpec.Gate> gate(Step step) {
        return step.checks().stream().filter(c -> c instanceof CheckSpec.Gate).map(c -> (CheckSpec.Gate) c)
                .findFirst();
    }

    /** Why {@code step} may not be worked on now; empty when it is open. */
    public static Optional<String> closedBy(Runbook runbook, SessionState state, Step step) {
        Optional<JournalEvent.Signed> abort = state.abort();
        if (abort.isPresent()) {
            JournalEvent.Signed a = abort.get();
            return Optional.of("the window was ABORTED: " + a.role() + " (" + a.name() + ") answered NO-GO at '"
                    + a.stepId() + "': " + a.reason());
        }
        for (Phase p : runbook.phases()) {
            if (p.steps().stream().anyMatch(s -> s.id().equals(step.id()))) return Optional.empty();
            for (Step s : p.steps()) {
                Optional<CheckSpec.Gate> g = gate(s);
                if (g.isEmpty()) continue;
                List<String> waiting = waitingFor(state, s, g.get());
                if (!waiting.isEmpty()) {
                    return Optional.of("'" + step.title() + "' is in a phase the gate '" + s.title() + "' ["
                            + s.id() + "] holds closed: it waits for GO from " + String.join(", ", waiting));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Every step a gate holds closed now, with why, in one pass over the runbook (for an outline that shows all of
     * them): the steps after a gate not every role answered GO ("closed until 'Go?' is answered GO by DBA"), and
     * after a gate answered NO-GO, with the verdict. Steps before the first such gate are not in the map.
     */
    public static Map<String, String> closedSteps(Runbook runbook, SessionState state) {
        Map<String, String> closed = new java.util.LinkedHashMap<>();
        Optional<JournalEvent.Signed> abort = state.abort();
        String reason = null;
        for (Phase p : runbook.phases()) {
            for (Step s : p.steps()) {
                if (reason != null) {
                    closed.put(s.id(), reason);
                    continue;
                }
                Optional<CheckSpec.Gate> g = gate(s);
                if (g.isEmpty()) continue;
                if (abort.isPresent() && abort.get().stepId().equals(s.id())) {
                    JournalEvent.Signed a = abort.get();
                    reason = "closed: the window was ABORTED — " + a.role() + " (" + a.name()
                            + ") answered NO-GO at '" + s.title() + "': " + a.reason();
                    continue;
                }
                List<String> waiting = waitingFor(state, s, g.get());
                if (!waiting.isEmpty()) {
                    reason = "closed until '" + s.title() + "' is answered GO by " + String.join(", ", waiting);
                }
            }
        }
        return closed;
    }

    /** The gate's roles that have not answered GO yet (none once a rehearsal walked through it). */
    public static List<String> waitingFor(SessionState state, Step step, CheckSpec.Gate gate) {
        int index = step.checks().indexOf(gate);
        if (state.status(step.id(), index, gate.kind(), gate.roles()) == Status.REHEARSED) return List.of();
        Map<String, JournalEvent.Signed> answers = state.signatures(step.id());
        return gate.roles().stream().filter(r -> answers.get(r) == null
                || !JournalEvent.Signed.GO.equals(answers.get(r).decision())).toList();
    }
}
