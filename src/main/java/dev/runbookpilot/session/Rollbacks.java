package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a rollback of a window would undo, read from the journal and the runbook: which writers are applied, in
 * which order their rollbacks run, where the plan stops, and the baseline the proof compares to.
 *
 * <p>A writer counts as <em>applied</em> when something of it may be in the database: a migration or command that
 * PASSED (or was settled as applied, or as "run again"), a migration without a transaction or a command that began
 * and did not end cleanly (each statement committed on its own; nobody knows how far a tool got). A migration in a
 * transaction that FAILED or whose transaction aborted left nothing, and one that never began did nothing: neither is
 * rolled back. A migration in a transaction whose fate the server cannot tell is <em>in doubt</em>: it is settled
 * before a rollback is planned, since undoing what may not have happened can do harm of its own.
 *
 * <p>Each rollback is journaled as a migration of its own under the step id {@code rollback:<stepId>#<index>},
 * index 0 (ids a runbook cannot use), so the journal's crash safety (began before it runs, the server asked on
 * resume, never run twice) covers it exactly as it covers a migration.
 */
public final class Rollbacks {

    private static final String PREFIX = "rollback:";
    /** The step id the proof's result is journaled under (index 0). */
    public static final String PROOF_STEP = PREFIX + "proof";

    private Rollbacks() {}

    /** The step id a writer's rollback is journaled under. */
    public static String stepId(String forwardStepId, int index) {
        return PREFIX + forwardStepId + "#" + index;
    }

    /** Whether a step id is a rollback's or the proof's rather than a runbook step's. */
    public static boolean isRollback(String stepId) {
        return stepId.startsWith(PREFIX);
    }

    /** The runbook step a rollback's step id undoes, or null for the proof and runbook steps. */
    static String forwardStepId(String stepId) {
        if (!isRollback(stepId) || stepId.equals(PROOF_STEP)) return null;
        String rest = stepId.substring(PREFIX.length());
        return rest.substring(0, rest.lastIndexOf('#'));
    }

    /**
     * One applied writer. {@code rollback} is the step that undoes it (one check, index 0), null when the runbook
     * declares no rollback for it; {@code applied} says why it counts as applied.
     */
    public record Item(Step forward, int index, CheckSpec.Writer writer, Step rollback, String applied) {
        public String key() {
            return SessionState.key(forward.id(), index);
        }

        public boolean declared() {
            return rollback != null;
        }

        /** What undoes the writer; null when none is declared. */
        public CheckSpec.Writer undo() {
            return rollback == null ? null : (CheckSpec.Writer) rollback.checks().get(0);
        }
    }

    /**
     * The rollback of a window as it stands.
     *
     * @param applied          the applied writers, in the order their rollbacks run (the reverse of the order they
     *                         began)
     * @param pointOfNoReturn  an applied step marked {@code pointOfNoReturn}: no rollback is offered, only the backup
     * @param inDoubt          why the plan cannot be made yet (a migration whose transaction's fate is unknown), or null
     * @param baseline         the snapshot the proof compares to, as it was before the first applied writer; null when
     *                         there is none ({@code baselineProblem} says why)
     * @param countsMayDiffer  the tables every declared rollback lets differ in row count
     * @param checksums        the tables whose content checksums the declared rollbacks ask to match
     * @param backup           the latest backup of this session that PASSED (its result holds the proof), or null:
     *                         what a restore past a point of no return starts from
     */
    public record Plan(List<Item> applied, Step pointOfNoReturn, String inDoubt, Snapshots.Data baseline,
                       String baselineProblem, List<String> countsMayDiffer, List<String> checksums,
                       CheckResult backup) {
        public Plan {
            applied = List.copyOf(applied);
            countsMayDiffer = List.copyOf(countsMayDiffer);
            checksums = List.copyOf(checksums);
        }

        /** The rollbacks that run: every applied writer's, up to the first without one. */
        public List<Item> runnable() {
            List<Item> out = new ArrayList<>();
            for (Item i : applied) {
                if (!i.declared()) break;
                out.add(i);
            }
            return out;
        }

        /** The applied writer the plan stops at because the runbook declares no rollback for it. */
        public Optional<Item> stoppedAt() {
            return applied.stream().filter(i -> !i.declared()).findFirst();
        }

        /** Why the plan stops short, in the operator's words; null when every applied writer has a rollback. */
        public String stop() {
            return stoppedAt().map(i -> "'" + i.forward().title() + "' has no rollback declared: the rollback stops"
                    + " there. What it did must be undone by hand, or the backup restored").orElse(null);
        }

        /** Whether a rollback can be offered at all: something is applied, and nothing forbids or blocks it. */
        public boolean offered() {
            return !applied.isEmpty() && pointOfNoReturn == null && inDoubt == null;
        }

        /** Why no rollback is offered; null when one is. */
        public String refusal() {
            if (pointOfNoReturn != null) {
                return "'" + pointOfNoReturn.title() + "' is a point of no return and it was applied: rolling back"
                        + " now means restoring the backup";
            }
            if (inDoubt != null) return inDoubt;
            if (applied.isEmpty()) return "no writer of this window is applied: there is nothing to roll back";
            return null;
        }
    }

