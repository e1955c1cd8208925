package dev.runbookpilot.cli;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Environment;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Outcome;
import dev.runbookpilot.session.Rollbacks;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Walks a session through its runbook in the terminal, step by step, with the same gates as the wizard: a
 * failed step stops the run, a manual step waits for a confirmation, a migration for its approval.
 */
final class HeadlessRun {
    private final Session session;
    private final Interaction options;
    private final PrintWriter out;
    private final Console console;
    private final Map<String, String> confirmations;
    private final Map<String, String> signatures;
    private final Map<String, String> signKeys;
    private final Map<String, String> gateAnswers;
    private final Map<String, String> waivers;
    private final Map<String, String> errorWaivers;
    private final Map<String, String> skips;
    /** {@code --settle} decisions by step; each is used once, so a migration that fails again is not looped. */
    private final Map<String, String> settles;
    /** {@code --stop-blocker} decisions by step; each is used once, so a migration blocked again is not looped. */
    private final Map<String, String> stopBlockers;

    HeadlessRun(Session session, Interaction options, PrintWriter out) {
        this.session = session;
        this.options = options;
        this.out = out;
        this.console = System.console();
        this.confirmations = Interaction.pairs(options.confirmations);
        this.signatures = Interaction.pairs(options.signatures);
        this.signKeys = Interaction.pairs(options.signKeys);
        this.gateAnswers = Interaction.pairs(options.gates);
        this.waivers = Interaction.pairs(options.waivers);
        this.errorWaivers = Interaction.pairs(options.errorWaivers);
        this.skips = Interaction.pairs(options.skips);
        session.recheckActivityAfter(java.time.Duration.ofMinutes(Math.max(0, options.recheckActivityAfterMinutes)));
        this.settles = Interaction.pairs(options.settles);
        this.stopBlockers = Interaction.pairs(options.stopBlockers);
    }

    /** Prints each result as it is journaled. */
    /** Where a continued line of quoted text starts: under the values, right of every status column. */
    private static final String CONTINUED = " ".repeat(24);

    static RunListener printer(PrintWriter out) {
        return new RunListener() {
            @Override
            public void checkFinished(Step step, CheckResult r) {
                synchronized (out) {
                    // Labels, values and output come from the runbook, the database and child processes: each
                    // stays indented in its place, never a line of its own that reads like a verdict.
                    out.printf("    %-9s %s%n", r.status(), TerminalText.indented(r.label(), CONTINUED));
                    if (r.status() != Status.PASSED || r.expected() != null) {
                        out.printf("              expected: %s%n              actual:   %s%s%n",
                                TerminalText.indented(r.expected(), CONTINUED),
                                TerminalText.indented(r.actual(), CONTINUED),
                                r.sqlState() == null ? "" : "  [SQLSTATE " + r.sqlState() + "]");
                    }
                    out.flush();
                }
            }

            @Override
            public void previousAttempt(Step step, int index, String outcome) {
                synchronized (out) {
                    out.printf("    PREVIOUS  '%s': %s%n", TerminalText.indented(step.title(), CONTINUED),
                            TerminalText.indented(outcome, CONTINUED));
                    out.flush();
                }
            }

            @Override
            public void lockWaited(Step step, int index, dev.runbookpilot.db.Locks.LockWait wait) {
                synchronized (out) {
                    out.printf("    LOCK      %s%n", dev.runbookpilot.report.LockRecord.waitLine(wait));
                    wait.blockers().forEach(b -> out.printf("              waited for %s%n", b.describe()));
                    out.flush();
                }
            }

            @Override
            public void notice(Step step, String message) {
                synchronized (out) {
                    out.printf("              NOTICE: %s%n", TerminalText.indented(message, CONTINUED));
                    out.flush();
                }
            }

            @Override
            public void commandOutput(Step step, dev.runbookpilot.check.CheckDetail.OutputLine line) {
                synchronized (out) {
                    out.printf("              %s | %s%n", line.stream().toLowerCase(java.util.Locale.ROOT),
                            TerminalText.indented(line.text(), CONTINUED));
                    out.flush();
                }
            }
        };
    }

