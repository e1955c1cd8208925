package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.session.Outcome;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Everything a sign-off report shows, built from a session journal alone. Markdown and PDF writers render this
 * same model, so they cannot disagree about what was proven. {@code journal} names the journal's bytes it was built
 * from (null for a report of a state in memory, which no exported report is).
 */
public record Report(String title, String runbookVersion, String runbookFile, String runbookSha256,
                     String sessionId, Target target, String environment, String operator, Instant start,
                     Instant end, Outcome.Verdict verdict, Summary summary, List<PhaseReport> phases,
                     List<Waiver> waivers, List<Skip> skips, List<Confirmation> confirmations,
                     List<SignoffLine> signoffs, List<TimelineEntry> timeline, String toolVersion,
                     Rollback rollback, Rehearsal rehearsal, List<StepTime> times, String description,
                     List<Migration> migrations, List<PlanLine> plan, WindowLine window, JournalWitness journal) {

    public Report {
        plan = plan == null ? List.of() : List.copyOf(plan);
    }

    /** A report without a planned-vs-actual timeline. */
    public Report(String title, String runbookVersion, String runbookFile, String runbookSha256, String sessionId,
                  Target target, String environment, String operator, Instant start, Instant end,
                  Outcome.Verdict verdict, Summary summary, List<PhaseReport> phases, List<Waiver> waivers,
                  List<Skip> skips, List<Confirmation> confirmations, List<SignoffLine> signoffs,
                  List<TimelineEntry> timeline, String toolVersion, Rollback rollback, Rehearsal rehearsal,
                  List<StepTime> times, String description, List<Migration> migrations) {
        this(title, runbookVersion, runbookFile, runbookSha256, sessionId, target, environment, operator, start, end,
                verdict, summary, phases, waivers, skips, confirmations, signoffs, timeline, toolVersion, rollback,
                rehearsal, times, description, migrations, List.of(), null, null);
    }

    /**
     * The window's row of the planned-vs-actual timeline: the window the journal recorded when the session began
     * against the session's first and last action on a step (both null before any).
     *
     * @param shown   the start as the runbook wrote it
     * @param open    the session had not ended when the report was made
     * @param overrun the window's end passed with the session open, or an action came after it
     */
    public record WindowLine(String shown, Instant plannedStart, Instant plannedEnd, Instant firstAction,
                             Instant lastAction, boolean open, boolean overrun) {
        public Long planned() {
            return Duration.between(plannedStart, plannedEnd).toMillis();
        }

        /** From the first action to the last; null before any. */
        public Long actual() {
            return firstAction == null ? null : Duration.between(firstAction, lastAction).toMillis();
        }
    }

    /**
     * One row of the planned-vs-actual timeline: a phase ({@code stepId} null) or a step, its budget and the time it
     * took (to the report's end while still open), in milliseconds; {@code overrun} when over its budget.
     */
    public record PlanLine(String phase, String stepId, String title, Long planned, Long actual, boolean open,
                           boolean overrun) {}

    /**
     * This report is of a rehearsal on a copy, not of a real window (null for a real one): every page says so.
     *
     * @param copy  the copy and where it lived
     * @param proof why the copy was not the original
     * @param data  {@code schema} or {@code full}
     */
    public record Rehearsal(String copy, String original, String data, String proof, String dropped) {}

    /**
     * A step's times: {@code measured} in this session; {@code rehearsed} in the last rehearsal of the same runbook
     * (a real session's report); {@code planned} for the real window, from the rehearsal's time. Milliseconds; null
     * where there is none.
     */
    public record StepTime(String stepId, String title, Long measured, Long rehearsed, Long planned) {}

    /**
     * How the window was rolled back (null when it was not): the statement the verdict rests on, who began it and
     * why, each rollback as a step of its own in the order it ran (result, command output), then the proof with its
     * diff in its detail.
     *
     * @param stop why the plan stopped short (an applied writer with no rollback declared), or null
     */
    public record Rollback(String statement, String operator, String reason, Instant began, String stop,
                           List<StepReport> steps, StepReport proof) {}

    /**
     * @param checkSafety with which privileges the checks ran and what probes may leave, as the journal recorded it
     */
    public record Target(String host, int port, String database, String user, String serverVersion,
                         String systemIdentifier, String checkSafety) {}

    public record Summary(int checks, int passed, int failed, int errors, int waived, int confirmed, int pending,
                          int skipped) {}

    public record CheckReport(int index, String kind, String label, Status status, String expected, String actual,
                              String sql, Long durationMillis, String sqlState, String error, CheckDetail detail) {}

    /** {@code source}: where the runbook says the step came from (an imported checklist's file and line), or null. */
    public record StepReport(String id, String title, Status status, List<CheckReport> checks, String source) {
        public StepReport(String id, String title, Status status, List<CheckReport> checks) {
            this(id, title, status, checks, null);
        }
    }

    public record PhaseReport(String name, List<StepReport> steps) {}

    /**
     * @param inAdvance   granted before the failure was seen ({@code run --waive})
     * @param coversError the waived check could not look (ERROR), as opposed to looking and failing
     */
    public record Waiver(String stepId, String check, String operator, String reason, Instant at, boolean inAdvance,
                         boolean coversError) {}

    public record Skip(String stepId, String title, String operator, String reason, Instant at) {}

    public record Confirmation(String stepId, String text, String operator, String note, Instant at) {}

    /**
     * A role's line of a sign-off, or of a gate ({@code gate}: then {@code decision} is GO or NO-GO once answered,
     * with a NO-GO's {@code reason}); {@code name} and {@code at} are null while unsigned. {@code fingerprint} is the
     * key it was signed with; null for a typed name.
     */
    public record SignoffLine(String stepId, String role, String name, Instant at, boolean gate, String decision,
                              String reason, String fingerprint) {
        /** A sign-off role's line without a key. */
        public SignoffLine(String stepId, String role, String name, Instant at) {
            this(stepId, role, name, at, false, null, null, null);
        }

        /** How the line reads where its key would be: the fingerprint, or that it is a typed name. */
        public String keyText() {
            return name == null ? "" : fingerprint != null ? fingerprint : SignoffSignatures.TYPED;
        }
    }

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
