package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A migration runs at most once: one without a transaction that did not pass cleanly is never run again before a
 * person settles it; a session has one owner process; two workstations cannot apply a migration at once; a crash
 * is followed by what became of the attempt, not by a blind PENDING.
 */
class MigrationAtMostOnceTest {
    private static final String SETUP = "CREATE TABLE log (n int);";

    private static final String NO_TX = """
            runbook: Never twice
            target: { environment: development }
            phases:
              - name: Execute
                steps:
                  - id: migrate
                    title: Insert rows without a transaction
                    execute: { file: migrate.sql, transaction: false, expectNotices: ["backfill done"] }
            """;

    private static final String IN_TX = """
            runbook: Never twice
            target: { environment: development }
            phases:
              - name: Execute
                steps:
                  - id: migrate
                    title: Insert rows in a transaction
                    execute: { file: migrate.sql }
            """;

    @TempDir
    Path dir;
    private SessionFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    private long rows() throws Exception {
        try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long eventsOf(Path journal, Class<? extends JournalEvent> type) throws Exception {
        return Journal.read(journal).stream().filter(type::isInstance).count();
    }

    @Test
    void aMigrationWithoutATransactionMissingItsNoticeIsNeverRunAgainBeforeItIsSettled() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(NO_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\nINSERT INTO log VALUES (2);\n"));
        Step migrate = step(rb, "migrate");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.FAILED);
            assertThat(rows()).isEqualTo(2);

            // Re-run, Run, resume --yes: each used to run the file again and insert the rows twice.
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(rows()).as("the INSERTs ran once").isEqualTo(2);
            assertThat(s.unsettled(migrate, 0)).get().asString().contains("all 2 statements ran and committed")
                    .contains("1 expected notice(s) missing");
            assertThat(s.unsettled(migrate)).containsExactly(0);

            assertThatThrownBy(() -> s.settle(migrate, 0, JournalEvent.Settlement.APPLIED, " "))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("note");
            s.settle(migrate, 0, JournalEvent.Settlement.APPLIED, "both rows are there; the notice was renamed");
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.CONFIRMED);
            assertThat(s.stepStatus(migrate).isSatisfied()).isTrue();
            assertThat(s.hasMigrationToRun(migrate)).isFalse();
            assertThat(s.applied(migrate, 0)).get().satisfies(a -> {
                assertThat(a.operator()).isEqualTo("alice");
                assertThat(a.what()).contains("settled as applied").contains("notice was renamed");
            });
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(rows()).isEqualTo(2);
            assertThatThrownBy(() -> s.settle(migrate, 0, JournalEvent.Settlement.RUN_AGAIN, "again"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to settle");
            Path journal = s.journalFile();
            assertThat(eventsOf(journal, JournalEvent.Settled.class)).isEqualTo(1);
            assertThat(eventsOf(journal, JournalEvent.Waived.class)).as("a settle is not a waiver").isZero();
        }
    }

