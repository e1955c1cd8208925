package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.report.WorkstationPaths;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Environment;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.Gates;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Outcome;
import dev.runbookpilot.session.Rollbacks;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.session.Writers;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * The wizard's state and actions, without a single node: the view binds to it, tests drive it with same-thread
 * executors. Everything that touches the database or the disk runs on {@code background}; every property changes
 * on {@code ui}. The session journals each event before this model hears of it, so nothing is shown that a crash
 * could lose.
 */
public final class WizardViewModel {
    private static final Logger log = LoggerFactory.getLogger(WizardViewModel.class);

    /**
     * The sign-off screen: the verdict, the counts (from {@link Outcome}, as the report has them) and, for a verdict
     * that rests on them, every waiver and skip with its reason, who and when.
     */
    public record Summary(Outcome.Verdict verdict, int checks, int passed, int failed, int errors, int waived,
                          int confirmed, int pending, int skipped, List<String> acceptances) {
        public Summary {
            acceptances = List.copyOf(acceptances);
        }
    }

    /**
     * Something worth telling the operator even when they looked away: a migration's outcome, a long run's result,
     * a resumed session. The view shows each once, as a notification.
     */
    public record Announcement(Tone tone, String title, String text) {
        public enum Tone { SUCCESS, WARNING, FAILURE }
    }

    /**
     * A rollback waiting for the operator's approval, shown as its forward migration was: what runs, exactly, and on
     * production the database name to type. The rollback's worker waits until {@link #answerRollback} is called.
     */
    public record RollbackApproval(String title, String preview, boolean production, String database) {}

    /** A run shorter than this needs no notification: the operator is still watching the table fill in. */
    static final Duration ANNOUNCE_RUNS_FROM = Duration.ofSeconds(5);

    /**
     * A role's line on the sign-off screen; name and time are null while unsigned, the fingerprint null for a typed
     * name.
     */
    public record SignoffEntry(String stepId, String role, String name, Instant at, String fingerprint) {}

    /** How a person signs a sign-off or answers a gate in the wizard. */
    public enum SignerKind {
        /** The Ed25519 key made for this name on this workstation (made on first use, then reused). */
        GENERATED,
        /** The person's own SSH private key or PKCS#12 file; the name is the key's. */
        KEY_FILE,
        /** A typed name and nothing else: offered outside production only, and reported as unsigned. */
        TYPED
    }

    /** @param name the typed name (GENERATED, TYPED); {@code keyFile} the key (KEY_FILE) */
    public record Signer(SignerKind kind, String name, Path keyFile) {}

    /** A background action, journaled or read by the session. */
    @FunctionalInterface
    private interface Work<T> {
        T run() throws Exception;
    }

    private final Runbook runbook;
    /** Files named as the report names them: relative to the runbook's folder, the home folder as {@code ~}. */
    private final WorkstationPaths paths;
    private final Target target;
    private final Executor ui;
    private final Executor background;
    private final Clock clock;
    private final ClockViewModel clockStrip;
    /** An overrun's journaling is on its way: the next ticks do not ask again. */
    private final java.util.concurrent.atomic.AtomicBoolean overrunPending =
            new java.util.concurrent.atomic.AtomicBoolean();

    private Session session;
    /** Where keys generated per person on this workstation are kept; null until {@link #keepKeysIn}. */
    private volatile Path keysDir;
    /** Set by {@link #close}: a session that finishes opening after it is closed at once, not shown. */
    private boolean closed;
    private final ObservableList<StepItem> steps = FXCollections.observableArrayList();
    private final ObservableList<CheckRow> checks = FXCollections.observableArrayList();
    private final ObservableList<String> migrationLog = FXCollections.observableArrayList();
    /** The most lines the step view keeps of a command's output; the journal and the report keep the record. */
    static final int MAX_LOG_LINES = 2000;
    /** Output lines heard on worker threads, handed to the FX thread in batches, not one runLater per line. */
    private final java.util.concurrent.ConcurrentLinkedQueue<String> outputLines =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean outputScheduled =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** Check started and finished events heard on worker threads, applied on the FX thread in batches, in order. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> checkEvents =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean checkEventsScheduled =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** FX thread only: steps with a check finished in the batch being applied. */
    private final java.util.Set<StepItem> finishedIn = new java.util.LinkedHashSet<>();
    private final ObservableList<SignoffEntry> signoffs = FXCollections.observableArrayList();
    private final ObservableList<Announcement> announcements = FXCollections.observableArrayList();
    /*
     * The read-only views handed out are made once and kept: an unmodifiable wrapper listens to its list weakly, so a
     * wrapper made per call is garbage collected and silently stops telling its listeners anything.
     */
    private final ObservableList<StepItem> stepsView = FXCollections.unmodifiableObservableList(steps);
    private final ObservableList<CheckRow> checksView = FXCollections.unmodifiableObservableList(checks);
    private final ObservableList<String> migrationLogView = FXCollections.unmodifiableObservableList(migrationLog);
    private final ObservableList<SignoffEntry> signoffsView = FXCollections.unmodifiableObservableList(signoffs);
    private final ObservableList<Announcement> announcementsView =
            FXCollections.unmodifiableObservableList(announcements);
    private final ObjectProperty<StepItem> current = new SimpleObjectProperty<>(this, "current");
    private final ObjectProperty<Summary> summary = new SimpleObjectProperty<>(this, "summary");
    private final BooleanProperty opened = new SimpleBooleanProperty(this, "opened");
    private final BooleanProperty running = new SimpleBooleanProperty(this, "running");
    private final BooleanProperty busy = new SimpleBooleanProperty(this, "busy");
    private final BooleanProperty onSummary = new SimpleBooleanProperty(this, "onSummary");
    private final BooleanProperty ended = new SimpleBooleanProperty(this, "ended");
    private final StringProperty error = new SimpleStringProperty(this, "error", "");
    private final StringProperty info = new SimpleStringProperty(this, "info", "");
    private final StringProperty elapsed = new SimpleStringProperty(this, "elapsed", "0:00:00");
    private final StringProperty migrationProgress = new SimpleStringProperty(this, "migrationProgress", "");
    /** "Running … 0:07" while checks or a migration run (counted by {@link #tick}), empty otherwise. */
    private final StringProperty runState = new SimpleStringProperty(this, "runState", "");
    /**
     * The tables being counted right now, each with the time so far and the planner's estimate, one line each
     * (PostgreSQL reports no progress for {@code count(*)}); empty when nothing is counted.
     */
    private final StringProperty countProgress = new SimpleStringProperty(this, "countProgress", "");
    /** FX thread only: the count statements running, by check and tables, in the order they began. */
    private final java.util.Map<String, RunningCount> runningCounts = new java.util.LinkedHashMap<>();
    /** The most running counts {@link #countProgress} names; the rest are summed up in one line. */
    static final int SHOWN_COUNTS = 3;
    /** When the running work started and what it is, for {@link #runState}; null when nothing runs. */
    private Instant runStartedAt;
    private String runWhat;
    /** The operator asked to cancel the running work and it has not ended yet. */
    private boolean cancelling;
    private final DoubleProperty progress = new SimpleDoubleProperty(this, "progress");
    /** What ran, when and by whom, for the current step's applied migrations; empty when none is applied. */
    private final StringProperty applied = new SimpleStringProperty(this, "applied", "");
    /** Why the current step's migration needs a settle decision (what ran, what the server said); empty if not. */
    private final StringProperty unsettled = new SimpleStringProperty(this, "unsettled", "");
    /**
     * The sessions the current step's migration last timed out waiting for, with its check index; empty when it did
     * not fail that way. Only these can be cancelled or terminated from the wizard.
     */
    private final javafx.collections.ObservableList<dev.runbookpilot.db.Locks.Blocker> blockers =
            javafx.collections.FXCollections.observableArrayList();
    private int blockedIndex = -1;
    /** What became of the current step's interrupted migration attempt, when it is pending again because of it. */
    private final StringProperty previous = new SimpleStringProperty(this, "previous", "");
    /** The current step has an automated check that Run would run (an applied migration is never run again). */
    private final BooleanProperty runnable = new SimpleBooleanProperty(this, "runnable");
    /** The Run button's words: what it does on the current step ("Run checks", "Run migration…", ...). */
    private final StringProperty runAction = new SimpleStringProperty(this, "runAction", RUN_CHECKS);
    static final String RUN_CHECKS = "▶ Run checks";
    /** Checks started but not yet journaled as finished; the journal has no RUNNING state. Touched on ui only. */
    private final Set<String> runningKeys = new HashSet<>();
    private final javafx.beans.property.IntegerProperty rowStatusChanges =
            new javafx.beans.property.SimpleIntegerProperty(this, "rowStatusChanges");

