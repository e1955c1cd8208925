package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.runbook.Step;

/**
 * Hears a session as it happens. Every event has been forced to the journal before the listener hears of it.
 * Called on worker threads: a UI must hop to its own thread.
 */
public interface RunListener {
    default void checkStarted(Step step, int index) {}

    default void checkFinished(Step step, CheckResult result) {}

    default void migrationProgress(Step step, int statement, int total, int line) {}

    default void notice(Step step, String message) {}

    /**
     * A check counting rows (snapshot, rowCounts, restored) began a statement that counts {@code tables}, estimated
     * by the planner at {@code estimatedRows} (-1: not estimated). PostgreSQL reports no progress for
     * {@code count(*)}, so this and the time since are all a running count can show. Not journaled.
     */
    default void countStarted(Step step, int index, java.util.List<String> tables, long estimatedRows) {}

    /** The statement that counted {@code tables} ended, counted or not. */
    default void countEnded(Step step, int index, java.util.List<String> tables) {}

    /** A line a running command printed, masked and journaled (within the journal's limit) before it is heard. */
    default void commandOutput(Step step, dev.runbookpilot.check.CheckDetail.OutputLine line) {}

    /** What became of a migration's interrupted attempt, learned on resume or before it runs again. */
    default void previousAttempt(Step step, int index, String outcome) {}

    /** A migration's attempt timed out on a lock (journaled before this is heard); another may follow. */
    default void lockWaited(Step step, int index, dev.runbookpilot.db.Locks.LockWait wait) {}

    RunListener NONE = new RunListener() {};
}
