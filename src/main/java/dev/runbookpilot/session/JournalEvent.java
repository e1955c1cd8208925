package dev.runbookpilot.session;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.db.ServerInfo;

import java.time.Instant;
import java.util.List;

/**
 * One line of a session journal. The journal alone is enough to resume a session and to write its report, so
 * {@link Started} carries an outline of the runbook and every result carries its evidence.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
        @JsonSubTypes.Type(value = JournalEvent.Started.class, name = "started"),
        @JsonSubTypes.Type(value = JournalEvent.Resumed.class, name = "resumed"),
        @JsonSubTypes.Type(value = JournalEvent.CheckStarted.class, name = "checkStarted"),
        @JsonSubTypes.Type(value = JournalEvent.CheckFinished.class, name = "checkFinished"),
        @JsonSubTypes.Type(value = JournalEvent.SnapshotRecorded.class, name = "snapshot"),
        @JsonSubTypes.Type(value = JournalEvent.MigrationBegan.class, name = "migrationBegan"),
        @JsonSubTypes.Type(value = JournalEvent.Confirmed.class, name = "confirmed"),
        @JsonSubTypes.Type(value = JournalEvent.Waived.class, name = "waived"),
        @JsonSubTypes.Type(value = JournalEvent.Skipped.class, name = "skipped"),
        @JsonSubTypes.Type(value = JournalEvent.Signed.class, name = "signed"),
        @JsonSubTypes.Type(value = JournalEvent.Ended.class, name = "ended"),
})
public sealed interface JournalEvent {

    Instant at();

    /** The connection as it can be shown and reopened: never a password. */
    record Connection(String host, int port, String database, String user, String sslmode, boolean demo,
                      String demoDataDir) {}

    /** {@code roles} lists who must sign, for a sign-off; empty otherwise. */
    record CheckOutline(String kind, String label, String description, String sql, List<String> roles) {
        public CheckOutline {
            roles = roles == null ? List.of() : List.copyOf(roles);
        }
    }

    record StepOutline(String id, String title, String description, List<CheckOutline> checks) {}

    record PhaseOutline(String name, List<StepOutline> steps) {}

    record Started(String sessionId, String runbookFile, String runbookSha256, String runbookTitle,
                   String runbookVersion, String environment, String targetDatabase, List<PhaseOutline> outline,
                   Connection connection, ServerInfo server, String operator, String toolVersion, Instant at)
            implements JournalEvent {}

    record Resumed(String operator, ServerInfo server, Instant at) implements JournalEvent {}

    record CheckStarted(String stepId, int index, Instant at) implements JournalEvent {}

    record CheckFinished(CheckResult result, Instant at) implements JournalEvent {}

    record SnapshotRecorded(String stepId, int index, Snapshots.Data data, Instant at) implements JournalEvent {}

    /** Written before a migration's first statement: with the xid, resume can ask the server what became of it. */
    record MigrationBegan(String stepId, int index, long xid, String fileSha256, Instant at) implements JournalEvent {}

    record Confirmed(String stepId, int index, String operator, String note, Instant at) implements JournalEvent {}

    /**
     * A failure accepted with a reason. {@code inAdvance}: granted before the failure was seen ({@code run --waive}
     * names the step before it runs); journals from before this field read as false.
     */
    record Waived(String stepId, int index, String operator, String reason, Instant at, boolean inAdvance)
            implements JournalEvent {
        public Waived(String stepId, int index, String operator, String reason, Instant at) {
            this(stepId, index, operator, reason, at, false);
        }
    }

    /** An optional step not carried out, with the operator's reason. Never a pass. */
    record Skipped(String stepId, String operator, String reason, Instant at) implements JournalEvent {}

    record Signed(String stepId, String role, String name, Instant at) implements JournalEvent {}

    record Ended(String operator, Instant at) implements JournalEvent {}
}
