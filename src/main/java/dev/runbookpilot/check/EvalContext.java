package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.Database;

import java.util.concurrent.ExecutorService;

/**
 * Everything an evaluator may use. {@code countWorkers} is separate from the executor that runs checks, so a
 * snapshot waiting on its counting workers can never starve them. {@code migrationLock} names the server-side lock
 * a migration holds while it runs (its runbook and database), so two workstations never apply one at once.
 * {@code stepCatalog} holds the catalogs read once for the object checks of the step running beside this one.
 */
public record EvalContext(Database db, String defaultSchema, Snapshots snapshots, ExecutorService countWorkers,
                          int countParallelism, CancelToken token, ExecuteListener listener, String migrationLock,
                          StepCatalog stepCatalog) {

    public EvalContext {
        java.util.Objects.requireNonNull(migrationLock, "migrationLock");
        java.util.Objects.requireNonNull(stepCatalog, "stepCatalog");
    }

    /** A check evaluated on its own: its object check, if it is one, reads its own catalogs. */
    public EvalContext(Database db, String defaultSchema, Snapshots snapshots, ExecutorService countWorkers,
                       int countParallelism, CancelToken token, ExecuteListener listener, String migrationLock) {
        this(db, defaultSchema, snapshots, countWorkers, countParallelism, token, listener, migrationLock,
                StepCatalog.NONE);
    }

    /** Hears what a running migration does, so it can be journaled and shown while it happens. */
    public interface ExecuteListener {
        /** The migration's transaction id, known before its first statement; lets resume learn its fate. */
        default void transactionStarted(long xid) {}

        default void statementStarted(int number, int total, int line) {}

        default void notice(String message) {}

        /**
         * A command is about to start; once this returns, what runs, where and with which variables (secret values
         * masked) is on disk. Throws when it cannot be recorded: then the command must not start.
         */
        default void commandStarting(String commandLine, String cwd, java.util.Map<String, String> shownVariables) {}

        /** A line the running command printed, already masked. Called on the process's reader threads. */
        default void output(dev.runbookpilot.proc.ChildProcess.Line line) {}

        /**
         * An attempt of a migration timed out waiting for a lock; once this returns it is on disk. Throws when it
         * cannot be recorded: then no further attempt starts.
         */
        default void lockWaited(dev.runbookpilot.db.Locks.LockWait wait) {}

        /**
         * A statement of a snapshot, rowCounts or restored check began counting {@code tables}, which the planner
         * estimates at {@code estimatedRows} (-1: no estimate); see {@link dev.runbookpilot.db.RowCounter.Progress}.
         * Called on the counting threads.
         */
        default void countStarted(java.util.List<String> tables, long estimatedRows) {}

        /** The statement that counted {@code tables} ended, counted or not. */
        default void countEnded(java.util.List<String> tables) {}

        ExecuteListener NONE = new ExecuteListener() {};
    }
}