    int run() throws IOException, InterruptedException {
        Runbook rb = session.runbook();
        if (session.isRehearsal()) {
            out.printf("REHEARSAL on a copy (%s): not the real window; migrations run on the copy without approval,"
                    + " manual steps and sign-offs are recorded as rehearsed%n", session.state().started().server()
                    .database());
        }
        out.printf("Session %s%nRunbook %s (%s)%nJournal %s%n", session.id(), rb.title(),
                rb.target().environment().yamlName(), session.journalFile());
        // A rollback that began is carried on: no forward migration runs after it anyway.
        if (session.state().rollback().isPresent()) return rollBack("carrying on the rollback begun "
                + session.state().rollback().get().at() + ": " + session.state().rollback().get().reason());
        if (session.state().abort().isPresent()) return aborted();
        boolean failed = false;
        int forward = ExitCodes.OK;
        phases:
        for (Phase phase : rb.phases()) {
            out.printf("%n== %s%n", phase.name());
            for (Step step : phase.steps()) {
                int code = failed ? inspect(step) : step(step);
                for (var o : session.recordOverruns(java.time.Instant.now())) {
                    out.printf("    OVERRUN   %s: %s of %s planned%n", o.name(),
                            dev.runbookpilot.io.Durations.human(o.elapsed()),
                            dev.runbookpilot.io.Durations.human(o.budget()));
                }
                if (code == ExitCodes.ABORTED) return aborted();
                boolean writerFailed = code == ExitCodes.UNCONFIRMED && !session.unsettled(step).isEmpty();
                if (options.rollBackOnFailure && (code == ExitCodes.CHECK_FAILED || writerFailed)) {
                    return rollBack("'" + step.title() + "' [" + step.id() + "] is " + session.stepStatus(step)
                            + (writerFailed ? ", its migration unsettled" : "") + " (--roll-back-on-failure)");
                }
                if (code == ExitCodes.CHECK_FAILED && options.keepGoing) {
                    failed = true;
                } else if (code != ExitCodes.OK && session.isRehearsal()) {
                    forward = code;
                    break phases;
                } else if (code != ExitCodes.OK) {
                    return code;
                }
            }
        }
        if (failed && !session.isRehearsal()) return listFailures();
        if (failed) forward = listFailures();
        if (session.isRehearsal()) return rehearseTheWayBack(forward);
        session.finish();
        Outcome.Summary outcome = session.outcome();
        out.printf("%nAll steps complete. Verdict: %s%s%n", outcome.verdict(),
                session.isRehearsal() ? " (REHEARSAL on a copy, not the real window)" : "");
        for (Outcome.Waiver w : outcome.waivers()) {
            out.printf("    waived  %s %s by %s%s: %s%n", w.stepId(), w.check(), w.operator(),
                    w.inAdvance() ? " (granted in advance, before the failure was seen)" : "", w.reason());
        }
        for (Outcome.Skip k : outcome.skips()) {
            out.printf("    skipped %s by %s: %s%n", k.stepId(), k.operator(), k.reason());
        }
        out.flush();
        return ExitCodes.OK;
    }

