package dev.runbookpilot.session;

/** A session cannot start or go on; the message says why and what to do. */
public class SessionException extends Exception {
    private static final long serialVersionUID = 1L;

    public SessionException(String message) {
        super(message);
    }

    public SessionException(String message, Throwable cause) {
        super(message, cause);
    }
}
