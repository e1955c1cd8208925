package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckEngine;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.EvalContext;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.check.StepCatalog;
import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of one runbook against one target. Everything that happens goes to the journal first, then to the
 * listener. The UI and the CLI drive the same object; neither touches the database any other way.
 */
public final class Session implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Session.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    /** Kinds that only read and do not depend on each other: they run in parallel within a step. */
    private static final Set<String> PARALLEL_KINDS = Set.of("query", "tables", "columns", "indexes", "constraints",
            "triggers", "views", "functions", "sequences", "extensions", "policies", "schemaDiff", "explain",
            "activity");

    /** The xid journaled for a migration that runs without a transaction. */
    private static final long NO_TRANSACTION = -1;
    private static final java.time.Duration MIGRATION_SETTLE = java.time.Duration.ofSeconds(30);
    /** How long a closing session waits for cancelled checks to journal their end. */
    public static final Duration STOP_WAIT = Duration.ofSeconds(5);

    private final Runbook runbook;
    private final Database db;
    private final Journal journal;
    private final SessionState state;
    private final RunListener listener;
    private final String operator;
    private final ExecutorService checkWorkers;
    private final ExecutorService countWorkers;
    private final int countParallelism;
    /** Each running check's cancel token, with its key. */
    private final Map<CancelToken, String> running = new ConcurrentHashMap<>();
    private final SessionLock lock;
    /** Why the session stops, once it does: nothing new starts after that. */
    private volatile String stopping;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** How old a pre-flight activity result may be when a migration is about to run; see {@link #recheckActivityAfter}. */
    public static final java.time.Duration DEFAULT_ACTIVITY_MAX_AGE = java.time.Duration.ofMinutes(5);
    private volatile java.time.Duration activityMaxAge = DEFAULT_ACTIVITY_MAX_AGE;

    private Session(Runbook runbook, Database db, Journal journal, SessionState state, RunListener listener,
                    String operator, SessionLock lock) {
        this.lock = lock;
        this.runbook = runbook;
        this.db = db;
        this.journal = journal;
        this.state = state;
        this.listener = listener;
        this.operator = operator;
        int pool = db.poolSize();
        this.countParallelism = Math.max(1, pool - 2);
        this.checkWorkers = Executors.newFixedThreadPool(Math.max(1, pool / 2), named("check"));
        this.countWorkers = Executors.newFixedThreadPool(countParallelism, named("row-count"));
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Starts a new session: checks the target is the one the runbook names, then journals the start. */
    public static Session start(Runbook runbook, Database db, JournalEvent.Connection connection, String operator,
                                Path sessionDir, RunListener listener) throws SessionException, IOException {
        ServerInfo server = serverInfo(db);
        requireTargetDatabase(runbook, server);
        String id = newId(runbook);
        Path file = sessionDir.resolve(id + ".jsonl");
        Files.createDirectories(sessionDir);
        SessionLock lock = SessionLock.acquire(file, operator);
        try {
            JournalEvent.Started started = new JournalEvent.Started(id, runbook.file().toAbsolutePath().toString(),
                    runbook.sha256(), runbook.title(), runbook.version(), runbook.target().environment().yamlName(),
                    runbook.target().database(), outline(runbook), connection, server, operator, Version.current(),
                    Instant.now(), runbook.description(), windowPlan(runbook));
            Journal journal = Journal.create(file, started);
            SessionState state = new SessionState();
            state.apply(started);
            return new Session(runbook, db, journal, state, listener, operator, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * Starts the session of a rehearsal on the copy its plan made: the plan's journal (which names the copy) goes on,
     * and its lock passes to the session. The database guard is the copy's, not the runbook's: the connection must
     * be to the copy the plan named, and the copy must not be the original (another cluster, or another database).
     */
    static Session startRehearsal(RehearsalPlan plan, Runbook runbook, Database copy, JournalEvent.Connection connection,
                                  RunListener listener) throws SessionException, IOException {
        ServerInfo server = serverInfo(copy);
        JournalEvent.RehearsalPlanned planned = plan.planned();
        if (!server.database().equals(planned.copyDatabase())) {
            throw new SessionException("the rehearsal is connected to '" + server.database() + "', not to its copy '"
                    + planned.copyDatabase() + "'; nothing ran");
        }
        if (RehearsalPlan.sameDatabase(server, planned.originalServer(), planned.original(), connection)) {
            throw new SessionException("the rehearsal's connection reaches the original database itself, not a"
                    + " copy; nothing ran");
        }
        JournalEvent.Started started = new JournalEvent.Started(planned.sessionId(),
                runbook.file().toAbsolutePath().toString(), runbook.sha256(), runbook.title(), runbook.version(),
                runbook.target().environment().yamlName(), runbook.target().database(), outline(runbook), connection,
                server, planned.operator(), Version.current(), Instant.now(), null,
                windowPlan(runbook));
        Journal journal = plan.journal();
        journal.append(started);
        SessionState state = SessionState.replay(Journal.read(journal.file()));
        return new Session(runbook, copy, journal, state, listener, planned.operator(), plan.handOverLock());
    }

    /** The runbook's planned window as the journal keeps it; null when the runbook plans none. */
    static JournalEvent.WindowPlan windowPlan(Runbook runbook) {
        var w = runbook.window();
        return w == null ? null : new JournalEvent.WindowPlan(w.start(), w.duration().toMillis(), w.shown());
    }

    /**
     * Reopens a session from its journal. The runbook must be byte-for-byte the one the session began with, and
     * the server the same database.
     */
    public static Session resume(Path journalFile, Runbook runbook, Database db, String operator,
                                 RunListener listener) throws SessionException, IOException {
        // Owned before it is read: another process appending meanwhile would make this replay a lie.
        SessionLock lock = SessionLock.acquire(journalFile, operator);
        Session s;
        try {
            s = reopen(journalFile, runbook, db, operator, listener, lock);
        } catch (SessionException | IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        try {
            s.resolveInterruptedMigrations();
            s.cleanUpInterruptedBackups();
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private static Session reopen(Path journalFile, Runbook runbook, Database db, String operator,
                                  RunListener listener, SessionLock lock) throws SessionException, IOException {
        List<JournalEvent> events = Journal.read(journalFile);
        if (events.isEmpty()) {
            // Journals written by this version appear with their first line; an older one may be empty.
            throw new SessionException(journalFile + " is empty: the session was stopped before it began, so"
                    + " nothing ran. Start the window again with 'run' on its runbook");
        }
        SessionState state = SessionState.replay(events);
        if (state.rehearsal().isPresent()) {
            throw new SessionException(journalFile.getFileName() + " is a rehearsal on a copy; a rehearsal is not"
                    + " resumed. Run 'rehearse' again: it drops the copy this one left and makes a fresh one");
        }
        JournalEvent.Started st = state.started();
        if (!st.runbookSha256().equals(runbook.sha256())) {
            throw new SessionException("the runbook changed since this session began (SHA-256 was "
                    + st.runbookSha256().substring(0, 12) + "…, is " + runbook.sha256().substring(0, 12)
                    + "…); a session only resumes with the runbook it started with. Restore that file, or start a"
                    + " new session with 'run'");
        }
        ServerInfo server = serverInfo(db);
        requireTargetDatabase(runbook, server);
        if (!server.database().equals(st.server().database())) {
            throw new SessionException("this session ran against database '" + st.server().database()
                    + "', but the connection is to '" + server.database() + "'");
        }
        // Same name is not same server: staging and production often share database names. The cluster's
        // system identifier tells them apart when both are readable (it needs superuser or pg_monitor).
        String was = st.server().systemIdentifier();
        String is = server.systemIdentifier();
        if (was != null && is != null && !was.equals(is)) {
            throw new SessionException("this session ran against the cluster with system identifier " + was
                    + ", but the connection is to the cluster " + is + " (both have a database '"
                    + server.database() + "'); connect to the server the session began on");
        }
        Journal journal = Journal.reopen(journalFile);
        Session s = new Session(runbook, db, journal, state, listener, operator, lock);
        try {
            s.record(new JournalEvent.Resumed(operator, server, Instant.now()));
        } catch (IOException e) {
            s.closeWithoutLock();
            throw e;
        }
        return s;
    }

    /**
     * On resume, every migration a crash interrupted gets an outcome at once, so the operator sees what became of
     * it before deciding anything: committed (PASSED, never run again), rolled back (ready to run again), or in
     * doubt (ERROR, to be settled by a person).
     */
    private void resolveInterruptedMigrations() throws IOException {
        List<Step> steps = new ArrayList<>(runbook.steps().toList());
        // A rollback is a migration too: one a crash interrupted is settled the same way, before anything runs.
        steps.addAll(Rollbacks.rollbackSteps(runbook));
        for (Step step : steps) {
            for (int i = 0; i < step.checks().size(); i++) {
                if (!(step.checks().get(i) instanceof CheckSpec.Writer ex)) continue;
                Writers.Attempt a = Writers.latestAttempt(state, step.id(), i).orElse(null);
                if (a == null || state.interruptedMigration(step.id(), i).isEmpty()) continue;
                if (a.inTransaction()) {
                    // Crashed, or ended in ERROR (cancelled, connection lost): the server knows its fate.
                    if (a.resolved() == null) resolvePreviousAttempt(step, i, ex);
                } else if (a.result() == null && a.mayHaveWritten()) {
                    // Never run again on its own: a person settles what it did.
                    String why = Writers.unsettled(state, step.id(), i).orElseThrow()
                            + ". Settle it: applied, not applied or run again";
                    finish(step, ex instanceof CheckSpec.Command cmd
                            ? CommandJournal.interrupted(state, step, i, cmd, why)
                            : result(step, i, ex, Status.ERROR, why, null));
                } else if (a.result() == null) {
                    resolvePreviousAttempt(step, i, ex);
                }
            }
        }
    }

    /** A crash during a backup left a partial dump or a scratch database: both go before anything else runs. */
    private void cleanUpInterruptedBackups() throws IOException {
        SessionBackups.cleanUpInterrupted(this, Journal.read(journal.file()));
    }

    Database database() {
        return db;
    }

    RunListener listener() {
        return listener;
    }

    private static ServerInfo serverInfo(Database db) throws SessionException {
        try {
            return db.serverInfo();
        } catch (SQLException e) {
            throw new SessionException("cannot read the server's identity: " + e.getMessage(), e);
        }
    }

    private static void requireTargetDatabase(Runbook runbook, ServerInfo server) throws SessionException {
        String wanted = runbook.target().database();
        if (wanted != null && !wanted.equals(server.database())) {
            throw new SessionException("this runbook targets database '" + wanted + "' but the connection is to '"
                    + server.database() + "'; connect to '" + wanted + "' or correct target.database");
        }
    }

    static String newId(Runbook runbook) {
        Path dir = runbook.file().toAbsolutePath().getParent();
        String base = dir == null ? runbook.title() : dir.getFileName().toString();
        String slug = base.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        byte[] rnd = new byte[2];
        new SecureRandom().nextBytes(rnd);
        return ID_TIME.format(Instant.now()) + "-" + (slug.isEmpty() ? "runbook" : slug) + "-"
                + HexFormat.of().formatHex(rnd);
    }

    static List<JournalEvent.PhaseOutline> outline(Runbook runbook) {
        List<JournalEvent.PhaseOutline> phases = new ArrayList<>();
        for (Phase p : runbook.phases()) {
            List<JournalEvent.StepOutline> steps = new ArrayList<>();
            for (Step s : p.steps()) {
                List<JournalEvent.CheckOutline> checks = new ArrayList<>();
                for (CheckSpec c : s.checks()) {
                    String sql = c instanceof CheckSpec.Query q ? q.sql()
                            : c instanceof CheckSpec.Explain x ? x.sql()
                            : c instanceof CheckSpec.Statement st ? st.sql()
                            : c instanceof CheckSpec.Execute ex ? runbook.baseDir().relativize(ex.file()).toString()
                            : c instanceof CheckSpec.Command cmd ? "$ " + cmd.run().shown()
                            : null;
                    List<String> roles = WindowTimes.roles(c);
                    checks.add(new JournalEvent.CheckOutline(c.kind(), c.label(), c.describe(), sql, roles));
                }
                steps.add(new JournalEvent.StepOutline(s.id(), s.title(), s.description(), checks,
                        s.budget() == null ? null : s.budget().toMillis(), s.source()));
            }
            phases.add(new JournalEvent.PhaseOutline(p.name(), steps, p.budget() == null ? null
                    : p.budget().toMillis()));
        }
        return phases;
    }

    public Runbook runbook() {
        return runbook;
    }

    public SessionState state() {
        return state;
    }

    public String id() {
        return state.started().sessionId();
    }

    public Path journalFile() {
        return journal.file();
    }

    public String operator() {
        return operator;
    }

    /** Whether this session is a rehearsal on a copy (its journal and report say REHEARSAL). */
    public boolean isRehearsal() {
        return state.rehearsal().isPresent();
    }

    /**
     * In a rehearsal, records a manual check or sign-off as walked through. Never a confirmation or a signature:
     * nobody did the manual work on the real system, and nobody signed the real window.
     */
    public void rehearse(Step step, int index) throws IOException {
        if (!isRehearsal()) {
            throw new IllegalArgumentException("only a rehearsal records a step as rehearsed; confirm or sign it");
        }
        CheckSpec spec = step.checks().get(index);
        if (!(spec instanceof CheckSpec.Manual) && !(spec instanceof CheckSpec.Signoff)
                && !(spec instanceof CheckSpec.Gate)) {
            throw new IllegalArgumentException(step.id() + "#" + index + " is not a manual check, sign-off or gate");
        }
        requireOpen(step);
        record(new JournalEvent.Rehearsed(step.id(), index, operator, Instant.now()));
    }

    /** Journals that the rehearsal's copy is gone; the session's database is closed by then. */
    public void copyDropped(String note) throws IOException {
        if (!isRehearsal()) throw new IllegalStateException("not a rehearsal");
        record(new JournalEvent.RehearsalCopyDropped(note, Instant.now()));
    }

    void record(JournalEvent e) throws IOException {
        // Once stopping, only the ends of checks already running are journaled, and the stop itself.
        if (stopping != null && !(e instanceof JournalEvent.CheckFinished || e instanceof JournalEvent.SnapshotRecorded
                || e instanceof JournalEvent.CommandOutput || e instanceof JournalEvent.Stopped
                || e instanceof JournalEvent.RehearsalCopyDropped)) {
            throw new IOException("the session is stopping (" + stopping + "); nothing new starts");
        }
        journal.append(e);
        state.apply(e);
    }

    // ---------------------------------------------------------------- status

    public Status checkStatus(Step step, int index) {
        CheckSpec spec = step.checks().get(index);
        return state.status(step.id(), index, spec.kind(), WindowTimes.roles(spec));
    }

    /**
     * A step's status, derived from its checks: ERROR or FAILED while any check is (unwaived), PENDING while any
     * has not run, otherwise PASSED — or CONFIRMED / WAIVED when that is what made it pass.
     */
    public Status stepStatus(Step step) {
        List<Status> checks = new ArrayList<>();
        for (int i = 0; i < step.checks().size(); i++) checks.add(checkStatus(step, i));
        return Outcome.stepStatus(checks);
    }

    /** Counts, waivers, skips and verdict of this session so far. */
    public Outcome.Summary outcome() {
        return Outcome.of(state);
    }

    // ---------------------------------------------------------------- running checks

    /** Which of a step's automated checks to run. */
    public enum Scope {
        /** Every automated check, again. */
        ALL,
        /** Those with no result yet, or whose result blocks the step (failed or error, not waived). */
        UNSETTLED
    }

    /**
     * Runs the step's automated checks and returns when every one has a journaled result. Read-only independent
     * checks run in parallel; snapshots, row counts, probes and migrations run one at a time, in order. A
     * migration that committed is never run twice, whatever the scope, and one whose last attempt ended in doubt
     * is first settled by asking the server about its transaction.
     */
    public void runChecks(Step step, Scope scope) throws IOException, InterruptedException {
        requireOpen(step);
        if (state.skip(step.id()).isPresent()) return;
        List<Integer> parallel = new ArrayList<>();
        List<Integer> sequential = new ArrayList<>();
        Set<Integer> commandsToRun = new java.util.HashSet<>();
        for (int i = 0; i < step.checks().size(); i++) {
            CheckSpec spec = step.checks().get(i);
            if (spec instanceof CheckSpec.Manual || spec instanceof CheckSpec.Signoff
                    || spec instanceof CheckSpec.Gate) continue;
            // A command's verify checks run right after it, in order; all of them again whenever it runs.
            int verifies = step.verifies(i);
            if (verifies >= 0 && commandsToRun.contains(verifies)) {
                sequential.add(i);
                continue;
            }
            // Pending (no result yet, or settled to run again) and blocking results run; settled ones do not.
            Status now = checkStatus(step, i);
            if (scope == Scope.UNSETTLED && now.isFinished() && !now.isBlocking()) continue;
            if (spec instanceof CheckSpec.Writer && Writers.applied(state, step.id(), i).isPresent()) continue;
            if (spec instanceof CheckSpec.Command) commandsToRun.add(i);
            // A timed comparison runs alone: checks running beside it would slow the runs it measures.
            boolean alone = spec instanceof CheckSpec.ExplainCompare;
            (PARALLEL_KINDS.contains(spec.kind()) && verifies < 0 && !alone ? parallel : sequential).add(i);
        }
        // The object checks running side by side read each catalog they compare once, together.
        StepCatalog catalog = StepCatalog.of(parallel.stream().map(step.checks()::get).toList(),
                runbook.target().schema());
        List<Future<?>> futures = new ArrayList<>();
        for (int i : parallel) futures.add(checkWorkers.submit(() -> {
            runOne(step, i, catalog);
            return null;
        }));
        IOException journalFailure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof IOException io) journalFailure = io;
                else throw new IllegalStateException("check worker failed", e.getCause());
            }
        }
        if (journalFailure != null) throw journalFailure;
        for (int i : sequential) runOne(step, i);
    }

    private void runOne(Step step, int index) throws IOException {
        runOne(step, index, StepCatalog.NONE);
    }

    private void runOne(Step step, int index, StepCatalog catalog) throws IOException {
        CheckSpec spec = step.checks().get(index);
        if (stopping != null) return;
        if (spec instanceof CheckSpec.Writer && !Rollbacks.isRollback(step.id()) && state.rollback().isPresent()) {
            // Running the migration forward again after its rollback began would undo the way back.
            listener.previousAttempt(step, index, "not run: this window is being rolled back (began "
                    + state.rollback().get().at() + "); start a new session to apply it again");
            return;
        }
        if (spec instanceof CheckSpec.Writer ex) {
            if (!resolvePreviousAttempt(step, index, ex)) return;
            CheckResult refused = recheckStaleActivity(step, index, ex);
            if (refused != null) {
                record(new JournalEvent.CheckFinished(refused, Instant.now()));
                listener.checkFinished(step, refused);
                return;
            }
        }
        if (spec instanceof CheckSpec.ExpectDuration d) {
            record(new JournalEvent.CheckStarted(step.id(), index, Instant.now()));
            listener.checkStarted(step, index);
            finish(step, DurationCheck.judge(state, step, index, d));
            return;
        }
        record(new JournalEvent.CheckStarted(step.id(), index, Instant.now()));
        if (spec instanceof CheckSpec.Execute ex && !ex.transaction()) {
            // No transaction id to ask about later: mark the start so a crash is never followed by a blind re-run.
            record(new JournalEvent.MigrationBegan(step.id(), index, NO_TRANSACTION, fileSha(ex.file()),
                    Instant.now()));
        }
        // Cancellable before it is shown running: a Cancel pressed the moment the row says RUNNING must reach it.
        CancelToken token = new CancelToken();
        running.put(token, SessionState.key(step.id(), index));
        CommandRecorder output = spec instanceof CheckSpec.Program
                ? new CommandRecorder(step, index, this::record, listener) : null;
        try {
            listener.checkStarted(step, index);
            if (spec instanceof CheckSpec.Backup backup) {
                SessionBackups.run(this, step, index, backup, token);
                return;
            }
            EvalContext ctx = new EvalContext(db, runbook.target().schema(), state, countWorkers, countParallelism,
                    token, output != null ? commandListener(step, index, (CheckSpec.Program) spec, output)
                    : migrationListener(step, index, spec),
                    runbook.title() + " @ " + state.started().server().database(), catalog);
            CheckEngine.Evaluation ev = CheckEngine.evaluate(step.id(), index, spec, ctx);
            // Every line journaled before the result, so the journal reads in the order things happened.
            if (output != null) output.close();
            if (ev.snapshot() != null) {
                record(new JournalEvent.SnapshotRecorded(step.id(), index, ev.snapshot(), Instant.now()));
            }
            finish(step, ev.result());
        } finally {
            running.remove(token);
            if (output != null) output.close();
        }
    }

    /**
     * A migration may only run on the strength of a pre-flight activity check that is recent: "nobody else is
     * connected" from the journal of a session resumed an hour later proves nothing about now. Every activity check
     * of an earlier step whose result is older than {@link #recheckActivityAfter} runs again (journaled like any
     * run); if one of them no longer passes, the migration does not run and its result says why.
     *
     * @return the ERROR result for a migration that must not run now, or null to run it
     */
    private CheckResult recheckStaleActivity(Step writer, int index, CheckSpec spec) throws IOException {
        Instant now = Instant.now();
        List<String> blocking = new ArrayList<>();
        // A rollback stands where its writer stood: the pre-flight checks before that step hold for it too.
        String position = Rollbacks.isRollback(writer.id()) ? Rollbacks.forwardStepId(writer.id()) : writer.id();
        for (Step earlier : runbook.steps().toList()) {
            if (earlier.id().equals(position)) break;
            for (int i = 0; i < earlier.checks().size(); i++) {
                if (!(earlier.checks().get(i) instanceof CheckSpec.Activity)) continue;
                CheckResult last = state.result(earlier.id(), i).orElse(null);
                if (last == null || state.skip(earlier.id()).isPresent()) continue;
                if (last.finishedAt() != null && !last.finishedAt().plus(activityMaxAge).isBefore(now)) continue;
                runOne(earlier, i);
                if (checkStatus(earlier, i).isBlocking()) {
                    CheckResult fresh = state.result(earlier.id(), i).orElseThrow();
                    blocking.add("'" + fresh.label() + "' of step '" + earlier.title() + "' is " + fresh.status()
                            + " now (" + fresh.actual() + ")");
                }
            }
        }
        if (blocking.isEmpty()) return null;
        String actual = "not run: the pre-flight activity checks were older than " + activityMaxAge.toMinutes()
                + " min and were run again; " + String.join("; ", blocking) + ". Resolve that, then run this step"
                + " again";
        Instant at = Instant.now();
        return new CheckResult(writer.id(), index, spec.kind(), spec.label(), Status.ERROR, spec.describe(), actual,
                null, 0, null, actual, null, at, at);
    }

    /**
     * How old a pre-flight activity check's result may be when a migration is about to run before it is run again
     * (default {@link #DEFAULT_ACTIVITY_MAX_AGE}).
     */
    public void recheckActivityAfter(java.time.Duration maxAge) {
        if (maxAge == null || maxAge.isNegative()) throw new IllegalArgumentException("a maximum age >= 0");
        this.activityMaxAge = maxAge;
    }

    private EvalContext.ExecuteListener migrationListener(Step step, int index, CheckSpec spec) {
        if (!(spec instanceof CheckSpec.Execute ex)) return countListener(step, index);
        return new EvalContext.ExecuteListener() {
            @Override
            public void transactionStarted(long xid) {
                try {
                    record(new JournalEvent.MigrationBegan(step.id(), index, xid, fileSha(ex.file()), Instant.now()));
                } catch (IOException e) {
                    // Without this line, a crash mid-migration could not be resolved: do not run it.
                    throw new UncheckedIOException("cannot journal the migration's start", e);
                }
            }

            @Override
            public void statementStarted(int number, int total, int line) {
                if (!ex.transaction()) {
                    try {
                        // Each earlier statement committed on its own: after a crash this line says how far it got.
                        record(new JournalEvent.StatementBegan(step.id(), index, number, total, line,
                                Instant.now()));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot journal statement " + number + " before it runs", e);
                    }
                }
                listener.migrationProgress(step, number, total, line);
            }

            @Override
            public void notice(String message) {
                listener.notice(step, message);
            }

            @Override
            public void lockWaited(dev.runbookpilot.db.Locks.LockWait wait) {
                try {
                    record(new JournalEvent.LockWaited(step.id(), index, wait, Instant.now()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot journal the lock timeout; no further attempt", e);
                }
                listener.lockWaited(step, index, wait);
            }
        };
    }

    /** Hears what a read-only check counts (snapshot, rowCounts, restored), for the wizard; none of it is journaled. */
    private EvalContext.ExecuteListener countListener(Step step, int index) {
        return new EvalContext.ExecuteListener() {
            @Override
            public void countStarted(List<String> tables, long estimatedRows) {
                listener.countStarted(step, index, tables, estimatedRows);
            }

            @Override
            public void countEnded(List<String> tables) {
                listener.countEnded(step, index, tables);
            }
        };
    }

    /**
     * Journals a command's start (a {@link JournalEvent.MigrationBegan} without a transaction, then what runs) before
     * its process exists, and its output as it comes. A status command is no migration: only what runs, and its output.
     */
    private EvalContext.ExecuteListener commandListener(Step step, int index, CheckSpec.Program spec,
                                                        CommandRecorder output) {
        return new EvalContext.ExecuteListener() {
            @Override
            public void commandStarting(String commandLine, String cwd, Map<String, String> shownVariables) {
                try {
                    Instant now = Instant.now();
                    if (spec instanceof CheckSpec.Writer) {
                        record(new JournalEvent.MigrationBegan(step.id(), index, NO_TRANSACTION,
                                RunbookLoader.sha256(commandLine.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                                now));
                    }
                    record(new JournalEvent.CommandBegan(step.id(), index, commandLine, cwd, shownVariables, now));
                } catch (IOException e) {
                    // Without these lines a crash would leave a command that ran looking as if it never began.
                    throw new UncheckedIOException("cannot journal the command's start; it was not started", e);
                }
            }

            @Override
            public void output(dev.runbookpilot.proc.ChildProcess.Line line) {
                output.accept(line);
            }
        };
    }

    private static String fileSha(Path file) {
        try {
            return RunbookLoader.sha256(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        }
    }

    void finish(Step step, CheckResult result) throws IOException {
        record(new JournalEvent.CheckFinished(result, Instant.now()));
        listener.checkFinished(step, result);
    }

    /**
     * Before a migration runs: learns what became of an earlier attempt that had no clean outcome, and says whether
     * the file may run now. In a transaction, the server is asked ({@code txid_status}): committed is PASSED without
     * running again; aborted runs again; still in progress, or too old to tell, is ERROR until the server can say or
     * a person settles it. Without a transaction, an attempt that got past its first statement waits for a person's
     * {@link #settle} decision; one that never began a statement, or whose first was refused, may simply run.
     */
    private boolean resolvePreviousAttempt(Step step, int index, CheckSpec spec) throws IOException {
        JournalEvent.MigrationBegan began = state.interruptedMigration(step.id(), index).orElse(null);
        if (began == null) return true;
        if (began.xid() == NO_TRANSACTION) {
            if (Writers.unsettled(state, step.id(), index).isPresent()) {
                log.info("migration {}#{} waits for a settle decision; not run", step.id(), index);
                return false;
            }
            Writers.Attempt a = Writers.latestAttempt(state, step.id(), index).orElseThrow();
            if (a.result() == null) resolved(step, index, began.xid(), JournalEvent.MigrationResolved.FATE_NOT_STARTED);
            return true;
        }
        String fate;
        try {
            fate = awaitFate(began.xid());
        } catch (SQLException e) {
            finish(step, result(step, index, spec, Status.ERROR, "cannot learn the fate of interrupted migration"
                    + " transaction " + began.xid() + ": " + e.getMessage(), e.getSQLState()));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(step, result(step, index, spec, Status.ERROR, "interrupted while waiting for transaction "
                    + began.xid(), null));
            return false;
        }
        log.info("interrupted migration {} (xid {}) is {}", step.id(), began.xid(), fate);
        if (fate == null) fate = JournalEvent.MigrationResolved.FATE_UNKNOWN;
        resolved(step, index, began.xid(), fate);
        switch (fate) {
            case JournalEvent.MigrationResolved.FATE_COMMITTED:
                finish(step, result(step, index, spec, Status.PASSED, "committed before the interruption (xid "
                        + began.xid() + ")", null));
                return false;
            case JournalEvent.MigrationResolved.FATE_ABORTED:
                return true;
            case JournalEvent.MigrationResolved.FATE_IN_PROGRESS:
                finish(step, result(step, index, spec, Status.ERROR, "transaction " + began.xid()
                        + " is still in progress on the server; wait for it to end (or terminate it) and run again,"
                        + " or settle it: applied, not applied or run again", null));
                return false;
            default:
                // Too old for the commit log: it may have committed. Running the file again could apply it twice.
                finish(step, result(step, index, spec, Status.ERROR, "transaction " + began.xid() + " is too old for"
                        + " the server to say whether it committed; check by hand whether the migration was applied,"
                        + " then settle it: applied, not applied or run again", null));
                return false;
        }
    }

    private void resolved(Step step, int index, long xid, String fate) throws IOException {
        record(new JournalEvent.MigrationResolved(step.id(), index, xid, fate, Instant.now()));
        listener.previousAttempt(step, index, switch (fate) {
            case JournalEvent.MigrationResolved.FATE_COMMITTED -> "the previous attempt committed (transaction " + xid
                    + "): it is not run again";
            case JournalEvent.MigrationResolved.FATE_ABORTED -> "the previous attempt was rolled back (transaction "
                    + xid + " aborted): it runs again when approved";
            case JournalEvent.MigrationResolved.FATE_NOT_STARTED -> "the previous attempt stopped before its first"
                    + " statement: nothing ran, it runs again when approved";
            default -> "the previous attempt's transaction " + xid + " is " + fate + ": settle it before anything"
                    + " runs it again";
        });
    }

    /**
     * A killed client's backend only notices it is alone when it next talks to the client, so its transaction
     * can stay "in progress" for a while after the crash; give it time to abort before calling it stuck.
     */
    private String awaitFate(long xid) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + MIGRATION_SETTLE.toNanos();
        while (true) {
            String fate;
            try (Connection c = db.readConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT txid_status(?)")) {
                ps.setLong(1, xid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    fate = rs.getString(1);
                }
            }
            if (!"in progress".equals(fate) || System.nanoTime() > deadline || !stillExecuting(xid)) return fate;
            Thread.sleep(250);
        }
    }

    /** Whether a backend is running a statement in that transaction (an idle one will not end by itself). */
    private boolean stillExecuting(long xid) throws SQLException {
        try (Connection c = db.readConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                     + " AND backend_xid IS NOT NULL AND backend_xid::text::bigint = ? % 4294967296")) {
            ps.setLong(1, xid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getLong(1) > 0;
            }
        }
    }

    private CheckResult result(Step step, int index, CheckSpec spec, Status status, String actual, String sqlState) {
        Instant now = Instant.now();
        return new CheckResult(step.id(), index, spec.kind(), spec.label(), status, spec.describe(), actual,
                "SELECT txid_status(xid)", 0, sqlState, status == Status.ERROR ? actual : null, null, now, now);
    }

    /**
     * Cancels every check running now; each ends as ERROR "cancelled by the operator". Returns at once; for up to
     * 2 s a daemon thread re-sends the cancel while those checks still run, because a statement caught between
     * registering and executing ignores a cancel request and would otherwise run to its end.
     */
    public void cancel() {
        Set<CancelToken> tokens = new java.util.HashSet<>(running.keySet());
        tokens.forEach(CancelToken::cancel);
        if (tokens.isEmpty()) return;
        Thread resend = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            try {
                while (System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    tokens.retainAll(running.keySet());
                    if (tokens.isEmpty()) return;
                    tokens.forEach(CancelToken::cancel);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "cancel-resend");
        resend.setDaemon(true);
        resend.start();
    }

    // ---------------------------------------------------------------- settling migrations

    /** What ran, when and by whom, for a migration that is applied (it passed, or was settled as applied). */
    public Optional<Writers.Applied> applied(Step step, int index) {
        if (!(step.checks().get(index) instanceof CheckSpec.Writer)) return Optional.empty();
        return Writers.applied(state, step.id(), index);
    }

    /** Whether running the step would run a migration: one of its migrations is not applied yet. */
    public boolean hasMigrationToRun(Step step) {
        for (int i = 0; i < step.checks().size(); i++) {
            if (step.checks().get(i) instanceof CheckSpec.Writer && applied(step, i).isEmpty()) return true;
        }
        return false;
    }

    /**
     * Whether running the step needs the operator's approval first: a migration not applied yet, or, against
     * production, probes (they write, then roll back) unless the runbook's target says {@code approveProbes: false}.
     */
    public boolean needsApproval(Step step) {
        return hasMigrationToRun(step) || runbook.target().probesNeedApproval(step)
                || runbook.target().statusCommandsNeedApproval(step)
                || SessionBackups.needsApproval(runbook, step);
    }

    /**
     * What a command step will run, for the operator to approve: the exact command line, the working directory and
     * every variable it gets, secret values masked. Reads no database (only this session's connection settings).
     */
    public String commandPreview(CheckSpec.Program spec) {
        StringBuilder b = new StringBuilder("$ ").append(spec.run().shown()).append('\n');
        if (spec.run().argv().isEmpty()) b.append("  (a shell line: runs as sh -c)\n");
        b.append("in ").append(spec.cwd()).append(java.nio.file.Files.isDirectory(spec.cwd()) ? ""
                : "  (DOES NOT EXIST: the command cannot start)").append('\n');
        try {
            dev.runbookpilot.proc.ClientEnvironment base = dev.runbookpilot.proc.ClientEnvironment
                    .of(db.connectionSettings(), "Runbook Pilot (command)");
            dev.runbookpilot.proc.ClientEnvironment env = (spec instanceof CheckSpec.StatusCommand ? base.readOnly()
                    : base).with(spec.env());
            b.append("with variables (secret values hidden):\n");
            env.shown().forEach((k, v) -> b.append("  ").append(k).append('=').append(v).append('\n'));
        } catch (IllegalArgumentException | IllegalStateException e) {
            b.append("cannot set its variables: ").append(e.getMessage()).append('\n');
        }
        if (!spec.meta().timeout().isZero()) b.append("stopped (with every process it starts) after ")
                .append(spec.meta().timeout().toSeconds()).append(" s\n");
        return b.toString();
    }

    /** Why a migration needs a settle decision before anything runs it again; empty when it does not. */
    public Optional<String> unsettled(Step step, int index) {
        return Writers.unsettled(state, step.id(), index);
    }

    /** The step's migrations that wait for a settle decision. */
    public List<Integer> unsettled(Step step) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < step.checks().size(); i++) {
            if (step.checks().get(i) instanceof CheckSpec.Writer && unsettled(step, i).isPresent()) out.add(i);
        }
        return out;
    }

    /**
     * A person's decision about a migration whose outcome was not a clean PASS or a clean rollback, journaled with
     * what they were shown. Not a waiver: applied counts as confirmed by them and is never run again; not applied
     * and run again let it run again, with approval.
     */
    public void settle(Step step, int index, JournalEvent.Settlement decision, String note) throws IOException {
        if (decision == null) throw new IllegalArgumentException("choose applied, not applied or run again");
        if (note == null || note.isBlank()) {
            throw new IllegalArgumentException("a settle decision needs a note: what you found in the database");
        }
        String evidence = unsettled(step, index).orElseThrow(() -> new IllegalArgumentException(step.id() + "#"
                + index + " has nothing to settle: only a migration whose outcome is unknown is settled"));
        record(new JournalEvent.Settled(step.id(), index, operator, decision, note.strip(), evidence, Instant.now()));
    }

    // ---------------------------------------------------------------- rolling back

    /** What a rollback of this window would undo now, in order, and the baseline its proof compares to. */
    public Rollbacks.Plan rollbackPlan() {
        return Rollbacks.plan(runbook, state);
    }

    /** Asked before each rollback runs; shows it and returns whether the operator approved it. */
    @FunctionalInterface
    public interface RollbackApproval {
        boolean approve(Rollbacks.Item item) throws InterruptedException;
    }

    /**
     * How a call of {@link #rollBack} ended. {@code proved}: every rollback ran and the proof PASSED;
     * {@code statement} says in plain words where things stand.
     */
    public record RollbackRun(boolean proved, String statement) {}

    /**
     * Rolls the window back: journals the start, then runs the rollback of each applied writer in reverse order, each
     * after {@code approval} said yes, as a migration (journaled before it runs, crash-safe, never run twice: one that
     * already ran is skipped), stopping at the first that is not approved, does not pass, or waits for a settle
     * decision, and at a writer with no rollback declared. When every one ran, the {@code restored} proof runs
     * against the baseline. Call it again to carry on after a stop; nothing that ran runs again.
     *
     * @throws IllegalStateException when no rollback is offered (see {@link Rollbacks.Plan#refusal()}) or the window
     *                               has ended
     */
    public RollbackRun rollBack(String reason, RollbackApproval approval) throws IOException, InterruptedException {
        if (state.ended().isPresent()) throw new IllegalStateException("the window has ended; it cannot be rolled back");
        Rollbacks.Plan plan = rollbackPlan();
        if (!plan.offered()) throw new IllegalStateException(plan.refusal());
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a rollback needs a written reason");
        List<String> undo = plan.runnable().stream().map(Rollbacks.Item::key).toList();
        record(new JournalEvent.RollbackBegan(operator, reason.strip(), undo, plan.stop(), Instant.now()));
        for (Rollbacks.Item item : plan.runnable()) {
            Step rb = item.rollback();
            if (checkStatus(rb, 0).isSatisfied()) continue;
            String title = "the rollback of '" + item.forward().title() + "'";
            Optional<String> unsettled = unsettled(rb, 0);
            if (unsettled.isPresent()) {
                return new RollbackRun(false, title + " waits for a settle decision: " + unsettled.get());
            }
            if (!approval.approve(item)) return new RollbackRun(false, title + " was not approved: it did not run");
            if (stopping != null) return new RollbackRun(false, "the session is stopping (" + stopping + ")");
            runOne(rb, 0);
            Status status = checkStatus(rb, 0);
            if (!status.isSatisfied()) {
                String actual = state.result(rb.id(), 0).map(CheckResult::actual).orElse("it did not run");
                String how = unsettled(rb, 0).map(u -> "; settle it (applied, not applied or run again): " + u)
                        .orElse("");
                return new RollbackRun(false, title + " is " + status + ": " + actual + how);
            }
        }
        if (plan.stop() != null) return new RollbackRun(false, plan.stop());
        CheckResult proof = proveRollback();
        return new RollbackRun(proof.status() == Status.PASSED, switch (proof.status()) {
            case PASSED -> "ROLLED BACK: the database is back at the baseline ('" + plan.baseline().name() + "')";
            case FAILED -> "the rollbacks ran, but the database is NOT back at the baseline: " + proof.actual();
            default -> "the rollbacks ran, but the proof could not look: " + proof.actual()
                    + ". The database is not proven back at the baseline";
        });
    }

    /**
     * Runs the {@code restored} proof of a rollback against the plan's baseline, as the snapshot was recorded before
     * the first applied writer began, and journals its result. ERROR, never PASSED, when there is no such baseline.
     */
    public CheckResult proveRollback() throws IOException {
        if (state.rollback().isEmpty()) throw new IllegalStateException("no rollback began; there is nothing to prove");
        Rollbacks.Plan plan = rollbackPlan();
        Rollbacks.Proof proof = Rollbacks.proof(plan, state.rehearsal().isPresent());
        Step step = proof.step();
        CheckSpec spec = step.checks().get(0);
        record(new JournalEvent.CheckStarted(step.id(), 0, Instant.now()));
        listener.checkStarted(step, 0);
        CheckResult result;
        if (proof.problem() != null) {
            Instant now = Instant.now();
            result = new CheckResult(step.id(), 0, spec.kind(), spec.label(), Status.ERROR, spec.describe(),
                    proof.problem(), null, 0, null, proof.problem(), null, now, now);
        } else {
            CancelToken token = new CancelToken();
            running.put(token, SessionState.key(step.id(), 0));
            try {
                Snapshots.Data baseline = plan.baseline();
                // The snapshot as it was before the migration: one taken again later under the same name is not it.
                Snapshots frozen = name -> name.equals(baseline.name()) ? Optional.of(baseline) : Optional.empty();
                EvalContext ctx = new EvalContext(db, runbook.target().schema(), frozen, countWorkers,
                        countParallelism, token, countListener(step, 0),
                        runbook.title() + " @ " + state.started().server().database());
                result = CheckEngine.evaluate(step.id(), 0, spec, ctx).result();
            } finally {
                running.remove(token);
            }
        }
        finish(step, result);
        return result;
    }

    // ---------------------------------------------------------------- blockers

    /**
     * The sessions the latest attempt of this migration timed out waiting for, as its ERROR result names them, or
     * that a command's sessions were seen waiting for when the command did not pass; empty when it did not end that
     * way. Only these may be cancelled or terminated through {@link #stopBlocker}.
     */
    public List<dev.runbookpilot.db.Locks.Blocker> blockers(Step step, int index) {
        CheckResult r = state.result(step.id(), index).orElse(null);
        if (r == null) return List.of();
        if (r.detail() instanceof dev.runbookpilot.check.CheckDetail.CommandRun run && run.locks() != null
                && (r.status() == Status.FAILED || r.status() == Status.ERROR)) {
            return run.locks().lastBlockers();
        }
        if (r.status() != Status.ERROR || !"55P03".equals(r.sqlState())
                || !(r.detail() instanceof dev.runbookpilot.check.CheckDetail.Notices n) || n.locks() == null) {
            return List.of();
        }
        return n.locks().lastBlockers();
    }

    /** Whether stopping a blocker needs the database name typed: against production, as for a migration. */
    public boolean stopBlockerNeedsTypedName() {
        return runbook.target().environment() == dev.runbookpilot.runbook.Environment.PRODUCTION;
    }

    /**
     * Cancels the running statement of ({@code pg_cancel_backend}), or terminates ({@code pg_terminate_backend}),
     * a session that made this migration time out: only one its failure named, only that very backend (same pid and
     * start time; a later backend that reuses the pid is left alone), with a written reason, and against production
     * only with the database name typed. Journaled before the signal is sent, and again with what the server said.
     *
     * @param typedDatabase the database name the operator typed (needed on production; ignored elsewhere)
     * @return {@link JournalEvent.BlockerStopped#SIGNALLED} or {@link JournalEvent.BlockerStopped#GONE}
     * @throws IllegalArgumentException when the pid is not a blocker of this step, the reason is blank, or the typed
     *                                  name does not match; nothing is journaled or sent then
     */
    public String stopBlocker(Step step, int index, int pid, boolean terminate, String reason, String typedDatabase)
            throws IOException, SQLException {
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("stopping another session needs a written reason");
        }
        dev.runbookpilot.db.Locks.Blocker blocker = blockers(step, index).stream().filter(b -> b.pid() == pid)
                .findFirst().orElseThrow(() -> new IllegalArgumentException("pid " + pid + " is not a session '"
                        + step.title() + "' last waited for; only those can be stopped here"));
        String database = state.started().server().database();
        String approval;
        if (stopBlockerNeedsTypedName()) {
            if (typedDatabase == null || !database.equals(typedDatabase.strip())) {
                throw new IllegalArgumentException("PRODUCTION: type the database name (" + database + ") to "
                        + (terminate ? "terminate" : "cancel") + " pid " + pid);
            }
            approval = "database name '" + database + "' typed";
        } else {
            approval = "approved by the operator (" + runbook.target().environment().yamlName() + ")";
        }
        String action = terminate ? "terminate" : "cancel";
        record(new JournalEvent.BlockerStopped(step.id(), index, operator, action, reason.strip(), blocker, approval,
                JournalEvent.BlockerStopped.REQUESTED, Instant.now()));
        boolean signalled;
        try (Connection c = db.openWriter();
             PreparedStatement ps = c.prepareStatement("SELECT " + (terminate ? "pg_terminate_backend"
                     : "pg_cancel_backend") + "(a.pid) FROM pg_stat_get_activity(?) a"
                     + " WHERE ?::timestamptz IS NULL OR a.backend_start = ?::timestamptz")) {
            java.time.OffsetDateTime started = blocker.backendStart() == null ? null
                    : blocker.backendStart().atOffset(ZoneOffset.UTC);
            ps.setInt(1, pid);
            ps.setObject(2, started);
            ps.setObject(3, started);
            try (ResultSet rs = ps.executeQuery()) {
                signalled = rs.next() && rs.getBoolean(1);
            }
        }
        String outcome = signalled ? JournalEvent.BlockerStopped.SIGNALLED : JournalEvent.BlockerStopped.GONE;
        record(new JournalEvent.BlockerStopped(step.id(), index, operator, action, reason.strip(), blocker, approval,
                outcome, Instant.now()));
        return outcome;
    }

    // ---------------------------------------------------------------- stopping

    /**
     * The process is going away (a signal, the window closing): nothing new starts, every statement running on the
     * server is cancelled, and each check gets up to {@code wait} to journal how it ended. Then the stop itself is
     * journaled — always when {@code journalAlways}, else only if something was cancelled. Safe to call twice.
     */
    public void stop(String reason, Duration wait, boolean journalAlways) {
        synchronized (stopped) {
            if (stopping != null) {
                awaitStopped(wait);
                return;
            }
            stopping = reason;
        }
        try {
            List<String> cancelled = new ArrayList<>(running.values());
            cancelled.sort(null);
            long deadline = System.nanoTime() + wait.toNanos();
            while (!running.isEmpty() && System.nanoTime() < deadline) {
                // Again and again: a statement caught between registering and executing ignores a cancel request.
                running.keySet().forEach(t -> t.cancel(reason));
                Thread.sleep(100);
            }
            if (journalAlways || !cancelled.isEmpty()) {
                record(new JournalEvent.Stopped(operator, reason, cancelled, Instant.now()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("cannot journal the stop: {}", e.getMessage());
        } finally {
            stopped.countDown();
        }
    }

    private void awaitStopped(Duration wait) {
        try {
            stopped.await(wait.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- people

    public void confirm(Step step, int index, String note) throws IOException {
        requireOpen(step);
        CheckSpec spec = step.checks().get(index);
        if (!(spec instanceof CheckSpec.Manual m)) {
            throw new IllegalArgumentException(step.id() + "#" + index + " is not a manual confirmation");
        }
        if (isRehearsal()) {
            throw new IllegalArgumentException("a rehearsal records manual steps as rehearsed, never as confirmed");
        }
        if (m.requireNote() && (note == null || note.isBlank())) {
            throw new IllegalArgumentException("'" + step.title() + "' needs a note: " + m.text());
        }
        record(new JournalEvent.Confirmed(step.id(), index, operator, note == null ? "" : note.strip(),
                Instant.now()));
    }

    /**
     * Takes back a confirmation of a manual check: it is PENDING again. Refused once the window has ended (the
     * report may be signed) and for a check that is not confirmed; the wizard offers it only on the step where it
     * was given, before the operator leaves it.
     */
    public void withdrawConfirmation(Step step, int index) throws IOException {
        if (!(step.checks().get(index) instanceof CheckSpec.Manual)) {
            throw new IllegalArgumentException(step.id() + "#" + index + " is not a manual confirmation");
        }
        if (state.ended().isPresent()) {
            throw new IllegalArgumentException("the window has ended; its confirmations stand");
        }
        if (state.confirmation(step.id(), index).isEmpty()) {
            throw new IllegalArgumentException(step.id() + "#" + index + " is not confirmed; nothing to withdraw");
        }
        record(new JournalEvent.ConfirmationWithdrawn(step.id(), index, operator, Instant.now()));
    }

    public void waive(Step step, int index, String reason) throws IOException {
        waive(step, index, reason, false);
    }

    /**
     * Accepts a failed or errored check with a written reason.
     *
     * @param inAdvance granted before the failure was seen ({@code run --waive}); the report says so
     */
    public void waive(Step step, int index, String reason, boolean inAdvance) throws IOException {
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a waiver needs a written reason");
        if (!checkStatus(step, index).isBlocking()) {
            throw new IllegalArgumentException(step.id() + "#" + index + " has not failed; nothing to waive");
        }
        if (step.checks().get(index) instanceof CheckSpec.Gate) {
            throw new IllegalArgumentException("a NO-GO cannot be waived: the window ended at '" + step.title() + "'");
        }
        if (!isWaivable(step, index)) {
            throw new IllegalArgumentException("'" + step.title() + "' is a migration that did not complete; it "
                    + "cannot be waived. Fix the cause and re-run it, settle what it did, roll it back, or end the"
                    + " window as failed");
        }
        record(new JournalEvent.Waived(step.id(), index, operator, reason.strip(), Instant.now(), inAdvance));
    }

    /**
     * Whether a failure of this check may be accepted with a reason. A migration's may not: whatever it left
     * behind is the database now, and a waiver would carry the window on to sign-off as if it had run.
     */
    public static boolean isWaivable(Step step, int index) {
        // Nor a gate's NO-GO: the people who answered it ended the window.
        return !(step.checks().get(index) instanceof CheckSpec.Writer) && !(step.checks().get(index) instanceof CheckSpec.Gate);
    }

    /**
     * Skips an optional step with a written reason: its checks become SKIPPED, never passed, and do not run. A
     * step whose migration began cannot be skipped: what it did must be settled, not hidden.
     */
    public void skip(Step step, String reason) throws IOException {
        if (!step.optional()) {
            throw new IllegalArgumentException("'" + step.title() + "' is not optional; only steps marked"
                    + " optional: true may be skipped");
        }
        if (reason == null || reason.isBlank()) throw new IllegalArgumentException("a skip needs a written reason");
        requireOpen(step);
        if (state.skip(step.id()).isPresent()) return;
        for (int i = 0; i < step.checks().size(); i++) {
            if (step.checks().get(i) instanceof CheckSpec.Writer
                    && (state.result(step.id(), i).isPresent() || state.interruptedMigration(step.id(), i).isPresent())) {
                throw new IllegalArgumentException("'" + step.title() + "' ran its migration; it cannot be skipped");
            }
        }
        record(new JournalEvent.Skipped(step.id(), operator, reason.strip(), Instant.now()));
    }

    /**
     * Records a typed name in a sign-off role. Nothing proves who typed it; {@link #signWithKey}
     * signs with the person's key.
     */
    public void sign(Step step, String role, String name) throws IOException {
        checkSignoff(step, role, name);
        record(new JournalEvent.Signed(step.id(), role, name.strip(), Instant.now()));
    }

    /**
     * Signs a sign-off role with the person's key: the journal records the key's fingerprint and public key, the
     * SHA-256 of every journal byte before the sign-off, and the key's signature over all of it, so an edit of any
     * earlier line is detected. The key is read (and may ask its passphrase) before the journal is touched.
     */
    public void signWithKey(Step step, String role, SignoffKey key) throws IOException {
        String name = key.name();
        checkSignoff(step, role, name);
        appendKeyed(step, role, name, null, null, key);
    }

    /**
     * Appends a {@code signed} line made with {@code key}: its signature covers session, step, role, name, the
     * decision (null for a sign-off) and reason, the time, and the SHA-256 of every journal byte before the line,
     * taken under the journal's lock so nothing slips in between.
     */
    private void appendKeyed(Step step, String role, String name, String decision, String reason, SignoffKey key)
            throws IOException {
        String fingerprint = key.fingerprint();
        String publicKey = key.publicKey();
        if (stopping != null) throw new IOException("the session is stopping (" + stopping + "); nothing new starts");
        String sessionId = state.started().sessionId();
        String who = name.strip();
        Instant at = Instant.now();
        JournalEvent e;
        try {
            e = journal.appendChained(prefix -> {
                String text = JournalEvent.Signed.signedText(sessionId, step.id(), role, who, at, decision, reason,
                        prefix);
                try {
                    return new JournalEvent.Signed(step.id(), role, who, at, decision, reason, fingerprint, publicKey,
                            prefix, key.sign(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                } catch (IOException signing) {
                    throw new java.io.UncheckedIOException(signing);
                }
            });
        } catch (java.io.UncheckedIOException signing) {
            throw signing.getCause();
        }
        state.apply(e);
    }

    private void checkSignoff(Step step, String role, String name) {
        CheckSpec.Signoff so = step.checks().stream().filter(c -> c instanceof CheckSpec.Signoff)
                .map(c -> (CheckSpec.Signoff) c).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(step.id() + " is not a sign-off step"));
        if (!so.roles().contains(role)) {
            throw new IllegalArgumentException("'" + role + "' is not a role of this sign-off; roles: "
                    + String.join(", ", so.roles()));
        }
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a signature needs a name");
        if (isRehearsal()) {
            throw new IllegalArgumentException("a rehearsal records sign-offs as rehearsed; nobody signs a rehearsal");
        }
        requireOpen(step);
    }

    /**
     * A role's answer to a gate, journaled (and fsync'd) before it takes effect, the way a sign-off is: GO, or NO-GO
     * with its reason. Each role answers once. A NO-GO ends the window: it is journaled, then the window's end.
     */
    public void answerGate(Step step, String role, String name, boolean go, String reason) throws IOException {
        checkGateAnswer(step, role, name, go, reason);
        record(new JournalEvent.Signed(step.id(), role, name.strip(), Instant.now(),
                go ? JournalEvent.Signed.GO : JournalEvent.Signed.NO_GO, go ? null : reason.strip()));
        if (!go) finish();
    }

    /**
     * As {@link #answerGate}, signed with the person's key like {@link #signWithKey}: the signature covers the
     * decision and the reason, so a GO edited into a NO-GO (or back) afterwards no longer verifies.
     */
    public void answerGateWithKey(Step step, String role, SignoffKey key, boolean go, String reason)
            throws IOException {
        String name = key.name();
        checkGateAnswer(step, role, name, go, reason);
        appendKeyed(step, role, name, go ? JournalEvent.Signed.GO : JournalEvent.Signed.NO_GO,
                go ? null : reason.strip(), key);
        if (!go) finish();
    }

    private void checkGateAnswer(Step step, String role, String name, boolean go, String reason) {
        CheckSpec.Gate gate = Gates.gate(step)
                .orElseThrow(() -> new IllegalArgumentException(step.id() + " is not a gate"));
        if (!gate.roles().contains(role)) {
            throw new IllegalArgumentException("'" + role + "' is not a role of this gate; roles: "
                    + String.join(", ", gate.roles()));
        }
        if (name == null || name.isBlank()) throw new IllegalArgumentException("a gate answer needs a name");
        if (!go && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("a NO-GO needs its reason: the report says who stopped the window and"
                    + " why");
        }
        if (isRehearsal()) {
            throw new IllegalArgumentException("a rehearsal records gates as rehearsed; nobody answers for the real"
                    + " window in a rehearsal");
        }
        requireOpen(step);
        JournalEvent.Signed earlier = state.signatures(step.id()).get(role);
        if (earlier != null) {
            throw new IllegalArgumentException(role + " already answered " + earlier.decision() + " (" + earlier.name()
                    + ", " + earlier.at() + "); each role answers once");
        }
    }

    /** Why nothing of this step may happen now (an earlier gate, a NO-GO); empty when it is open. */
    public Optional<String> closedBy(Step step) {
        return Gates.closedBy(runbook, state, step);
    }

    private void requireOpen(Step step) {
        Optional<String> closed = closedBy(step);
        if (closed.isPresent()) throw new IllegalArgumentException(closed.get());
    }

    /**
     * Journals every overrun of the window, a phase or a step seen at {@code now} that is not journaled yet; each is
     * journaled once. Returns the ones journaled now.
     */
    public synchronized List<JournalEvent.Overrun> recordOverruns(Instant now) throws IOException {
        if (state.ended().isPresent() || stopping != null) return List.of();
        Map<String, JournalEvent.Overrun> known = state.overruns();
        List<JournalEvent.Overrun> out = new ArrayList<>();
        for (WindowTimes.Overrun o : WindowTimes.of(runbook, state).overruns(now)) {
            if (known.containsKey(o.key())) continue;
            JournalEvent.Overrun e = new JournalEvent.Overrun(o.key(), o.name(), o.budget().toMillis(),
                    o.elapsed().toMillis(), now);
            record(e);
            out.add(e);
        }
        return out;
    }

    /** Marks the window closed; reports show the end time from here. */
    public void finish() throws IOException {
        if (state.ended().isEmpty()) record(new JournalEvent.Ended(operator, Instant.now()));
    }

    @Override
    public void close() throws IOException {
        try {
            closeWithoutLock();
        } finally {
            lock.close();
        }
    }

    /** Everything but giving up the session's ownership. */
    private void closeWithoutLock() throws IOException {
        stop("the session was closed while work ran", STOP_WAIT, false);
        // Cancelled checks end on their own within moments and journal their ERROR; only stragglers are interrupted.
        checkWorkers.shutdown();
        countWorkers.shutdown();
        try {
            if (!checkWorkers.awaitTermination(5, TimeUnit.SECONDS)) checkWorkers.shutdownNow();
            if (!countWorkers.awaitTermination(5, TimeUnit.SECONDS)) countWorkers.shutdownNow();
            checkWorkers.awaitTermination(5, TimeUnit.SECONDS);
            countWorkers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            checkWorkers.shutdownNow();
            countWorkers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        journal.close();
    }
}