    private int step(Step step) throws IOException, InterruptedException {
        Status before = session.stepStatus(step);
        out.printf("%n-- %s [%s]%n", step.title(), step.id());
        if (before.isSatisfied()) {
            out.printf("    %s (from the journal)%n", before);
            printApplied(step);
            return ExitCodes.OK;
        }
        String skipReason = skips.get(step.id());
        if (skipReason != null) {
            if (!step.optional() || skipReason.isBlank()) {
                out.printf("    --skip %s: %s%n", step.id(), !step.optional() ? "this step is not optional"
                        : "a skip needs a reason: --skip " + step.id() + "=\"why it is not done\"");
                return ExitCodes.USAGE;
            }
            try {
                session.skip(step, skipReason);
            } catch (IllegalArgumentException e) {
                out.printf("    --skip %s: %s%n", step.id(), e.getMessage());
                return ExitCodes.USAGE;
            }
            out.printf("    SKIPPED   by %s: %s%n", session.operator(), skipReason.strip());
            return ExitCodes.OK;
        }
        while (true) {
            if (!session.unsettled(step).isEmpty() && !settle(step)) return ExitCodes.UNCONFIRMED;
            // An applied migration is never offered again: only a step with one still to run asks for approval.
            if (session.needsApproval(step) && !approveExecute(step)) return ExitCodes.UNCONFIRMED;
            out.flush();
            session.runChecks(step, Session.Scope.UNSETTLED);
            int stopped = stopBlockers(step);
            if (stopped < 0) return ExitCodes.USAGE;
            if (stopped > 0) continue;
            // It ran and its outcome is in doubt: settle it now if a decision is at hand, else stop and say how.
            if (session.unsettled(step).isEmpty() || !settles.containsKey(step.id()) && console == null) break;
        }
        if (!session.unsettled(step).isEmpty()) {
            settle(step);
            return ExitCodes.UNCONFIRMED;
        }
        for (int i = 0; i < step.checks().size(); i++) {
            CheckSpec spec = step.checks().get(i);
            if (spec instanceof CheckSpec.Manual m && session.checkStatus(step, i) == Status.PENDING) {
                if (!confirm(step, i, m)) return ExitCodes.UNCONFIRMED;
            } else if (spec instanceof CheckSpec.Signoff so && session.checkStatus(step, i) == Status.PENDING) {
                if (!sign(step, so)) return ExitCodes.UNCONFIRMED;
            } else if (spec instanceof CheckSpec.Gate g && session.checkStatus(step, i) == Status.PENDING) {
                int code = answerGate(step, i, g);
                if (code != ExitCodes.OK) return code;
            }
        }
        applyWaiver(step);
        Status after = session.stepStatus(step);
        out.printf("    => %s%n", after);
        out.flush();
        if (after.isBlocking() && options.keepGoing) {
            out.printf("    Going on (--keep-going): later steps' read-only checks run; nothing writes after this.%n");
            return ExitCodes.CHECK_FAILED;
        }
        if (after.isBlocking()) {
            boolean migration = step.mutates();
            out.printf("%nStopped: step '%s' is %s. %s%n", step.id(), after, migration
                    ? "A migration that did not complete cannot be waived: fix the cause and 'resume' to re-run it,"
                    + " or end the window as failed."
                    : "Fix the cause and 'resume' the session, or waive it with " + (after == Status.ERROR
                    ? "--waive-error " : "--waive ") + step.id() + "=REASON.");
            return ExitCodes.CHECK_FAILED;
        }
        return ExitCodes.OK;
    }

    /**
     * A step after a failure, under {@code --keep-going}: its read-only checks run so every failure shows at once,
     * but nothing that writes, backs up or needs a person happens on top of a failed window. A step with a writer, a
     * backup, or one that needs approval, does not run at all: its read checks may depend on what it would have done.
     */
    private int inspect(Step step) throws IOException, InterruptedException {
        out.printf("%n-- %s [%s]%n", step.title(), step.id());
        Status before = session.stepStatus(step);
        if (before.isSatisfied()) {
            out.printf("    %s (from the journal)%n", before);
            return ExitCodes.OK;
        }
        if (step.mutates() || session.needsApproval(step)
                || step.checks().stream().anyMatch(c -> c instanceof CheckSpec.Backup)) {
            out.printf("    NOT RUN   it writes, takes a backup or needs approval, and an earlier step failed%n");
            return ExitCodes.OK;
        }
        // Behind a gate nobody answered GO (after a failure nobody is asked): not even its read checks run.
        java.util.Optional<String> closed = session.closedBy(step);
        if (closed.isPresent()) {
            out.printf("    NOT RUN   %s%n", closed.get());
            return ExitCodes.OK;
        }
        boolean automated = step.checks().stream().anyMatch(c -> !(c instanceof CheckSpec.Manual)
                && !(c instanceof CheckSpec.Signoff) && !(c instanceof CheckSpec.Gate));
        if (!automated) {
            out.printf("    NOT RUN   it needs a person, and an earlier step failed%n");
            return ExitCodes.OK;
        }
        session.runChecks(step, Session.Scope.UNSETTLED);
        Status after = session.stepStatus(step);
        out.printf("    => %s%n", after);
        out.flush();
        return after.isBlocking() ? ExitCodes.CHECK_FAILED : ExitCodes.OK;
    }

