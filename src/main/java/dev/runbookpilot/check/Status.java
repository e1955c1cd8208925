package dev.runbookpilot.check;

/**
 * The state of a check or a step. ERROR means the check could not look, and is never presented as a pass.
 */
public enum Status {
    PENDING, RUNNING, PASSED, FAILED, ERROR, SKIPPED, WAIVED, CONFIRMED,
    /**
     * A manual check or sign-off walked through in a rehearsal on a copy: nobody confirmed or signed anything, and
     * it is never counted as confirmed.
     */
    REHEARSED;

    /** Settled for good: the wizard may move on (FAILED and ERROR only once waived). */
    public boolean isSatisfied() {
        return this == PASSED || this == WAIVED || this == CONFIRMED || this == SKIPPED || this == REHEARSED;
    }

    /** Holds the wizard until fixed, re-run or waived. */
    public boolean isBlocking() {
        return this == FAILED || this == ERROR;
    }

    public boolean isFinished() {
        return this != PENDING && this != RUNNING;
    }
}
