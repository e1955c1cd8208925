package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;

import java.time.Instant;
import java.util.Optional;

/**
 * What the journal says about a migration ({@code execute}) beyond its latest result: how far its last attempt got,
 * whether a person must settle it before anything runs again, and who applied it when. Read from the event list, so
 * the live session, a resume and the report tell the same story.
 */
public final class Writers {

    private Writers() {}

    /**
     * The latest attempt of one migration: its start, the last statement begun, its result, the server's word;
     * for a command step, what it started ({@code command}, null for a SQL file).
     */
    public record Attempt(JournalEvent.MigrationBegan began, JournalEvent.StatementBegan lastStatement,
                          CheckResult result, JournalEvent.MigrationResolved resolved, String operator,
                          JournalEvent.CommandBegan command) {

        public boolean inTransaction() {
            return began.xid() >= 0;
        }

        /** Statements begun (each earlier one committed, for a migration without a transaction). */
        public int statementsBegun() {
            return lastStatement == null ? 0 : lastStatement.number();
        }

        /**
         * Whether the attempt may have changed the database: a statement without a transaction began, or a command
         * was about to start (nothing tells how far a tool got).
         */
        public boolean mayHaveWritten() {
            return statementsBegun() > 0 || command != null;
        }
    }

    /** The latest attempt of a migration, if it ever began. */
    public static Optional<Attempt> latestAttempt(SessionState state, String stepId, int index) {
        String operator = null;
        JournalEvent.MigrationBegan began = null;
        JournalEvent.StatementBegan statement = null;
        CheckResult result = null;
        JournalEvent.MigrationResolved resolved = null;
        JournalEvent.CommandBegan command = null;
        String attemptOperator = null;
        for (JournalEvent e : state.events()) {
            if (e instanceof JournalEvent.Started s) operator = s.operator();
            else if (e instanceof JournalEvent.Resumed r) operator = r.operator();
            else if (e instanceof JournalEvent.MigrationBegan m && matches(m.stepId(), m.index(), stepId, index)) {
                began = m;
                statement = null;
                result = null;
                resolved = null;
                command = null;
                attemptOperator = operator;
            } else if (began == null) {
                continue;
            } else if (e instanceof JournalEvent.CommandBegan cb && matches(cb.stepId(), cb.index(), stepId, index)) {
                command = cb;
            } else if (e instanceof JournalEvent.StatementBegan sb && matches(sb.stepId(), sb.index(), stepId, index)) {
                statement = sb;
            } else if (e instanceof JournalEvent.CheckFinished f && f.result().key().equals(SessionState.key(stepId,
                    index))) {
                result = f.result();
            } else if (e instanceof JournalEvent.MigrationResolved r && matches(r.stepId(), r.index(), stepId,
                    index)) {
                resolved = r;
            }
        }
        return began == null ? Optional.empty()
                : Optional.of(new Attempt(began, statement, result, resolved, attemptOperator, command));
    }

    private static boolean matches(String aStep, int aIndex, String stepId, int index) {
        return aStep.equals(stepId) && aIndex == index;
    }

