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
        @JsonSubTypes.Type(value = JournalEvent.ConfirmationWithdrawn.class, name = "confirmationWithdrawn"),
        @JsonSubTypes.Type(value = JournalEvent.Waived.class, name = "waived"),
        @JsonSubTypes.Type(value = JournalEvent.Skipped.class, name = "skipped"),
        @JsonSubTypes.Type(value = JournalEvent.Signed.class, name = "signed"),
        @JsonSubTypes.Type(value = JournalEvent.Ended.class, name = "ended"),
        @JsonSubTypes.Type(value = JournalEvent.StatementBegan.class, name = "statementBegan"),
        @JsonSubTypes.Type(value = JournalEvent.MigrationResolved.class, name = "migrationResolved"),
        @JsonSubTypes.Type(value = JournalEvent.Settled.class, name = "settled"),
        @JsonSubTypes.Type(value = JournalEvent.Stopped.class, name = "stopped"),
        @JsonSubTypes.Type(value = JournalEvent.CommandBegan.class, name = "commandBegan"),
        @JsonSubTypes.Type(value = JournalEvent.CommandOutput.class, name = "commandOutput"),
        @JsonSubTypes.Type(value = JournalEvent.BackupBegan.class, name = "backupBegan"),
        @JsonSubTypes.Type(value = JournalEvent.BackupCleaned.class, name = "backupCleaned"),
        @JsonSubTypes.Type(value = JournalEvent.RehearsalPlanned.class, name = "rehearsalPlanned"),
        @JsonSubTypes.Type(value = JournalEvent.RehearsalCopyMade.class, name = "rehearsalCopyMade"),
        @JsonSubTypes.Type(value = JournalEvent.RehearsalCopyDropped.class, name = "rehearsalCopyDropped"),
        @JsonSubTypes.Type(value = JournalEvent.Rehearsed.class, name = "rehearsed"),
        @JsonSubTypes.Type(value = JournalEvent.RollbackBegan.class, name = "rollbackBegan"),
        @JsonSubTypes.Type(value = JournalEvent.LockWaited.class, name = "lockWaited"),
        @JsonSubTypes.Type(value = JournalEvent.BlockerStopped.class, name = "blockerStopped"),
        @JsonSubTypes.Type(value = JournalEvent.Overrun.class, name = "overrun"),
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

    /**
     * {@code budget}: the step's planned time in milliseconds; null when it has none (and in older journals).
     * {@code source}: where the runbook says the step came from (its {@code source:}); null when it says nothing
     * (and in older journals).
     */
    record StepOutline(String id, String title, String description, List<CheckOutline> checks, Long budget,
                       String source) {
        public StepOutline(String id, String title, String description, List<CheckOutline> checks) {
            this(id, title, description, checks, null, null);
        }
    }

    /** {@code budget}: the phase's planned time in milliseconds; null when it has none (and in older journals). */
    record PhaseOutline(String name, List<StepOutline> steps, Long budget) {
        public PhaseOutline(String name, List<StepOutline> steps) {
            this(name, steps, null);
        }
    }

    /**
     * The maintenance window the runbook planned, as the session began: the plan the clock and the report keep for
     * the whole session, whatever the runbook file says later.
     *
     * @param start    when the window opens
     * @param duration how long it lasts, in milliseconds
     * @param shown    the start as the runbook wrote it (a local time keeps its zone)
     */
    record WindowPlan(Instant start, long duration, String shown) {
        public Instant end() {
            return start.plusMillis(duration);
        }
    }

    /**
     * @param runbookDescription the runbook's {@code description} (Markdown) for the report's first page; null in
     *                           journals written before it was recorded
     * @param window             the runbook's planned window; null when it plans none (and in journals written
     *                           before it was recorded)
     */
    record Started(String sessionId, String runbookFile, String runbookSha256, String runbookTitle,
                   String runbookVersion, String environment, String targetDatabase, List<PhaseOutline> outline,
                   Connection connection, ServerInfo server, String operator, String toolVersion, Instant at,
                   String runbookDescription, WindowPlan window)
            implements JournalEvent {

        /** A start without a planned window, as journals before it was recorded read. */
        public Started(String sessionId, String runbookFile, String runbookSha256, String runbookTitle,
                       String runbookVersion, String environment, String targetDatabase, List<PhaseOutline> outline,
                       Connection connection, ServerInfo server, String operator, String toolVersion, Instant at,
                       String runbookDescription) {
            this(sessionId, runbookFile, runbookSha256, runbookTitle, runbookVersion, environment, targetDatabase,
                    outline, connection, server, operator, toolVersion, at, runbookDescription, null);
        }

        /** A start without a description, as journals before it was recorded read. */
        public Started(String sessionId, String runbookFile, String runbookSha256, String runbookTitle,
                       String runbookVersion, String environment, String targetDatabase, List<PhaseOutline> outline,
                       Connection connection, ServerInfo server, String operator, String toolVersion, Instant at) {
            this(sessionId, runbookFile, runbookSha256, runbookTitle, runbookVersion, environment, targetDatabase,
                    outline, connection, server, operator, toolVersion, at, null, null);
        }
    }

    record Resumed(String operator, ServerInfo server, Instant at) implements JournalEvent {}

    record CheckStarted(String stepId, int index, Instant at) implements JournalEvent {}

    record CheckFinished(CheckResult result, Instant at) implements JournalEvent {}

    record SnapshotRecorded(String stepId, int index, Snapshots.Data data, Instant at) implements JournalEvent {}

    /** Written before a migration's first statement: with the xid, resume can ask the server what became of it. */
    record MigrationBegan(String stepId, int index, long xid, String fileSha256, Instant at) implements JournalEvent {}

    /** A manual check confirmed; a later one for the same check (its note edited) supersedes it. */
    record Confirmed(String stepId, int index, String operator, String note, Instant at) implements JournalEvent {}

    /**
     * A confirmation taken back by the operator before leaving its step (ticked by mistake): the check is pending
     * again. The confirmation stays in the journal and the report's timeline; only the current state forgets it.
     */
    record ConfirmationWithdrawn(String stepId, int index, String operator, Instant at) implements JournalEvent {}

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

    /**
     * A role signed a sign-off, or answered a gate: then {@code decision} is {@link #GO} or {@link #NO_GO} and a
     * NO-GO carries its {@code reason}; both are null for a sign-off (and in journals from before gates). Made with a
     * key (see {@link SignoffKey}), it also records the key's fingerprint and public key, the SHA-256 (hex) of every
     * journal byte before this line, and a signature over {@link #signedText} (which covers the decision and
     * reason; sign-offs keyed before gate answers could be signed {@link #signedTextV1}); a typed name alone (and journals
     * before keys) leaves those four null.
     */
    record Signed(String stepId, String role, String name, Instant at, String decision, String reason,
                  String fingerprint, String publicKey, String journalSha256, String signature)
            implements JournalEvent {
        public static final String GO = "GO";
        public static final String NO_GO = "NO-GO";

        public Signed(String stepId, String role, String name, Instant at) {
            this(stepId, role, name, at, null, null, null, null, null, null);
        }

        /** A gate's answer, with a typed name. */
        public Signed(String stepId, String role, String name, Instant at, String decision, String reason) {
            this(stepId, role, name, at, decision, reason, null, null, null, null);
        }


        public boolean noGo() {
            return NO_GO.equals(decision);
        }

        /** Made with a key: it carries a signature (else it is a typed name, which nothing proves). */
        public boolean keyed() {
            return signature != null;
        }

        /**
         * The text a key signs (v2): what was approved (a sign-off, or a gate's GO or NO-GO with its reason), by
         * whom, when, and the journal up to that moment. Free text (role, name, reason) is JSON-quoted, so no value
         * can pose as another line of the text.
         */
        public static String signedText(String sessionId, String stepId, String role, String name, Instant at,
                                        String decision, String reason, String journalSha256) {
            return "runbook-pilot sign-off v2\nsession: " + sessionId + "\nstep: " + quoted(stepId) + "\nrole: "
                    + quoted(role) + "\nname: " + quoted(name) + "\ndecision: "
                    + (decision == null ? "sign-off" : quoted(decision)) + "\nreason: " + quoted(reason) + "\nat: "
                    + at + "\njournal-sha256: " + journalSha256 + "\n";
        }

        /**
         * The text keyed sign-offs signed before gate answers could be keyed (v1): it names no decision, so it is
         * accepted only for a line without one (journals written then), never for a gate answer.
         */
        public static String signedTextV1(String sessionId, String stepId, String role, String name, Instant at,
                                          String journalSha256) {
            return "runbook-pilot sign-off v1\nsession: " + sessionId + "\nstep: " + stepId + "\nrole: " + role
                    + "\nname: " + name + "\nat: " + at + "\njournal-sha256: " + journalSha256 + "\n";
        }

        private static String quoted(String text) {
            if (text == null) return "null";
            try {
                return Journal.JSON.writeValueAsString(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("a string always serialises", e);
            }
        }
    }

    record Ended(String operator, Instant at) implements JournalEvent {}

    /**
     * A migration without a transaction is about to run statement {@code number} of {@code total} (at {@code line}
     * of its file): every earlier statement committed on its own. After a crash this says how far it got.
     */
    record StatementBegan(String stepId, int index, int number, int total, int line, Instant at)
            implements JournalEvent {}

    /**
     * What the server said became of an interrupted migration's transaction ({@code txid_status}): one of the
     * {@code FATE_} constants. Aborted (or never started) clears the way to run it again; committed is followed by
     * its PASSED result; in progress or unknown needs a person's {@link Settled} decision.
     */
    record MigrationResolved(String stepId, int index, long xid, String fate, Instant at) implements JournalEvent {
        public static final String FATE_COMMITTED = "committed";
        public static final String FATE_ABORTED = "aborted";
        public static final String FATE_IN_PROGRESS = "in progress";
        public static final String FATE_UNKNOWN = "unknown";
        public static final String FATE_NOT_STARTED = "not started";

        /** Nothing of that attempt is in the database: the migration may run again without anyone deciding. */
        public boolean cleared() {
            return FATE_ABORTED.equals(fate) || FATE_NOT_STARTED.equals(fate);
        }
    }

    /** A person's decision about a migration whose outcome the tool could not know. Not a waiver. */
    enum Settlement {
        /** It took effect: never run again; the check counts as confirmed by that person. */
        APPLIED("applied"),
        /** Nothing of it is in the database (checked, or undone by hand): it runs again when approved. */
        NOT_APPLIED("not applied"),
        /** Part of it may be in the database and running the whole file again is safe: it runs again when approved. */
        RUN_AGAIN("run again");

        private final String words;

        Settlement(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }

        /** {@code applied}, {@code not-applied}, {@code run-again} (as typed on the command line), or null. */
        public static Settlement parse(String text) {
            String t = text == null ? "" : text.strip().toLowerCase(java.util.Locale.ROOT).replace(' ', '-')
                    .replace('_', '-');
            for (Settlement s : values()) {
                if (s.words.replace(' ', '-').equals(t)) return s;
            }
            return null;
        }
    }

    /**
     * Settles a migration whose outcome was not a clean PASS or a clean rollback. {@code evidence} is what the
     * operator was shown when deciding (how far it got, what the server said).
     */
    record Settled(String stepId, int index, String operator, Settlement decision, String note, String evidence,
                   Instant at) implements JournalEvent {}

    /** The process was stopped or the session closed while work ran; {@code cancelled} lists the checks cancelled. */
    record Stopped(String operator, String reason, List<String> cancelled, Instant at) implements JournalEvent {
        public Stopped {
            cancelled = cancelled == null ? List.of() : List.copyOf(cancelled);
        }
    }

    /**
     * A command step is about to start its process, written right after its {@link MigrationBegan} and before the
     * process exists: after a crash the journal says what ran, where, and with which variables ({@code variables}
     * as the operator saw them, secret values masked), and the command is never started again blindly.
     */
    record CommandBegan(String stepId, int index, String command, String cwd,
                        java.util.Map<String, String> variables, Instant at) implements JournalEvent {}

    /**
     * Lines a running command printed (masked), journaled in small batches as they come, up to a limit; the
     * result keeps the head and the tail beyond it.
     */
    record CommandOutput(String stepId, int index, List<dev.runbookpilot.check.CheckDetail.OutputLine> lines,
                         Instant at) implements JournalEvent {
        public CommandOutput {
            lines = List.copyOf(lines);
        }
    }

    /**
     * Written before a backup creates anything: the temporary path pg_dump writes to and, for a restore drill, the
     * scratch database and where it lives. After a crash, resume removes both before anything else happens.
     *
     * @param scratchServer  {@code embedded}, {@code target} or the scratch server's connection; null without a drill
     * @param scratchDataDir the throw-away embedded server's data directory; null otherwise
     */
    record BackupBegan(String stepId, int index, String partialPath, String scratchServer, String scratchDatabase,
                       String scratchDataDir, Instant at) implements JournalEvent {}

    /** Nothing of the backup's temporary work is left: no partial dump, no scratch database. */
    record BackupCleaned(String stepId, int index, String note, Instant at) implements JournalEvent {}

    /**
     * The operator began rolling the window back (again, after a stop): the forward writers whose rollbacks run, in
     * the order they run ({@code stepId#index}), and, when the plan stops short, why ({@code stop}: a writer with no
     * rollback declared). Each rollback then runs as a migration of its own under {@code rollback:<stepId>#<index>},
     * index 0, and the proof under {@code rollback:proof}, index 0. From here on no forward writer runs.
     */
    record RollbackBegan(String operator, String reason, List<String> undo, String stop, Instant at)
            implements JournalEvent {
        public RollbackBegan {
            undo = undo == null ? List.of() : List.copyOf(undo);
        }
    }

    /**
     * The first line of a rehearsal's journal, written before its copy exists: which copy it makes of which
     * original, so a crash at any later moment leaves a journal that says what to drop.
     *
     * @param copyServer  {@code embedded}, {@code target} (the original's own server) or the copy server's
     *                    connection as given
     * @param copyDataDir the throw-away embedded server's data directory; null otherwise
     * @param data        {@code schema} or {@code full}
     * @param original    the original as the tool reached it (never a password)
     */
    record RehearsalPlanned(String sessionId, String runbookSha256, String copyServer, String copyDatabase,
                            String copyDataDir, String data, Connection original, ServerInfo originalServer,
                            String operator, Instant at) implements JournalEvent {}

    /**
     * The copy exists and the session runs on it. {@code proof} says why it is not the original (another cluster
     * or another database, read from the copy's own connection).
     */
    record RehearsalCopyMade(ServerInfo copy, String describe, String proof, long millis, Instant at)
            implements JournalEvent {}

    /** The copy is gone (at the rehearsal's end, or removed by a later start after a crash). */
    record RehearsalCopyDropped(String note, Instant at) implements JournalEvent {}

    /** A manual check or sign-off walked through in a rehearsal: recorded as rehearsed, never as confirmed. */
    record Rehearsed(String stepId, int index, String operator, Instant at) implements JournalEvent {}

    /**
     * An attempt of a migration timed out waiting for a lock: which statement, who held it, and whether (after
     * what pause) another attempt follows.
     */
    record LockWaited(String stepId, int index, dev.runbookpilot.db.Locks.LockWait lockWait, Instant at)
            implements JournalEvent {}

    /**
     * The operator cancelled the statement of, or terminated, a session that blocked a migration. Written twice:
     * {@code outcome} {@code requested} before the signal is sent (so a crash cannot hide it), then what the server
     * answered ({@code signalled}, or {@code gone}: that backend had already ended or was another by now).
     *
     * @param action    {@code cancel} (pg_cancel_backend) or {@code terminate} (pg_terminate_backend)
     * @param blocker   the session as the migration's failure named it
     * @param approval  how it was approved (the database name typed, on production), as shown
     */
    record BlockerStopped(String stepId, int index, String operator, String action, String reason,
                          dev.runbookpilot.db.Locks.Blocker blocker, String approval, String outcome, Instant at)
            implements JournalEvent {
        public static final String REQUESTED = "requested";
        public static final String SIGNALLED = "signalled";
        public static final String GONE = "gone";
    }

    /**
     * The window, a phase or a step went over its budget: journaled once each, when first seen (by the wizard's clock
     * or after a step of a headless run).
     *
     * @param key     {@code window}, {@code phase:NAME} or {@code step:ID}
     * @param name    the window, phase or step as the operator reads it
     * @param budget  what the runbook planned, in milliseconds
     * @param elapsed the time taken when the overrun was seen, in milliseconds
     */
    record Overrun(String key, String name, long budget, long elapsed, Instant at) implements JournalEvent {}
}
