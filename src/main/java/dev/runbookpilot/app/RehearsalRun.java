package dev.runbookpilot.app;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.Outcome;
import dev.runbookpilot.session.Rollbacks;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.StepTimes;
import dev.runbookpilot.check.Status;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A rehearsal's session run to its end without anyone at the keyboard, for the wizard's "Rehearse on a copy…" (the
 * CLI's {@code rehearse} walks the same order in its own words): every step forward, manual steps and sign-offs
 * recorded as rehearsed, migrations run on the copy without approval; where the forward run stops, the way back —
 * the rollbacks of what was applied, then the proof. Green only when the forward run passed and the way back is
 * proven, or there was nothing to roll back.
 */
public final class RehearsalRun {

    private RehearsalRun() {}

    /**
     * What the rehearsal showed.
     *
     * @param forward what the forward run came to ("PASSED", or where it stopped)
     * @param wayBack what the way back came to (the rollback's statement, or why it was not rehearsed)
     * @param green   whether the real window may go ahead as rehearsed
     * @param times   each step that ran, with the time it took, in runbook order
     * @param proof   the proof's result, or null when no rollback ran
     */
    public record Result(String forward, String wayBack, Outcome.Verdict verdict, boolean green,
                         List<StepTime> times, CheckResult proof) {}

    /**
     * A step's rehearsed time, from the start of its first check to the end of its last, and what the real window
     * plans for it ({@link StepTimes#planned}).
     */
    public record StepTime(String stepId, String title, long rehearsedMillis, long plannedMillis) {}

    /** Runs the rehearsal's session to its end; {@code progress} hears each step as it begins. */
    public static Result run(Session session, Consumer<String> progress) throws IOException, InterruptedException {
        if (!session.isRehearsal()) throw new IllegalArgumentException("not a rehearsal: " + session.id());
        String stoppedAt = null;
        steps:
        for (Phase phase : session.runbook().phases()) {
            for (Step step : phase.steps()) {
                if (session.stepStatus(step).isSatisfied()) continue;
                progress.accept(phase.name() + " · " + step.title());
                if (session.unsettled(step).isEmpty()) session.runChecks(step, Session.Scope.UNSETTLED);
                if (!session.unsettled(step).isEmpty()) {
                    stoppedAt = "'" + step.title() + "': its migration's outcome is in doubt";
                    break steps;
                }
                for (int i = 0; i < step.checks().size(); i++) {
                    CheckSpec spec = step.checks().get(i);
                    if ((spec instanceof CheckSpec.Manual || spec instanceof CheckSpec.Signoff)
                            && session.checkStatus(step, i) == Status.PENDING) {
                        session.rehearse(step, i);
                    }
                }
                Status after = session.stepStatus(step);
                if (after.isBlocking()) {
                    stoppedAt = "'" + step.title() + "' is " + after;
                    break steps;
                }
            }
        }
        String forward = stoppedAt == null ? Outcome.verdict(session.outcome().counts()).toString()
                : "stopped: " + stoppedAt;
        Rollbacks.Plan plan = session.rollbackPlan();
        String wayBack;
        boolean green;
        CheckResult proof = null;
        if (!plan.offered()) {
            wayBack = "not rehearsed: " + plan.refusal();
            if (stoppedAt == null) session.finish();
            green = stoppedAt == null;
        } else {
            progress.accept("Rollback: the way back, then the proof");
            Session.RollbackRun run = session.rollBack("rehearsal: the way back is tried on the copy after the"
                    + " forward run " + (stoppedAt == null ? "passed" : "stopped"), item -> true);
            if (run.proved()) session.finish();
            wayBack = session.outcome().verdict() + ": " + run.statement();
            green = stoppedAt == null && run.proved();
            proof = session.state().result(Rollbacks.PROOF_STEP, 0).orElse(null);
        }
        return new Result(forward, wayBack, session.outcome().verdict(), green, times(session), proof);
    }

    private static List<StepTime> times(Session session) {
        Map<String, Long> measured = StepTimes.measured(session.state());
        List<StepTime> out = new ArrayList<>();
        for (Phase phase : session.runbook().phases()) {
            for (Step step : phase.steps()) {
                Long ms = measured.get(step.id());
                if (ms != null) out.add(new StepTime(step.id(), step.title(), ms, StepTimes.planned(ms)));
            }
        }
        return out;
    }
}