    /** The rollback plan of a session now. */
    public static Plan plan(Runbook runbook, SessionState state) {
        List<JournalEvent> events = state.events();
        record Found(Item item, int began, int firstBegan) {}
        List<Found> found = new ArrayList<>();
        Step pointOfNoReturn = null;
        String inDoubt = null;
        for (Step step : runbook.steps().toList()) {
            for (int i = 0; i < step.checks().size(); i++) {
                if (!(step.checks().get(i) instanceof CheckSpec.Writer w)) continue;
                Writers.Attempt a = Writers.latestAttempt(state, step.id(), i).orElse(null);
                if (a == null) continue;
                String applied = applied(state, step, i, a);
                Optional<String> unsettled = Writers.unsettled(state, step.id(), i);
                if (applied == null && unsettled.isPresent() && a.inTransaction()) {
                    inDoubt = "'" + step.title() + "' must be settled before a rollback is planned: "
                            + unsettled.get();
                } else if (applied == null && a.inTransaction() && a.resolved() == null && a.result() != null
                        && a.result().status() == Status.ERROR && Writers.connectionLost(a.result().sqlState())) {
                    // The connection went during the transaction, maybe during COMMIT: it may have committed.
                    inDoubt = "'" + step.title() + "' lost its connection in transaction " + a.began().xid()
                            + ", which may have committed: run the step again (the server is asked what became of"
                            + " it first, nothing runs twice) or resume, then roll back";
                }
                if (applied == null) continue;
                Step rollback = w.rollback() == null ? null : rollbackStep(step, i, w);
                found.add(new Found(new Item(step, i, w, rollback, applied), events.indexOf(a.began()),
                        firstBegan(events, step.id(), i)));
                if (step.pointOfNoReturn()) pointOfNoReturn = step;
            }
        }
        found.sort(Comparator.comparingInt(Found::began).reversed());
        List<Item> items = found.stream().map(Found::item).toList();
        Set<String> counts = new LinkedHashSet<>();
        Set<String> checksums = new LinkedHashSet<>();
        for (Item i : items) {
            if (!i.declared()) continue;
            counts.addAll(i.writer().rollback().countsMayDiffer());
            checksums.addAll(i.writer().rollback().checksums());
        }
        Snapshots.Data baseline = null;
        String problem = null;
        Found first = found.stream().min(Comparator.comparingInt(Found::firstBegan)).orElse(null);
        if (first != null) {
            String named = declaredBaseline(first.item(), items);
            baseline = snapshotBefore(events, first.firstBegan(), named);
            if (baseline == null) {
                String what = "'" + first.item().forward().title() + "'";
                problem = named == null
                        ? "no snapshot was taken before the first applied writer (" + what + ") began: there is no"
                        + " baseline to prove the rollback against; compare the database by hand"
                        : state.get(named).isPresent()
                        ? "snapshot '" + named + "' was taken only after the first applied writer (" + what + ")"
                        + " began, so it is not the state before the migration; it cannot prove the rollback"
                        : "snapshot '" + named + "' was never taken in this session: there is no baseline to prove the"
                        + " rollback against";
            }
        }
        return new Plan(items, pointOfNoReturn, inDoubt, baseline, problem, List.copyOf(counts),
                List.copyOf(checksums), provenBackup(runbook, state));
    }

    /** The latest backup result of the session that PASSED: it was dumped and proven as its step asked. */
    private static CheckResult provenBackup(Runbook runbook, SessionState state) {
        CheckResult latest = null;
        for (Step step : runbook.steps().toList()) {
            for (int i = 0; i < step.checks().size(); i++) {
                if (!(step.checks().get(i) instanceof CheckSpec.Backup)) continue;
                CheckResult r = state.result(step.id(), i).orElse(null);
                if (r != null && r.status() == Status.PASSED && (latest == null
                        || r.finishedAt() != null && latest.finishedAt() != null
                        && r.finishedAt().isAfter(latest.finishedAt()))) {
                    latest = r;
                }
            }
        }
        return latest;
    }