    @Test
    void settlingAsRunAgainRunsTheFileOnceMore() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(NO_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\nINSERT INTO log VALUES (2);\n"));
        Step migrate = step(rb, "migrate");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(migrate, Session.Scope.ALL);
            fx.exec("DELETE FROM log");
            Files.writeString(dir.resolve("migrate.sql"), "INSERT INTO log VALUES (1);\n"
                    + "DO $$ BEGIN RAISE NOTICE 'backfill done'; END $$;\n");
            // A changed file is no licence to run again: only the decision is.
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(rows()).isZero();

            s.settle(migrate, 0, JournalEvent.Settlement.RUN_AGAIN, "deleted the rows by hand");
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PENDING);
            assertThat(s.hasMigrationToRun(migrate)).isTrue();
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
            assertThat(rows()).isEqualTo(1);
            assertThat(s.state().settlement("migrate", 0)).as("the new result replaces the decision").isEmpty();
        }
    }

    @Test
    void aMigrationWithoutATransactionThatErredPastItsFirstStatementWaitsButOneRefusedAtOnceMayRunAgain()
            throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(NO_TX.replace(", expectNotices: [\"backfill done\"]", ""),
                Map.of("migrate.sql", "SELECT 1/0;\nINSERT INTO log VALUES (1);\n"));
        Step migrate = step(rb, "migrate");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);
            assertThat(s.unsettled(migrate, 0)).as("the server refused statement 1: nothing committed").isEmpty();

            Files.writeString(dir.resolve("migrate.sql"), "INSERT INTO log VALUES (1);\nSELECT 1/0;\n");
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);
            assertThat(rows()).isEqualTo(1);
            assertThat(s.unsettled(migrate, 0)).get().asString().contains("statement 2 of 2")
                    .contains("statement 1 committed");

            Files.writeString(dir.resolve("migrate.sql"), "INSERT INTO log VALUES (1);\n");
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(rows()).as("not run again before a settle").isEqualTo(1);
        }
    }

    @Test
    void aCrashMidMigrationWithoutATransactionResumesAsAnErrorSayingHowFarItGot() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(NO_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\nINSERT INTO log VALUES (2);\n"
                + "INSERT INTO log VALUES (3);\n"));
        Path journalFile;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            journalFile = s.journalFile();
        }
        fx.exec("INSERT INTO log VALUES (1)");
        try (Journal j = Journal.reopen(journalFile)) {
            j.append(new JournalEvent.CheckStarted("migrate", 0, Instant.now()));
            j.append(new JournalEvent.MigrationBegan("migrate", 0, -1,
                    RunbookLoader.sha256(Files.readAllBytes(dir.resolve("migrate.sql"))), Instant.now()));
            j.append(new JournalEvent.StatementBegan("migrate", 0, 1, 3, 1, Instant.now()));
            j.append(new JournalEvent.StatementBegan("migrate", 0, 2, 3, 2, Instant.now()));
        }

        try (Session s = Session.resume(journalFile, rb, fx.db, "bob", RunListener.NONE)) {
            Step migrate = step(rb, "migrate");
            assertThat(s.checkStatus(migrate, 0)).as("not a plain PENDING").isEqualTo(Status.ERROR);
            assertThat(s.state().result("migrate", 0)).get().extracting(CheckResult::actual).asString()
                    .contains("statement 2 of 3").contains("alice");
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(rows()).isEqualTo(1);
            s.settle(migrate, 0, JournalEvent.Settlement.NOT_APPLIED, "only row 1, which was there before; deleted");
            fx.exec("DELETE FROM log");
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(rows()).isEqualTo(3);
        }
    }

    @Test
    void resumeSaysAnInterruptedMigrationWasRolledBackBeforeAnythingRuns() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(IN_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\n"));
        Path journalFile;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            journalFile = s.journalFile();
        }
        long xid;
        try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try (ResultSet rs = st.executeQuery("SELECT txid_current()")) {
                rs.next();
                xid = rs.getLong(1);
            }
            c.rollback();
        }
        try (Journal j = Journal.reopen(journalFile)) {
            j.append(new JournalEvent.CheckStarted("migrate", 0, Instant.now()));
            j.append(new JournalEvent.MigrationBegan("migrate", 0, xid, null, Instant.now()));
        }
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        RunListener listener = new RunListener() {
            @Override
            public void previousAttempt(Step step, int index, String outcome) {
                heard.add(step.id() + ": " + outcome);
            }
        };

        try (Session s = Session.resume(journalFile, rb, fx.db, "bob", listener)) {
            assertThat(heard).singleElement().asString().contains("migrate: the previous attempt was rolled back")
                    .contains(Long.toString(xid));
            assertThat(s.state().events()).filteredOn(e -> e instanceof JournalEvent.MigrationResolved)
                    .singleElement().satisfies(e -> {
                        JournalEvent.MigrationResolved r = (JournalEvent.MigrationResolved) e;
                        assertThat(r.xid()).isEqualTo(xid);
                        assertThat(r.fate()).isEqualTo(JournalEvent.MigrationResolved.FATE_ABORTED);
                    });
            Step migrate = step(rb, "migrate");
            assertThat(s.unsettled(migrate)).isEmpty();
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
            assertThat(s.applied(migrate, 0)).get().extracting(Writers.Applied::operator).isEqualTo("bob");
        }
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void aTransactionTheServerCannotPlaceIsSettledByAPersonAndNotRunAgain() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(IN_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\n"));
        Path journalFile;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            journalFile = s.journalFile();
        }
        try (Journal j = Journal.reopen(journalFile)) {
            // Older than the server's commit log: txid_status answers NULL.
            j.append(new JournalEvent.MigrationBegan("migrate", 0, 500, null, Instant.now()));
        }
        try (Session s = Session.resume(journalFile, rb, fx.db, "bob", RunListener.NONE)) {
            Step migrate = step(rb, "migrate");
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);
            assertThat(s.unsettled(migrate, 0)).get().asString().contains("transaction 500")
                    .contains(JournalEvent.MigrationResolved.FATE_UNKNOWN);
            s.settle(migrate, 0, JournalEvent.Settlement.APPLIED, "schema_version says 42: it was applied");
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.CONFIRMED);
            s.runChecks(migrate, Session.Scope.ALL);
        }
        assertThat(rows()).as("never run").isZero();
    }

    @Test
    void aSessionIsOwnedByOneOpenerAtATimeAndTheSecondIsToldWho() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(IN_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\n"));
        try (Session first = fx.start(rb, "alice", RunListener.NONE)) {
            Path journal = first.journalFile();
            assertThatThrownBy(() -> Session.resume(journal, rb, fx.db, "bob", RunListener.NONE))
                    .isInstanceOf(SessionException.class)
                    .hasMessageContaining("open in another process")
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("operator alice");
            assertThat(Journal.read(journal)).as("the refused opener wrote nothing").hasSize(1);
        }
        Path journal = onlyJournal();
        try (Session again = Session.resume(journal, rb, fx.db, "bob", RunListener.NONE)) {
            assertThat(again.state().events()).last().isInstanceOf(JournalEvent.Resumed.class);
        }
    }

    @Test
    void anEmptyJournalIsRefusedWithWhatHappenedAndNothingElseIsTouched() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(IN_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\n"));
        Files.createDirectories(fx.sessionDir);
        Path empty = Files.createFile(fx.sessionDir.resolve("20260101-000000-x-0000.jsonl"));
        assertThatThrownBy(() -> Session.resume(empty, rb, fx.db, "bob", RunListener.NONE))
                .isInstanceOf(SessionException.class).hasMessageContaining("nothing ran");
        assertThat(Files.size(empty)).isZero();
    }

    private Path onlyJournal() throws Exception {
        try (var files = Files.list(fx.sessionDir)) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
    }

    @Test
    void twoSessionsCannotApplyAMigrationOfTheSameRunbookToTheSameDatabaseAtOnce() throws Exception {
        fx = SessionFixture.open("never_twice", SETUP, dir);
        Runbook rb = fx.runbook(IN_TX, Map.of("migrate.sql", "INSERT INTO log VALUES (1);\nSELECT pg_sleep(3);\n"));
        Step migrate = step(rb, "migrate");
        try (Session a = fx.start(rb, "alice", RunListener.NONE);
             Session b = fx.start(rb, "bob", RunListener.NONE)) {
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
                try {
                    a.runChecks(migrate, Session.Scope.ALL);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitActivity("pg_sleep(3)");
            b.runChecks(migrate, Session.Scope.ALL);
            first.get(30, TimeUnit.SECONDS);

            assertThat(a.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
            assertThat(b.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);
            assertThat(b.state().result("migrate", 0)).get().satisfies(r -> {
                assertThat(r.sqlState()).isEqualTo("55006");
                assertThat(r.actual()).contains("another session is applying a migration of 'Never twice")
                        .contains("held by backend pid").contains("Runbook Pilot").contains("connected since")
                        .contains("nothing was run");
            });
            assertThat(b.unsettled(migrate)).as("refused before it began: nothing to settle").isEmpty();
        }
        assertThat(rows()).isEqualTo(1);
    }

    private void awaitActivity(String fragment) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                         + " AND query LIKE '%" + fragment + "%' AND pid <> pg_backend_pid()")) {
                rs.next();
                if (rs.getLong(1) > 0) return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(fragment + " never ran");
    }
}
