package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Targets;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wizard never offers an applied migration again, settles one whose outcome is unknown through a decision
 * made on background threads, and hands background work the session it was asked on.
 */
class WizardMigrationOnceTest {
    private static final String RUNBOOK = """
            runbook: Once
            target: { environment: development, database: %s }
            phases:
              - name: All
                steps:
                  - id: backup
                    title: Backup stored
                    manual: Paste the backup location.
                    requireNote: true
                  - id: migrate
                    title: Insert a row
                    execute: { file: migration.sql%s }
            """;

    @TempDir
    Path dir;
    private String database;
    private WizardViewModel vm;
    /** Background work waits here until the test runs it: nothing the model asks for happens on the "FX" thread. */
    private final Queue<Runnable> background = new ConcurrentLinkedQueue<>();
    private final Executor queued = background::add;
    private final Executor ui = Runnable::run;

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

    private void open(String executeOptions) throws Exception {
        openOnBackup(executeOptions);
        vm.confirm(vm.checks().get(0), "s3://backups/1");
        drain();
        vm.next();
        assertThat(vm.currentProperty().get().step().id()).isEqualTo("migrate");
    }

    private void openOnBackup(String executeOptions) throws Exception {
        database = TestPostgres.freshDatabase("wizard_once");
        TestPostgres.exec(database, "CREATE TABLE log (n int);");
        Files.writeString(dir.resolve("migration.sql"), "INSERT INTO log VALUES (1);\n");
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, RUNBOOK.formatted(database, executeOptions));
        Runbook rb = RunbookLoader.load(file);
        vm = new WizardViewModel(rb, Targets.fromEnvironment().connect(TestPostgres.server().uri(database),
                Targets.PasswordPrompt.NONE), ui, queued, Clock.systemUTC());
        vm.open("alice", dir.resolve("sessions"), null);
        drain();
    }

    private long rows() throws Exception {
        try (var c = TestPostgres.connect(database); ResultSet rs = c.createStatement()
                .executeQuery("SELECT count(*) FROM log")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private List<JournalEvent> journal() throws Exception {
        return Journal.read(vm.session().journalFile());
    }

    @Test
    void anAppliedMigrationIsNeverOfferedForApprovalAgainAndShowsWhatRanWhenAndByWhom() throws Exception {
        open("");
        assertThat(vm.migrationToRun()).isTrue();
        assertThat(vm.runMigration(null)).isTrue();
        drain();
        assertThat(vm.checks().get(0).status()).isEqualTo(Status.PASSED);
        int announced = vm.announcements().size();

        assertThat(vm.canRunProperty().get()).as("F5 offers nothing").isFalse();
        assertThat(vm.migrationToRun()).isFalse();
        assertThat(vm.appliedProperty().get()).startsWith("Applied ").contains("by alice")
                .contains("committed: 1 statements");
        vm.back();
        vm.next();
        assertThat(vm.canRunProperty().get()).isFalse();
        assertThat(vm.runMigration(null)).isFalse();
        drain();
        assertThat(vm.errorProperty().get()).contains("never runs twice");
        assertThat(vm.announcements()).as("no 'Migration applied' for a run that did not happen").hasSize(announced);
        assertThat(journal()).filteredOn(e -> e instanceof JournalEvent.MigrationBegan).hasSize(1);
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void aMigrationWhoseOutcomeIsUnknownIsSettledInTheBackgroundAndNeverRunAgainBeforeThat() throws Exception {
        open(", transaction: false, expectNotices: [\"log filled\"]");
        vm.runMigration(null);
        drain();
        assertThat(vm.checks().get(0).status()).isEqualTo(Status.FAILED);
        assertThat(vm.unsettledProperty().get()).contains("all 1 statements ran and committed");
        assertThat(vm.canSettleProperty().get()).isTrue();

        assertThat(vm.runMigration(null)).as("run again only after a decision").isFalse();
        vm.run();
        drain();
        assertThat(rows()).isEqualTo(1);
        assertThat(vm.errorProperty().get()).contains("must be settled first");

        vm.settle(null, "looked");
        assertThat(vm.errorProperty().get()).contains("applied, not applied or run again");
        vm.settle(JournalEvent.Settlement.APPLIED, " ");
        assertThat(vm.errorProperty().get()).contains("needs a note");

        vm.settle(JournalEvent.Settlement.APPLIED, "the row is there; the notice text changed");
        assertThat(vm.busyProperty().get()).isTrue();
        assertThat(journal()).as("journaled by background work, not by the caller")
                .noneMatch(e -> e instanceof JournalEvent.Settled);
        drain();
        assertThat(vm.busyProperty().get()).isFalse();
        assertThat(vm.checks().get(0).status()).isEqualTo(Status.CONFIRMED);
        assertThat(vm.canNextProperty().get()).isTrue();
        assertThat(vm.canSettleProperty().get()).isFalse();
        assertThat(vm.appliedProperty().get()).contains("settled as applied").contains("notice text changed");
        assertThat(vm.canRunProperty().get()).isFalse();
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void workQueuedBeforeTheWindowClosesStillReachesTheSessionItWasAskedOn() throws Exception {
        openOnBackup("");
        Path journal = vm.session().journalFile();
        // The confirmation is asked for, then the window closes before the background gets to it.
        vm.confirm(vm.checks().get(0), "s3://backups/1");
        CountDownLatch closed = new CountDownLatch(1);
        vm.close(closed::countDown);
        drain();
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        vm = null;

        assertThat(Journal.read(journal)).filteredOn(e -> e instanceof JournalEvent.Confirmed).singleElement()
                .extracting(e -> ((JournalEvent.Confirmed) e).note()).isEqualTo("s3://backups/1");
    }

    @Test
    void aResumedSessionSaysWhatBecameOfAnInterruptedMigrationInsteadOfABarePending() throws Exception {
        open("");
        Path journal = vm.session().journalFile();
        CountDownLatch closed = new CountDownLatch(1);
        vm.close(closed::countDown);
        drain();
        assertThat(closed.await(30, TimeUnit.SECONDS)).isTrue();
        long xid;
        try (var c = TestPostgres.connect(database); var st = c.createStatement()) {
            c.setAutoCommit(false);
            try (ResultSet rs = st.executeQuery("SELECT txid_current()")) {
                rs.next();
                xid = rs.getLong(1);
            }
            c.rollback();
        }
        try (Journal j = Journal.reopen(journal)) {
            // As if the window had been killed inside the migration's transaction.
            j.append(new JournalEvent.CheckStarted("migrate", 0, java.time.Instant.now()));
            j.append(new JournalEvent.MigrationBegan("migrate", 0, xid, null, java.time.Instant.now()));
        }

        vm = new WizardViewModel(RunbookLoader.load(dir.resolve("runbook.yaml")), Targets.fromEnvironment().connect(
                TestPostgres.server().uri(database), Targets.PasswordPrompt.NONE), ui, queued, Clock.systemUTC());
        vm.open("bob", dir.resolve("sessions"), journal);
        drain();

        assertThat(vm.currentProperty().get().step().id()).isEqualTo("migrate");
        assertThat(vm.checks().get(0).status()).isEqualTo(Status.PENDING);
        assertThat(vm.previousAttemptProperty().get()).contains("rolled back (transaction " + xid + " aborted");
        assertThat(vm.announcements()).anySatisfy(a -> assertThat(a.text()).contains("rolled back"));
        assertThat(vm.migrationToRun()).isTrue();
    }
}
