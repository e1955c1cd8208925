package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Target;
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

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wizard's rules without the FX toolkit: the model runs against a real database with executors that run on
 * the calling thread (UI updates serialized, as the FX thread would).
 */
class WizardViewModelTest {
    private static final String SETUP = """
            CREATE TABLE items (id int PRIMARY KEY, name text);
            INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');
            """;

    private static String runbookYaml(String environment, String database) {
        return """
                runbook: Wizard rules
                target: { environment: %s, database: %s }
                phases:
                  - name: Before
                    steps:
                      - id: count
                        title: Three items
                        checks:
                          - query: { name: item count, sql: "SELECT count(*) FROM items", expect: "= 3" }
                      - id: wrong
                        title: A check that fails
                        checks:
                          - query: { name: four items, sql: "SELECT count(*) FROM items", expect: "= 4" }
                      - id: backup
                        title: Backup stored
                        manual: Paste the backup location.
                        requireNote: true
                  - name: Change
                    steps:
                      - id: migrate
                        title: Add a column
                        checks:
                          - execute: { file: migration.sql }
                  - name: Sign-off
                    steps:
                      - id: signoff
                        title: Sign-off
                        signoff: { roles: [DBA] }
                """.formatted(environment, database);
    }

    private final Object uiLock = new Object();
    private final java.util.concurrent.Executor ui = r -> {
        synchronized (uiLock) {
            r.run();
        }
    };
    private final java.util.concurrent.Executor sameThread = Runnable::run;

    @TempDir
    Path dir;
    private WizardViewModel vm;
    private String database;

    @AfterEach
    void closeModel() throws Exception {
        if (vm == null) return;
        CountDownLatch closed = new CountDownLatch(1);
        vm.close(closed::countDown);
        closed.await(30, TimeUnit.SECONDS);
    }

