package dev.runbookpilot.db;

/**
 * What the operator typed (or what the PG* environment, a service file or a password file says) cannot be turned
 * into a connection. The message names the offending piece, where it came from and what to do about it; it never
 * contains a password.
 */
public class ConnectionSpecException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConnectionSpecException(String message) {
        super(message);
    }
}
