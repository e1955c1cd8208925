package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.Locks;
import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.PdfReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a migration holds and waits on, against the real server: the exact locks of a transactional migration, the
 * sampled locks of a command's tool, the session a blocked migration names, retries that only run when nothing was
 * applied, and stopping a blocker only with its own approval. One database for the class; each test its own tables.
 */
class MigrationLocksTest {
    @TempDir
    static Path dir;
    private static SessionFixture fx;

    @BeforeAll
    static void open() throws SQLException {
        fx = SessionFixture.open("locks", null, dir);
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    private static Runbook runbook(String environment, String writer, Map<String, String> files) throws Exception {
        return fx.runbook("""
                runbook: Locks drill
                target: { environment: %s, database: %s }
                phases:
                  - name: Execute
                    steps:
                      - id: migrate
                        title: Migrate
                """.formatted(environment, fx.database) + writer.indent(8), files);
    }

    private static CheckResult result(Session s) {
        return s.state().result("migrate", 0).orElseThrow();
    }

    private static Locks.Report locks(CheckResult r) {
        if (r.detail() instanceof CheckDetail.Notices n) return n.locks();
        if (r.detail() instanceof CheckDetail.CommandRun c) return c.locks();
        throw new AssertionError("no lock report in " + r);
    }

    /** A session holding ACCESS SHARE on the table (an idle reader in a transaction), named for the test. */
    private static Connection blocker(String table, String application) throws SQLException {
        Connection c = TestPostgres.connect(fx.database);
        try (Statement s = c.createStatement()) {
            s.execute("SET application_name = '" + application + "'");
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                PIDS.put(c, rs.getInt(1));
            }
            c.setAutoCommit(false);
            s.execute("SELECT count(*) FROM " + table);
        }
        return c;
    }

    private static final Map<Connection, Integer> PIDS = new java.util.concurrent.ConcurrentHashMap<>();

    /** The blocker's pid, learned before its last statement (which its failure must quote). */
    private static int pid(Connection c) {
        return PIDS.get(c);
    }

