package dev.runbookpilot.runbook;

/** One thing wrong with a runbook: where, what, and what to do about it. */
public record RunbookProblem(SourceLocation location, String message, String hint) {

    @Override
    public String toString() {
        return location + ": " + message + (hint == null || hint.isBlank() ? "" : " (" + hint + ")");
    }
}
