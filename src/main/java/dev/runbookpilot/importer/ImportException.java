package dev.runbookpilot.importer;

/** A checklist that cannot be imported at all (too large to produce a loadable runbook). */
public class ImportException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImportException(String message) {
        super(message);
    }
}
