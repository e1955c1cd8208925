package dev.runbookpilot.report;

/** The two report formats; each has its own signature: embedded PAdES for PDF, a detached SSHSIG for Markdown. */
public enum ReportFormat {
    MARKDOWN("md"), PDF("pdf");

    private final String extension;

    ReportFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }
}
