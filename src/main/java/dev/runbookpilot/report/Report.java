package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything a sign-off report shows, built from a session journal alone. Markdown and PDF writers render this
 * same model, so they cannot disagree about what was proven.
 */
public record Report(String title, String runbookVersion, String runbookFile, String runbookSha256,
                     String sessionId, Target target, String environment, String operator, Instant start,
                     Instant end, Outcome.Verdict verdict, Summary summary, List<PhaseReport> phases,
                     List<Waiver> waivers, List<Skip> skips, List<Confirmation> confirmations,
                     List<SignoffLine> signoffs, List<TimelineEntry> timeline, String toolVersion,
                     String description, List<Migration> migrations) {

    /**
     * @param checkSafety with which privileges the checks ran and what probes may leave, as the journal recorded it
     */
    public record Target(String host, int port, String database, String user, String serverVersion,
                         String systemIdentifier, String checkSafety) {}

    public record Summary(int checks, int passed, int failed, int errors, int waived, int confirmed, int pending,
                          int skipped) {}

    public record CheckReport(int index, String kind, String label, Status status, String expected, String actual,
                              String sql, Long durationMillis, String sqlState, String error, CheckDetail detail) {}

    public record StepReport(String id, String title, Status status, List<CheckReport> checks) {}

    public record PhaseReport(String name, List<StepReport> steps) {}

    /**
     * @param inAdvance   granted before the failure was seen ({@code run --waive})
     * @param coversError the waived check could not look (ERROR), as opposed to looking and failing
     */
    public record Waiver(String stepId, String check, String operator, String reason, Instant at, boolean inAdvance,
                         boolean coversError) {}

    public record Skip(String stepId, String title, String operator, String reason, Instant at) {}

    public record Confirmation(String stepId, String text, String operator, String note, Instant at) {}

    /** A role's line; {@code name} and {@code at} are null while unsigned. */
    public record SignoffLine(String stepId, String role, String name, Instant at) {}

    public record TimelineEntry(Instant at, String what) {}

    /**
     * An {@code execute} check of the runbook: what it runs and, once it began, the SHA-256 of the file as it ran
     * ({@code sha256} null if it never began).
     */
    public record Migration(String stepId, int index, String what, String sha256, Status status) {}

    public Duration duration() {
        return end == null || start == null ? null : Duration.between(start, end);
    }
}