    /** Every check that failed or could not look, with expected and actual, after a {@code --keep-going} run. */
    private int listFailures() {
        out.printf("%nFailures (--keep-going; nothing was waived, and the window is not complete):%n");
        int n = 0;
        for (Phase phase : session.runbook().phases()) {
            for (Step step : phase.steps()) {
                for (int i = 0; i < step.checks().size(); i++) {
                    if (!session.checkStatus(step, i).isBlocking()) continue;
                    CheckResult r = session.state().result(step.id(), i).orElse(null);
                    if (r == null) continue;
                    n++;
                    out.printf("  %d. [%s] %s — %s%n       expected: %s%n       actual:   %s%n", n, step.id(),
                            r.label(), r.status(), r.expected(), r.actual());
                }
            }
        }
        out.flush();
        return ExitCodes.CHECK_FAILED;
    }

    private void printApplied(Step step) {
        for (int i = 0; i < step.checks().size(); i++) {
            session.applied(step, i).ifPresent(a -> out.printf("    applied %s by %s: %s%n", a.at(), a.operator(),
                    a.what()));
        }
    }

    /**
     * Asks for (or takes from {@code --settle}) a decision on each migration of the step whose outcome is unknown,
     * after showing what ran. False when a decision is missing; how to give one is printed.
     */
    private boolean settle(Step step) throws IOException {
        for (int i : session.unsettled(step)) {
            String evidence = session.unsettled(step, i).orElseThrow();
            out.printf("    UNSETTLED %s: %s%n", step.title(), evidence);
            String given = settles.remove(step.id());
            JournalEvent.Settlement decision = null;
            String note = null;
            if (given != null) {
                int colon = given.indexOf(':');
                decision = JournalEvent.Settlement.parse(colon < 0 ? given : given.substring(0, colon));
                note = colon < 0 ? "" : given.substring(colon + 1).strip();
            } else if (console != null) {
                out.flush();
                String answer = console.readLine("    What became of it? [a]pplied, [n]ot applied, [r]un again"
                        + " (Enter leaves it unsettled): ");
                decision = answer == null ? null : switch (answer.strip().toLowerCase(java.util.Locale.ROOT)) {
                    case "a", "applied" -> JournalEvent.Settlement.APPLIED;
                    case "n", "not applied" -> JournalEvent.Settlement.NOT_APPLIED;
                    case "r", "run again" -> JournalEvent.Settlement.RUN_AGAIN;
                    default -> null;
                };
                if (decision != null) note = readNote(true);
            }
            if (decision == null || note == null || note.isBlank()) {
                out.printf("    Not settled: look at the database, then settle it with --settle %s=applied|not-applied"
                        + "|run-again:\"what you found\" (nothing runs it again before that)%n", step.id());
                return false;
            }
            session.settle(step, i, decision, note);
            out.printf("    SETTLED   %s by %s: %s%n", decision.words(), session.operator(), note);
        }
        return true;
    }

    /**
     * Applies the waivers given on the command line: granted before the failure was seen, so journaled as given in
     * advance. {@code --waive} covers FAILED only; a check that could not look (ERROR) needs {@code --waive-error};
     * a migration is never waived.
     */
    private void applyWaiver(Step step) throws IOException {
        for (int i = 0; i < step.checks().size(); i++) {
            Status status = session.checkStatus(step, i);
            if (!status.isBlocking() || !Session.isWaivable(step, i)) continue;
            String option = status == Status.ERROR ? "--waive-error" : "--waive";
            String reason = (status == Status.ERROR ? errorWaivers : waivers).get(step.id());
            if (reason == null) continue;
            if (reason.isBlank()) {
                out.printf("    %s %s needs a reason: %s %s=\"why this is acceptable\"%n", option, step.id(), option,
                        step.id());
                return;
            }
            session.waive(step, i, reason, true);
            out.printf("    WAIVED    #%d (%s) by %s, granted in advance with %s: %s%n", i + 1, status,
                    session.operator(), option, reason);
        }
    }