    /**
     * Why a migration needs a person's settle decision before anything runs it again, or empty when it does not:
     * a migration without a transaction that got past its first statement and did not end in a clean PASS (it
     * failed an expectation after committing, erred midway, or was interrupted), or one in a transaction whose
     * fate the server could not tell (still in progress, or too old to know).
     */
    public static Optional<String> unsettled(SessionState state, String stepId, int index) {
        if (state.interruptedMigration(stepId, index).isEmpty()) return Optional.empty();
        Attempt a = latestAttempt(state, stepId, index).orElse(null);
        if (a == null) return Optional.empty();
        CheckResult r = a.result();
        if (a.inTransaction()) {
            JournalEvent.MigrationResolved fate = a.resolved();
            if (fate == null || fate.cleared() || JournalEvent.MigrationResolved.FATE_COMMITTED.equals(fate.fate())
                    || r == null || r.status() != Status.ERROR) {
                return Optional.empty();
            }
            return Optional.of("the migration ran in transaction " + a.began().xid() + " (began " + a.began().at()
                    + by(a) + "); the server says that transaction is " + fate.fate() + " (txid_status), so whether"
                    + " it committed is not known");
        }
        if (a.command() != null) return commandUnsettled(a);
        int n = a.statementsBegun();
        if (n == 0) return Optional.empty();
        JournalEvent.StatementBegan last = a.lastStatement();
        String position = "statement " + n + " of " + last.total() + " (line " + last.line() + ")";
        String committed = n == 1 ? "no earlier statement" : n == 2 ? "statement 1 committed"
                : "statements 1–" + (n - 1) + " committed";
        if (r == null) {
            return Optional.of("interrupted while " + position + " ran (began " + last.at() + by(a) + "); "
                    + committed + ", and " + position + " may have committed too");
        }
        if (r.status() == Status.ERROR) {
            boolean refused = !connectionLost(r.sqlState());
            if (refused && n == 1) return Optional.empty();
            return Optional.of("stopped at " + position + by(a) + ": " + r.actual() + "; " + committed
                    + (refused ? ", and the server refused statement " + n : ", and statement " + n
                    + " may have committed (the connection was lost)"));
        }
        if (r.status() == Status.FAILED) {
            return Optional.of("all " + last.total() + " statements ran and committed one by one" + by(a)
                    + ", but: " + r.actual());
        }
        return Optional.empty();
    }

    /**
     * A command that began and did not end in a clean PASS: nobody can tell from outside how far a migration tool
     * got, so a person decides. One that could not start at all ran nothing.
     */
    private static Optional<String> commandUnsettled(Attempt a) {
        CheckResult r = a.result();
        String what = "the command `" + a.command().command() + "` (began " + a.command().at() + by(a) + ")";
        if (r == null) {
            return Optional.of("interrupted — outcome unknown: " + what + " was running when Runbook Pilot stopped;"
                    + " it may have done part, all or none of its work");
        }
        // Without a started process in its evidence (refused by the lock, could not start) this run did nothing.
        if (!(r.detail() instanceof dev.runbookpilot.check.CheckDetail.CommandRun run) || !run.started()) {
            return Optional.empty();
        }
        if (r.status() == Status.ERROR) {
            return Optional.of("outcome unknown: " + what + " did not finish: " + r.actual());
        }
        if (r.status() == Status.FAILED) {
            return Optional.of(what + " ran, but: " + r.actual() + "; what it changed is not known");
        }
        return Optional.empty();
    }

    /** A statement that ended with the server's refusal did not commit; a lost connection leaves it unknown. */
    static boolean connectionLost(String sqlState) {
        return sqlState == null || sqlState.startsWith("08") || sqlState.equals("57P01");
    }

    private static String by(Attempt a) {
        return a.operator() == null ? "" : ", run by " + a.operator();
    }

    /** What ran, when and by whom, for a migration that is applied: it ran and passed, or was settled as applied. */
    public record Applied(String operator, Instant at, String what) {}

    public static Optional<Applied> applied(SessionState state, String stepId, int index) {
        Optional<JournalEvent.Settled> settled = state.settlement(stepId, index);
        if (settled.isPresent()) {
            JournalEvent.Settled s = settled.get();
            if (s.decision() != JournalEvent.Settlement.APPLIED) return Optional.empty();
            return Optional.of(new Applied(s.operator(), s.at(), "settled as applied: " + s.note() + " (what was"
                    + " known: " + s.evidence() + ")"));
        }
        CheckResult r = state.result(stepId, index).orElse(null);
        if (r == null || r.status() != Status.PASSED) return Optional.empty();
        String operator = null;
        String key = SessionState.key(stepId, index);
        for (JournalEvent e : state.events()) {
            if (e instanceof JournalEvent.Started s) operator = s.operator();
            else if (e instanceof JournalEvent.Resumed rs) operator = rs.operator();
            else if (e instanceof JournalEvent.CheckFinished f && f.result().key().equals(key)
                    && f.result().equals(r)) {
                break;
            }
        }
        return Optional.of(new Applied(operator, r.finishedAt(), r.actual()));
    }
}
