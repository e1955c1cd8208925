package dev.runbookpilot.check;

import dev.runbookpilot.db.LockWatch;
import dev.runbookpilot.db.Locks;
import dev.runbookpilot.db.MigrationLock;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.sql.SqlStatements;
import dev.runbookpilot.sql.StatementGuard;
import org.postgresql.core.BaseConnection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The only checks that may write: probes that always roll back, and the migration itself. */
final class WriteChecks {

    private WriteChecks() {}

    /**
     * rejects / accepts: the guard first (the statement and each setup statement one by one, each an allowed kind
     * with no denied function), then setup and statement in one transaction that is rolled back whatever happens,
     * with the check's statement timeout and the writer's lock timeout, so a probe cannot leave a trace or queue.
     * After every statement the server's transaction state must still be ours: one that ended it is an alarm.
     */
    static CheckOutcome probe(CheckSpec.Statement spec, EvalContext ctx) throws SQLException {
        String expected = spec.expectRejection()
                ? "rejected" + (spec.sqlstate() == null ? "" : " with SQLSTATE " + spec.sqlstate())
                + (spec.messageContains() == null ? "" : " mentioning '" + spec.messageContains() + "'")
                : "accepted";
        String shownSql = spec.setup() == null ? spec.sql() : spec.setup() + ";\n" + spec.sql();
        boolean scs = ctx.db().standardConformingStrings();
        List<String> setup;
        try {
            setup = spec.setup() == null ? List.of() : StatementGuard.probeSetup(spec.setup(), scs);
            StatementGuard.check(spec.sql(), StatementGuard.Use.PROBE, scs);
        } catch (StatementGuard.Refusal r) {
            throw r.asSqlException();
        }
        try (Connection c = ctx.db().openWriter()) {
            BaseConnection pg = c.unwrap(BaseConnection.class);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                ctx.token().register(s);
                try {
                    s.execute("SET LOCAL statement_timeout = " + spec.meta().timeout().toMillis());
                    for (String statement : setup) {
                        try {
                            s.execute(statement);
                        } catch (SQLException e) {
                            throw new SQLException("setup failed: " + e.getMessage(), e.getSQLState(), e);
                        } finally {
                            ReadOnlyExecution.requireOurTransaction(pg, statement);
                        }
                    }
                    SQLException refusal = null;
                    try {
                        s.execute(spec.sql());
                    } catch (SQLException e) {
                        refusal = e;
                    }
                    ReadOnlyExecution.requireOurTransaction(pg, spec.sql());
                    return judge(spec, expected, shownSql, refusal);
                } finally {
                    ctx.token().unregister(s);
                }
            } finally {
                c.rollback();
            }
        }
    }

    private static CheckOutcome judge(CheckSpec.Statement spec, String expected, String sql, SQLException refusal)
            throws SQLException {
        if (refusal != null && isInterruption(refusal.getSQLState())) throw refusal;
        if (!spec.expectRejection()) {
            return refusal == null ? CheckOutcome.of(true, expected, "accepted", sql, null)
                    : CheckOutcome.of(false, expected, "rejected: " + refusal.getSQLState() + " "
                    + firstLine(refusal.getMessage()), sql, null);
        }
        if (refusal == null) return CheckOutcome.of(false, expected, "accepted (no error)", sql, null);
        boolean stateOk = spec.sqlstate() == null || spec.sqlstate().equals(refusal.getSQLState());
        boolean messageOk = spec.messageContains() == null || refusal.getMessage() != null
                && refusal.getMessage().toLowerCase().contains(spec.messageContains().toLowerCase());
        return CheckOutcome.of(stateOk && messageOk, expected, "rejected with SQLSTATE " + refusal.getSQLState()
                + ": " + firstLine(refusal.getMessage()), sql, null);
    }

    /** Cancellation, timeouts and lost connections say nothing about the statement: they are errors. */
    static boolean isInterruption(String sqlState) {
        return sqlState != null && (sqlState.equals("57014") || sqlState.equals("55P03") || sqlState.startsWith("08")
                || sqlState.equals("57P01"));
    }

    static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /**
     * Runs a migration file statement by statement on a writer connection, holding the runbook's migration lock on
     * the server so no other workstation applies one at the same time. In a transaction (the default) the
     * expected notices are verified before COMMIT, and a missing one rolls everything back: a migration that
     * did not say what it was expected to say is not left half-trusted in the database.
     *
     * <p>Each statement waits at most the step's {@code lockTimeout} for a lock. A watcher on a connection of its
     * own names whoever the migration waits for; a lock timeout that left nothing applied is tried again up to
     * {@code lockRetries} times after a growing pause ({@link #pauseBefore}), each attempt reported to the listener
     * (journaled) before the next begins. What the migration held is recorded with its result.
     */
    static CheckOutcome execute(CheckSpec.Execute spec, EvalContext ctx) throws SQLException, IOException,
            SqlStatements.MetaCommandException {
        byte[] bytes = Files.readAllBytes(spec.file());
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<SqlStatements.Statement> statements = SqlStatements.split(text);
        String shownSql = shownSql(spec, bytes, text, statements.size());
        List<Locks.LockWait> waits = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            Run run = new Run(spec, ctx, statements, shownSql);
            try (LockWatch watch = LockWatch.start(ctx.db(), null, !spec.transaction())) {
                try {
                    return run.once(watch, waits);
                } catch (SQLException e) {
                    if (!"55P03".equals(e.getSQLState()) || run.failedAt == null) throw e;
                    List<Locks.Blocker> blockers = watch.blockers();
                    // In a transaction everything rolled back; without one, only a refused first statement is nothing.
                    boolean nothingApplied = spec.transaction() || run.failedAt.number() == 1;
                    boolean again = nothingApplied && attempt <= spec.lockRetries() && !ctx.token().isCancelled();
                    Duration pause = again ? pauseBefore(attempt + 1) : null;
                    Locks.LockWait wait = new Locks.LockWait(attempt, run.failedAt.number(), run.failedAt.line(),
                            spec.lockTimeout().toMillis(), blockers, pause == null ? null : pause.toMillis(),
                            Instant.now());
                    waits.add(wait);
                    ctx.listener().lockWaited(wait);
                    if (!again) {
                        Locks.Report locks = new Locks.Report(run.method(watch), run.held(watch, Instant.now()), waits);
                        throw new LockTimedOut(lockMessage(spec, run, attempt, blockers, nothingApplied), e,
                                new CheckDetail.Notices(run.notices, List.of(), run.rows, locks));
                    }
                    pause(pause, ctx);
                }
            }
        }
    }

    /** The pause before attempt {@code n} (from 2): 1 s, 2 s, 4 s, ... at most 30 s. */
    static Duration pauseBefore(int n) {
        return Duration.ofSeconds(Math.min(30, 1L << Math.min(5, n - 2)));
    }

    private static void pause(Duration d, EvalContext ctx) throws SQLException {
        long end = System.nanoTime() + d.toNanos();
        try {
            while (System.nanoTime() < end) {
                if (ctx.token().isCancelled()) throw new SQLException(ctx.token().reason(), "57014");
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted between attempts", "57014", e);
        }
    }

    private static String lockMessage(CheckSpec.Execute spec, Run run, int attempts, List<Locks.Blocker> blockers,
                                      boolean nothingApplied) {
        int n = run.failedAt.number();
        String who = blockers.isEmpty() ? "the lock watcher did not see who held it (it looks every "
                + LockWatch.INTERVAL.toMillis() + " ms: the wait was shorter, or the holder let go in between)"
                : "blocked by " + String.join("; ", blockers.stream().map(Locks.Blocker::describe).toList());
        String applied = spec.transaction() ? "the transaction rolled back: nothing was applied"
                : nothingApplied ? "nothing was applied"
                : (n == 2 ? "statement 1 committed" : "statements 1–" + (n - 1) + " committed")
                + ", so it is not tried again";
        return "could not get a lock within " + Locks.human(spec.lockTimeout().toMillis()) + " (lockTimeout) at"
                + " statement " + n + " (" + spec.file().getFileName() + ":" + run.failedAt.line() + ")"
                + (attempts > 1 ? " in each of " + attempts + " attempts" : "") + "; " + who + "; " + applied;
    }

    /** Statement {@code number} (from 1), at {@code line} of its file. */
    private record Failed(int number, int line) {}

    /** One attempt: its own connection, transaction, notices and locks. */
    private static final class Run {
        private final CheckSpec.Execute spec;
        private final EvalContext ctx;
        private final List<SqlStatements.Statement> statements;
        private final String shownSql;
        final List<String> notices = new ArrayList<>();
        final LockWatch.Exact exact = new LockWatch.Exact();
        long rows;
        /** The statement that waited too long for a lock, if one did. */
        Failed failedAt;

        Run(CheckSpec.Execute spec, EvalContext ctx, List<SqlStatements.Statement> statements, String shownSql) {
            this.spec = spec;
            this.ctx = ctx;
            this.statements = statements;
            this.shownSql = shownSql;
        }

        String method(LockWatch watch) {
            return spec.transaction() ? LockWatch.Exact.METHOD : watch.method();
        }

        List<Locks.HeldLock> held(LockWatch watch, Instant released) {
            return spec.transaction() ? exact.held(released) : watch.held();
        }

        CheckOutcome once(LockWatch watch, List<Locks.LockWait> earlierWaits) throws SQLException {
            try (Connection c = ctx.db().openWriter()) {
                // Held by this backend until it ends, past COMMIT: released when the connection closes below.
                MigrationLock.take(c, ctx.migrationLock());
                c.setAutoCommit(!spec.transaction());
                boolean committed = false;
                try (Statement s = c.createStatement()) {
                    ctx.token().register(s);
                    try {
                        try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                            rs.next();
                            watch.watch(rs.getInt(1));
                        }
                        if (spec.transaction()) {
                            try (ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                                rs.next();
                                ctx.listener().transactionStarted(rs.getLong(1));
                            }
                        }
                        String set = spec.transaction() ? "SET LOCAL" : "SET";
                        s.execute(set + " lock_timeout = " + spec.lockTimeout().toMillis());
                        if (!spec.meta().timeout().isZero()) {
                            s.execute(set + " statement_timeout = " + spec.meta().timeout().toMillis());
                        }
                        if (spec.transaction()) exact.before(s);
                        int i = 0;
                        for (SqlStatements.Statement st : statements) {
                            i++;
                            ctx.listener().statementStarted(i, statements.size(), st.line());
                            watch.clearBlockers();
                            Instant began = Instant.now();
                            try {
                                boolean hasResult = s.execute(st.sql());
                                if (!hasResult && s.getUpdateCount() > 0) rows += s.getUpdateCount();
                            } catch (SQLException e) {
                                drainNotices(s, notices, ctx);
                                if ("55P03".equals(e.getSQLState())) {
                                    failedAt = new Failed(i, st.line());
                                }
                                throw new SQLException(spec.file().getFileName() + ":" + st.line() + ": "
                                        + e.getMessage(), e.getSQLState(), e);
                            }
                            drainNotices(s, notices, ctx);
                            if (spec.transaction()) exact.after(s, began);
                        }
                        List<String> missing = missingNotices(spec.expectNotices(), notices);
                        if (spec.transaction()) {
                            if (!missing.isEmpty()) {
                                c.rollback();
                                Locks.Report locks = new Locks.Report(method(watch), held(watch, Instant.now()),
                                        earlierWaits);
                                return new CheckOutcome(Status.FAILED, expectedText(spec), "rolled back: "
                                        + missing.size() + " expected notice(s) missing", shownSql,
                                        new CheckDetail.Notices(notices, missing, rows, locks));
                            }
                            c.commit();
                            committed = true;
                        }
                        Locks.Report locks = new Locks.Report(method(watch), held(watch, Instant.now()),
                                earlierWaits);
                        return CheckOutcome.of(missing.isEmpty(), expectedText(spec),
                                (spec.transaction() ? "committed: " : "ran: ") + statements.size() + " statements, "
                                        + rows + " rows, " + notices.size() + " notices"
                                        + (missing.isEmpty() ? "" : "; " + missing.size()
                                        + " expected notice(s) missing") + heldSummary(locks),
                                shownSql, new CheckDetail.Notices(notices, missing, rows, locks));
                    } finally {
                        ctx.token().unregister(s);
                    }
                } finally {
                    if (spec.transaction() && !committed) rollbackQuietly(c);
                }
            }
        }
    }

    /** "; ACCESS EXCLUSIVE on public.t for 1.2 s": the one thing a DBA wants to read in the result line. */
    private static String heldSummary(Locks.Report locks) {
        List<Locks.HeldLock> worst = locks.held().stream().filter(Locks.HeldLock::blocksReaders).toList();
        if (worst.isEmpty()) return "";
        return "; ACCESS EXCLUSIVE on " + String.join(", ", worst.stream().map(h -> h.relation() + " for "
                + Locks.human(h.strongestMillis())).toList());
    }

    /**
     * The exact text that ran, headed by its file and the SHA-256 of the bytes read (the very bytes split and run),
     * so the step and the report show what ran and an auditor can hash the file to compare.
     */
    static String shownSql(CheckSpec.Execute spec, byte[] bytes, String text, int statements) {
        return "-- " + spec.file().getFileName() + " (" + statements + " statements)\n-- SHA-256 "
                + dev.runbookpilot.runbook.RunbookLoader.sha256(bytes) + "\n" + text;
    }

    /** The same record for a migration that stopped with an error: the file as it is on disk now. */
    static String shownSql(CheckSpec.Execute spec) {
        try {
            byte[] bytes = Files.readAllBytes(spec.file());
            String text = new String(bytes, StandardCharsets.UTF_8);
            return shownSql(spec, bytes, text, SqlStatements.split(text).size());
        } catch (IOException | SqlStatements.MetaCommandException | RuntimeException e) {
            return "-- " + spec.file().getFileName();
        }
    }

    private static String expectedText(CheckSpec.Execute spec) {
        return "runs without error" + (spec.expectNotices().isEmpty() ? ""
                : " and raises " + spec.expectNotices().size() + " expected notice(s)");
    }

    private static void drainNotices(Statement s, List<String> notices, EvalContext ctx) throws SQLException {
        for (SQLWarning w = s.getWarnings(); w != null; w = w.getNextWarning()) {
            String message = Objects.requireNonNullElse(w.getMessage(), "");
            notices.add(message);
            ctx.listener().notice(message);
        }
        s.clearWarnings();
    }

    /** An expected notice is matched by any received notice that contains its text. */
    static List<String> missingNotices(List<String> expected, List<String> received) {
        return expected.stream().filter(e -> received.stream().noneMatch(r -> r.contains(e))).toList();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is closing; an open transaction dies with it
        }
    }
}