    /**
     * A rehearsal goes on from wherever the forward run stopped to the way back: the rollbacks of what it applied, in
     * reverse order, then the proof that the copy is back at its baseline. Green only when the forward run passed and
     * the way back is proven; with nothing applied there is nothing to roll back, and past a point of no return the
     * way back is the backup, which a rehearsal cannot rehearse (it says so).
     */
    private int rehearseTheWayBack(int forward) throws IOException, InterruptedException {
        Outcome.Verdict ahead = Outcome.verdict(session.outcome().counts());
        out.printf("%nREHEARSAL forward run: %s%n", forward == ExitCodes.OK ? ahead : "stopped (exit " + forward + ")");
        Rollbacks.Plan plan = session.rollbackPlan();
        if (!plan.offered()) {
            out.printf("%n== Rollback (rehearsed)%n    Not rehearsed: %s.%n", plan.refusal());
            if (plan.pointOfNoReturn() != null) printBackup(plan);
            if (forward == ExitCodes.OK) {
                session.finish();
                out.printf("%nAll steps complete. Verdict: %s (REHEARSAL on a copy, not the real window)%n",
                        session.outcome().verdict());
            }
            out.flush();
            return forward;
        }
        int back = rollBack("rehearsal: the way back is tried on the copy after the forward run "
                + (forward == ExitCodes.OK ? "passed" : "stopped"));
        out.printf("REHEARSAL way back: %s%n", session.outcome().verdict());
        out.flush();
        if (back == ExitCodes.ROLLED_BACK) return forward;
        return forward == ExitCodes.OK ? ExitCodes.CHECK_FAILED : forward;
    }

    /**
     * Rolls the window back with the same gates as a migration: each rollback is shown and approved, the proof
     * follows. Past a point of no return it runs nothing and shows the backup to restore instead.
     */
    private int rollBack(String reason) throws IOException, InterruptedException {
        out.printf("%n== Rollback%n    why: %s%n", reason);
        if (session.state().ended().isPresent()) {
            Outcome.Summary ended = session.outcome();
            out.printf("    The window has ended. Verdict: %s%n    %s%n", ended.verdict(),
                    ended.rollback() == null ? "" : ended.rollback().statement());
            out.flush();
            return ended.verdict() == Outcome.Verdict.ROLLED_BACK ? ExitCodes.ROLLED_BACK : ExitCodes.CHECK_FAILED;
        }
        Rollbacks.Plan plan = session.rollbackPlan();
        if (!plan.offered()) {
            out.printf("    No rollback: %s.%n", plan.refusal());
            if (plan.pointOfNoReturn() != null) printBackup(plan);
            out.flush();
            return ExitCodes.CHECK_FAILED;
        }
        int n = 0;
        for (Rollbacks.Item item : plan.applied()) {
            out.printf("    %d. %s — applied: %s%n       %s%n", ++n, item.forward().title(), item.applied(),
                    item.declared() ? "undone by " + item.undo().describe() : "NO ROLLBACK DECLARED");
        }
        if (plan.stop() != null) out.printf("    The plan stops: %s.%n", plan.stop());
        out.printf("    Proof: %s%n", plan.baseline() != null ? "back at snapshot '" + plan.baseline().name()
                + "' (taken " + plan.baseline().takenAt() + ")" : "cannot run: " + plan.baselineProblem());
        out.flush();
        for (Rollbacks.Item item : plan.runnable()) {
            if (session.unsettled(item.rollback(), 0).isPresent() && !settle(item.rollback())) {
                return ExitCodes.UNCONFIRMED;
            }
        }
        Session.RollbackRun run = session.rollBack(reason, this::approveRollback);
        Outcome.Summary outcome = session.outcome();
        out.printf("%n%s%nVerdict: %s%n", run.statement(), outcome.verdict());
        if (run.proved()) {
            session.finish();
            out.flush();
            return ExitCodes.ROLLED_BACK;
        }
        if (plan.stop() != null) printBackup(plan);
        out.flush();
        return outcome.verdict() == Outcome.Verdict.ROLLBACK_INCOMPLETE && plan.stop() == null
                ? ExitCodes.UNCONFIRMED : ExitCodes.CHECK_FAILED;
    }

