package dev.runbookpilot.cli;

/** Exit codes are part of the CLI contract; scripts and CI pipelines branch on them. */
public final class ExitCodes {
    /** Every check passed or was waived, every confirmation given. */
    public static final int OK = 0;
    /** Some check failed or could not be evaluated. */
    public static final int CHECK_FAILED = 1;
    /** Bad usage, an invalid runbook, or a session that cannot be resumed as asked. */
    public static final int USAGE = 2;
    /** The database could not be reached. */
    public static final int CANNOT_CONNECT = 3;
    /** A manual step, sign-off or migration is still waiting for a person. */
    public static final int UNCONFIRMED = 4;
    /**
     * The window was rolled back and the proof PASSED: the database is back at its baseline, and the migration is
     * not applied ({@code --roll-back-on-failure}, or resuming a rollback). A rollback that failed or is not proven
     * exits 1; one waiting for an approval or a settle decision exits 4.
     */
    public static final int ROLLED_BACK = 5;
    /**
     * The run stopped at a go/no-go gate some role has not answered: answer it with {@code --gate ROLE=go} (or
     * {@code "ROLE=no-go:REASON"}) on {@code resume}. No step after the gate ran.
     */
    public static final int GATE_OPEN = 7;
    /** A role answered NO-GO at a gate: the window ended there with the verdict ABORTED. */
    public static final int ABORTED = 8;
    /**
     * {@code countersign}: the report changed while it was being signed (another countersign finished first).
     * Nothing was written; run it again to sign the report as it is now.
     */
    public static final int CHANGED_MEANWHILE = 9;

    private ExitCodes() {}
}
