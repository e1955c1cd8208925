package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The session's actions as the log panel lists them: what ran and with what result, who approved, confirmed, waived,
 * skipped, settled or signed, what wrote to the database. Read from the session's in-memory events (already forced to
 * the journal), never from the journal file: {@link #pull} takes only what arrived since the last pull.
 */
public final class ActionLog {

    /** What an action is about; the panel filters on it. */
    public enum Kind { RESULT, PEOPLE, WRITE, SESSION }

    /** The panel's choices: each keeps the entries of some kinds, or the failures. */
    public enum Filter {
        ALL("Every action"),
        RESULTS("Check results"),
        FAILURES("Failures and errors"),
        PEOPLE("Approvals, waivers, confirmations, sign-offs"),
        WRITES("Migrations, commands, backups"),
        SESSION("Session start, stop and end");

        private final String words;

        Filter(String words) {
            this.words = words;
        }

        public boolean keeps(Entry e) {
            switch (this) {
                case RESULTS:
                    return e.kind() == Kind.RESULT;
                case FAILURES:
                    return e.status() != null && e.status().isBlocking();
                case PEOPLE:
                    return e.kind() == Kind.PEOPLE;
                case WRITES:
                    return e.kind() == Kind.WRITE;
                case SESSION:
                    return e.kind() == Kind.SESSION;
                default:
                    return true;
            }
        }

        @Override
        public String toString() {
            return words;
        }
    }

    /**
     * One line of the panel.
     *
     * @param step   the step's title ("" for the session's own actions)
     * @param by     who did it or approved it: the operator, or the name signed
     * @param status a result's status (null for anything but a result or a rehearsal line)
     */
    public record Entry(Instant at, Kind kind, String step, String text, String by, Status status) {
        /** Whether the words typed into the panel's search appear in it (case-insensitive). */
        public boolean mentions(String words) {
            if (words == null || words.isBlank()) return true;
            String w = words.strip().toLowerCase(Locale.ROOT);
            return (step + "\n" + text + "\n" + by + "\n" + (status == null ? "" : status.name()))
                    .toLowerCase(Locale.ROOT).contains(w);
        }
    }

    private final Map<String, Step> stepsById = new HashMap<>();
    private final ObservableList<Entry> entries = FXCollections.observableArrayList();
    private final ObservableList<Entry> entriesView = FXCollections.unmodifiableObservableList(entries);
    /** How many of the session's events were read; only later ones are read next time. */
    private int seen;
    /** Who runs the session now (from its start or latest resume): who approved what it ran. */
    private String operator = "";

    /** Names files as the checks table does: relative to the runbook's folder, the home folder as {@code ~}. */
    private final UnaryOperator<String> shownPaths;

    ActionLog(Runbook runbook, UnaryOperator<String> shownPaths) {
        this.shownPaths = shownPaths;
        for (Phase p : runbook.phases()) {
            for (Step s : p.steps()) stepsById.put(s.id(), s);
        }
    }

    /** Oldest first; changed on the thread that calls {@link #pull}. */
    public ObservableList<Entry> entries() {
        return entriesView;
    }

    /** Adds the entries of every event the session applied since the last pull, in one change. */
    public void pull(SessionState state) {
        List<JournalEvent> fresh = state.eventsFrom(seen);
        if (fresh.isEmpty()) return;
        seen += fresh.size();
        List<Entry> added = new ArrayList<>();
        for (JournalEvent e : fresh) describe(e).ifPresent(added::add);
        entries.addAll(added);
    }

    /** The entry of one event, or empty for bookkeeping the operator need not read (statement markers, output). */
    Optional<Entry> describe(JournalEvent event) {
        if (event instanceof JournalEvent.Started st) {
            operator = st.operator();
            var c = st.connection();
            return entry(st.at(), Kind.SESSION, "", "Session " + st.sessionId() + " started on " + c.database()
                    + " at " + c.host() + ":" + c.port() + " as " + c.user() + " (runbook '" + st.runbookTitle()
                    + "', SHA-256 " + abbreviate(st.runbookSha256()) + ")", st.operator(), null);
        }
        if (event instanceof JournalEvent.Resumed r) {
            operator = r.operator();
            return entry(r.at(), Kind.SESSION, "", "Session resumed", r.operator(), null);
        }
        if (event instanceof JournalEvent.CheckFinished f) {
            CheckResult r = f.result();
            StringBuilder b = new StringBuilder(r.label() != null ? shownPaths.apply(r.label()) : r.kind())
                    .append(": ").append(r.status());
            if (r.expected() != null && !r.expected().isBlank()) {
                b.append(" — expected ").append(shownPaths.apply(r.expected()));
            }
            if (r.actual() != null && !r.actual().isBlank()) b.append(", actual ").append(r.actual());
            if (r.error() != null) b.append(" — ").append(r.sqlState() == null ? "" : "SQLSTATE " + r.sqlState()
                    + ": ").append(r.error());
            return entry(f.at(), Kind.RESULT, stepTitle(r.stepId()), b.toString(), operator, r.status());
        }
        if (event instanceof JournalEvent.MigrationBegan m) {
            return entry(m.at(), Kind.WRITE, stepTitle(m.stepId()), "Approved and began: " + checkLabel(m.stepId(),
                    m.index()) + (m.xid() >= 0 ? " (transaction " + m.xid() + ")" : ""), operator, null);
        }
        if (event instanceof JournalEvent.MigrationResolved r) {
            return entry(r.at(), Kind.WRITE, stepTitle(r.stepId()), "Interrupted attempt of "
                    + checkLabel(r.stepId(), r.index()) + ": transaction " + r.xid() + " " + r.fate()
                    + " (asked of the server)", operator, null);
        }
        if (event instanceof JournalEvent.Settled s) {
            return entry(s.at(), Kind.PEOPLE, stepTitle(s.stepId()), "Settled " + checkLabel(s.stepId(), s.index())
                    + " as " + s.decision().words() + ": " + s.note(), s.operator(), null);
        }
        if (event instanceof JournalEvent.Confirmed c) {
            return entry(c.at(), Kind.PEOPLE, stepTitle(c.stepId()), "Confirmed: " + checkLabel(c.stepId(), c.index())
                    + (c.note() == null || c.note().isBlank() ? "" : " — note: " + c.note()), c.operator(), null);
        }
        if (event instanceof JournalEvent.ConfirmationWithdrawn w) {
            return entry(w.at(), Kind.PEOPLE, stepTitle(w.stepId()), "Confirmation withdrawn: "
                    + checkLabel(w.stepId(), w.index()), w.operator(), null);
        }
        if (event instanceof JournalEvent.Waived w) {
            return entry(w.at(), Kind.PEOPLE, stepTitle(w.stepId()), "Waived " + checkLabel(w.stepId(), w.index())
                    + (w.inAdvance() ? " (granted in advance)" : "") + ": " + w.reason(), w.operator(), null);
        }
        if (event instanceof JournalEvent.Skipped s) {
            return entry(s.at(), Kind.PEOPLE, stepTitle(s.stepId()), "Skipped the step: " + s.reason(), s.operator(),
                    null);
        }
        if (event instanceof JournalEvent.Signed s) {
            return entry(s.at(), Kind.PEOPLE, stepTitle(s.stepId()), "Signed as " + s.role(), s.name(), null);
        }
        if (event instanceof JournalEvent.Ended e) {
            return entry(e.at(), Kind.SESSION, "", "Window ended", e.operator(), null);
        }
        if (event instanceof JournalEvent.Stopped s) {
            return entry(s.at(), Kind.SESSION, "", "Stopped: " + s.reason() + (s.cancelled().isEmpty() ? ""
                    : " (cancelled: " + String.join(", ", s.cancelled()) + ")"), s.operator(), null);
        }
        if (event instanceof JournalEvent.CommandBegan c) {
            return entry(c.at(), Kind.WRITE, stepTitle(c.stepId()), "Command started: " + c.command(), operator,
                    null);
        }
        if (event instanceof JournalEvent.BackupBegan b) {
            return entry(b.at(), Kind.WRITE, stepTitle(b.stepId()), "Backup began (pg_dump)"
                    + (b.scratchDatabase() == null ? "" : ", proven by a restore into " + b.scratchDatabase()),
                    operator, null);
        }
        if (event instanceof JournalEvent.BackupCleaned b) {
            return entry(b.at(), Kind.WRITE, stepTitle(b.stepId()), "Backup's temporary work removed"
                    + (b.note() == null || b.note().isBlank() ? "" : ": " + b.note()), operator, null);
        }
        if (event instanceof JournalEvent.RollbackBegan r) {
            return entry(r.at(), Kind.WRITE, "", "Rollback began: " + r.reason() + (r.undo().isEmpty() ? ""
                    : " (undoes " + String.join(", ", r.undo()) + ")") + (r.stop() == null ? "" : "; stops short: "
                    + r.stop()), r.operator(), null);
        }
        if (event instanceof JournalEvent.LockWaited l) {
            var w = l.lockWait();
            StringBuilder b = new StringBuilder("Attempt ").append(w.attempt()).append(" of ")
                    .append(checkLabel(l.stepId(), l.index())).append(" timed out after ")
                    .append(w.lockTimeoutMillis()).append(" ms waiting for a lock (statement ").append(w.statement())
                    .append(", line ").append(w.line()).append(")");
            if (!w.blockers().isEmpty()) {
                b.append(", held by ");
                List<String> who = new ArrayList<>();
                w.blockers().forEach(x -> who.add(x.describe()));
                b.append(String.join("; ", who));
            }
            b.append(w.retryInMillis() == null ? "; no retry" : "; retry in " + w.retryInMillis() + " ms");
            return entry(l.at(), Kind.WRITE, stepTitle(l.stepId()), b.toString(), operator, null);
        }
        if (event instanceof JournalEvent.BlockerStopped s) {
            return entry(s.at(), Kind.PEOPLE, stepTitle(s.stepId()), ("terminate".equals(s.action()) ? "Terminate"
                    : "Cancel the statement of") + " pid " + s.blocker().pid() + ": " + s.outcome() + " — "
                    + s.reason(), s.operator(), null);
        }
        if (event instanceof JournalEvent.RehearsalPlanned r) {
            operator = r.operator();
            return entry(r.at(), Kind.SESSION, "", "Rehearsal planned on a copy (" + r.copyDatabase() + ", "
                    + r.data() + ")", r.operator(), null);
        }
        if (event instanceof JournalEvent.RehearsalCopyMade c) {
            return entry(c.at(), Kind.SESSION, "", "Copy made: " + c.describe(), operator, null);
        }
        if (event instanceof JournalEvent.RehearsalCopyDropped d) {
            return entry(d.at(), Kind.SESSION, "", "Copy dropped" + (d.note() == null || d.note().isBlank() ? ""
                    : ": " + d.note()), operator, null);
        }
        if (event instanceof JournalEvent.Rehearsed r) {
            return entry(r.at(), Kind.PEOPLE, stepTitle(r.stepId()), "Rehearsed (not confirmed): "
                    + checkLabel(r.stepId(), r.index()), r.operator(), Status.REHEARSED);
        }
        // Check starts (their result follows), snapshots (their check's result says it), statement markers and a
        // command's output (the step's own log shows it) would bury the actions.
        return Optional.empty();
    }

    private static Optional<Entry> entry(Instant at, Kind kind, String step, String text, String by, Status status) {
        return Optional.of(new Entry(at, kind, step, text, by == null ? "" : by, status));
    }

    /** The step's title; a rollback's key names the step it undoes. */
    private String stepTitle(String stepId) {
        if (stepId == null) return "";
        if (stepId.equals("rollback:proof")) return "Rollback proof";
        if (stepId.startsWith("rollback:")) {
            String forward = stepId.substring("rollback:".length());
            int hash = forward.indexOf('#');
            Step s = stepsById.get(hash < 0 ? forward : forward.substring(0, hash));
            return "Rollback of " + (s == null ? forward : "'" + s.title() + "'");
        }
        Step s = stepsById.get(stepId);
        return s == null ? stepId : s.title();
    }

    private String checkLabel(String stepId, int index) {
        Step s = stepsById.get(stepId);
        if (s == null || index < 0 || index >= s.checks().size()) return "check " + (index + 1);
        CheckSpec c = s.checks().get(index);
        return shownPaths.apply(c.label());
    }

    private static String abbreviate(String sha) {
        return sha == null ? "unknown" : sha.length() > 12 ? sha.substring(0, 12) + "…" : sha;
    }
}