    /**
     * Why a writer counts as applied, or null when nothing of it can be in the database (see the class comment).
     */
    private static String applied(SessionState state, Step step, int index, Writers.Attempt a) {
        Optional<JournalEvent.Settled> settled = state.settlement(step.id(), index);
        if (settled.isPresent()) {
            return switch (settled.get().decision()) {
                case APPLIED -> "settled as applied by " + settled.get().operator();
                case RUN_AGAIN -> "settled by " + settled.get().operator() + ": part of it may be in the database";
                case NOT_APPLIED -> null;
            };
        }
        CheckResult r = state.result(step.id(), index).orElse(null);
        if (r != null && r.status() == Status.PASSED) {
            return a.inTransaction() ? "committed (transaction " + a.began().xid() + ")" : "ran and passed";
        }
        if (!a.inTransaction() && Writers.unsettled(state, step.id(), index).isPresent()) {
            return a.command() != null ? "the command began and did not end cleanly: it may have done part of its work"
                    : "it ran " + a.statementsBegun() + " statement(s) without a transaction before it stopped, each"
                    + " committed on its own";
        }
        return null;
    }

    private static int firstBegan(List<JournalEvent> events, String stepId, int index) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof JournalEvent.MigrationBegan m && m.stepId().equals(stepId)
                    && m.index() == index) {
                return i;
            }
        }
        throw new IllegalStateException(stepId + "#" + index + " has an attempt but no start");
    }

    /**
     * The baseline the proof names: the one declared by the rollback of the first applied writer (it names the state
     * before all of them), else the first one any rollback of the plan declares; null for the default.
     */
    private static String declaredBaseline(Item first, List<Item> items) {
        if (first.declared() && first.writer().rollback().baseline() != null) {
            return first.writer().rollback().baseline();
        }
        return items.stream().filter(Item::declared).map(i -> i.writer().rollback().baseline())
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /**
     * The snapshot as it was recorded before event {@code before} (a snapshot of the same name taken again later does
     * not count: the proof compares to the state before the migration), or the last one of any name when
     * {@code name} is null.
     */
    private static Snapshots.Data snapshotBefore(List<JournalEvent> events, int before, String name) {
        Snapshots.Data out = null;
        for (int i = 0; i < before; i++) {
            if (events.get(i) instanceof JournalEvent.SnapshotRecorded s
                    && (name == null || s.data().name().equals(name))) {
                out = s.data();
            }
        }
        return out;
    }

    /** The label of the proof's result. */
    public static final String PROOF_LABEL = "Rollback proof: back at the baseline";

    /**
     * The step the proof runs as, and why it cannot run (null when it can): no baseline, or the rollbacks' options
     * name a table both as one whose count may differ and as one whose content must match. When it cannot run, its
     * check only names what the proof would have compared to; it is not evaluated.
     */
    record Proof(Step step, String problem) {}

    static Proof proof(Plan plan, boolean onACopy) {
        String problem = plan.baselineProblem();
        String name = plan.baseline() != null ? plan.baseline().name() : "(no baseline)";
        // A rehearsal's copy is restored without owners and privileges (ADR 0022): its baseline holds none, and the
        // grants a faithful rollback puts back would read as a change.
        Set<CheckSpec.Ignorable> ignore = onACopy ? EnumSet.of(CheckSpec.Ignorable.OWNERS,
                CheckSpec.Ignorable.PRIVILEGES) : Set.of();
        CheckSpec.Restored spec;
        try {
            spec = new CheckSpec.Restored(new CheckSpec.Meta(PROOF_LABEL, null, null), name, plan.countsMayDiffer(),
                    plan.checksums(), ignore);
        } catch (IllegalArgumentException e) {
            problem = "the rollbacks' proof options contradict each other (" + e.getMessage() + "): a table whose row"
                    + " count may differ cannot also have to hold the same content; correct the runbook";
            spec = new CheckSpec.Restored(new CheckSpec.Meta(PROOF_LABEL, null, null), name, List.of(), List.of(),
                    ignore);
        }
        Step step = new Step(PROOF_STEP, "Prove the rollback", "The database must be back at snapshot '" + name
                + "': no schema change, the same row counts, the same content where checksums are asked",
                List.of(spec), null);
        return new Proof(step, problem);
    }

    /** The step a writer's rollback runs as: its one check is what undoes the writer. */
    static Step rollbackStep(Step forward, int index, CheckSpec.Writer writer) {
        CheckSpec.Writer undo = writer.rollback().undo();
        return new Step(stepId(forward.id(), index), "Roll back: " + forward.title(), "Undoes '" + forward.title()
                + "' (" + writer.describe() + ")", List.of(undo), undo.meta().location());
    }

    /** Every rollback the runbook declares, as the steps they run as (resume settles interrupted ones). */
    static List<Step> rollbackSteps(Runbook runbook) {
        List<Step> out = new ArrayList<>();
        for (Step step : runbook.steps().toList()) {
            for (int i = 0; i < step.checks().size(); i++) {
                if (step.checks().get(i) instanceof CheckSpec.Writer w && w.rollback() != null) {
                    out.add(rollbackStep(step, i, w));
                }
            }
        }
        return out;
    }
}
