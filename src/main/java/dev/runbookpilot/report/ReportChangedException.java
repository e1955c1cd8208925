package dev.runbookpilot.report;

/**
 * A countersignature was refused because the report changed between reading it and writing the signed version
 * (another signer finished first): nothing was written, and what the other wrote stays. Signing again reads the
 * report as it is now.
 */
public final class ReportChangedException extends SigningException {
    public ReportChangedException(String message) {
        super(message);
    }
}
