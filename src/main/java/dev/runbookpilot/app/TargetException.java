package dev.runbookpilot.app;

/** A target could not be reached or described; the message says what to do. */
public final class TargetException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure: the operator's input was wrong, or the server could not be reached. */
    public enum Kind { BAD_SPEC, CANNOT_CONNECT }

    private final Kind kind;

    public TargetException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