    /** What rolling back means past a point of no return: the session's proven backup, with its evidence. */
    private void printBackup(Rollbacks.Plan plan) {
        if (plan.backup() == null) {
            out.printf("    No backup of this session was proven: restore from your own last good backup.%n");
            return;
        }
        out.printf("    Restore the backup proven in this session (step %s, %s):%n", plan.backup().stepId(),
                plan.backup().finishedAt());
        if (plan.backup().detail() instanceof dev.runbookpilot.check.CheckDetail.BackupProof proof) {
            for (String[] row : dev.runbookpilot.report.BackupEvidence.rows(proof)) {
                out.printf("      %-28s %s%n", row[0], row[1]);
            }
        } else {
            out.printf("      %s%n", plan.backup().actual());
        }
    }

    /** A rollback is shown, then approved exactly as its forward migration was. */
    private boolean approveRollback(Rollbacks.Item item) {
        out.printf("%n-- %s%n", item.rollback().title());
        if (item.undo() instanceof CheckSpec.Command c) {
            session.commandPreview(c).lines().forEach(l -> out.printf("    %s%n", l));
        } else if (item.undo() instanceof CheckSpec.Execute x) {
            out.printf("    runs %s %s%n", x.file(), x.transaction() ? "in one transaction"
                    : "statement by statement, without a transaction");
        }
        return approve(item.rollback());
    }

    /**
     * Applies the step's {@code --stop-blocker} (once) when its migration timed out on a lock: each session it
     * waited for is cancelled or terminated through the session, which checks the approval and journals it.
     *
     * @return how many were stopped (then the step runs again), 0 when there is nothing to do, -1 on a bad option
     */
    private int stopBlockers(Step step) throws IOException {
        String option = stopBlockers.get(step.id());
        int stopped = 0;
        for (int i = 0; i < step.checks().size(); i++) {
            var blockers = session.blockers(step, i);
            if (blockers.isEmpty()) continue;
            if (option == null) {
                out.printf("    To stop the session(s) it waited for: --stop-blocker %s=terminate:REASON (or cancel:"
                        + "REASON), then resume%n", step.id());
                continue;
            }
            stopBlockers.remove(step.id());
            int colon = option.indexOf(':');
            String action = colon < 0 ? option.strip() : option.substring(0, colon).strip();
            String reason = colon < 0 ? "" : option.substring(colon + 1).strip();
            if (!action.equals("cancel") && !action.equals("terminate") || reason.isBlank()) {
                out.printf("    --stop-blocker %s: write cancel:REASON or terminate:REASON%n", step.id());
                return -1;
            }
            for (var b : blockers) {
                try {
                    String outcome = session.stopBlocker(step, i, b.pid(), action.equals("terminate"), reason,
                            options.productionDatabase);
                    out.printf("    %-9s %s (%s, journaled)%n", action.equals("terminate") ? "TERMINATED" : "CANCELLED",
                            b.describe(), outcome);
                    stopped++;
                } catch (IllegalArgumentException e) {
                    out.printf("    --stop-blocker %s: %s%n", step.id(), e.getMessage());
                    return -1;
                } catch (java.sql.SQLException e) {
                    out.printf("    --stop-blocker %s: the server refused: %s%n", step.id(), e.getMessage());
                    return -1;
                }
            }
        }
        return stopped;
    }

    private boolean approveExecute(Step step) {
        // What will run is shown before anyone approves it, --yes included: the transcript records it.
        for (int i = 0; i < step.checks().size(); i++) {
            if (step.checks().get(i) instanceof CheckSpec.Command c && session.applied(step, i).isEmpty()) {
                session.commandPreview(c).lines().forEach(l -> out.printf("    %s%n", l));
            } else if (step.checks().get(i) instanceof CheckSpec.StatusCommand c
                    && session.runbook().target().statusCommandsNeedApproval(step)) {
                out.printf("    status command (its tool promises it only reads; Runbook Pilot cannot prove it):%n");
                session.commandPreview(c).lines().forEach(l -> out.printf("    %s%n", l));
            }
        }
        return approve(step);
    }

