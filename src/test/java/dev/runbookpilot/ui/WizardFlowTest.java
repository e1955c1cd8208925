package dev.runbookpilot.ui;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.start.Sample;
import dev.runbookpilot.ui.wizard.CheckRow;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Labeled;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TextInputControl;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.NodeQueryUtils;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real wizard, driven through its controls under headless Monocle, against real PostgreSQL servers. */
@ExtendWith(ApplicationExtension.class)
class WizardFlowTest {
    private static final String SETUP = """
            CREATE TABLE items (id int PRIMARY KEY, name text);
            INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');
            """;

    @TempDir
    Path dir;
    private Stage stage;
    private MainWindow window;
    private ExecutorService background;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        background = FxExecutors.background();
        window = new MainWindow(stage, new Workspace(dir.resolve("home")), background);
        stage.show();
    }

    private String previousHome;

    @AfterEach
    void restoreHome() {
        if (previousHome != null) System.setProperty("user.home", previousHome);
    }

    @AfterEach
    void closeWindow(FxRobot robot) throws Exception {
        if (window.wizard() != null) {
            WizardViewModel vm = window.wizard().viewModel();
            robot.interact(() -> stage.fireEvent(new javafx.stage.WindowEvent(stage,
                    javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !stage.isShowing());
            assertThat(vm.session()).isNull();
        }
        background.shutdownNow();
    }

    @Test
    void walksASampleRunbookOnTheEmbeddedDemoFromTheStartScreenToTheExportedReport(FxRobot robot)
            throws Exception {
        // The sample's backup step writes to ~/runbook-pilot-backups: here, under the test's own folder.
        previousHome = System.getProperty("user.home");
        System.setProperty("user.home", Files.createDirectories(dir.resolve("home")).toString());
        robot.interact(() -> window.start(Startup.startScreen("alice")));
        ListView<Sample> samples = robot.lookup("#samples").queryListView();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> samples.getItems().stream()
                .anyMatch(s -> s.file().getParent().getFileName().toString().equals("schema-alignment")));
        Sample sample = samples.getItems().stream()
                .filter(s -> s.file().getParent().getFileName().toString().equals("schema-alignment"))
                .findFirst().orElseThrow();
        robot.interact(() -> samples.scrollTo(sample));
        robot.clickOn(sample.title());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> text(robot, "#chosenRunbook").startsWith(sample.title()));
        robot.clickOn("#connect");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#modeDemo").match(NodeQueryUtils.isVisible()).tryQuery()
                        .map(n -> !n.isDisabled()).orElse(false));
        robot.clickOn("#modeDemo");
        robot.clickOn("#connectTarget");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> window.wizard() != null
                && window.wizard().viewModel().openedProperty().get());
        assertThat(robot.lookup("#environment-text").queryAs(Labeled.class).getText())
                .containsIgnoringCase("development").contains("singularity_dev");

        walkToSummary(robot);

        assertThat(text(robot, "#verdict")).startsWith("✔");
        assertThat(robot.lookup("#signoffs").queryTableView().getItems()).isNotEmpty()
                .allSatisfy(e -> assertThat(((WizardViewModel.SignoffEntry) e).name()).isNotNull());
        robot.clickOn("#export");
        robot.clickOn("#format-md");
        robot.clickOn("#sign-none");
        robot.clickOn("#do-export");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS,
                () -> robot.lookup("#export-result").queryAs(TextArea.class).getText().startsWith("Report written"));
        Path report = Path.of(robot.lookup("#report-path").queryAs(TextField.class).getText());
        String md = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(md).contains("Schema alignment").contains("alice").contains("PASSED");
        // The report writes the home folder as ~, never the workstation's absolute path.
        assertThat(md).as("the backup's proof is in the report").contains("SHA-256", "Rows restored",
                "~/runbook-pilot-backups/").doesNotContain(dir.resolve("home").toString());

        // The default export is a signed PDF, verified as soon as it is written.
        robot.clickOn("#format-pdf");
        robot.clickOn("#sign-generated");
        robot.clickOn("#do-export");
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS,
                () -> robot.lookup("#export-result").queryAs(TextArea.class).getText().contains("Verifi"));
        assertThat(robot.lookup("#export-result").queryAs(TextArea.class).getText())
                .contains("✔ Verified").contains("Fingerprint (SHA-256)");
        Path pdf = Path.of(robot.lookup("#report-path").queryAs(TextField.class).getText());
        assertThat(Files.readAllBytes(pdf)).startsWith("%PDF".getBytes(StandardCharsets.US_ASCII));
        closeDialogs(robot);
    }

    @Test
    void walksASampleWhoseMigrationIsAPsqlCommandApprovingItSeeingItsOutputLiveAndItsResult(FxRobot robot)
            throws Exception {
        robot.interact(() -> window.start(Startup.startScreen("alice")));
        ListView<Sample> samples = robot.lookup("#samples").queryListView();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> samples.getItems().stream()
                .anyMatch(s -> s.file().getParent().getFileName().toString().equals("schema-fixes-3.7.0")));
        Sample sample = samples.getItems().stream()
                .filter(s -> s.file().getParent().getFileName().toString().equals("schema-fixes-3.7.0"))
                .findFirst().orElseThrow();
        robot.interact(() -> samples.scrollTo(sample));
        robot.clickOn(sample.title());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> text(robot, "#chosenRunbook").startsWith(sample.title()));
        robot.clickOn("#connect");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#modeDemo").match(NodeQueryUtils.isVisible()).tryQuery()
                        .map(n -> !n.isDisabled()).orElse(false));
        robot.clickOn("#modeDemo");
        robot.clickOn("#connectTarget");
        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> window.wizard() != null
                && window.wizard().viewModel().openedProperty().get());

        walk(robot, "migrate");
        WizardViewModel vm = window.wizard().viewModel();
        assertThat(vm.currentProperty().get().step().id()).isEqualTo("migrate");
        robot.clickOn("#run");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> !dialogButton(robot, "Run migration").isDisabled());
        String approval = robot.lookup("#migration-sql").queryAs(TextArea.class).getText();
        assertThat(approval).contains("$ psql \"$DATABASE_URL\" --no-psqlrc --single-transaction")
                .containsPattern("\nin .*schema-fixes-3\\.7\\.0\n")
                .contains("PGHOST=").contains("PGDATABASE=").contains("DATABASE_URL=postgresql://")
                .contains("then verify: the migration's own version row says 3.7.0");
        assertThat(approval.lines().filter(l -> l.strip().startsWith("PGPASSWORD=")))
                .allSatisfy(l -> assertThat(l).endsWith("=*****"));
        robot.clickOn(dialogButton(robot, "Run migration"));
        waitIdle();

        assertThat(firstRow(robot).status()).as(firstRow(robot).toString()).isEqualTo(Status.PASSED);
        assertThat(vm.checks().get(1).status()).as("its verify check ran right after it").isEqualTo(Status.PASSED);
        assertThat(robot.lookup("#migration-log").queryListView().getItems())
                .anySatisfy(l -> assertThat(l.toString()).contains("NOTICE:  Upgrading schema from 3.6.0 to 3.7.0"))
                .anySatisfy(l -> assertThat(l.toString()).contains("Schema version is now 3.7.0"));
        robot.interact(() -> robot.lookup("#checks").queryTableView().getSelectionModel().select(0));
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#check-command-summary").tryQuery().isPresent());
        assertThat(text(robot, "#check-command-summary")).contains("Exit code: 0")
                .contains("matched at line");
        assertThat(robot.lookup("#check-command-output").queryAs(TextArea.class).getText())
                .contains("Created 9 partial indexes");
    }

    @Test
    void aRunbookAndAConnectionGivenOnTheCommandLineOpenStraightInTheWizard(FxRobot robot) throws Exception {
        database = TestPostgres.freshDatabase("wizardfx");
        TestPostgres.exec(database, SETUP);
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: Direct
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: count
                        title: Three items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 3" }
                """.formatted(database), StandardCharsets.UTF_8);

        robot.interact(() -> window.start(new Startup(file, false, TestPostgres.server().uri(database), "alice")));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.wizard() != null
                && window.wizard().viewModel().openedProperty().get());

        assertThat(text(robot, "#environment-text")).containsIgnoringCase("staging").contains(database);
        robot.clickOn("#run");
        waitIdle();
        assertThat(firstRow(robot).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void aFailedCheckHoldsNextUntilWaivedWithAReason(FxRobot robot) throws Exception {
        open(robot, """
                runbook: Gate
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: wrong
                        title: Four items expected
                        checks:
                          - query: { name: four items, sql: "SELECT count(*) FROM items", expect: "= 4" }
                      - id: after
                        title: After the gate
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """);
        robot.clickOn("#run");
        waitIdle();
        CheckRow row = firstRow(robot);
        assertThat(row.status()).isEqualTo(Status.FAILED);
        assertThat(button(robot, "#next").isDisabled()).isTrue();
        assertThat(text(robot, "#check-error") + text(robot, "#check-title")).isNotBlank();

        robot.clickOn("#waive");
        Button ok = dialogButton(robot, "Waive");
        assertThat(ok.isDisabled()).as("a waiver needs a reason").isTrue();
        robot.clickOn("#waiver-reason").write("Known fixture; the fourth item arrives tomorrow");
        robot.clickOn(ok);
        waitIdle();

        assertThat(row.status()).isEqualTo(Status.WAIVED);
        assertThat(row.acceptedProperty().get()).contains("alice").contains("fourth item");
        assertThat(button(robot, "#next").isDisabled()).isFalse();
        robot.clickOn("#next");
        assertThat(text(robot, "#step-title")).isEqualTo("After the gate");
    }

    @Test
    void aManualItemWithARequiredNoteStaysUnconfirmedWithoutOne(FxRobot robot) throws Exception {
        open(robot, """
                runbook: Manual
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: backup
                        title: Backup stored
                        manual: Paste where pg_dump wrote backup_prod.dump.
                        requireNote: true
                """);
        CheckBox done = robot.lookup(".manual-item").queryAs(CheckBox.class);
        assertThat(robot.lookup(".manual-text").queryAs(dev.runbookpilot.ui.widgets.MarkdownView.class).getMarkdown())
                .isEqualTo("Paste where pg_dump wrote backup_prod.dump.");
        robot.clickOn(done);
        waitIdle();
        assertThat(done.isSelected()).isFalse();
        assertThat(firstRow(robot).status()).isEqualTo(Status.PENDING);
        assertThat(button(robot, "#next").isDisabled()).isTrue();
        assertThat(text(robot, "#check-actual")).isEqualTo("awaiting confirmation (tick it above)");

        robot.clickOn(".manual-note").write("s3://backups/manual.dump");
        robot.clickOn(".manual-item");
        waitIdle();

        assertThat(firstRow(robot).status()).isEqualTo(Status.CONFIRMED);
        assertThat(robot.lookup(".manual-item").queryAs(CheckBox.class).isSelected()).isTrue();
        assertThat(text(robot, "#check-actual")).isEqualTo("confirmed by alice: s3://backups/manual.dump");
        assertThat(robot.lookup("#check-status").queryAs(dev.runbookpilot.ui.widgets.StatusBadge.class)
                .getStatus()).isEqualTo(Status.CONFIRMED);
        assertThat(button(robot, "#next").isDisabled()).isFalse();
    }

    @Test
    void aNoteTypedOnOneStepIsNotOfferedOnTheNext(FxRobot robot) throws Exception {
        open(robot, """
                runbook: Notes
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: backup
                        title: Backup stored
                        manual: Paste the backup location.
                        requireNote: true
                      - id: restore
                        title: Restore tested
                        manual: Restore the backup on the scratch server.
                """);
        robot.clickOn(".manual-note").write("s3://backups/prod.dump");
        robot.clickOn(".manual-item");
        waitIdle();
        assertThat(firstRow(robot).status()).isEqualTo(Status.CONFIRMED);
        // The view learns of the step change through a listener; it must survive a collection (it once did not).
        System.gc();

        robot.clickOn("#next");
        waitIdle();

        assertThat(text(robot, "#step-title")).isEqualTo("Restore tested");
        assertThat(robot.lookup(".manual-note").queryAs(TextField.class).getText()).isEmpty();
    }

    @Test
    void aSlowCheckIsCancelledWhileTheWindowStaysResponsive(FxRobot robot) throws Exception {
        open(robot, """
                runbook: Slow
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: slow
                        title: A thirty-second check
                        checks:
                          - query: { sql: "SELECT pg_sleep(30)::text", expect: "''" }
                """);
        robot.clickOn("#run");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> firstRow(robot).status() == Status.RUNNING);

        // While the check sleeps on the server the FX thread still handles input: the log console expands.
        robot.clickOn("#log-console");
        assertThat(robot.lookup("#log-console").queryAs(javafx.scene.control.TitledPane.class).isExpanded())
                .isTrue();
        robot.clickOn("#cancel");
        waitIdle();

        assertThat(firstRow(robot).status()).isEqualTo(Status.ERROR);
        assertThat(firstRow(robot).result().error()).containsIgnoringCase("cancel");
        assertThat(button(robot, "#next").isDisabled()).isTrue();
    }

    @Test
    void reopeningAClosedSessionResumesOnTheSameStepWithItsResults(FxRobot robot) throws Exception {
        Runbook rb = open(robot, """
                runbook: Resume
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: first
                        title: First
                        checks:
                          - query: { name: three items, sql: "SELECT count(*) FROM items", expect: "= 3" }
                      - id: second
                        title: Second
                        checks:
                          - query: { name: four items, sql: "SELECT count(*) FROM items", expect: "= 4" }
                      - id: third
                        title: Third
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """);
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        robot.clickOn("#run");
        waitIdle();
        Path journal = window.wizard().viewModel().session().journalFile();
        WizardViewModel first = window.wizard().viewModel();
        closeTheWindow(robot);
        assertThat(first.session()).isNull();

        Target again = connect();
        robot.interact(() -> {
            stage.show();
            window.showWizard(new Launch(rb, again, "alice", journal));
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.wizard().viewModel().openedProperty().get());

        assertThat(text(robot, "#step-title")).isEqualTo("Second");
        assertThat(firstRow(robot).status()).isEqualTo(Status.FAILED);
        assertThat(firstRow(robot).actualProperty().get()).isEqualTo("3");
        assertThat(window.wizard().viewModel().steps().get(0).status()).isEqualTo(Status.PASSED);
    }

    @Test
    void closingTheWindowMidRunThenRestartingResumesFromTheStartScreenOnTheSameStep(FxRobot robot)
            throws Exception {
        open(robot, """
                runbook: Restart
                target: { environment: development, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: first
                        title: First
                        checks:
                          - query: { name: three items, sql: "SELECT count(*) FROM items", expect: "= 3" }
                      - id: slow
                        title: Slow
                        checks:
                          - query: { name: a long look, sql: "SELECT pg_sleep(30)::text", expect: "''" }
                """);
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        robot.clickOn("#run");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> firstRow(robot).status() == Status.RUNNING);

        closeTheWindow(robot);

        // A new window on the same workspace, as after restarting the app.
        robot.interact(() -> {
            window = new MainWindow(stage, new Workspace(dir.resolve("home")), background);
            window.start(Startup.startScreen("alice"));
        });
        TableView<?> sessions = robot.lookup("#sessions").queryTableView();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !sessions.getItems().isEmpty());
        robot.interact(() -> sessions.getSelectionModel().select(0));
        robot.clickOn("#resume");
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> window.wizard() != null
                && window.wizard().viewModel().openedProperty().get());
        waitIdle();

        assertThat(text(robot, "#step-title")).isEqualTo("Slow");
        assertThat(firstRow(robot).status()).isEqualTo(Status.ERROR);
        assertThat(firstRow(robot).result().error()).isEqualTo("cancelled: the session was closed while work ran");
        assertThat(window.wizard().viewModel().steps().get(0).status()).isEqualTo(Status.PASSED);
        robot.clickOn("#back");
        assertThat(firstRow(robot).actualProperty().get()).isEqualTo("3");
    }

    @Test
    void atTheSmallestWindowTheKeyboardRunsAMigrationWhoseNoticesStreamIntoTheLog(FxRobot robot) throws Exception {
        Files.writeString(dir.resolve("migration.sql"), """
                DO $$ BEGIN RAISE NOTICE 'adding the note column'; END $$;
                ALTER TABLE items ADD COLUMN note text;
                DO $$ BEGIN RAISE NOTICE 'note column added'; END $$;
                """, StandardCharsets.UTF_8);
        open(robot, """
                runbook: Keys
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: count
                        title: Three items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 3" }
                      - id: migrate
                        title: Add the note column
                        checks:
                          - execute: { file: migration.sql }
                      - id: after
                        title: The column is there
                        checks:
                          - columns: { table: items, include: [note] }
                """);
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
        });
        WaitForAsyncUtils.waitForFxEvents();
        for (String control : List.of("#back", "#run", "#rerun", "#cancel", "#waive", "#next", "#checks")) {
            javafx.geometry.Bounds b = robot.lookup(control).query().localToScene(
                    robot.lookup(control).query().getBoundsInLocal());
            assertThat(b.getMaxX()).as("%s fits the width", control).isLessThanOrEqualTo(1024);
            assertThat(b.getMaxY()).as("%s fits the height", control).isLessThanOrEqualTo(700);
        }

        robot.clickOn("#step-title").push(javafx.scene.input.KeyCode.F5);
        waitIdle();
        assertThat(firstRow(robot).status()).isEqualTo(Status.PASSED);
        robot.push(javafx.scene.input.KeyCode.ALT, javafx.scene.input.KeyCode.RIGHT);
        assertThat(text(robot, "#step-title")).isEqualTo("Add the note column");

        robot.push(javafx.scene.input.KeyCode.F5);
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> robot.lookup("#migration-sql").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> !dialogButton(robot, "Run migration").isDisabled());
        assertThat(robot.lookup("#migration-sql").queryAs(TextArea.class).getText())
                .contains("ALTER TABLE items ADD COLUMN note text");
        robot.clickOn(dialogButton(robot, "Run migration"));
        waitIdle();

        assertThat(firstRow(robot).status()).isEqualTo(Status.PASSED);
        assertThat(robot.lookup("#migration-log").queryListView().getItems())
                .anySatisfy(n -> assertThat(n.toString()).contains("adding the note column"))
                .anySatisfy(n -> assertThat(n.toString()).contains("note column added"));
        robot.push(javafx.scene.input.KeyCode.ALT, javafx.scene.input.KeyCode.RIGHT);
        robot.push(javafx.scene.input.KeyCode.F5);
        waitIdle();
        assertThat(firstRow(robot).status()).isEqualTo(Status.PASSED);
        robot.push(javafx.scene.input.KeyCode.ALT, javafx.scene.input.KeyCode.LEFT);
        assertThat(text(robot, "#step-title")).isEqualTo("Add the note column");
    }

    // ---------------------------------------------------------------- helpers

    /** As the operator closing the window (its close box): the wizard closes its session, then the window goes. */
    private void closeTheWindow(FxRobot robot) throws Exception {
        robot.interact(() -> stage.fireEvent(new javafx.stage.WindowEvent(stage,
                javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !stage.isShowing());
    }

    private String database;

    private Runbook open(FxRobot robot, String yamlTemplate) throws Exception {
        database = TestPostgres.freshDatabase("wizardfx");
        TestPostgres.exec(database, SETUP);
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, yamlTemplate.formatted(database), StandardCharsets.UTF_8);
        Runbook rb = RunbookLoader.load(file);
        Target target = connect();
        robot.interact(() -> window.showWizard(new Launch(rb, target, "alice", null)));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.wizard().viewModel().openedProperty().get());
        return rb;
    }

    private Target connect() throws Exception {
        return Targets.fromEnvironment().connect(TestPostgres.server().uri(database), Targets.PasswordPrompt.NONE);
    }

    private static boolean hasBackup(dev.runbookpilot.runbook.Step step) {
        return step.checks().stream().anyMatch(c -> c instanceof dev.runbookpilot.runbook.CheckSpec.Backup);
    }

    /**
     * A backup step streamed pg_dump's own lines while it ran (the FX thread never waited: they arrived as the
     * dump went), and its row shows the proof: the file's SHA-256 and the restored counts.
     */
    @SuppressWarnings("unchecked")
    private void seeBackupProof(FxRobot robot, dev.runbookpilot.runbook.Step step) throws Exception {
        WizardViewModel vm = window.wizard().viewModel();
        assertThat(vm.migrationLog()).anyMatch(l -> l.startsWith("pg_dump: ")).anyMatch(l -> l.startsWith("pg_restore: "));
        assertThat(robot.lookup("#migration-log").match(NodeQueryUtils.isVisible()).tryQuery()).isPresent();
        int index = 0;
        while (!(step.checks().get(index) instanceof dev.runbookpilot.runbook.CheckSpec.Backup)) index++;
        int backup = index;
        TableView<CheckRow> table = robot.lookup("#checks").queryAs(TableView.class);
        robot.interact(() -> table.getSelectionModel().select(backup));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#backup-sha-256").queryAs(Labeled.class).getText()).matches("[0-9a-f]{64}");
        assertThat(robot.lookup("#check-backup-counts").queryTableView().getItems()).isNotEmpty();
    }

    private void waitIdle() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !window.wizard().viewModel().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @SuppressWarnings("unchecked")
    private CheckRow firstRow(FxRobot robot) {
        return ((TableView<CheckRow>) robot.lookup("#checks").queryAs(TableView.class)).getItems().get(0);
    }

    private static Button button(FxRobot robot, String query) {
        return robot.lookup(query).queryButton();
    }

    private static String text(FxRobot robot, String query) {
        Node n = robot.lookup(query).query();
        if (n instanceof Labeled l) return l.getText();
        if (n instanceof TextInputControl t) return t.getText();
        return String.valueOf(n);
    }

    private static Button dialogButton(FxRobot robot, String label) {
        return robot.lookup(".dialog-pane .button").queryAllAs(Button.class).stream()
                .filter(b -> label.equals(b.getText())).findFirst().orElseThrow();
    }

    /** Runs, confirms, signs and moves on until the sign-off screen, failing on any step that does not pass. */
    private void walkToSummary(FxRobot robot) throws Exception {
        walk(robot, null);
        waitIdle();
        assertThat(window.wizard().viewModel().onSummaryProperty().get()).isTrue();
    }

    /** Walks as {@link #walkToSummary} does, stopping before it runs the step {@code stopAt} (null: never). */
    private void walk(FxRobot robot, String stopAt) throws Exception {
        WizardViewModel vm = window.wizard().viewModel();
        for (int guard = 0; guard < 200 && !vm.onSummaryProperty().get(); guard++) {
            waitIdle();
            var step = vm.currentProperty().get();
            if (step.step().id().equals(stopAt)) return;
            if (!step.status().isSatisfied() && !button(robot, "#run").isDisabled()) {
                robot.clickOn("#run");
                if (step.step().mutates()) robot.clickOn(dialogButton(robot, "Run migration"));
                waitIdle();
                if (hasBackup(step.step())) seeBackupProof(robot, step.step());
                if (step.step().mutates()) {
                    // The outcome of a migration is also announced in a notification, for a DBA who looked away.
                    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup((Node n) ->
                            n instanceof Labeled l && "Migration applied".equals(l.getText())).tryQuery().isPresent());
                }
            }
            // Each confirmation or signature rebuilds the step's extras, so look the fields up afresh every time.
            int people = 0;
            for (Node item = unticked(robot); item != null; item = unticked(robot)) {
                assertThat(people++).as("'%s': a manual item would not take its confirmation (%s)",
                        step.step().title(), vm.errorProperty().get()).isLessThan(10);
                TextField note = robot.lookup("#step-note").queryAs(TextField.class);
                // As a person would, scroll the step to the field and the item before using them.
                reveal(robot, note);
                if (note.getText().isBlank()) robot.clickOn(note).write("done");
                reveal(robot, item);
                robot.clickOn(item);
                waitIdle();
            }
            for (Node name = pending(robot, ".signoff-name"); name != null; name = pending(robot, ".signoff-name")) {
                assertThat(people++).as("'%s': a role would not take its signature", step.step().title())
                        .isLessThan(10);
                robot.clickOn(name).write("Test Signer");
                // The role's line: its label, who signs and how (the name is one field of that), and the button.
                Button sign = (Button) name.getParent().getParent().getChildrenUnmodifiable().stream()
                        .filter(n -> n instanceof Button).findFirst().orElseThrow();
                robot.clickOn(sign);
                waitIdle();
            }
            assertThat(step.status().isSatisfied()).as("step '%s' is %s", step.step().title(), step.status())
                    .isTrue();
            robot.clickOn("#next");
        }
    }

    private static void closeDialogs(FxRobot robot) {
        robot.interact(() -> Window.getWindows().stream().filter(w -> w instanceof Stage s && s.getOwner() != null)
                .toList().forEach(w -> ((Stage) w).close()));
    }

    /** Scrolls the step's scroll pane so the node is in its viewport (a click elsewhere would miss it). */
    private static void reveal(FxRobot robot, Node node) {
        robot.interact(() -> {
            for (javafx.scene.Parent p = node.getParent(); p != null; p = p.getParent()) {
                if (!(p instanceof javafx.scene.control.ScrollPane sp)) continue;
                double content = sp.getContent().getLayoutBounds().getHeight();
                double viewport = sp.getViewportBounds().getHeight();
                if (content <= viewport) return;
                double y = sp.getContent().sceneToLocal(node.localToScene(node.getBoundsInLocal())).getMinY();
                sp.setVvalue(Math.max(0, Math.min(1, (y - 20) / (content - viewport))));
                sp.layout();
                return;
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** The first manual item's checkbox that can still be ticked; null when none is left. */
    private static Node unticked(FxRobot robot) {
        return robot.lookup(".manual-item").queryAllAs(CheckBox.class).stream()
                .filter(c -> !c.isSelected() && !c.isDisabled() && c.isVisible()).findFirst().orElse(null);
    }

    private static Node pending(FxRobot robot, String query) {
        return robot.lookup(query).queryAll().stream().filter(n -> !n.isDisabled() && n.isVisible()).findFirst()
                .orElse(null);
    }
}
