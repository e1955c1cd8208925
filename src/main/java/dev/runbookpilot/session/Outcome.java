package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that derives a step's status from its checks, and a session's counts and verdict from its
 * journal. The wizard, the CLI and the report all ask here, so none of them can count a skip as a pass or call a
 * waived loss PASSED while another says otherwise.
 */
public final class Outcome {

    private Outcome() {}

    /** What the window proved, in the words the report's first page and the summary screen use. */
    public enum Verdict {
        /** Every check passed or was confirmed; skipped optional steps are listed apart, never as passes. */
        PASSED("PASSED"),
        /** Nothing is open, but at least one failure or error was accepted by someone: see the waivers. */
        PASSED_WITH_WAIVERS("PASSED WITH WAIVERS"),
        /** A check failed or could not look, and nobody accepted it. */
        FAILED("FAILED"),
        /** Something has not run, been confirmed or signed yet. */
        INCOMPLETE("INCOMPLETE"),
        /** The window was rolled back: every applied writer's rollback ran and the proof PASSED. */
        ROLLED_BACK("ROLLED BACK"),
        /**
         * A rollback began, and a rollback or its proof failed or could not look: the database is not proven back
         * at the baseline.
         */
        ROLLBACK_FAILED("ROLLBACK FAILED"),
        /** A rollback began and has not finished: a rollback still to run or settle, a writer without one, no proof. */
        ROLLBACK_INCOMPLETE("ROLLBACK INCOMPLETE"),
        /** A role answered NO-GO at a gate: the window ended there (see {@link SessionState#abort()}: who and why). */
        ABORTED("ABORTED");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** How many checks of the session are in each state; every check is counted exactly once. */
    /** {@code rehearsed}: manual checks and sign-offs a rehearsal walked through (never confirmed). */
    public record Counts(int checks, int passed, int failed, int errors, int waived, int confirmed, int pending,
                         int skipped, int rehearsed) {}

    /**
     * A waiver as the verdict's reader needs it: what, why, who and when, and whether it was granted in advance
     * ({@code run --waive}), before anyone saw the failure it covers.
     */
    public record Waiver(String stepId, int index, String check, String operator, String reason, Instant at,
                         boolean inAdvance, boolean coversError) {}

    /** A skipped optional step with its journaled reason. */
    public record Skip(String stepId, String title, String operator, String reason, Instant at) {}

    /**
     * @param rollback how the window's rollback stands, when one began (then it decides the verdict); null otherwise
     */
    public record Summary(Verdict verdict, Counts counts, List<Waiver> waivers, List<Skip> skips, Rollback rollback) {
        public Summary {
            waivers = List.copyOf(waivers);
            skips = List.copyOf(skips);
        }

        public Summary(Verdict verdict, Counts counts, List<Waiver> waivers, List<Skip> skips) {
            this(verdict, counts, waivers, skips, null);
        }
    }

    /** One rollback of a rolled-back window: the writer it undoes ({@code stepId#index}) and its latest result. */
    public record RollbackStep(String forwardKey, String stepId, Status status, CheckResult result) {}

    /**
     * How a rollback stands: its verdict and, in plain words, why; each rollback in the order it runs; the proof's
     * result (null until a proof ran after the last rollback).
     */
    public record Rollback(Verdict verdict, String statement, JournalEvent.RollbackBegan began,
                           List<RollbackStep> steps, CheckResult proof) {
        public Rollback {
            steps = List.copyOf(steps);
        }
    }

    /**
     * A step's status from its checks': ERROR or FAILED while any check is (unwaived), PENDING while any has not
     * run, SKIPPED when the step was skipped, otherwise PASSED, or CONFIRMED / WAIVED when that made it pass.
     */
    public static Status stepStatus(List<Status> checks) {
        if (checks.contains(Status.ERROR)) return Status.ERROR;
        if (checks.contains(Status.FAILED)) return Status.FAILED;
        if (checks.stream().anyMatch(s -> !s.isFinished())) return Status.PENDING;
        if (!checks.isEmpty() && checks.stream().allMatch(s -> s == Status.SKIPPED)) return Status.SKIPPED;
        if (checks.contains(Status.WAIVED)) return Status.WAIVED;
        if (!checks.isEmpty() && checks.stream().allMatch(s -> s == Status.CONFIRMED)) return Status.CONFIRMED;
        return Status.PASSED;
    }