    private final BooleanBinding canRun;
    private final BooleanBinding canNext;
    /** Why Run or Next is disabled because a gate holds a step closed; empty otherwise. */
    private final javafx.beans.binding.StringBinding closedReason;
    private final BooleanBinding canBack;
    private final BooleanBinding canWaive;
    private final BooleanBinding canRerunFailed;
    private final BooleanBinding canSkip;
    private final BooleanBinding canSettle;
    private final BooleanBinding canRollBack;
    /** Whether the session's rollback plan can be offered now; refreshed with the steps. */
    private final BooleanProperty rollbackOffered = new SimpleBooleanProperty(this, "rollbackOffered");
    /**
     * What the operator must know about the way back: past a point of no return, that it means restoring the backup
     * (with that backup's proof); once a rollback began, where it stands. Empty otherwise.
     */
    private final StringProperty rollbackNotice = new SimpleStringProperty(this, "rollbackNotice", "");
    private final ObjectProperty<RollbackApproval> rollbackApproval =
            new SimpleObjectProperty<>(this, "rollbackApproval");
    /** The answer the rollback's worker waits for; touched on ui only. */
    private java.util.concurrent.CompletableFuture<String> rollbackAnswer;
    private final BooleanBinding canStopBlocker;
    /**
     * Manual checks of the current step confirmed on this visit: until the operator leaves the step, these may be
     * withdrawn or given another note (each journaled). Touched on ui only.
     */
    private final Set<Integer> confirmedHere = new HashSet<>();
    /** The session's actions for the log panel, read from its in-memory events on ui. */
    private final ActionLog actionLog;

    public WizardViewModel(Runbook runbook, Target target, Executor ui, Executor background, Clock clock) {
        this.runbook = runbook;
        this.paths = new WorkstationPaths(runbook.file() == null ? null : runbook.file().toString(),
                System.getProperty("user.home"));
        this.target = target;
        this.ui = ui;
        this.background = background;
        this.clock = clock;
        this.clockStrip = new ClockViewModel(clock);
        this.actionLog = new ActionLog(runbook, paths::apply);
        int position = 0;
        for (Phase p : runbook.phases()) {
            for (Step s : p.steps()) steps.add(new StepItem(p.name(), s, position++));
        }
        javafx.beans.Observable anyStepStatus = statusTrigger();
        canRun = Bindings.createBooleanBinding(() -> opened.get() && !busy.get() && !ended.get()
                        && current.get() != null && !onSummary.get() && runnable.get() && !current.get().closed(),
                opened, busy, ended, current, onSummary, runnable, anyStepStatus);
        canSettle = Bindings.createBooleanBinding(() -> opened.get() && !busy.get() && !ended.get()
                        && !onSummary.get() && !unsettled.get().isEmpty(),
                opened, busy, ended, onSummary, unsettled);
        canStopBlocker = Bindings.createBooleanBinding(() -> opened.get() && !busy.get() && !ended.get()
                        && !onSummary.get() && !blockers.isEmpty(),
                opened, busy, ended, onSummary, blockers);
        canNext = Bindings.createBooleanBinding(() -> opened.get() && !busy.get() && current.get() != null
                        && !onSummary.get() && current.get().status().isSatisfied()
                        && !next(current.get()).map(StepItem::closed).orElse(false),
                opened, busy, current, onSummary, anyStepStatus);
        closedReason = Bindings.createStringBinding(() -> {
            StepItem at = current.get();
            if (at == null || onSummary.get()) return "";
            if (at.closed()) return "🔒 Run is disabled: '" + at.step().title() + "' is " + at.closedBy();
            return next(at).filter(StepItem::closed).map(n -> "🔒 Next is disabled: '" + n.step().title() + "' is "
                    + n.closedBy()).orElse("");
        }, current, onSummary, anyStepStatus);
        canBack = Bindings.createBooleanBinding(() -> opened.get() && !busy.get()
                        && (onSummary.get() || current.get() != null && current.get().position() > 0),
                opened, busy, current, onSummary);
        // Row statuses change in place; the list itself does not, so bindings listen to a counter bumped by refresh.
        javafx.beans.Observable anyRowStatus = rowStatusChanges;
        canWaive = Bindings.createBooleanBinding(() -> opened.get() && !busy.get() && !ended.get()
                        && checks.stream().anyMatch(c -> c.status().isBlocking() && isWaivable(c)),
                opened, busy, ended, checks, anyRowStatus);
        // An optional step not yet settled may be skipped; once skipped (or passed) there is nothing to skip.
        canSkip = Bindings.createBooleanBinding(() -> opened.get() && !busy.get() && !ended.get()
                        && current.get() != null && current.get().step().optional()
                        && !current.get().status().isSatisfied(),
                opened, busy, ended, current, anyRowStatus);
        canRollBack = Bindings.createBooleanBinding(() -> opened.get() && !busy.get() && !ended.get()
                        && rollbackOffered.get(), opened, busy, ended, rollbackOffered);
        // A migration is never re-run piecemeal, nor are probes, status commands or a backup against production: the
        // step runs whole, through the approval dialog.
        canRerunFailed = Bindings.createBooleanBinding(() -> canRun.get() && canWaive.get()
                        && !current.get().step().mutates()
                        && !runbook.target().probesNeedApproval(current.get().step())
                        && !runbook.target().statusCommandsNeedApproval(current.get().step())
                        && !(requiresTypedDatabaseName() && current.get().step().checks().stream()
                                .anyMatch(c -> c instanceof CheckSpec.Backup)),
                canRun, canWaive, current);
    }

    /**
     * Changes whenever any step's status or closed state does, so bindings on "is the current step satisfied" and
     * "is the next one open" stay live.
     */
    private javafx.beans.Observable statusTrigger() {
        javafx.beans.property.IntegerProperty trigger = new javafx.beans.property.SimpleIntegerProperty();
        steps.forEach(s -> {
            s.statusProperty().addListener((o, a, b) -> trigger.set(trigger.get() + 1));
            s.closedByProperty().addListener((o, a, b) -> trigger.set(trigger.get() + 1));
        });
        return trigger;
    }

    private java.util.Optional<StepItem> next(StepItem item) {
        int n = item.position() + 1;
        return n < steps.size() ? java.util.Optional.of(steps.get(n)) : java.util.Optional.empty();
    }

    // ---------------------------------------------------------------- opening and closing

    /** Starts a new session, or resumes the journal given, in the background; {@code opened} turns true after. */
    public void open(String operator, Path sessionDir, Path resumeJournal) {
        busy.set(true);
        submit(() -> resumeJournal == null
                        ? Session.start(runbook, target.db(), target.record(), operator, sessionDir, listener())
                        : Session.resume(resumeJournal, runbook, target.db(), operator, listener()),
                s -> {
                    if (closed) {
                        closeQuietly(s);
                        return;
                    }
                    session = s;
                    opened.set(true);
                    busy.set(false);
                    ended.set(s.state().ended().isPresent());
                    refreshAll();
                    resumePosition();
                    tick();
                    info.set((resumeJournal == null ? "Session " : "Resumed session ") + s.id() + " · journal "
                            + s.journalFile());
                    if (resumeJournal != null) announceResumed();
                    loadRehearsedTimes(s, resumeJournal == null ? sessionDir : resumeJournal.toAbsolutePath().getParent());
                },
                e -> busy.set(false));
    }

    /** The last rehearsal's step times for the clock strip, read from disk in the background. */
    private void loadRehearsedTimes(Session s, Path sessionDir) {
        if (s.isRehearsal()) return;
        background.execute(() -> {
            java.util.Map<String, Long> measured = dev.runbookpilot.session.StepTimes
                    .lastRehearsal(sessionDir, s.state().started().runbookSha256(), s.state().started().at())
                    .map(dev.runbookpilot.session.StepTimes::measured).orElse(java.util.Map.of());
            ui.execute(() -> {
                clockStrip.rehearsed(measured);
                tick();
            });
        });
    }