    private Runbook runbook(String environment) throws Exception {
        database = TestPostgres.freshDatabase("wizard");
        TestPostgres.exec(database, SETUP);
        Files.writeString(dir.resolve("migration.sql"), "ALTER TABLE items ADD COLUMN note text;\n",
                StandardCharsets.UTF_8);
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, runbookYaml(environment, database), StandardCharsets.UTF_8);
        return RunbookLoader.load(file);
    }

    private Target connect() throws Exception {
        return Targets.fromEnvironment().connect(TestPostgres.server().uri(database), Targets.PasswordPrompt.NONE);
    }

    private WizardViewModel open(Runbook rb, java.util.concurrent.Executor background, Path resume)
            throws Exception {
        vm = new WizardViewModel(rb, connect(), ui, background, Clock.systemUTC());
        vm.open("alice", dir.resolve("sessions"), resume);
        return vm;
    }

    private CheckRow row(int index) {
        return vm.checks().get(index);
    }

    @Test
    void opensOnTheFirstStepAndMovesOnOnlyOnceItPasses() throws Exception {
        open(runbook("development"), sameThread, null);

        assertThat(vm.openedProperty().get()).isTrue();
        assertThat(vm.currentProperty().get().step().id()).isEqualTo("count");
        assertThat(vm.canNextProperty().get()).as("nothing has run yet").isFalse();

        vm.run();

        assertThat(row(0).status()).isEqualTo(Status.PASSED);
        assertThat(row(0).actualProperty().get()).isEqualTo("3");
        assertThat(row(0).durationProperty().get()).endsWith("ms");
        assertThat(vm.currentProperty().get().status()).isEqualTo(Status.PASSED);
        assertThat(vm.canNextProperty().get()).isTrue();
        vm.next();
        assertThat(vm.currentProperty().get().step().id()).isEqualTo("wrong");
        assertThat(vm.canBackProperty().get()).isTrue();
    }

    @Test
    void aFailedStepHoldsTheWizardUntilWaivedWithAReason() throws Exception {
        open(runbook("development"), sameThread, null);
        vm.run();
        vm.next();

        vm.run();

        assertThat(row(0).status()).isEqualTo(Status.FAILED);
        assertThat(row(0).expectedProperty().get()).isEqualTo("= 4");
        assertThat(row(0).actualProperty().get()).isEqualTo("3");
        assertThat(vm.canNextProperty().get()).isFalse();
        assertThat(vm.errorProperty().get()).contains("FAILED");
        assertThat(vm.canGoTo(vm.steps().get(2))).as("the outline is no way around the gate").isFalse();

        vm.waive(List.of(row(0)), "  ");
        assertThat(row(0).status()).isEqualTo(Status.FAILED);
        assertThat(vm.errorProperty().get()).contains("reason");

        vm.waive(List.of(row(0)), "Fixture data has three items by design");
        assertThat(row(0).status()).isEqualTo(Status.WAIVED);
        assertThat(row(0).acceptedProperty().get())
                .isEqualTo("waived by alice: Fixture data has three items by design");
        assertThat(vm.canNextProperty().get()).isTrue();
        assertThat(journal()).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(JournalEvent.Waived.class,
                w -> assertThat(w.operator()).isEqualTo("alice")));
    }

    @Test
    void aConfirmationCanBeTakenBackOnlyBeforeItsStepIsLeftAndTheReportKeepsBothButListsTheOneStanding()
            throws Exception {
        open(runbook("development"), sameThread, null);
        vm.run();
        vm.next();
        vm.run();
        vm.waive(List.of(row(0)), "accepted");
        vm.next();
        vm.confirm(row(0), "s3://first");
        assertThat(row(0).status()).isEqualTo(Status.CONFIRMED);

        vm.withdraw(row(0));
        assertThat(row(0).status()).as("ticked by mistake: pending again").isEqualTo(Status.PENDING);
        assertThat(vm.canNextProperty().get()).isFalse();
        vm.confirm(row(0), "s3://second");
        vm.renote("s3://third");
        assertThat(vm.confirmedNote(row(0))).isEqualTo("s3://third");

        vm.next();
        vm.back();
        assertThat(vm.canWithdraw(row(0))).as("left and come back: it stands").isFalse();
        vm.withdraw(row(0));
        assertThat(row(0).status()).isEqualTo(Status.CONFIRMED);
        vm.renote("s3://fourth");
        assertThat(vm.confirmedNote(row(0))).isEqualTo("s3://third");

        var report = dev.runbookpilot.report.ReportBuilder.build(vm.session().state());
        assertThat(report.confirmations()).singleElement()
                .satisfies(c -> assertThat(c.note()).isEqualTo("s3://third"));
        assertThat(report.timeline()).extracting(dev.runbookpilot.report.Report.TimelineEntry::what)
                .contains("backup#0 confirmation withdrawn by alice")
                .filteredOn(w -> w.equals("backup#0 confirmed by alice")).hasSize(3);

        vm.session().finish();
        var step = vm.currentProperty().get().step();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vm.session().withdrawConfirmation(step, 0))
                .as("once the window ended its confirmations stand, whatever asks")
                .hasMessageContaining("ended");
    }

    @Test
    void aManualItemWithARequiredNoteIsNotConfirmedWithoutOne() throws Exception {
        open(runbook("development"), sameThread, null);
        vm.run();
        vm.next();
        vm.run();
        vm.waive(List.of(row(0)), "accepted");
        vm.next();
        assertThat(vm.currentProperty().get().step().id()).isEqualTo("backup");
        assertThat(vm.canRunProperty().get()).as("nothing automated to run").isFalse();

        vm.confirm(row(0), " ");
        assertThat(row(0).status()).isEqualTo(Status.PENDING);
        assertThat(vm.errorProperty().get()).contains("note is required");
        assertThat(journal()).noneMatch(e -> e instanceof JournalEvent.Confirmed);

        vm.confirm(row(0), "s3://backups/wizard.dump");
        assertThat(row(0).status()).isEqualTo(Status.CONFIRMED);
        assertThat(row(0).acceptedProperty().get()).isEqualTo("confirmed by alice: s3://backups/wizard.dump");
        assertThat(vm.canNextProperty().get()).isTrue();
    }

    @Test
    void aProductionMigrationRunsOnlyWithTheDatabaseNameTyped() throws Exception {
        open(runbook("production"), sameThread, null);
        walkTo("migrate");
        assertThat(vm.requiresTypedDatabaseName()).isTrue();

        vm.run();
        assertThat(vm.errorProperty().get()).contains("approve");
        assertThat(vm.runMigration("postgres")).isFalse();
        assertThat(vm.errorProperty().get()).contains("PRODUCTION").contains(database);
        assertThat(row(0).status()).isEqualTo(Status.PENDING);
        assertThat(journal()).noneMatch(e -> e instanceof JournalEvent.MigrationBegan);

        assertThat(vm.runMigration(database)).isTrue();
        assertThat(row(0).status()).isEqualTo(Status.PASSED);
        assertThat(vm.announcements()).last().satisfies(a -> {
            assertThat(a.tone()).isEqualTo(WizardViewModel.Announcement.Tone.SUCCESS);
            assertThat(a.title()).isEqualTo("Migration applied");
            assertThat(a.text()).startsWith("'Add a column' · 1 passed in ");
        });
        try (var c = TestPostgres.connect(database); var rs = c.createStatement().executeQuery(
                "SELECT count(*) FROM information_schema.columns WHERE table_name = 'items' AND column_name = 'note'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void aFailedStatusCommandOnProductionRunsAgainOnlyThroughItsApprovalNeverPiecemeal() throws Exception {
        database = TestPostgres.freshDatabase("wizard");
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: Status
                target: { environment: production, database: %s }
                phases:
                  - name: Verify
                    steps:
                      - id: status
                        title: Every migration applied
                        checks:
                          - statusCommand: { run: "echo '20261202 pending add_note'", rejectOutput: ['pending'] }
                """.formatted(database), StandardCharsets.UTF_8);
        open(RunbookLoader.load(file), sameThread, null);

        vm.run();
        assertThat(vm.errorProperty().get()).contains("approve");
        assertThat(vm.runMigration("postgres")).isFalse();
        assertThat(vm.errorProperty().get()).contains("runs a status command against PRODUCTION");
        assertThat(vm.runMigration(database)).isTrue();
        assertThat(row(0).status()).isEqualTo(Status.FAILED);
        assertThat(vm.canRerunFailedProperty().get()).as("its tool runs against production again: approve it again")
                .isFalse();
    }

    @Test
    void aMigrationThatFailsIsAnnouncedAsNotCompleted() throws Exception {
        Runbook rb = runbook("development");
        Files.writeString(dir.resolve("migration.sql"), "ALTER TABLE no_such_table ADD COLUMN note text;\n",
                StandardCharsets.UTF_8);
        open(rb, sameThread, null);
        walkTo("migrate");

        vm.runMigration(null);

        assertThat(row(0).status()).isEqualTo(Status.ERROR);
        assertThat(vm.announcements()).last().satisfies(a -> {
            assertThat(a.tone()).isEqualTo(WizardViewModel.Announcement.Tone.FAILURE);
            assertThat(a.title()).isEqualTo("Migration did not complete");
            assertThat(a.text()).contains("'Add a column' is ERROR").contains("1 error");
        });
    }

    @Test
    void onlyARunLongerThanTheOperatorWouldWatchIsAnnounced() throws Exception {
        Runbook rb = runbook("development");
        // Every reading of this clock is six seconds after the last: each run "takes" longer than five seconds.
        Instant[] now = {Instant.parse("2026-11-21T10:00:00Z")};
        Clock slow = new Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now[0] = now[0].plusSeconds(6); }
        };
        vm = new WizardViewModel(rb, connect(), ui, sameThread, slow);
        vm.open("alice", dir.resolve("sessions"), null);
        vm.run();
        vm.next();
        vm.run();

        assertThat(vm.announcements()).extracting(WizardViewModel.Announcement::title)
                .containsExactly("'Three items' checked", "'A check that fails' checked");
        assertThat(vm.announcements().get(0).text()).startsWith("1 passed in 6.0 s");
        assertThat(vm.announcements().get(1).tone()).isEqualTo(WizardViewModel.Announcement.Tone.WARNING);
        assertThat(vm.announcements().get(1).text()).startsWith("1 failed in ");
    }

    @Test
    void theListsHandedToTheViewKeepNotifyingAfterAGarbageCollection() throws Exception {
        open(runbook("development"), sameThread, null);
        java.util.concurrent.atomic.AtomicInteger changes = new java.util.concurrent.atomic.AtomicInteger();
        vm.checks().addListener((javafx.collections.ListChangeListener<CheckRow>) c -> changes.incrementAndGet());
        System.gc();

        vm.run();
        vm.next();

        assertThat(changes.get()).isPositive();
        assertThat(vm.checks()).isSameAs(vm.checks());
    }

    @Test
    void aQuickRunIsNotAnnounced() throws Exception {
        Runbook rb = runbook("development");
        // A stopped clock: the run takes no time at all, whatever the machine's load.
        vm = new WizardViewModel(rb, connect(), ui, sameThread, Clock.fixed(Instant.EPOCH, java.time.ZoneOffset.UTC));
        vm.open("alice", dir.resolve("sessions"), null);
        vm.run();
        assertThat(row(0).status()).isEqualTo(Status.PASSED);
        assertThat(vm.announcements()).isEmpty();
    }

    @Test
    void theLastStepLeadsToASummaryWithEverySignature() throws Exception {
        open(runbook("development"), sameThread, null);
        walkTo("migrate");
        vm.runMigration(null);
        vm.next();
        assertThat(vm.unsignedRoles()).containsExactly("DBA");
        vm.sign("DBA", new WizardViewModel.Signer(WizardViewModel.SignerKind.TYPED, "Zoë Ångström", null),
                dev.runbookpilot.report.PassphrasePrompt.NONE);
        assertThat(vm.unsignedRoles()).isEmpty();

        vm.next();

        assertThat(vm.onSummaryProperty().get()).isTrue();
        assertThat(vm.endedProperty().get()).isTrue();
        WizardViewModel.Summary summary = vm.summaryProperty().get();
        assertThat(List.of(summary.checks(), summary.passed(), summary.failed(), summary.errors(), summary.waived(),
                summary.confirmed(), summary.pending(), summary.skipped())).containsExactly(5, 2, 0, 0, 1, 2, 0, 0);
        assertThat(summary.verdict()).isEqualTo(dev.runbookpilot.session.Outcome.Verdict.PASSED_WITH_WAIVERS);
        assertThat(summary.acceptances()).singleElement().asString().startsWith("Waived ");
        assertThat(vm.signoffs()).singleElement().satisfies(s -> {
            assertThat(s.role()).isEqualTo("DBA");
            assertThat(s.name()).isEqualTo("Zoë Ångström");
            assertThat(s.at()).isNotNull();
        });
        assertThat(journal()).anyMatch(e -> e instanceof JournalEvent.Ended);
    }

    @Test
    void aResumedSessionReopensOnTheSameStepWithEveryResultShown() throws Exception {
        Runbook rb = runbook("development");
        open(rb, sameThread, null);
        vm.run();
        vm.next();
        vm.run();
        Path journal = vm.session().journalFile();
        closeModel();

        open(rb, sameThread, journal);

        assertThat(vm.currentProperty().get().step().id()).isEqualTo("wrong");
        assertThat(row(0).status()).isEqualTo(Status.FAILED);
        assertThat(row(0).actualProperty().get()).isEqualTo("3");
        assertThat(vm.steps().get(0).status()).isEqualTo(Status.PASSED);
        assertThat(vm.infoProperty().get()).startsWith("Resumed session");
        assertThat(vm.announcements()).singleElement().satisfies(a -> {
            assertThat(a.title()).isEqualTo("Session resumed");
            assertThat(a.text()).isEqualTo("2 results restored from the journal · continuing at 'A check that fails'");
        });
    }

    @Test
    void aSlowCheckIsCancelledAndEndsAsErrorNeverAsPass() throws Exception {
        runbook("development");
        ExecutorService background = Executors.newCachedThreadPool();
        try {
            runUntilTheFirstCheckRuns("""
                runbook: Slow
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: slow
                        title: A thirty-second check
                        checks:
                          - query: { sql: "SELECT pg_sleep(30)::text", expect: "''" }
                """, background);
            AtomicReference<Boolean> runningSeen = new AtomicReference<>(false);
            synchronized (uiLock) {
                runningSeen.set(vm.runningProperty().get());
                vm.cancel();
            }
            awaitTrue(() -> !vm.runningProperty().get());

            assertThat(runningSeen.get()).isTrue();
            assertThat(row(0).status()).isEqualTo(Status.ERROR);
            assertThat(row(0).result().error()).containsIgnoringCase("cancel");
            assertThat(vm.canNextProperty().get()).isFalse();
        } finally {
            closeModel();
            vm = null;
            background.shutdownNow();
        }
    }

    @Test
    void aManualItemCannotBeConfirmedWhileTheStepsChecksRunSoRunIsNeverOfferedTwice() throws Exception {
        runbook("development");
        ExecutorService background = Executors.newCachedThreadPool();
        try {
            runUntilTheFirstCheckRuns("""
                runbook: Mixed
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: mixed
                        title: A slow check and a manual item
                        checks:
                          - query: { sql: "SELECT pg_sleep(30)::text", expect: "''" }
                          - manual: The application is stopped.
                """, background);
            synchronized (uiLock) {
                vm.confirm(row(1), "stopped");
                assertThat(vm.errorProperty().get()).contains("Wait");
                assertThat(vm.canRunProperty().get()).isFalse();
                assertThat(vm.busyProperty().get()).isTrue();
                vm.cancel();
            }
            awaitTrue(() -> !vm.runningProperty().get());
            assertThat(journal()).noneMatch(e -> e instanceof JournalEvent.Confirmed);

            synchronized (uiLock) {
                vm.confirm(row(1), "stopped");
            }
            awaitTrue(() -> row(1).status() == Status.CONFIRMED);
        } finally {
            closeModel();
            vm = null;
            background.shutdownNow();
        }
    }

    @Test
    void aRunningCountShowsItsTableTheTimeSoFarAndThePlannersEstimate() throws Exception {
        runbook("development");
        TestPostgres.exec(database, "CREATE TABLE orders AS SELECT g AS id FROM generate_series(1, 20000) g;"
                + " ANALYZE orders");
        Path file = dir.resolve("counting.yaml");
        Files.writeString(file, """
                runbook: Counting
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: before
                        title: Counts before
                        checks:
                          - snapshot: { name: before, rowCounts: [orders] }
                """.formatted(database), StandardCharsets.UTF_8);
        // The elapsed time is the UI's own: it moves when the clock does and the view ticks, not the database.
        AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T10:00:00Z"));
        Clock clock = new Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now.get(); }
        };
        ExecutorService background = Executors.newCachedThreadPool();
        try (java.sql.Connection locker = TestPostgres.connect(database)) {
            locker.setAutoCommit(false);
            try (java.sql.Statement s = locker.createStatement()) {
                s.execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            }
            vm = new WizardViewModel(RunbookLoader.load(file), connect(), ui, background, clock);
            vm.open("alice", dir.resolve("sessions"), null);
            awaitTrue(() -> vm.openedProperty().get());
            synchronized (uiLock) {
                vm.run();
            }
            awaitTrue(() -> !vm.countProgressProperty().get().isEmpty());
            synchronized (uiLock) {
                assertThat(vm.countProgressProperty().get()).isEqualTo(
                        "counting orders — 0 s so far, about 20.0 k rows by the planner's estimate");
                now.set(now.get().plusSeconds(72));
                vm.tick();
                assertThat(vm.countProgressProperty().get()).isEqualTo(
                        "counting orders — 1 min 12 s so far, about 20.0 k rows by the planner's estimate");
                assertThat(row(0).status()).isEqualTo(Status.RUNNING);
            }
            locker.rollback();
            awaitTrue(() -> !vm.runningProperty().get());
            assertThat(row(0).status()).isEqualTo(Status.PASSED);
            assertThat(vm.countProgressProperty().get()).isEmpty();
        } finally {
            closeModel();
            vm = null;
            background.shutdownNow();
        }
    }

    @Test
    void aCountsSizeIsSaidAtAGlanceOrSaidNotToBeEstimated() {
        assertThat(WizardViewModel.describeCount(List.of("events"), -1, java.time.Duration.ofSeconds(3)))
                .isEqualTo("counting events — 3 s so far, size not estimated");
        assertThat(WizardViewModel.describeCount(List.of("a", "b", "c"), 812, java.time.Duration.ZERO))
                .isEqualTo("counting a and 2 more small tables — 0 s so far,"
                        + " about 812 rows by the planner's estimate");
        assertThat(WizardViewModel.rows(1)).isEqualTo("1 row");
        assertThat(WizardViewModel.rows(5_200_000)).isEqualTo("5.2 M rows");
        assertThat(WizardViewModel.rows(1_400_000_000L)).isEqualTo("1.4 G rows");
    }

    /**
     * Opens the runbook (its database filled in) with a real background pool, as the app does, and runs its first
     * step until its first check is RUNNING on the server.
     */
    private void runUntilTheFirstCheckRuns(String yamlTemplate, ExecutorService background) throws Exception {
        Path file = dir.resolve("running.yaml");
        Files.writeString(file, yamlTemplate.formatted(database), StandardCharsets.UTF_8);
        CountDownLatch started = new CountDownLatch(1);
        open(RunbookLoader.load(file), background, null);
        awaitTrue(() -> vm.openedProperty().get());
        vm.checks().get(0).statusProperty().addListener((o, a, b) -> {
            if (b == Status.RUNNING) started.countDown();
        });
        synchronized (uiLock) {
            vm.run();
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anOptionalStepCanBeSkippedWithAReasonAndIsNeverAPass() throws Exception {
        Runbook rb = runbook("development");
        Files.writeString(rb.file(), Files.readString(rb.file()).replace("""
                        title: A check that fails
                """, """
                        title: A check that fails
                        optional: true
                """));
        open(RunbookLoader.load(rb.file()), sameThread, null);
        walkTo("wrong");
        assertThat(vm.canSkipProperty().get()).isTrue();
        vm.skip("  ");
        assertThat(vm.errorProperty().get()).isEqualTo("A skip needs a written reason");
        vm.skip("checked by hand on the replica");
        assertThat(vm.currentProperty().get().status()).isEqualTo(Status.SKIPPED);
        assertThat(vm.canSkipProperty().get()).isFalse();
        assertThat(vm.canNextProperty().get()).isTrue();
        assertThat(vm.session().outcome().counts().skipped()).isEqualTo(1);
    }

    @Test
    void aFailedMigrationOffersNoWaiver() throws Exception {
        Runbook rb = runbook("development");
        Files.writeString(dir.resolve("migration.sql"), "ALTER TABLE no_such_table ADD COLUMN note text;\n");
        open(rb, sameThread, null);
        walkTo("migrate");
        vm.runMigration(null);
        assertThat(vm.currentProperty().get().status().isBlocking()).isTrue();
        assertThat(vm.canWaiveProperty().get()).isFalse();
        vm.waive(vm.checks(), "looks fine to me");
        assertThat(vm.session().state().waiver("migrate", 0)).isEmpty();
    }

    private void walkTo(String stepId) {
        while (!vm.currentProperty().get().step().id().equals(stepId)) {
            if (vm.canRunProperty().get()) vm.run();
            if (vm.currentProperty().get().status().isBlocking()) {
                vm.waive(vm.checks(), "accepted in this test");
            }
            vm.checks().stream().filter(r -> r.kind().equals("manual")).forEach(r -> vm.confirm(r, "done"));
            vm.next();
        }
    }

    private List<JournalEvent> journal() throws Exception {
        return Journal.read(vm.session().journalFile());
    }

    private void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 600 && !condition(condition); i++) Thread.sleep(50);
        assertThat(condition(condition)).as("condition reached within 30 s").isTrue();
    }

    private boolean condition(java.util.function.BooleanSupplier c) {
        synchronized (uiLock) {
            return c.getAsBoolean();
        }
    }
}