    /** Counts, waivers, skips and verdict of a session, from its journal alone. */
    public static Summary of(SessionState state) {
        int[] n = new int[Status.values().length];
        int total = 0;
        List<Waiver> waivers = new ArrayList<>();
        List<Skip> skips = new ArrayList<>();
        for (JournalEvent.PhaseOutline p : state.started().outline()) {
            for (JournalEvent.StepOutline s : p.steps()) {
                state.skip(s.id()).ifPresent(sk -> skips.add(new Skip(s.id(), s.title(), sk.operator(),
                        sk.reason(), sk.at())));
                for (int i = 0; i < s.checks().size(); i++) {
                    JournalEvent.CheckOutline c = s.checks().get(i);
                    Status status = state.status(s.id(), i, c.kind(), c.roles());
                    n[status.ordinal()]++;
                    total++;
                    if (status == Status.WAIVED) {
                        int index = i;
                        boolean error = state.result(s.id(), i).map(r -> r.status() == Status.ERROR).orElse(false);
                        state.waiver(s.id(), i).ifPresent(w -> waivers.add(new Waiver(s.id(), index,
                                "#" + (index + 1) + " " + c.label(), w.operator(), w.reason(), w.at(),
                                w.inAdvance(), error)));
                    }
                }
            }
        }
        Counts counts = new Counts(total, n[Status.PASSED.ordinal()], n[Status.FAILED.ordinal()],
                n[Status.ERROR.ordinal()], n[Status.WAIVED.ordinal()], n[Status.CONFIRMED.ordinal()],
                n[Status.PENDING.ordinal()] + n[Status.RUNNING.ordinal()], n[Status.SKIPPED.ordinal()],
                n[Status.REHEARSED.ordinal()]);
        Rollback rollback = rollback(state);
        Verdict verdict = rollback != null ? rollback.verdict()
                : state.abort().isPresent() ? Verdict.ABORTED : verdict(counts);
        return new Summary(verdict, counts, waivers, skips, rollback);
    }

    /**
     * A window a rollback began on ends ROLLED BACK only when every rollback of its plan ran and then the proof
     * PASSED; a rollback or proof that failed or could not look makes it ROLLBACK FAILED, anything still open
     * ROLLBACK INCOMPLETE. Null when no rollback began.
     */
    static Rollback rollback(SessionState state) {
        JournalEvent.RollbackBegan began = state.rollback().orElse(null);
        if (began == null) return null;
        List<RollbackStep> steps = new ArrayList<>();
        String failed = null;
        String open = null;
        Instant lastRollback = began.at();
        for (String key : began.undo()) {
            int hash = key.lastIndexOf('#');
            String id = Rollbacks.stepId(key.substring(0, hash), Integer.parseInt(key.substring(hash + 1)));
            Status status = state.status(id, 0, "rollback", List.of());
            CheckResult r = state.result(id, 0).orElse(null);
            steps.add(new RollbackStep(key, id, status, r));
            if (r != null && r.finishedAt() != null && r.finishedAt().isAfter(lastRollback)) lastRollback = r.finishedAt();
            String what = "the rollback of " + key + " is " + status + (r == null ? "" : ": " + r.actual());
            if (status.isBlocking() && failed == null) failed = what;
            else if (!status.isSatisfied() && open == null) open = what;
        }
        Instant after = lastRollback;
        CheckResult proof = state.result(Rollbacks.PROOF_STEP, 0)
                .filter(p -> p.finishedAt() != null && !p.finishedAt().isBefore(after)).orElse(null);
        Verdict verdict;
        String statement;
        if (failed != null) {
            verdict = Verdict.ROLLBACK_FAILED;
            statement = failed + ": the database is not back at the baseline";
        } else if (proof != null && proof.status() == Status.PASSED) {
            verdict = Verdict.ROLLED_BACK;
            statement = "rolled back and proven: " + proof.actual();
        } else if (proof != null && proof.status().isBlocking()) {
            verdict = Verdict.ROLLBACK_FAILED;
            statement = proof.status() == Status.FAILED
                    ? "the rollbacks ran, but the database is NOT back at the baseline: " + proof.actual()
                    : "the rollbacks ran, but the proof could not look (" + proof.actual() + "): the database is not"
                    + " proven back at the baseline";
        } else {
            verdict = Verdict.ROLLBACK_INCOMPLETE;
            statement = began.stop() != null ? began.stop() : open != null ? open
                    : "the rollbacks ran; the proof has not run yet";
        }
        return new Rollback(verdict, statement, began, steps, proof);
    }

    /** The verdict of the runbook's own checks, whatever became of a rollback after them. */
    public static Verdict verdict(Counts c) {
        if (c.failed() + c.errors() > 0) return Verdict.FAILED;
        if (c.pending() > 0) return Verdict.INCOMPLETE;
        return c.waived() > 0 ? Verdict.PASSED_WITH_WAIVERS : Verdict.PASSED;
    }
}