    /** Where a resumed session continues: the first step not settled, or the summary when all are. */
    private void resumePosition() {
        for (StepItem s : steps) {
            if (!s.status().isSatisfied()) {
                show(s);
                return;
            }
        }
        if (steps.isEmpty()) return;
        show(steps.get(steps.size() - 1));
        if (ended.get()) showSummary();
    }

    /**
     * Cancels whatever runs, closes the journal and the connection. Safe to call twice, and while the session is
     * still opening: it is then closed as soon as it has opened.
     */
    public void close(Runnable whenClosed) {
        closed = true;
        // A rollback waiting for approval is refused, so its worker ends and the session can close.
        answerRollback(null);
        Session s = session;
        session = null;
        background.execute(() -> {
            try {
                if (s != null) s.close();
            } catch (IOException e) {
                log.warn("closing the journal failed: {}", e.getMessage());
            } finally {
                target.close();
                ui.execute(whenClosed);
            }
        });
    }

    private void closeQuietly(Session s) {
        background.execute(() -> {
            try {
                s.close();
            } catch (IOException e) {
                log.warn("closing the journal of a session opened after the window closed failed: {}",
                        e.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------- navigation

    public void next() {
        if (!canNext.get()) return;
        StepItem c = current.get();
        if (c.position() + 1 < steps.size()) show(steps.get(c.position() + 1));
        else finishWindow();
    }

    public void back() {
        if (!canBack.get()) return;
        if (onSummary.get()) {
            onSummary.set(false);
            return;
        }
        show(steps.get(current.get().position() - 1));
    }

    /** A step is reachable when every step before it is settled: the outline is a map, not a way around a gate. */
    public boolean canGoTo(StepItem item) {
        if (busy.get() || item == null) return false;
        for (StepItem s : steps) {
            if (s == item) return true;
            if (!s.status().isSatisfied()) return false;
        }
        return false;
    }

    public void goTo(StepItem item) {
        if (canGoTo(item)) show(item);
    }

    private void show(StepItem item) {
        onSummary.set(false);
        migrationLog.clear();
        migrationProgress.set("");
        List<CheckRow> rows = new ArrayList<>();
        for (int i = 0; i < item.step().checks().size(); i++) rows.add(new CheckRow(i, item.step().checks().get(i), paths::apply));
        checks.setAll(rows);
        confirmedHere.clear();
        current.set(item);
        refreshCurrentRows();
        error.set("");
    }

    // ---------------------------------------------------------------- running

    /** Runs every automated check of the current step. A migration needs {@link #runMigration} instead. */
    public void run() {
        StepItem item = current.get();
        if (!canRun.get() || refusedUnsettled(item)) return;
        if (session.needsApproval(item.step())) {
            error.set("'" + item.step().title() + "' changes the database: review the SQL and approve it first");
            return;
        }
        runChecks(item, Session.Scope.ALL);
    }

    /** Re-runs only the checks that have no result or whose result fails the step. */
    public void rerunFailed() {
        StepItem item = current.get();
        if (!canRerunFailed.get()) return;
        runChecks(item, Session.Scope.UNSETTLED);
    }

    /** Whether a migration on this target needs the database name typed, not just a click. */
    public boolean requiresTypedDatabaseName() {
        return runbook.target().environment() == Environment.PRODUCTION;
    }

    public String databaseName() {
        return target.record().database();
    }

    /**
     * Approves and runs the current step's migration. Against production the operator must have typed the
     * database name; anything else is refused here, whatever the view allowed.
     */
    public boolean runMigration(String typedDatabaseName) {
        StepItem item = current.get();
        if (item == null || session == null) return false;
        if (!session.needsApproval(item.step())) {
            if (item.step().mutates()) {
                error.set("'" + item.step().title() + "' is applied (" + applied.get() + "); a migration never runs"
                        + " twice");
            }
            return false;
        }
        if (!canRun.get() || refusedUnsettled(item)) return false;
        if (requiresTypedDatabaseName()
                && (typedDatabaseName == null || !typedDatabaseName.strip().equals(databaseName()))) {
            error.set("Not run: this " + (item.step().mutates() ? "writes to" : item.step().checks().stream()
                    .anyMatch(c -> c instanceof CheckSpec.Backup) ? "backs up (and loads)"
                    : runbook.target().statusCommandsNeedApproval(item.step()) ? "runs a status command against"
                    : "probes")
                    + " PRODUCTION; type the database name '" + databaseName() + "' to approve");
            return false;
        }
        runChecks(item, Session.Scope.UNSETTLED);
        return true;
    }

    /** What the operator approves before Run on a step: each is named for what it does to the database. */
    public enum Approval {
        MIGRATION("migration", "will change database"),
        BACKUP("backup", "will back up (pg_dump, then prove it by reading or restoring it) database"),
        PROBES("probes", "will run probes (written, then rolled back) against database"),
        ROLLBACK("rollback", "will undo what was applied to database");

        private final String noun;
        private final String does;

        Approval(String noun, String does) {
            this.noun = noun;
            this.does = does;
        }

        public String noun() {
            return noun;
        }

        /** "will change database", to follow the step's title and precede the database name. */
        public String does() {
            return does;
        }
    }

    /** What Run on the current step needs approved, or null when it runs read-only checks only. */
    public Approval approval() {
        StepItem item = current.get();
        if (!migrationToRun()) return null;
        if (session.hasMigrationToRun(item.step())) return Approval.MIGRATION;
        return item.step().checks().stream().anyMatch(c -> c instanceof CheckSpec.Backup)
                && !runbook.target().probesNeedApproval(item.step()) ? Approval.BACKUP : Approval.PROBES;
    }

    /**
     * Whether Run on the current step means approving what it writes: a migration not applied yet, or probes
     * against production.
     */
    public boolean migrationToRun() {
        StepItem item = current.get();
        return session != null && item != null && session.needsApproval(item.step());
    }

    private boolean refusedUnsettled(StepItem item) {
        if (session.unsettled(item.step()).isEmpty()) return false;
        error.set("'" + item.step().title() + "' must be settled first: " + unsettled.get());
        return true;
    }

    /**
     * Settles the current step's migrations whose outcome is unknown, with what the operator found. Nothing runs
     * them again before this; a settle decision is journaled as such, never as a waiver.
     */
    public void settle(JournalEvent.Settlement decision, String note) {
        if (!canSettle.get()) return;
        if (decision == null) {
            error.set("Choose what became of the migration: applied, not applied or run again");
            return;
        }
        if (note == null || note.isBlank()) {
            error.set("A settle decision needs a note: what you found in the database");
            return;
        }
        StepItem item = current.get();
        List<Integer> which = session.unsettled(item.step());
        act(s -> {
            for (int i : which) s.settle(item.step(), i, decision, note);
        }, item);
    }

    // ---------------------------------------------------------------- rolling back

    /** Reads the journal's state only (no database): cheap enough for every refresh. */
    private void refreshRollback() {
        Rollbacks.Plan plan = session.rollbackPlan();
        rollbackOffered.set(plan.offered() && session.state().ended().isEmpty());
        Outcome.Rollback began = session.outcome().rollback();
        if (plan.pointOfNoReturn() != null) {
            StringBuilder b = new StringBuilder("⚠ " + plan.refusal() + ".");
            if (plan.backup() == null) {
                b.append(" No backup of this session was proven: restore from your own last good backup.");
            } else {
                b.append(" The backup proven in this session (step ").append(plan.backup().stepId()).append("):");
                if (plan.backup().detail() instanceof dev.runbookpilot.check.CheckDetail.BackupProof proof) {
                    for (String[] row : dev.runbookpilot.report.BackupEvidence.rows(proof)) {
                        b.append("\n  ").append(row[0]).append(": ").append(row[1]);
                    }
                } else {
                    b.append(' ').append(plan.backup().actual());
                }
            }
            rollbackNotice.set(b.toString());
        } else if (began != null) {
            rollbackNotice.set("Rollback — " + began.verdict() + ": " + began.statement());
        } else {
            rollbackNotice.set("");
        }
    }

    /**
     * Rolls the window back in the background: the rollback of each applied migration in reverse order, each shown
     * through {@link #rollbackApprovalProperty()} and run only once approved (the typed database name on
     * production, checked here whatever the dialog allowed), then the proof. Proven, the window ends ROLLED BACK.
     */
    public void rollBack(String reason) {
        if (session == null || !canRollBack.get()) {
            if (session != null && !rollbackOffered.get()) {
                String refusal = session.rollbackPlan().refusal();
                error.set(refusal != null ? refusal : "the window has ended; it cannot be rolled back");
            }
            return;
        }
        if (reason == null || reason.isBlank()) {
            error.set("A rollback needs a reason: why the window is rolled back");
            return;
        }
        Session s = session;
        running.set(true);
        busy.set(true);
        error.set("");
        migrationLog.clear();
        submit(() -> s.rollBack(reason, item -> approveRollback(s, item)), run -> {
            running.set(false);
            busy.set(false);
            runningKeys.clear();
            refreshAll();
            announcements.add(new Announcement(run.proved() ? Announcement.Tone.SUCCESS : Announcement.Tone.FAILURE,
                    run.proved() ? "Rolled back" : "Rollback not complete", run.statement()));
            if (run.proved()) {
                finishWindow();
            } else if (error.get().isEmpty()) {
                // Why a rollback was refused (a wrong database name) says more than "not approved".
                error.set(run.statement());
            }
        }, e -> {
            running.set(false);
            busy.set(false);
            refreshAll();
        });
    }

    /** On the rollback's worker: shows the rollback and waits for the operator's answer. */
    private boolean approveRollback(Session s, Rollbacks.Item item) throws InterruptedException {
        String preview;
        try {
            preview = rollbackPreview(s, item.undo());
        } catch (IOException e) {
            String why = "Cannot show what '" + item.rollback().title() + "' runs, so it cannot be approved: "
                    + e.getMessage();
            ui.execute(() -> error.set(why));
            return false;
        }
        java.util.concurrent.CompletableFuture<String> answer = new java.util.concurrent.CompletableFuture<>();
        RollbackApproval ask = new RollbackApproval(item.rollback().title(), preview, requiresTypedDatabaseName(),
                databaseName());
        ui.execute(() -> {
            rollbackAnswer = answer;
            rollbackApproval.set(ask);
        });
        String typed;
        try {
            typed = answer.get();
        } catch (java.util.concurrent.ExecutionException e) {
            typed = null;
        } finally {
            ui.execute(() -> rollbackApproval.set(null));
        }
        if (typed == null) return false;
        if (requiresTypedDatabaseName() && !typed.strip().equals(databaseName())) {
            ui.execute(() -> error.set("Not run: '" + item.rollback().title() + "' writes to PRODUCTION; type the"
                    + " database name '" + databaseName() + "' to approve"));
            return false;
        }
        return true;
    }

    private String rollbackPreview(Session s, CheckSpec.Writer undo) throws IOException {
        if (undo instanceof CheckSpec.Execute ex) {
            return "-- " + runbook.baseDir().relativize(ex.file()) + (ex.transaction() ? " (one transaction)"
                    : " (no transaction: statements commit one by one)") + "\n"
                    + Files.readString(ex.file(), StandardCharsets.UTF_8);
        }
        return "# command, against the connected database\n" + s.commandPreview((CheckSpec.Command) undo);
    }

    /**
     * The operator's answer to the rollback shown in {@link #rollbackApprovalProperty()}: the typed database name
     * (empty off production) to approve it, null to refuse it.
     */
    public void answerRollback(String typedOrNull) {
        java.util.concurrent.CompletableFuture<String> a = rollbackAnswer;
        rollbackAnswer = null;
        if (a != null) a.complete(typedOrNull);
    }

    public BooleanBinding canRollBackProperty() {
        return canRollBack;
    }

    public StringProperty rollbackNoticeProperty() {
        return rollbackNotice;
    }

    public ObjectProperty<RollbackApproval> rollbackApprovalProperty() {
        return rollbackApproval;
    }

    /**
     * Cancels the statement of, or terminates, a session the current step's migration timed out waiting for, with
     * the operator's reason and (on production) the database name they typed: checked and journaled by the session,
     * off the FX thread. The step is then run again with Run, under its own approval.
     */
    public void stopBlocker(int pid, boolean terminate, String reason, String typedDatabase) {
        if (!canStopBlocker.get()) return;
        if (reason == null || reason.isBlank()) {
            error.set("Stopping another session needs a written reason");
            return;
        }
        StepItem item = current.get();
        int index = blockedIndex;
        Session s = session;
        busy.set(true);
        error.set("");
        submit(() -> s.stopBlocker(item.step(), index, pid, terminate, reason, typedDatabase), outcome -> {
            busy.set(false);
            info.set(dev.runbookpilot.session.JournalEvent.BlockerStopped.SIGNALLED.equals(outcome)
                    ? (terminate ? "Terminated" : "Cancelled the statement of") + " pid " + pid
                    + " (journaled). Run the step again when ready."
                    : "pid " + pid + " had already ended; nothing was sent. Run the step again when ready.");
            refreshStep(item);
        }, e -> busy.set(false));
    }

    /** Whether stopping a blocker needs the database name typed (production). */
    public boolean stopBlockerNeedsTypedName() {
        return session != null && session.stopBlockerNeedsTypedName();
    }

    /**
     * A text that names workstation files (a check's label or expectation) as the wizard shows it: each path under
     * the runbook's folder relative to it, one beside it with {@code ../}, one under the home folder with {@code ~/},
     * as the report writes them. The absolute form stays in the journal and in the wizard's tooltips.
     */
    public String shownPath(String text) {
        return text == null ? null : paths.apply(text);
    }

    /** Every file the approval names by its relative form, with its absolute path: the operator's exact check. */
    public String filesApproved(Step step) {
        StringBuilder b = new StringBuilder();
        for (CheckSpec c : step.checks()) {
            Path file = c instanceof CheckSpec.Execute ex ? ex.file() : c instanceof CheckSpec.Backup bk ? bk.dir() : null;
            if (file == null) continue;
            String full = file.toAbsolutePath().normalize().toString();
            if (b.length() > 0) b.append('\n');
            b.append(shownPath(full)).append(" = ").append(full);
        }
        return b.toString();
    }

    /**
     * The migration files of a step, read in the background for the approval dialog; {@code onFailed} gets the
     * reason when a file cannot be read, so nothing is approved unseen.
     */
    public void loadMigrationSql(Step step, Consumer<String> onLoaded, Consumer<String> onFailed) {
        submit(() -> {
            StringBuilder b = new StringBuilder();
            for (CheckSpec c : step.checks()) {
                if (c instanceof CheckSpec.Execute ex) {
                    b.append("-- ").append(shownPath(ex.file().toAbsolutePath().normalize().toString())).append(ex.transaction()
                            ? " (one transaction)" : " (no transaction: statements commit one by one)").append('\n');
                    b.append(Files.readString(ex.file(), StandardCharsets.UTF_8)).append('\n');
                } else if (c instanceof CheckSpec.Command cmd) {
                    b.append("# command, against the connected database").append('\n')
                            .append(session.commandPreview(cmd));
                    for (CheckSpec v : cmd.verify()) b.append("# then verify: ").append(v.label()).append('\n');
                } else if (c instanceof CheckSpec.StatusCommand status
                        && runbook.target().statusCommandsNeedApproval(step)) {
                    b.append("# status command (its tool promises it only reads; Runbook Pilot cannot prove it)\n")
                            .append(session.commandPreview(status));
                } else if (c instanceof CheckSpec.Backup backup) {
                    b.append("-- backup: pg_dump of ").append(databaseName()).append(" into ").append(shownPath(backup.dir().toAbsolutePath().normalize().toString()))
                            .append(" (").append(backup.format().yamlName()).append("), proven by ")
                            .append(backup.verify() == CheckSpec.BackupVerify.LIST ? "pg_restore --list"
                                    : "a restore into " + backup.scratch().describe()).append('\n');
                } else if (c instanceof CheckSpec.Statement probe && runbook.target().probesNeedApproval(step)) {
                    b.append("-- ").append(probe.kind()).append(" probe (in a transaction that is rolled back; a"
                            + " sequence value it draws stays drawn)\n");
                    if (probe.setup() != null) b.append(probe.setup()).append(";\n");
                    b.append(probe.sql()).append(";\n");
                }
            }
            return b.toString();
        }, onLoaded, e -> onFailed.accept(messageOf(e)));
    }

    private void runChecks(StepItem item, Session.Scope scope) {
        Session s = session;
        boolean migrates = s.hasMigrationToRun(item.step());
        running.set(true);
        busy.set(true);
        error.set("");
        migrationLog.clear();
        Instant startedAt = clock.instant();
        runStartedAt = startedAt;
        runWhat = migrates ? "the migration of '" + item.step().title() + "'" : describeRun(item, scope);
        showRunState(startedAt);
        submit(() -> {
            s.runChecks(item.step(), scope);
            return null;
        }, ignored -> finishRun(item, startedAt, migrates), e -> finishRun(item, startedAt, migrates));
    }

    private void finishRun(StepItem item, Instant startedAt, boolean migrates) {
        running.set(false);
        busy.set(false);
        runStartedAt = null;
        runState.set("");
        runningCounts.clear();
        countProgress.set("");
        boolean cancelled = cancelling;
        cancelling = false;
        // "Cancelling…" ends with the run it cancelled.
        if (cancelled) info.set("");
        runningKeys.clear();
        refreshStep(item);
        Status st = item.status();
        if (st.isBlocking() && cancelled) {
            error.set("'" + item.step().title() + "' cancelled after " + CheckRow.formatMillis(
                    Duration.between(startedAt, clock.instant()).toMillis()) + ": what had not finished is ERROR"
                    + " (cancelled by the operator); re-run it, or waive with a reason");
        } else if (st.isBlocking()) {
            error.set("'" + item.step().title() + "' is " + st + ": fix the cause and re-run, or waive with a reason");
        } else if (cancelled) {
            info.set("Cancelled after " + CheckRow.formatMillis(Duration.between(startedAt, clock.instant())
                    .toMillis()) + "; every check had already finished");
        }
        if (session != null) announceRun(item, Duration.between(startedAt, clock.instant()), migrates);
    }

    private void announceRun(StepItem item, Duration took, boolean migrates) {
        String title = item.step().title();
        String counts = countsOf(item) + " in " + CheckRow.formatMillis(took.toMillis());
        boolean blocking = item.status().isBlocking() || !session.unsettled(item.step()).isEmpty();
        if (migrates) {
            announcements.add(blocking
                    ? new Announcement(Announcement.Tone.FAILURE, "Migration did not complete",
                            "'" + title + "' is " + item.status() + " · " + counts + ". The migration log shows why.")
                    : new Announcement(Announcement.Tone.SUCCESS, "Migration applied", "'" + title + "' · " + counts));
        } else if (took.compareTo(ANNOUNCE_RUNS_FROM) >= 0) {
            announcements.add(new Announcement(blocking ? Announcement.Tone.WARNING : Announcement.Tone.SUCCESS,
                    "'" + title + "' checked", counts));
        }
    }

    private void announceResumed() {
        int results = 0;
        for (StepItem item : steps) {
            for (int i = 0; i < item.step().checks().size(); i++) {
                if (session.state().result(item.step().id(), i).isPresent()) results++;
            }
        }
        StepItem at = current.get();
        announcements.add(new Announcement(Announcement.Tone.SUCCESS, "Session resumed", results
                + (results == 1 ? " result" : " results") + " restored from the journal"
                + (onSummary.get() || at == null ? "" : " · continuing at '" + at.step().title() + "'")));
    }

    /** "3 passed · 1 failed" over a step's checks, in the order a DBA reads them. */
    private String countsOf(StepItem item) {
        java.util.Map<Status, Integer> n = new java.util.EnumMap<>(Status.class);
        for (int i = 0; i < item.step().checks().size(); i++) {
            n.merge(session.checkStatus(item.step(), i), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        for (Status st : List.of(Status.PASSED, Status.FAILED, Status.ERROR, Status.WAIVED, Status.CONFIRMED,
                Status.REHEARSED, Status.SKIPPED, Status.PENDING)) {
            Integer count = n.get(st);
            if (count != null) parts.add(count + " " + st.name().toLowerCase(java.util.Locale.ROOT));
        }
        return String.join(" · ", parts);
    }

    /** Cancels the checks running now; each is journaled as ERROR "cancelled by the operator". */
    public void cancel() {
        Session s = session;
        if (s != null && running.get()) {
            cancelling = true;
            info.set("Cancelling…");
            if (runStartedAt != null) showRunState(clock.instant());
            background.execute(s::cancel);
        }
    }

    // ---------------------------------------------------------------- people

    /** Confirms a manual item; refused with a message when a required note is missing. */
    public void confirm(CheckRow row, String note) {
        if (!(row.spec() instanceof CheckSpec.Manual m) || refusedWhileBusy()) return;
        if (m.requireNote() && (note == null || note.isBlank())) {
            error.set("A note is required to confirm: " + m.text());
            return;
        }
        StepItem item = current.get();
        act(s -> s.confirm(item.step(), row.index(), note), item, () -> noteConfirmedHere(List.of(row.index())));
    }

    /**
     * Confirms every manual item of the current step not confirmed yet with the step's one note, each journaled on
     * its own as if ticked one by one; refused, naming them, when an item that needs a note would get none.
     */
    public void confirmAll(String note) {
        if (refusedWhileBusy()) return;
        StepItem item = current.get();
        List<CheckRow> open = checks.stream()
                .filter(r -> r.spec() instanceof CheckSpec.Manual && r.status() == Status.PENDING).toList();
        if (item == null || open.isEmpty()) return;
        List<String> needNote = open.stream().filter(r -> ((CheckSpec.Manual) r.spec()).requireNote())
                .map(CheckRow::label).toList();
        if (!needNote.isEmpty() && (note == null || note.isBlank())) {
            error.set("A note is required to confirm: " + String.join("; ", needNote));
            return;
        }
        List<Integer> indexes = open.stream().map(CheckRow::index).toList();
        act(s -> {
            for (int i : indexes) s.confirm(item.step(), i, note);
        }, item, () -> noteConfirmedHere(indexes));
    }

    /** Of these, the ones the journal now has confirmed: given on this visit (a failure half-way keeps the rest). */
    private void noteConfirmedHere(List<Integer> indexes) {
        StepItem item = current.get();
        if (session == null || item == null) return;
        for (int i : indexes) {
            if (session.state().confirmation(item.step().id(), i).isPresent()) confirmedHere.add(i);
        }
    }

    /** Whether this confirmation can still be taken back or re-noted: given on this visit of its step. */
    public boolean canWithdraw(CheckRow row) {
        return opened.get() && !busy.get() && !ended.get() && row.status() == Status.CONFIRMED
                && confirmedHere.contains(row.index());
    }

    /** Takes back a confirmation given on this visit (ticked by mistake); journaled, the item is pending again. */
    public void withdraw(CheckRow row) {
        if (!canWithdraw(row)) {
            if (!busy.get()) error.set("Only a confirmation given since you came to this step can be taken back");
            return;
        }
        StepItem item = current.get();
        act(s -> s.withdrawConfirmation(item.step(), row.index()), item, () -> confirmedHere.remove(row.index()));
    }

    /** The note a confirmation was journaled with; null when the check is not confirmed. */
    public String confirmedNote(CheckRow row) {
        StepItem item = current.get();
        if (session == null || item == null) return null;
        return session.state().confirmation(item.step().id(), row.index()).map(JournalEvent.Confirmed::note)
                .orElse(null);
    }

    /** The confirmations of this visit whose journaled note differs from {@code note}: what {@link #renote} changes. */
    public List<CheckRow> renotable(String note) {
        String n = note == null ? "" : note.strip();
        return checks.stream().filter(this::canWithdraw).filter(r -> !n.equals(confirmedNote(r))).toList();
    }

    /**
     * Gives the confirmations of this visit the note as it reads now: each is confirmed again with it, so the
     * journal keeps both notes and the report shows the latest.
     */
    public void renote(String note) {
        if (refusedWhileBusy()) return;
        List<CheckRow> rows = renotable(note);
        StepItem item = current.get();
        if (rows.isEmpty() || item == null) return;
        if ((note == null || note.isBlank())
                && rows.stream().anyMatch(r -> ((CheckSpec.Manual) r.spec()).requireNote())) {
            error.set("A note is required for: " + String.join("; ", rows.stream()
                    .filter(r -> ((CheckSpec.Manual) r.spec()).requireNote()).map(CheckRow::label).toList()));
            return;
        }
        List<Integer> indexes = rows.stream().map(CheckRow::index).toList();
        act(s -> {
            for (int i : indexes) s.confirm(item.step(), i, note);
        }, item);
    }

    /** Waives failed checks of the current step with a written reason, recorded with the operator's name. */
    public void waive(List<CheckRow> rows, String reason) {
        if (!canWaive.get()) return;
        if (reason == null || reason.isBlank()) {
            error.set("A waiver needs a written reason");
            return;
        }
        StepItem item = current.get();
        List<CheckRow> blocking = rows.stream().filter(r -> r.status().isBlocking() && isWaivable(r)).toList();
        if (blocking.isEmpty()) return;
        act(s -> {
            for (CheckRow r : blocking) s.waive(item.step(), r.index(), reason);
        }, item);
    }

    /** A migration that did not complete is fixed and re-run, settled, rolled back or ends the window: never waived. */
    private boolean isWaivable(CheckRow row) {
        StepItem item = current.get();
        return item != null && Session.isWaivable(item.step(), row.index());
    }

    /** Skips the current step, when the runbook marks it optional, with a written reason; it is never a pass. */
    public void skip(String reason) {
        StepItem item = current.get();
        if (item == null || !item.step().optional() || refusedWhileBusy()) return;
        if (reason == null || reason.isBlank()) {
            error.set("A skip needs a written reason");
            return;
        }
        act(s -> s.skip(item.step(), reason), item);
    }

    /** Keeps the keys generated per person in {@code configDir} (the workspace's config folder). */
    public void keepKeysIn(Path configDir) {
        this.keysDir = configDir;
    }

    /**
     * A typed name proves nothing about who signed: it is offered only for a window that is not production (a
     * staging rehearsal of the team's routine, a development run), and reported as unsigned there.
     */
    public boolean typedNamesAllowed() {
        return runbook.target().environment() != Environment.PRODUCTION;
    }

    /**
     * A role's GO, or NO-GO with its reason, to the current step's gate; journaled before it takes effect. With a
     * key, the key is read (its passphrase asked through {@code prompt}) and the answer signed on background work.
     */
    public void answerGate(String role, Signer signer, boolean go, String reason,
                           dev.runbookpilot.report.PassphrasePrompt prompt) {
        if (refusedWhileBusy() || refusedSigner(signer, role)) return;
        if (!go && (reason == null || reason.isBlank())) {
            error.set("A NO-GO needs its reason: the report says who stopped the window and why");
            return;
        }
        StepItem item = current.get();
        Path keys = keysDir;
        if (signer.kind() == SignerKind.TYPED) {
            act(s -> s.answerGate(item.step(), role, signer.name(), go, reason), item);
        } else {
            act(s -> s.answerGateWithKey(item.step(), role, keyOf(signer, keys, prompt), go, reason), item);
        }
    }

    /** Signs a sign-off role as {@code signer}, on background work (see {@link #answerGate}). */
    public void sign(String role, Signer signer, dev.runbookpilot.report.PassphrasePrompt prompt) {
        if (refusedWhileBusy() || refusedSigner(signer, role)) return;
        StepItem item = current.get();
        Path keys = keysDir;
        if (signer.kind() == SignerKind.TYPED) {
            act(s -> s.sign(item.step(), role, signer.name()), item);
        } else {
            act(s -> s.signWithKey(item.step(), role, keyOf(signer, keys, prompt)), item);
        }
    }

    /** Why this signer cannot sign, set as the error; false when it can. */
    private boolean refusedSigner(Signer signer, String role) {
        String problem = switch (signer.kind()) {
            case KEY_FILE -> signer.keyFile() == null ? "Choose the key file " + role + " signs with" : null;
            case GENERATED -> signer.name() == null || signer.name().isBlank()
                    ? "Type the name of the person signing as " + role + ": their key is made for that name"
                    : keysDir == null ? "This wizard has no folder to keep generated keys in; choose a key file"
                    : null;
            case TYPED -> !typedNamesAllowed() ? "A production window is signed with a key, not a typed name"
                    : signer.name() == null || signer.name().isBlank()
                    ? "Type the name of the person signing as " + role : null;
        };
        if (problem == null) return false;
        error.set(problem);
        return true;
    }

    /** The key a signer signs with; made lazily, so nothing is read here (this runs on background work anyway). */
    private static dev.runbookpilot.session.SignoffKey keyOf(Signer signer, Path keys,
                                                            dev.runbookpilot.report.PassphrasePrompt prompt) {
        return signer.kind() == SignerKind.GENERATED
                ? dev.runbookpilot.report.SignoffSignatures.generated(keys, signer.name())
                : dev.runbookpilot.report.SignoffSignatures.keyFile(signer.keyFile(), prompt);
    }

    /** Roles of the current step's sign-off not signed yet. */
    public List<String> unsignedRoles() {
        StepItem item = current.get();
        if (session == null || item == null) return List.of();
        var signed = session.state().signatures(item.step().id());
        List<String> roles = new ArrayList<>();
        for (CheckSpec c : item.step().checks()) {
            if (c instanceof CheckSpec.Signoff so) {
                so.roles().stream().filter(r -> !signed.containsKey(r)).forEach(roles::add);
            }
        }
        return roles;
    }

    /**
     * One thing at a time: a confirmation journaled while checks run would end the busy state under them and
     * offer Run (or a migration) a second time.
     */
    private boolean refusedWhileBusy() {
        if (!busy.get() && opened.get()) return false;
        error.set("Wait until the running work has finished");
        return true;
    }

    /**
     * Journaled work on the session, handed the session it was asked on: background work never reads the field,
     * which {@link #close} clears while the work may still be queued.
     */
    @FunctionalInterface
    private interface Journaled {
        void run(Session session) throws IOException;
    }

    private void act(Journaled action, StepItem item) {
        act(action, item, () -> {});
    }

    /** As {@link #act(Journaled, StepItem)}, {@code after} running on ui once it succeeded or failed. */
    private void act(Journaled action, StepItem item, Runnable after) {
        Session s = session;
        busy.set(true);
        error.set("");
        submit(() -> {
            action.run(s);
            return null;
        }, ignored -> {
            after.run();
            busy.set(false);
            refreshStep(item);
        }, e -> {
            after.run();
            busy.set(false);
            // What was journaled before the failure shows.
            refreshStep(item);
        });
    }

    private void finishWindow() {
        if (ended.get()) {
            showSummary();
            return;
        }
        Session s = session;
        busy.set(true);
        submit(() -> {
            s.finish();
            return null;
        }, ignored -> {
            busy.set(false);
            ended.set(true);
            showSummary();
            tick();
        }, e -> busy.set(false));
    }

    private void showSummary() {
        onSummary.set(true);
        summary.set(computeSummary());
        signoffs.setAll(computeSignoffs());
    }

    // ---------------------------------------------------------------- reading the session

    private RunListener listener() {
        return new RunListener() {
            @Override
            public void checkStarted(Step step, int index) {
                onCheckEvent(() -> {
                    runningKeys.add(SessionState.key(step.id(), index));
                    StepItem item = itemOf(step);
                    if (item != null) item.setStatus(Status.RUNNING);
                    if (isCurrent(step)) checks.get(index).markRunning();
                });
            }

            @Override
            public void checkFinished(Step step, CheckResult result) {
                onCheckEvent(() -> {
                    runningKeys.remove(result.key());
                    StepItem item = itemOf(step);
                    if (item != null) finishedIn.add(item);
                });
            }

            @Override
            public void migrationProgress(Step step, int statement, int total, int line) {
                ui.execute(() -> migrationProgress.set("statement " + statement + " of " + total + " (line "
                        + line + ")"));
            }

            @Override
            public void notice(Step step, String message) {
                ui.execute(() -> migrationLog.add(message));
            }

            @Override
            public void countStarted(Step step, int index, List<String> tables, long estimatedRows) {
                // When it was heard, read here: the elapsed time is counted on the FX thread from then on.
                RunningCount count = new RunningCount(tables, estimatedRows, clock.instant());
                onCheckEvent(() -> {
                    runningCounts.put(countKey(step, index, tables), count);
                    showCounts(clock.instant());
                });
            }

            @Override
            public void countEnded(Step step, int index, List<String> tables) {
                onCheckEvent(() -> {
                    runningCounts.remove(countKey(step, index, tables));
                    showCounts(clock.instant());
                });
            }

            @Override
            public void commandOutput(Step step, dev.runbookpilot.check.CheckDetail.OutputLine line) {
                outputLines.add(String.format("%5d %s %s", line.number(),
                        line.stream().equals("ERR") ? "!" : "|", line.text()));
                if (!outputScheduled.getAndSet(true)) ui.execute(() -> drainOutput());
            }

            @Override
            public void previousAttempt(Step step, int index, String outcome) {
                ui.execute(() -> announcements.add(new Announcement(Announcement.Tone.WARNING,
                        "Interrupted migration", "'" + step.title() + "': " + outcome)));
            }
        };
    }

    /**
     * Queues what a worker heard about a check for the FX thread, where the events run in the order heard, as one
     * batch per turn, and each step with a finished check is refreshed once per batch. A refresh reads every row of
     * the step: once per result, 500 quick checks queued 500 of them and the window showed no frame for seconds
     * (WizardPulseBenchmark).
     */
    private void onCheckEvent(Runnable onFx) {
        checkEvents.add(onFx);
        if (!checkEventsScheduled.getAndSet(true)) ui.execute(this::drainCheckEvents);
    }

    private void drainCheckEvents() {
        checkEventsScheduled.set(false);
        for (Runnable r; (r = checkEvents.poll()) != null; ) r.run();
        List<StepItem> finished = new ArrayList<>(finishedIn);
        finishedIn.clear();
        finished.forEach(this::refreshStep);
    }

    /** On the FX thread: everything heard since the last batch in one change, the oldest lines dropped past the cap. */
    private void drainOutput() {
        outputScheduled.set(false);
        List<String> batch = new ArrayList<>();
        for (String l; (l = outputLines.poll()) != null; ) batch.add(l);
        if (batch.isEmpty()) return;
        migrationLog.addAll(batch);
        int over = migrationLog.size() - MAX_LOG_LINES;
        if (over > 0) migrationLog.remove(0, over);
    }

    private StepItem itemOf(Step step) {
        return steps.stream().filter(s -> s.step().id().equals(step.id())).findFirst().orElse(null);
    }

    private boolean isCurrent(Step step) {
        return current.get() != null && current.get().step().id().equals(step.id());
    }

    private void refreshAll() {
        steps.forEach(this::refreshStep);
    }

    private void refreshStep(StepItem item) {
        if (session == null) return;
        actionLog.pull(session.state());
        refreshRollback();
        boolean anyRunning = runningKeys.stream().anyMatch(k -> k.startsWith(item.step().id() + "#"));
        item.setStatus(anyRunning ? Status.RUNNING : session.stepStatus(item.step()));
        // A gate's answer opens or closes steps other than its own.
        java.util.Map<String, String> closed = Gates.closedSteps(runbook, session.state());
        steps.forEach(s -> s.setClosedBy(closed.get(s.step().id())));
        if (current.get() == item) refreshCurrentRows();
        progress.set(steps.isEmpty() ? 0
                : steps.stream().filter(s -> s.status().isSatisfied()).count() / (double) steps.size());
    }

    private void refreshCurrentRows() {
        StepItem item = current.get();
        if (session == null || item == null) return;
        SessionState st = session.state();
        String id = item.step().id();
        for (CheckRow row : checks) {
            if (runningKeys.contains(SessionState.key(id, row.index()))) {
                row.markRunning();
                continue;
            }
            row.show(session.checkStatus(item.step(), row.index()),
                    st.effectiveResult(id, row.index()).orElse(null),
                    st.waiver(id, row.index()).orElse(null), st.confirmation(id, row.index()).orElse(null));
        }
        List<String> appliedLines = new ArrayList<>();
        List<String> previousLines = new ArrayList<>();
        List<String> unsettledLines = new ArrayList<>();
        boolean anyToRun = false;
        for (CheckRow row : checks) {
            if (!row.isAutomated()) continue;
            if (!(row.spec() instanceof CheckSpec.Writer)) {
                anyToRun = true;
                continue;
            }
            var done = session.applied(item.step(), row.index());
            done.ifPresent(a -> appliedLines.add("Applied " + Formats.time(a.at()) + " by " + a.operator() + ": "
                    + a.what()));
            session.unsettled(item.step(), row.index()).ifPresent(unsettledLines::add);
            if (row.status() == Status.PENDING) previousAttempt(id, row.index()).ifPresent(previousLines::add);
            if (done.isEmpty()) anyToRun = true;
        }
        List<dev.runbookpilot.db.Locks.Blocker> waitedFor = new ArrayList<>();
        blockedIndex = -1;
        for (CheckRow row : checks) {
            if (!(row.spec() instanceof CheckSpec.Execute) && !(row.spec() instanceof CheckSpec.Command)) continue;
            List<dev.runbookpilot.db.Locks.Blocker> b = session.blockers(item.step(), row.index());
            if (!b.isEmpty()) {
                waitedFor.addAll(b);
                blockedIndex = row.index();
            }
        }
        blockers.setAll(waitedFor);
        applied.set(String.join("\n", appliedLines));
        unsettled.set(String.join("\n", unsettledLines));
        previous.set(String.join("\n", previousLines));
        runnable.set(anyToRun);
        Approval approval = approval();
        runAction.set(approval == null ? RUN_CHECKS : "▶ Run " + approval.noun() + "…");
        rowStatusChanges.set(rowStatusChanges.get() + 1);
    }

    /** A pending migration whose earlier attempt was interrupted: what became of it, not a bare PENDING. */
    private java.util.Optional<String> previousAttempt(String stepId, int index) {
        return Writers.latestAttempt(session.state(), stepId, index)
                .filter(a -> a.resolved() != null && a.resolved().cleared())
                .map(a -> "Previous attempt " + (a.inTransaction() ? "rolled back (transaction " + a.began().xid()
                        + " " + a.resolved().fate() + ", txid_status)" : "stopped before its first statement")
                        + " at " + Formats.time(a.resolved().at()) + "; it runs again when approved");
    }

    private Summary computeSummary() {
        Outcome.Summary o = session.outcome();
        Outcome.Counts n = o.counts();
        List<String> acceptances = new ArrayList<>();
        if (o.rollback() != null) acceptances.add("Rollback: " + o.rollback().statement());
        for (Outcome.Waiver w : o.waivers()) {
            acceptances.add("Waived " + w.stepId() + " " + w.check() + (w.coversError() ? " (ERROR)" : " (FAILED)")
                    + " by " + w.operator() + ", " + Formats.time(w.at())
                    + (w.inAdvance() ? ", granted in advance before the failure was seen" : "") + ": " + w.reason());
        }
        for (Outcome.Skip k : o.skips()) {
            acceptances.add("Skipped " + k.stepId() + " by " + k.operator() + ", " + Formats.time(k.at()) + ": "
                    + k.reason());
        }
        return new Summary(o.verdict(), n.checks(), n.passed(), n.failed(), n.errors(), n.waived(), n.confirmed(),
                n.pending(), n.skipped(), acceptances);
    }

    private List<SignoffEntry> computeSignoffs() {
        List<SignoffEntry> entries = new ArrayList<>();
        for (StepItem item : steps) {
            var signed = session.state().signatures(item.step().id());
            for (CheckSpec c : item.step().checks()) {
                if (!(c instanceof CheckSpec.Signoff so)) continue;
                for (String role : so.roles()) {
                    JournalEvent.Signed sg = signed.get(role);
                    entries.add(new SignoffEntry(item.step().id(), role, sg == null ? null : sg.name(),
                            sg == null ? null : sg.at(), sg == null ? null : sg.fingerprint()));
                }
            }
        }
        return entries;
    }

    /** What a run covers, for the running state: "3 checks of 'Step'". */
    private String describeRun(StepItem item, Session.Scope scope) {
        long automated = checks.stream().filter(CheckRow::isAutomated).count();
        return (scope == Session.Scope.ALL ? "" : "the unsettled of ") + automated
                + (automated == 1 ? " check" : " checks") + " of '" + item.step().title() + "'";
    }

    /** A count statement running: its tables, the planner's estimate of their rows (-1: none) and when it began. */
    private record RunningCount(List<String> tables, long estimatedRows, Instant startedAt) {}

    private static String countKey(Step step, int index, List<String> tables) {
        return SessionState.key(step.id(), index) + "\u0000" + String.join("\u0000", tables);
    }

    /**
     * The running counts at {@code now}, largest estimate first (an unknown size first of all, as the counter
     * orders them), e.g. "counting orders — 12 s so far, about 5.2 M rows by the planner's estimate".
     */
    private void showCounts(Instant now) {
        List<RunningCount> largestFirst = runningCounts.values().stream()
                .sorted(java.util.Comparator.comparingLong((RunningCount c) ->
                        c.estimatedRows() < 0 ? Long.MAX_VALUE : c.estimatedRows()).reversed())
                .toList();
        List<String> lines = new ArrayList<>();
        for (RunningCount c : largestFirst.subList(0, Math.min(SHOWN_COUNTS, largestFirst.size()))) {
            lines.add(describeCount(c.tables(), c.estimatedRows(), Duration.between(c.startedAt(), now)));
        }
        int more = largestFirst.size() - SHOWN_COUNTS;
        if (more > 0) lines.add("and " + more + " more count" + (more == 1 ? "" : "s") + " running");
        countProgress.set(String.join("\n", lines));
    }

    static String describeCount(List<String> tables, long estimatedRows, Duration soFar) {
        String what = tables.size() == 1 ? tables.get(0)
                : tables.get(0) + " and " + (tables.size() - 1) + " more small tables";
        long s = Math.max(0, soFar.getSeconds());
        String time = s < 60 ? s + " s" : String.format(java.util.Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        return "counting " + what + " — " + time + " so far, " + (estimatedRows < 0 ? "size not estimated"
                : "about " + rows(estimatedRows) + " by the planner's estimate");
    }

    /** A row estimate as read at a glance: "812 rows", "12.3 k rows", "5.2 M rows", "1.4 G rows". */
    static String rows(long n) {
        if (n < 1_000) return n + (n == 1 ? " row" : " rows");
        String[] units = {"k", "M", "G", "T"};
        double v = n;
        int u = -1;
        while (v >= 1_000 && u < units.length - 1) {
            v /= 1_000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s rows", v, units[u]);
    }

    /** The running state's text at {@code now}; the clock is read only while something runs. */
    private void showRunState(Instant now) {
        Duration d = Duration.between(runStartedAt, now);
        runState.set((cancelling ? "Cancelling " : "Running ") + runWhat + "… "
                + String.format(java.util.Locale.ROOT, "%d:%02d", d.toMinutes(), d.toSecondsPart()) + " elapsed");
    }

    /**
     * Updates the window clock (from the session's start to its end, or to now while it is open) and the running
     * state's elapsed time.
     */
    public void tick() {
        if (!runningCounts.isEmpty()) showCounts(clock.instant());
        if (runStartedAt != null) showRunState(clock.instant());
        if (session == null) return;
        // What a running migration or command journals (began, lock waits) shows within a second, not at its end.
        actionLog.pull(session.state());
        SessionState st = session.state();
        Instant start = st.started().at();
        Instant end = st.ended().map(JournalEvent.Ended::at).orElse(clock.instant());
        Duration d = Duration.between(start, end);
        elapsed.set(String.format(java.util.Locale.ROOT, "%d:%02d:%02d", d.toHours(), d.toMinutesPart(),
                d.toSecondsPart()));
        StepItem item = current.get();
        if (clockStrip.update(runbook, st, item == null ? null : item.step()) && overrunPending.compareAndSet(false,
                true)) {
            Session s = session;
            background.execute(() -> {
                try {
                    s.recordOverruns(clock.instant());
                } catch (IOException e) {
                    log.warn("cannot journal an overrun: {}", e.getMessage());
                } finally {
                    overrunPending.set(false);
                }
            });
        }
    }

    /** The clock strip's lines, updated by {@link #tick}. */
    public ClockViewModel clockStrip() {
        return clockStrip;
    }

    private static String messageOf(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private <T> void submit(Work<T> work, Consumer<T> onUi, Consumer<Exception> onFailure) {
        background.execute(() -> {
            try {
                T value = work.run();
                ui.execute(() -> onUi.accept(value));
            } catch (Exception e) {
                if (e instanceof InterruptedException) Thread.currentThread().interrupt();
                log.warn("wizard action failed: {}", e.getMessage(), e);
                String message = messageOf(e);
                ui.execute(() -> {
                    error.set(message);
                    onFailure.accept(e);
                });
            }
        });
    }

    // ---------------------------------------------------------------- properties for the view

    public Runbook runbook() {
        return runbook;
    }

    public Target target() {
        return target;
    }

    /** The open session, for export; null until opened. Only read its journaled state from the view. */
    public Session session() {
        return session;
    }

    public ObservableList<StepItem> steps() {
        return stepsView;
    }

    public ObservableList<CheckRow> checks() {
        return checksView;
    }

    public ObservableList<String> migrationLog() {
        return migrationLogView;
    }

    /** The session's journaled actions, oldest first, for the log panel; grows on the ui executor. */
    public ObservableList<ActionLog.Entry> actions() {
        return actionLog.entries();
    }

    /** Appended on the ui executor; each entry is announced once. */
    public ObservableList<Announcement> announcements() {
        return announcementsView;
    }

    public ObservableList<SignoffEntry> signoffs() {
        return signoffsView;
    }

    /** Bumped after every refresh of the current step's rows: something journaled may have changed them. */
    public javafx.beans.property.ReadOnlyIntegerProperty revisionProperty() {
        return rowStatusChanges;
    }

    public ReadOnlyObjectProperty<StepItem> currentProperty() {
        return current;
    }

    public ReadOnlyObjectProperty<Summary> summaryProperty() {
        return summary;
    }

    public ReadOnlyBooleanProperty openedProperty() {
        return opened;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running;
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy;
    }

    public ReadOnlyBooleanProperty onSummaryProperty() {
        return onSummary;
    }

    public ReadOnlyBooleanProperty endedProperty() {
        return ended;
    }

    public ReadOnlyStringProperty errorProperty() {
        return error;
    }

    public ReadOnlyStringProperty infoProperty() {
        return info;
    }

    public ReadOnlyStringProperty elapsedProperty() {
        return elapsed;
    }

    /** "Running 2 checks of 'Step'… 0:07 elapsed" while work runs, empty otherwise; ticks with {@link #tick}. */
    public ReadOnlyStringProperty runStateProperty() {
        return runState;
    }

    /** The tables being counted, the time so far and the planner's estimate, one line each; empty when none. */
    public ReadOnlyStringProperty countProgressProperty() {
        return countProgress;
    }

    /** The Run button's words for the current step. */
    public ReadOnlyStringProperty runActionProperty() {
        return runAction;
    }

    public ReadOnlyStringProperty migrationProgressProperty() {
        return migrationProgress;
    }

    public ReadOnlyDoubleProperty progressProperty() {
        return progress;
    }

    public BooleanBinding canRunProperty() {
        return canRun;
    }

    public BooleanBinding canNextProperty() {
        return canNext;
    }

    /** Why Run or Next is disabled by a gate ("🔒 Next is disabled: 'Deploy' is closed until ..."); else empty. */
    public javafx.beans.binding.StringBinding closedReasonProperty() {
        return closedReason;
    }

    public BooleanBinding canBackProperty() {
        return canBack;
    }

    public BooleanBinding canSkipProperty() {
        return canSkip;
    }

    public BooleanBinding canWaiveProperty() {
        return canWaive;
    }

    public BooleanBinding canRerunFailedProperty() {
        return canRerunFailed;
    }

    public BooleanBinding canSettleProperty() {
        return canSettle;
    }

    public BooleanBinding canStopBlockerProperty() {
        return canStopBlocker;
    }

    /** The sessions the current step's migration last waited for; see {@link #stopBlocker}. */
    public javafx.collections.ObservableList<dev.runbookpilot.db.Locks.Blocker> blockers() {
        return javafx.collections.FXCollections.unmodifiableObservableList(blockers);
    }

    public ReadOnlyStringProperty appliedProperty() {
        return applied;
    }

    public ReadOnlyStringProperty unsettledProperty() {
        return unsettled;
    }

    public ReadOnlyStringProperty previousAttemptProperty() {
        return previous;
    }
}