    /** The operator's yes: the typed database name on production, else {@code --yes} or a console answer. */
    private boolean approve(Step step) {
        Runbook rb = session.runbook();
        String database = session.state().started().server().database();
        if (session.isRehearsal()) {
            // The session's only connection is to the copy, proven not to be the original when it began.
            out.printf("    REHEARSAL runs '%s' on the copy %s without approval%n", step.title(), database);
            return true;
        }
        boolean production = rb.target().environment() == Environment.PRODUCTION;
        if (production) {
            if (database.equals(options.productionDatabase)) return true;
            if (console != null) {
                String typed = console.readLine("    PRODUCTION: type the database name (%s) to run '%s': ",
                        database, step.title());
                if (database.equals(typed == null ? null : typed.strip())) return true;
            }
            out.printf("    Not run: '%s' %s PRODUCTION database %s; confirm with --confirm-production %s%n",
                    step.title(), step.mutates() ? "writes to" : step.checks().stream()
                            .anyMatch(c -> c instanceof CheckSpec.Backup) ? "backs up (and loads) the"
                            : rb.target().statusCommandsNeedApproval(step) ? "runs a status command against the"
                            : "probes the", database, database);
            return false;
        }
        if (options.yes) return true;
        if (console != null) {
            String answer = console.readLine("    Run '%s' against %s now? [y/N] ", step.title(), database);
            if (answer != null && answer.strip().equalsIgnoreCase("y")) return true;
        }
        out.printf("    Not run: '%s' changes the database; confirm with --yes%n", step.title());
        return false;
    }

    private boolean confirm(Step step, int index, CheckSpec.Manual m) throws IOException {
        if (session.isRehearsal()) {
            session.rehearse(step, index);
            out.printf("    REHEARSED manual: %s (not confirmed: a rehearsal)%n", m.text());
            return true;
        }
        String note = confirmations.get(step.id());
        if (note == null && console != null) {
            out.printf("    MANUAL    %s%n", m.text());
            out.flush();
            String answer = console.readLine("    Done? [y/N] ");
            if (answer != null && answer.strip().equalsIgnoreCase("y")) {
                note = readNote(m.requireNote());
            }
        }
        if (note == null) {
            out.printf("    PENDING   manual: %s%n    Confirm with --confirm %s%s%n", m.text(), step.id(),
                    m.requireNote() ? "=\"NOTE\" (a note is required)" : "[=NOTE]");
            return false;
        }
        if (m.requireNote() && note.isBlank()) {
            out.printf("    PENDING   '%s' needs a note: --confirm %s=\"NOTE\"%n", step.title(), step.id());
            return false;
        }
        session.confirm(step, index, note);
        out.printf("    CONFIRMED %s%s%n", m.text(), note.isBlank() ? "" : " — " + note);
        return true;
    }

    private String readNote(boolean required) {
        while (true) {
            String note = console.readLine("    Note%s: ", required ? " (required)" : "");
            if (note == null) return required ? null : "";
            if (!required || !note.isBlank()) return note.strip();
        }
    }

