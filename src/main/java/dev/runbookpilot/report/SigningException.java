package dev.runbookpilot.report;

/** A report could not be signed: unreadable or unsupported key, wrong passphrase, declined prompt. */
public class SigningException extends Exception {
    public SigningException(String message) {
        super(message);
    }

    public SigningException(String message, Throwable cause) {
        super(message, cause);
    }
}
