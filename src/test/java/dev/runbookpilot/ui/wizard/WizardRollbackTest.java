package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Outcome;
import dev.runbookpilot.session.Rollbacks;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Roll back…" in the wizard, without the FX toolkit: it runs on a worker, each rollback waits for the operator's
 * approval (the typed database name on production, checked by the model), and a proven rollback ends the window
 * ROLLED BACK. Past a point of no return it is not offered and the backup is named instead.
 */
class WizardRollbackTest {

    private static final String RUNBOOK = """
            runbook: Wizard rollback
            target: { environment: production, database: %s }
            phases:
              - name: Before
                steps:
                  - id: baseline
                    title: Baseline
                    checks:
                      - snapshot: { name: before, rowCounts: [items] }
              - name: Change
                steps:
                  - id: migrate
                    title: Add a column
                    %s
                    execute: { file: migration.sql, rollback: rollback.sql }
                  - id: after
                    title: Notes filled
                    checks:
                      - query: { sql: "SELECT count(*) FROM items WHERE note IS NOT NULL", expect: "= 3" }
            """;

    private final Object uiLock = new Object();
    private final java.util.concurrent.Executor ui = r -> {
        synchronized (uiLock) {
            r.run();
        }
    };
    private final ExecutorService background = Executors.newCachedThreadPool();

    @TempDir
    Path dir;
    private WizardViewModel vm;
    private String database;

    @AfterEach
    void closeModel() throws Exception {
        if (vm != null) {
            CountDownLatch closed = new CountDownLatch(1);
            vm.close(closed::countDown);
            closed.await(30, TimeUnit.SECONDS);
        }
        background.shutdownNow();
    }

    private void open(String stepOption) throws Exception {
        database = TestPostgres.freshDatabase("wizard_rb");
        TestPostgres.exec(database, "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2), (3);");
        Files.writeString(dir.resolve("migration.sql"), "ALTER TABLE items ADD COLUMN note text;\n");
        Files.writeString(dir.resolve("rollback.sql"), "ALTER TABLE items DROP COLUMN note;\n");
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, RUNBOOK.formatted(database, stepOption), StandardCharsets.UTF_8);
        Runbook rb = RunbookLoader.load(file);
        Target target = Targets.fromEnvironment().connect(TestPostgres.server().uri(database),
                Targets.PasswordPrompt.NONE);
        vm = new WizardViewModel(rb, target, ui, background, Clock.systemUTC());
        vm.open("alice", dir.resolve("sessions"), null);
        awaitTrue(() -> vm.openedProperty().get());
        run(null);
        vm.next();
        run(database);
        vm.next();
        run(null);
        awaitTrue(() -> vm.currentProperty().get().status().isBlocking());
    }

    private void run(String typed) throws Exception {
        synchronized (uiLock) {
            if (vm.migrationToRun()) vm.runMigration(typed);
            else vm.run();
        }
        awaitTrue(() -> !vm.busyProperty().get());
    }

    @Test
    void eachRollbackWaitsForTheTypedDatabaseNameAndAProvenOneEndsTheWindowRolledBack() throws Exception {
        open("");
        awaitTrue(() -> vm.canRollBackProperty().get());

        synchronized (uiLock) {
            vm.rollBack("notes were not filled");
        }
        awaitTrue(() -> vm.rollbackApprovalProperty().get() != null);
        WizardViewModel.RollbackApproval ask;
        synchronized (uiLock) {
            ask = vm.rollbackApprovalProperty().get();
            assertThat(ask.production()).isTrue();
            assertThat(ask.preview()).contains("rollback.sql").contains("DROP COLUMN note");
            vm.answerRollback("postgres");
        }
        awaitTrue(() -> !vm.busyProperty().get());
        assertThat(vm.errorProperty().get()).contains("PRODUCTION").contains(database);
        assertThat(Journal.read(vm.session().journalFile())).noneMatch(e -> e instanceof JournalEvent.MigrationBegan m
                && Rollbacks.isRollback(m.stepId()));

        synchronized (uiLock) {
            vm.rollBack("notes were not filled");
        }
        awaitTrue(() -> vm.rollbackApprovalProperty().get() != null);
        synchronized (uiLock) {
            vm.answerRollback(database);
        }
        awaitTrue(() -> vm.summaryProperty().get() != null);
        assertThat(vm.summaryProperty().get().verdict()).isEqualTo(Outcome.Verdict.ROLLED_BACK);
        assertThat(vm.endedProperty().get()).isTrue();
        assertThat(vm.canRollBackProperty().get()).isFalse();
    }

    @Test
    void pastAPointOfNoReturnTheWizardOffersNoRollbackAndSaysTheBackupIsTheWayBack() throws Exception {
        open("pointOfNoReturn: true");
        awaitTrue(() -> !vm.rollbackNoticeProperty().get().isEmpty());
        assertThat(vm.canRollBackProperty().get()).isFalse();
        assertThat(vm.rollbackNoticeProperty().get()).contains("point of no return").contains("restoring the backup");
        synchronized (uiLock) {
            vm.rollBack("try anyway");
        }
        assertThat(vm.errorProperty().get()).contains("restoring the backup");
        assertThat(vm.session().state().rollback()).isEmpty();
    }

    private void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600 && !holds(condition); i++) Thread.sleep(50);
        assertThat(holds(condition)).as("condition reached within 30 s").isTrue();
    }

    private boolean holds(java.util.function.BooleanSupplier c) {
        synchronized (uiLock) {
            return c.getAsBoolean();
        }
    }
}