    /**
     * Answers a gate from the {@code --gate} answers: signed with the role's {@code --sign-key} when it has one, else
     * typed in the session operator's name. Every role must have one: a role without one stops the run at the
     * gate; a NO-GO ends the window.
     */
    private int answerGate(Step step, int index, CheckSpec.Gate gate) throws IOException {
        if (session.isRehearsal()) {
            session.rehearse(step, index);
            out.printf("    REHEARSED gate '%s' (nobody answers for the real window in a rehearsal)%n",
                    gate.question());
            return ExitCodes.OK;
        }
        out.printf("    GATE      %s%n", gate.question());
        var answered = session.state().signatures(step.id());
        List<String> missing = new java.util.ArrayList<>();
        for (String role : gate.roles()) {
            if (answered.containsKey(role)) continue;
            String answer = gateAnswers.get(role);
            if (answer == null) {
                missing.add(role);
                continue;
            }
            String a = answer.strip();
            String lower = a.toLowerCase(java.util.Locale.ROOT);
            boolean go = lower.equals("go");
            String reason = null;
            if (!go && lower.startsWith("no-go") && a.substring(5).strip().startsWith(":")
                    && !a.substring(5).strip().substring(1).isBlank()) {
                reason = a.substring(5).strip().substring(1).strip();
            }
            if (go || reason != null) {
                String keyFile = signKeys.get(role);
                String by;
                if (keyFile != null && !keyFile.isBlank()) {
                    dev.runbookpilot.session.SignoffKey key = dev.runbookpilot.report.SignoffSignatures.keyFile(
                            java.nio.file.Path.of(keyFile), ReportCommand.terminalPrompt());
                    session.answerGateWithKey(step, role, key, go, reason);
                    by = "signed by " + key.name() + " with key " + key.fingerprint();
                } else if (typedRefused()) {
                    out.printf("    --gate %s: %s: add --sign-key \"%s=FILE\"%n", role, TYPED_REFUSED, role);
                    return ExitCodes.USAGE;
                } else {
                    session.answerGate(step, role, session.operator(), go, reason);
                    by = "answered by " + session.operator() + ", " + dev.runbookpilot.report.SignoffSignatures.TYPED;
                }
                if (go) {
                    out.printf("    GO        %s (%s)%n", role, by);
                } else {
                    out.printf("    NO-GO     %s (%s): %s%n", role, by, reason);
                    return ExitCodes.ABORTED;
                }
            } else {
                out.printf("    --gate %s=%s: answer go, or no-go with its reason: --gate \"%s=no-go:why\"%n", role,
                        answer, role);
                return ExitCodes.USAGE;
            }
        }
        if (!missing.isEmpty()) {
            out.printf("%nStopped at the gate '%s' [%s]: waiting for %s. Nothing after it ran. Answer with%s and"
                    + " 'resume' the session.%n", step.title(), step.id(), String.join(", ", missing),
                    missing.stream().map(r -> " --gate \"" + r + "=go\"").collect(java.util.stream.Collectors
                            .joining()));
            return ExitCodes.GATE_OPEN;
        }
        return ExitCodes.OK;
    }

    /** Why a typed name does not sign a production window; the wizard says the same. */
    static final String TYPED_REFUSED = "a production window is signed with a key, not a typed name";

    /**
     * A typed name proves nothing about who typed it: on production, sign-offs and gate answers are signed with the
     * role's key, as in the wizard. Other environments keep typed names, marked unsigned in the journal and report.
     */
    private boolean typedRefused() {
        return session.runbook().target().environment() == Environment.PRODUCTION;
    }

    /** The window ended at a NO-GO: who, why, and the verdict. */
    private int aborted() {
        JournalEvent.Signed a = session.state().abort().orElseThrow();
        out.printf("%nABORTED at the gate [%s]: %s (%s) answered NO-GO at %s: %s%nVerdict: %s%n", a.stepId(), a.role(),
                a.name(), a.at(), a.reason(), session.outcome().verdict());
        out.flush();
        return ExitCodes.ABORTED;
    }

    private boolean sign(Step step, CheckSpec.Signoff so) throws IOException {
        if (session.isRehearsal()) {
            session.rehearse(step, step.checks().indexOf(so));
            out.printf("    REHEARSED sign-off by %s (nobody signs a rehearsal)%n", String.join(", ", so.roles()));
            return true;
        }
        var signed = session.state().signatures(step.id());
        for (String role : so.roles()) {
            if (signed.containsKey(role)) continue;
            String keyFile = signKeys.get(role);
            if (keyFile != null && !keyFile.isBlank()) {
                dev.runbookpilot.session.SignoffKey key = dev.runbookpilot.report.SignoffSignatures.keyFile(
                        java.nio.file.Path.of(keyFile), ReportCommand.terminalPrompt());
                session.signWithKey(step, role, key);
                out.printf("    SIGNED    %s: %s with key %s%n", role, key.name(), key.fingerprint());
                continue;
            }
            if (typedRefused()) {
                out.printf("    PENDING   sign-off by %s: %s: sign with --sign-key \"%s=FILE\"%n", role,
                        TYPED_REFUSED, role);
                return false;
            }
            String name = signatures.get(role);
            if ((name == null || name.isBlank()) && console != null) {
                name = console.readLine("    Sign as %s — name: ", role);
            }
            if (name == null || name.isBlank()) {
                out.printf("    PENDING   sign-off by %s: sign with --sign \"%s=NAME\"%n", role, role);
                return false;
            }
            session.sign(step, role, name);
            out.printf("    SIGNED    %s: %s, %s%n", role, name.strip(), dev.runbookpilot.report.SignoffSignatures.TYPED);
        }
        return true;
    }

}
