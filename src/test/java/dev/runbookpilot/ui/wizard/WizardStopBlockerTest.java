package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Targets;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wizard's Stop blocker… on a production migration that timed out on a lock: offered only then, refused without
 * the typed database name, done on background work (journaled there, not by the caller), and then the step runs
 * again and passes.
 */
class WizardStopBlockerTest {
    @TempDir
    Path dir;
    private WizardViewModel vm;
    private final Queue<Runnable> background = new ConcurrentLinkedQueue<>();

    @AfterEach
    void closeModel() throws Exception {
        if (vm == null) return;
        CountDownLatch closed = new CountDownLatch(1);
        vm.close(closed::countDown);
        drain();
        closed.await(30, TimeUnit.SECONDS);
    }

    private void drain() {
        for (Runnable r; (r = background.poll()) != null; ) r.run();
    }

    private static boolean alive(String db, int pid) throws Exception {
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid)) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void aBlockerIsTerminatedOnlyWithTheTypedNameOnBackgroundWorkThenTheMigrationPasses() throws Exception {
        String db = TestPostgres.freshDatabase("wizard_blocker");
        TestPostgres.exec(db, "CREATE TABLE t (c int)");
        Files.writeString(dir.resolve("alter.sql"), "ALTER TABLE t ALTER COLUMN c TYPE bigint;\n");
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: Blocked
                target: { environment: production, database: %s }
                phases:
                  - name: All
                    steps:
                      - id: migrate
                        title: Widen c
                        execute: { file: alter.sql, lockTimeout: 500ms }
                """.formatted(db));
        vm = new WizardViewModel(RunbookLoader.load(file), Targets.fromEnvironment().connect(
                TestPostgres.server().uri(db), Targets.PasswordPrompt.NONE), Runnable::run, background::add,
                Clock.systemUTC());
        vm.open("alice", dir.resolve("sessions"), null);
        drain();
        try (Connection blocker = TestPostgres.connect(db); Statement st = blocker.createStatement()) {
            int pid;
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            blocker.setAutoCommit(false);
            st.execute("SELECT * FROM t");
            assertThat(vm.canStopBlockerProperty().get()).as("nothing to stop before a lock timeout").isFalse();

            assertThat(vm.runMigration(db)).isTrue();
            drain();
            assertThat(vm.checks().get(0).status()).isEqualTo(Status.ERROR);
            assertThat(vm.canStopBlockerProperty().get()).isTrue();
            assertThat(vm.blockers()).extracting(b -> b.pid()).containsExactly(pid);
            assertThat(vm.stopBlockerNeedsTypedName()).isTrue();

            vm.stopBlocker(pid, true, "left open", "not-the-name");
            drain();
            assertThat(vm.errorProperty().get()).contains("type the database name");
            assertThat(alive(db, pid)).isTrue();

            vm.stopBlocker(pid, true, "left open by a report", db);
            assertThat(vm.busyProperty().get()).isTrue();
            assertThat(Journal.read(vm.session().journalFile())).as("journaled by background work")
                    .noneMatch(e -> e instanceof JournalEvent.BlockerStopped);
            drain();
            assertThat(vm.busyProperty().get()).isFalse();
            assertThat(vm.infoProperty().get()).contains("Terminated pid " + pid);
            assertThat(Journal.read(vm.session().journalFile())).filteredOn(e -> e instanceof
                    JournalEvent.BlockerStopped).hasSize(2);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (alive(db, pid) && System.nanoTime() < deadline) Thread.sleep(20);

            assertThat(vm.runMigration(db)).isTrue();
            drain();
            assertThat(vm.checks().get(0).status()).isEqualTo(Status.PASSED);
            assertThat(vm.canStopBlockerProperty().get()).isFalse();
        }
    }
}