    private static boolean alive(int pid) throws SQLException {
        try (Connection c = TestPostgres.connect(fx.database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void aTableRewriteReportsTheAccessExclusiveLockItHeldUntilCommit() throws Exception {
        fx.exec("CREATE TABLE rewrite_t (id int PRIMARY KEY, c int); INSERT INTO rewrite_t SELECT g, g FROM"
                + " generate_series(1, 1000) g; CREATE TABLE read_only_t (n int)");
        Runbook rb = runbook("development", "execute: { file: rewrite.sql }", Map.of("rewrite.sql",
                "SELECT count(*) FROM read_only_t;\nSELECT pg_sleep(0.3);\n"
                        + "ALTER TABLE rewrite_t ALTER COLUMN c TYPE bigint;\n"));
        try (Session s = fx.start(rb, "dba", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            Locks.Report locks = locks(r);
            assertThat(locks.method()).contains("before COMMIT");
            Locks.HeldLock table = locks.held().stream().filter(h -> h.relation().equals("rewrite_t")).findFirst()
                    .orElseThrow();
            assertThat(table.mode()).isEqualTo("ACCESS EXCLUSIVE");
            assertThat(table.blocksReaders()).isTrue();
            // Taken by statement 3, after the 300 ms sleep: held from then, not from the start of the file.
            Locks.HeldLock reader = locks.held().stream().filter(h -> h.relation().equals("read_only_t"))
                    .findFirst().orElseThrow();
            assertThat(reader.mode()).isEqualTo("ACCESS SHARE");
            assertThat(reader.blocksReaders()).isFalse();
            assertThat(reader.heldMillis()).isGreaterThanOrEqualTo(300);
            assertThat(table.heldMillis()).isLessThan(reader.heldMillis());
            // The primary key's index is rebuilt too: reported, but not as a table.
            assertThat(locks.held()).anyMatch(h -> h.index() && h.relation().equals("rewrite_t_pkey"));
            assertThat(locks.held().get(0).relation()).isEqualTo("rewrite_t");
            assertThat(locks.held()).noneMatch(h -> h.relation().startsWith("pg_"));
            assertThat(r.actual()).contains("ACCESS EXCLUSIVE on rewrite_t");
            // The report's table: ACCESS EXCLUSIVE on the table first and marked, in Markdown and in the PDF.
            String md = MarkdownReport.render(ReportBuilder.build(s.state()));
            assertThat(md).contains("| Relation | Strongest mode | Held for |",
                    "| **rewrite\\_t** | **ACCESS EXCLUSIVE (blocks every reader)** |", "rewrite\\_t\\_pkey (index)");
            try (PDDocument pdf = Loader.loadPDF(PdfReport.render(ReportBuilder.build(s.state())))) {
                String text = new PDFTextStripper().getText(pdf).replaceAll("\\s+", " ");
                assertThat(text).contains("Strongest mode", "rewrite_t", "ACCESS EXCLUSIVE (blocks every reader)");
            }
        }
    }

    @Test
    void aCommandsToolIsSampledHoldingItsLockWhileTheWatcherHoldsNone() throws Exception {
        fx.exec("CREATE TABLE sampled_t (n int)");
        Runbook rb = runbook("development", """
                command:
                  run: psql -X -q -v ON_ERROR_STOP=1 -c 'BEGIN; LOCK TABLE sampled_t IN SHARE MODE; SELECT pg_sleep(1); COMMIT'
                """, Map.of());
        try (Session s = fx.start(rb, "dba", RunListener.NONE)) {
            CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
                try {
                    s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // The watcher's own session never holds a lock on the user's relations, nor anything stronger than the
            // ACCESS SHARE its sample takes on pg_class to name what it saw, however often it is looked at.
            int watcherLocks = 0;
            int watcherSeen = 0;
            try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement()) {
                while (!run.isDone()) {
                    try (ResultSet rs = st.executeQuery("SELECT count(l.*), count(DISTINCT a.pid) FROM"
                            + " pg_stat_activity a LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'relation'"
                            + " AND (l.relation::int8 >= 16384 OR l.mode <> 'AccessShareLock')"
                            + " WHERE a.application_name LIKE 'Runbook Pilot (lock watch)%'")) {
                        rs.next();
                        watcherLocks += rs.getInt(1);
                        watcherSeen += rs.getInt(2);
                    }
                    Thread.sleep(10);
                }
            }
            run.get(30, TimeUnit.SECONDS);
            CheckResult r = result(s);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            assertThat(watcherSeen).as("the watcher was running").isPositive();
            assertThat(watcherLocks).isZero();
            Locks.Report locks = locks(r);
            assertThat(locks.method()).contains("sampled every 100 ms");
            Locks.HeldLock held = locks.held().stream().filter(h -> h.relation().equals("sampled_t")).findFirst()
                    .orElseThrow(() -> new AssertionError(locks));
            assertThat(held.mode()).isEqualTo("SHARE");
            assertThat(held.heldMillis()).isBetween(700L, 1500L);
        }
    }

    /**
     * A command's psql waits on a second session's lock until its own lock_timeout: the session it waited on is
     * named with the command's result and offered to be stopped, as for an execute step. The watcher follows this
     * run's sessions by their own application_name.
     */
    @Test
    void aCommandBlockedByAnotherSessionNamesItsBlocker() throws Exception {
        fx.exec("CREATE TABLE cmd_blocked_t (c int)");
        Runbook rb = runbook("development", """
                command:
                  run: psql -X -q -v ON_ERROR_STOP=1 -f alter.sql
                """, Map.of("alter.sql", "SET lock_timeout = '1500ms';\nALTER TABLE cmd_blocked_t ADD COLUMN d int;\n"));
        try (Connection held = blocker("cmd_blocked_t", "nightly-export"); Session s = fx.start(rb, "dba",
                RunListener.NONE)) {
            int pid = pid(held);
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.FAILED);
            Locks.Report locks = locks(r);
            assertThat(locks.lastBlockers()).as(locks.toString()).singleElement().satisfies(b -> {
                assertThat(b.pid()).isEqualTo(pid);
                assertThat(b.application()).isEqualTo("nightly-export");
                assertThat(b.query()).contains("SELECT count(*) FROM cmd_blocked_t");
            });
            assertThat(locks.waits()).singleElement().satisfies(w -> assertThat(w.lockTimeoutMillis())
                    .isBetween(900L, 3000L));
            assertThat(s.blockers(step(rb, "migrate"), 0)).extracting(Locks.Blocker::pid).containsExactly(pid);
            assertThat(MarkdownReport.render(ReportBuilder.build(s.state())))
                    .contains("| " + pid + " | postgres | nightly-export | idle in transaction |")
                    .contains("The command's session waited for a lock");
        }
    }

    @Test
    void aBlockedMigrationFailsAfterItsLockTimeoutNamingTheBlockerAndIsNotRetriedByDefault() throws Exception {
        fx.exec("CREATE TABLE blocked_t (c int)");
        Runbook rb = runbook("development", """
                execute: { file: alter.sql, lockTimeout: 1s }
                """, Map.of("alter.sql", "ALTER TABLE blocked_t ALTER COLUMN c TYPE bigint;\n"));
        try (Connection held = blocker("blocked_t", "nightly-report"); Session s = fx.start(rb, "dba",
                RunListener.NONE)) {
            int pid = pid(held);
            long t0 = System.nanoTime();
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            CheckResult r = result(s);
            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.sqlState()).isEqualTo("55P03");
            assertThat(r.error()).contains("within 1.0 s (lockTimeout)", "pid " + pid, "'nightly-report'",
                    "idle in transaction", "SELECT count(*) FROM blocked_t", "nothing was applied");
            assertThat(tookMillis).isBetween(900L, 4000L);
            List<Locks.Blocker> blockers = locks(r).lastBlockers();
            assertThat(blockers).singleElement().satisfies(b -> {
                assertThat(b.pid()).isEqualTo(pid);
                assertThat(b.user()).isEqualTo("postgres");
                assertThat(b.transactionMillis()).isNotNull();
            });
            assertThat(MarkdownReport.render(ReportBuilder.build(s.state()))).contains(
                    "| Pid | User | Application | State | Transaction age | Query |",
                    "| " + pid + " | postgres | nightly-report | idle in transaction |",
                    "Attempt 1: statement 1 (line 1) waited 1.0 s for a lock; not tried again");
            List<JournalEvent.LockWaited> waits = Journal.read(s.journalFile()).stream()
                    .filter(e -> e instanceof JournalEvent.LockWaited).map(e -> (JournalEvent.LockWaited) e).toList();
            assertThat(waits).singleElement().satisfies(w -> assertThat(w.lockWait().retryInMillis()).isNull());
            // Nothing applied: the step is not in doubt, and it runs again once the blocker is gone.
            assertThat(s.unsettled(step(rb, "migrate"), 0)).isEmpty();
            held.rollback();
            s.runChecks(step(rb, "migrate"), Session.Scope.UNSETTLED);
            assertThat(result(s).status()).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void lockRetriesSucceedOnceTheBlockerGoesEachAttemptJournaled() throws Exception {
        fx.exec("CREATE TABLE retried_t (c int)");
        Runbook rb = runbook("development", """
                execute: { file: alter.sql, lockTimeout: 300ms, lockRetries: 3 }
                """, Map.of("alter.sql", "ALTER TABLE retried_t ALTER COLUMN c TYPE bigint;\n"));
        Connection held = blocker("retried_t", "slow-batch");
        try (Session s = fx.start(rb, "dba", RunListener.NONE)) {
            CompletableFuture<Void> release = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(800);
                    held.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            release.get(10, TimeUnit.SECONDS);
            CheckResult r = result(s);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            Locks.Report locks = locks(r);
            assertThat(locks.waits()).isNotEmpty().allSatisfy(w -> {
                assertThat(w.retryInMillis()).isNotNull();
                assertThat(w.blockers()).extracting(Locks.Blocker::application).contains("slow-batch");
            });
            List<JournalEvent> events = Journal.read(s.journalFile());
            assertThat(events.stream().filter(e -> e instanceof JournalEvent.LockWaited).count())
                    .isEqualTo(locks.waits().size());
            // Each attempt had its own transaction, journaled before its first statement.
            assertThat(events.stream().filter(e -> e instanceof JournalEvent.MigrationBegan).count())
                    .isEqualTo(locks.waits().size() + 1);
            assertThat(locks.held()).anyMatch(h -> h.relation().equals("retried_t") && h.blocksReaders());
        } finally {
            held.close();
        }
    }

    @Test
    void aMigrationWithoutATransactionIsNeverRetriedPastItsFirstStatement() throws Exception {
        fx.exec("CREATE TABLE first_t (n int); CREATE TABLE second_t (c int)");
        Runbook rb = runbook("development", """
                execute: { file: two.sql, transaction: false, lockTimeout: 300ms, lockRetries: 5 }
                """, Map.of("two.sql", "INSERT INTO first_t VALUES (1);\n"
                + "ALTER TABLE second_t ALTER COLUMN c TYPE bigint;\n"));
        try (Connection held = blocker("second_t", "holder"); Session s = fx.start(rb, "dba", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s);
            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.error()).contains("statement 1 committed, so it is not tried again", "'holder'");
            assertThat(locks(r).waits()).singleElement().satisfies(w -> {
                assertThat(w.statement()).isEqualTo(2);
                assertThat(w.retryInMillis()).isNull();
            });
            try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM first_t")) {
                rs.next();
                assertThat(rs.getInt(1)).as("statement 1 ran exactly once").isEqualTo(1);
            }
            assertThat(s.unsettled(step(rb, "migrate"), 0)).isPresent();
        }
    }

    @Test
    void terminatingABlockerNeedsTheTypedNameOnProductionIsJournaledAndThenTheMigrationRuns() throws Exception {
        fx.exec("CREATE TABLE prod_t (c int)");
        Runbook rb = runbook("production", """
                execute: { file: alter.sql, lockTimeout: 500ms }
                """, Map.of("alter.sql", "ALTER TABLE prod_t ALTER COLUMN c TYPE bigint;\n"));
        try (Connection held = blocker("prod_t", "forgotten-psql"); Connection bystander = blocker("prod_t",
                "bystander"); Session s = fx.start(rb, "alice", RunListener.NONE)) {
            bystander.rollback();
            int pid = pid(held);
            int bystanderPid = pid(bystander);
            Step st = step(rb, "migrate");
            s.runChecks(st, Session.Scope.ALL);
            assertThat(s.blockers(st, 0)).extracting(Locks.Blocker::pid).containsExactly(pid);
            assertThat(s.stopBlockerNeedsTypedName()).isTrue();

            assertThatThrownBy(() -> s.stopBlocker(st, 0, pid, true, "forgotten session", "wrong"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("type the database name");
            assertThatThrownBy(() -> s.stopBlocker(st, 0, pid, true, "forgotten session", null))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.stopBlocker(st, 0, pid, true, " ", fx.database))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reason");
            // Only a session the failure named: not any backend the operator points at.
            assertThatThrownBy(() -> s.stopBlocker(st, 0, bystanderPid, true, "why not", fx.database))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a session");
            assertThat(Journal.read(s.journalFile())).noneMatch(e -> e instanceof JournalEvent.BlockerStopped);
            assertThat(alive(pid)).isTrue();
            assertThat(alive(bystanderPid)).isTrue();

            assertThat(s.stopBlocker(st, 0, pid, true, "left open by the nightly report", fx.database))
                    .isEqualTo(JournalEvent.BlockerStopped.SIGNALLED);
            List<JournalEvent.BlockerStopped> stops = Journal.read(s.journalFile()).stream()
                    .filter(e -> e instanceof JournalEvent.BlockerStopped).map(e -> (JournalEvent.BlockerStopped) e)
                    .toList();
            assertThat(stops).extracting(JournalEvent.BlockerStopped::outcome)
                    .containsExactly(JournalEvent.BlockerStopped.REQUESTED, JournalEvent.BlockerStopped.SIGNALLED);
            assertThat(stops).allSatisfy(e -> {
                assertThat(e.operator()).isEqualTo("alice");
                assertThat(e.action()).isEqualTo("terminate");
                assertThat(e.reason()).isEqualTo("left open by the nightly report");
                assertThat(e.blocker().application()).isEqualTo("forgotten-psql");
                assertThat(e.approval()).contains(fx.database);
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (alive(pid) && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(alive(pid)).isFalse();
            assertThat(alive(bystanderPid)).isTrue();

            // The report's timeline says who stopped which session, why, and how it was approved.
            assertThat(MarkdownReport.render(ReportBuilder.build(s.state()))).contains("migrate\\#0 terminate of"
                    + " blocking pid " + pid, "signalled by alice (database name '" + fx.database.replace("_", "\\_")
                    + "' typed): left open by the nightly report");
            s.runChecks(st, Session.Scope.UNSETTLED);
            assertThat(result(s).status()).isEqualTo(Status.PASSED);
            // A blocker of an earlier failure cannot be signalled any more once the migration passed.
            assertThat(s.blockers(st, 0)).isEmpty();
        }
    }
}
