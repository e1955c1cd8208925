package dev.runbookpilot.ui;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.wizard.ActionLog;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wizard's tools for reading a window at 1366x768 and 1024x700: the session log of journaled actions. One
 * database for the class; each test its window.
 */
class WizardToolsTest extends WizardWindowTest {
    private static String database;

    @Override
    String database() {
        return database;
    }

    @Start
    void start(Stage stage) {
        showWindow(stage);
    }

    @BeforeAll
    static void oneDatabaseForTheClass() throws Exception {
        database = TestPostgres.freshDatabase("tools");
        TestPostgres.exec(database, "CREATE TABLE items (id int PRIMARY KEY, name text);"
                + " INSERT INTO items VALUES (1, 'plain'), (2, 'with, comma'), (3, 'say \"hi\"'), (4, NULL),"
                + " (5, ''), (6, 'two' || chr(10) || 'lines');");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void theSessionLogListsWhatRanWhoAcceptedItAndTheResultsLiveFromMemoryAndFilters(int width, int height,
                                                                                     FxRobot robot)
            throws Exception {
        open(robot, width, height, """
                runbook: Logged
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: count
                        title: Count the items
                        checks:
                          - query: { name: seven items, sql: "SELECT count(*) FROM items", expect: "= 7" }
                      - id: eyes
                        title: Look at the dashboards
                        manual: Dashboards look normal
                """.formatted(database));
        WizardViewModel vm = window.wizard().viewModel();
        // The panel must live on the session's memory: with the journal file gone from the directory (the session
        // still appends to it), everything journaled from here on still shows.
        Path journal = vm.session().journalFile();
        Files.delete(journal);

        robot.clickOn("#session-log");
        TitledPane pane = robot.lookup("#session-log").queryAs(TitledPane.class);
        assertThat(pane.isExpanded()).isTrue();
        TableView<ActionLog.Entry> table = robot.lookup("#session-log-table").queryTableView();
        assertThat(texts(table)).anySatisfy(t -> assertThat(t).startsWith("Session ").contains("started on "
                + database));
        robot.clickOn("#run");
        waitIdle();
        assertThat(texts(table)).as("the result appeared without asking")
                .anySatisfy(t -> assertThat(t).isEqualTo("seven items: FAILED — expected = 7, actual 6"));
        assertThat(pane.getText()).contains("✖ 1 failure");

        robot.interact(() -> vm.waive(List.copyOf(vm.checks()), "two rows were archived on purpose"));
        waitIdle();
        robot.interact(vm::next);
        waitIdle();
        robot.interact(() -> vm.confirm(vm.checks().get(0), "green"));
        waitIdle();

        List<ActionLog.Entry> entries = List.copyOf(table.getItems());
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.text()).isEqualTo("Waived seven items: two rows were archived on purpose");
            assertThat(e.by()).isEqualTo("alice");
            assertThat(e.step()).isEqualTo("Count the items");
        });
        assertThat(entries).anySatisfy(e -> {
            assertThat(e.text()).isEqualTo("Confirmed: Dashboards look normal — note: green");
            assertThat(e.by()).isEqualTo("alice");
        });
        assertThat(Files.exists(journal)).as("nothing read or recreated the file").isFalse();
        assertOnScreen(robot, "#session-log-table");
        assertOnScreen(robot, "#next");

        robot.interact(() -> robot.lookup("#session-log-filter").<ComboBox<ActionLog.Filter>>query()
                .setValue(ActionLog.Filter.FAILURES));
        assertThat(texts(table)).containsExactly("seven items: FAILED — expected = 7, actual 6");
        robot.interact(() -> robot.lookup("#session-log-filter").<ComboBox<ActionLog.Filter>>query()
                .setValue(ActionLog.Filter.PEOPLE));
        assertThat(texts(table)).containsExactly("Waived seven items: two rows were archived on purpose",
                "Confirmed: Dashboards look normal — note: green");
        robot.interact(() -> robot.lookup("#session-log-search").queryAs(TextField.class).setText("DASHBOARDS"));
        assertThat(texts(table)).containsExactly("Confirmed: Dashboards look normal — note: green");
        assertThat(robot.lookup("#session-log-count").queryLabeled().getText()).endsWith(" of " + entries.size());
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void theOutlineAndTheChecksTableShowOnlyTheStatusAskedForAndTheCurrentStepStays(int width, int height,
                                                                                    FxRobot robot)
            throws Exception {
        open(robot, width, height, """
                runbook: Filtered
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: fine
                        title: All fine
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 6" }
                      - id: mixed
                        title: One of two fails
                        checks:
                          - query: { name: six items, sql: "SELECT count(*) FROM items", expect: "= 6" }
                          - query: { name: nine items, sql: "SELECT count(*) FROM items", expect: "= 9" }
                      - id: later
                        title: Not run yet
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 6" }
                """.formatted(database));
        WizardViewModel vm = window.wizard().viewModel();
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        waitIdle();
        robot.clickOn("#run");
        waitIdle();
        javafx.scene.control.ListView<dev.runbookpilot.ui.wizard.StepItem> outline = robot.lookup("#steps")
                .queryListView();
        TableView<dev.runbookpilot.ui.wizard.CheckRow> checks = robot.lookup("#checks").queryTableView();
        assertOnScreen(robot, "#status-filter");

        show(robot, "Failed or error");
        assertThat(titles(outline)).containsExactly("One of two fails");
        assertThat(checks.getItems()).extracting(dev.runbookpilot.ui.wizard.CheckRow::label)
                .containsExactly("nine items");
        assertThat(vm.checks()).as("the model keeps every check").hasSize(2);

        show(robot, "Pending");
        assertThat(titles(outline)).as("the current step stays, the passed one goes")
                .containsExactly("One of two fails", "Not run yet");
        assertThat(checks.getItems()).isEmpty();
        assertThat(robot.lookup("#checks-placeholder").queryLabeled().getText())
                .isEqualTo("No check of this step is pending (Show: All steps and checks lists them all).");

        robot.interact(() -> vm.waive(List.copyOf(vm.checks()), "nine was a typo in the plan"));
        waitIdle();
        show(robot, "Waived or skipped");
        assertThat(checks.getItems()).extracting(dev.runbookpilot.ui.wizard.CheckRow::label)
                .as("the filter follows the journal").containsExactly("nine items");
        assertThat(outline.getSelectionModel().getSelectedItem()).isSameAs(vm.currentProperty().get());

        show(robot, "All steps and checks");
        assertThat(titles(outline)).hasSize(3);
        assertThat(checks.getItems()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void aQuerysRowsAndARowCountDiffAreCopiedAsCsvWithNullApartFromEmpty(int width, int height, FxRobot robot)
            throws Exception {
        open(robot, width, height, """
                runbook: Copied
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: rows
                        title: No items expected
                        checks:
                          - query: { sql: "SELECT id, name FROM items ORDER BY id", expect: empty }
                """.formatted(database));
        robot.clickOn("#run");
        waitIdle();
        assertOnScreen(robot, "#copy-csv");
        robot.clickOn("#copy-csv");
        String[] copied = new String[1];
        robot.interact(() -> copied[0] = javafx.scene.input.Clipboard.getSystemClipboard().getString());
        assertThat(copied[0]).isEqualTo("id,name\r\n1,plain\r\n2,\"with, comma\"\r\n3,\"say \"\"hi\"\"\"\r\n"
                + "4,\r\n5,\"\"\r\n6,\"two\nlines\"\r\n");
    }

    @org.junit.jupiter.api.Test
    void everyCheckRowOfALongStepCanBeClickedAt1366x768() throws Exception {
        FxRobot robot = new FxRobot();
        StringBuilder checks = new StringBuilder();
        for (int i = 1; i <= 9; i++) {
            checks.append("                  - query: { name: count number %d, sql: \"SELECT count(*) FROM items\","
                    .formatted(i)).append(" expect: \"= 6\" }\n");
        }
        open(robot, 1366, 768, """
                runbook: Long step
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    description: |
                      A phase with a description of a few lines, so the step starts lower.

                      It says what the phase is for and when to stop.
                    steps:
                      - id: many
                        title: Nine counts
                        description: Each count must be six; the last ones sit near the splitter.
                        checks:
                """.formatted(database) + checks);
        robot.clickOn("#run");
        waitIdle();
        TableView<dev.runbookpilot.ui.wizard.CheckRow> table = robot.lookup("#checks").queryTableView();
        for (int i = 0; i < 9; i++) {
            int index = i;
            robot.interact(() -> table.scrollTo(index));
            WaitForAsyncUtils.waitForFxEvents();
            Node cell = robot.lookup("#checks .table-row-cell").queryAllAs(javafx.scene.control.TableRow.class)
                    .stream().filter(r -> r.getIndex() == index && r.getItem() != null).findFirst().orElseThrow();
            robot.clickOn(cell);
            WaitForAsyncUtils.waitForFxEvents();
            assertThat(table.getSelectionModel().getSelectedIndex()).as("row %d takes the click", index + 1)
                    .isEqualTo(index);
            assertThat(robot.lookup("#check-detail .label").queryAllAs(javafx.scene.control.Label.class).stream()
                    .anyMatch(l -> ("count number " + (index + 1)).equals(l.getText()))).isTrue();
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void aNotificationNeverCoversTheBannerNorTheRunControls(int width, int height, FxRobot robot) throws Exception {
        Files.writeString(dir.resolve("add.sql"), "CREATE TABLE IF NOT EXISTS tools_added (id int);\n",
                StandardCharsets.UTF_8);
        open(robot, width, height, """
                runbook: Announced
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: migrate
                        title: Add a table
                        execute: { file: add.sql }
                """.formatted(database));
        robot.clickOn("#run");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(b -> b.getText().equals("Run migration")).findFirst().orElseThrow());
        waitIdle();
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup(".toast").tryQuery().isPresent());
        Node toast = robot.lookup(".toast").query();
        Bounds t = toast.localToScene(toast.getBoundsInLocal());
        Node banner = window.wizard().getTop();
        Bounds b = banner.localToScene(banner.getBoundsInLocal());
        Node next = robot.lookup("#next").query();
        Bounds n = next.localToScene(next.getBoundsInLocal());
        assertThat(robot.lookup(".toast-title").queryLabeled().getText()).isEqualTo("Migration applied");
        assertThat(t.getMinY()).as("below the banner").isGreaterThanOrEqualTo(b.getMaxY());
        assertThat(t.getMaxY()).as("above Next").isLessThanOrEqualTo(n.getMinY());
        assertThat(t.getMaxX()).as("inside the window").isLessThanOrEqualTo(window.scene().getWidth());
    }

    @org.junit.jupiter.api.Test
    void theWaiverDialogOfThirtyFailedChecksFitsTheWindowAndTabLeavesItsLabelledReason() throws Exception {
        FxRobot robot = new FxRobot();
        StringBuilder checks = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            checks.append("                  - query: { name: wrong count %d, sql: \"SELECT count(*) FROM items\","
                    .formatted(i)).append(" expect: \"= 9\" }\n");
        }
        open(robot, 1024, 700, """
                runbook: Many failures
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: many
                        title: Thirty wrong counts
                        checks:
                """.formatted(database) + checks);
        robot.clickOn("#run");
        waitIdle();
        robot.interact(() -> robot.lookup("#checks").queryTableView().getSelectionModel().selectAll());
        robot.clickOn("#waive");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#waiver-reason").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        TextArea reason = robot.lookup("#waiver-reason").queryAs(TextArea.class);
        javafx.stage.Window dialog = reason.getScene().getWindow();
        assertThat(robot.lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class).getHeaderText())
                .isEqualTo("Accept 30 failed checks and move on");
        assertThat(dialog.getHeight()).as("no taller than the window").isLessThanOrEqualTo(stage.getHeight());
        assertThat(dialog.getY()).isGreaterThanOrEqualTo(stage.getY());
        assertThat(dialog.getY() + dialog.getHeight()).isLessThanOrEqualTo(stage.getY() + stage.getHeight());
        javafx.scene.control.Button waive = robot.lookup(".dialog-pane .button")
                .queryAllAs(javafx.scene.control.Button.class).stream().filter(b -> b.getText().equals("Waive"))
                .findFirst().orElseThrow();
        for (Node shown : List.of(waive, reason)) {
            Bounds s = shown.localToScreen(shown.getBoundsInLocal());
            assertThat(s.getMaxY()).as("inside the dialog").isLessThanOrEqualTo(dialog.getY() + dialog.getHeight());
            assertThat(s.getMinY()).isGreaterThanOrEqualTo(dialog.getY());
        }
        assertThat(robot.lookup(".dialog-pane .label").queryAllAs(javafx.scene.control.Label.class))
                .anySatisfy(l -> assertThat(l.getLabelFor()).isSameAs(reason));

        robot.clickOn(reason).write("the counts were planned wrong");
        robot.type(javafx.scene.input.KeyCode.TAB);
        assertThat(reason.getText()).isEqualTo("the counts were planned wrong");
        assertThat(reason.isFocused()).as("Tab left the reason").isFalse();
        assertThat(waive.isFocused()).isTrue();
        robot.clickOn(waive);
        waitIdle();
        assertThat(window.wizard().viewModel().checks()).allSatisfy(r -> assertThat(r.status())
                .isEqualTo(Status.WAIVED));
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void manualItemsReadAsMarkdownShareOneNoteConfirmAllAtOnceAndCanBeTakenBackUntilTheStepIsLeft(int width,
                                                                                                  int height,
                                                                                                  FxRobot robot)
            throws Exception {
        open(robot, width, height, """
                runbook: Checklist
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: list
                        title: Before the window
                        checks:
                          - manual: "Stop the **billing** cron (`crontab -r`)"
                          - manual: { text: Paste the dump location, requireNote: true }
                          - manual: Tell support
                          - manual: Check the dashboards
                      - id: sign
                        title: Sign
                        signoff: { roles: [DBA] }
                """.formatted(database));
        WizardViewModel vm = window.wizard().viewModel();
        var first = robot.lookup(".manual-text").queryAllAs(dev.runbookpilot.ui.widgets.MarkdownView.class)
                .iterator().next();
        assertThat(first.getMarkdown()).isEqualTo("Stop the **billing** cron (`crontab -r`)");
        String shown = texts(first);
        assertThat(shown).as("rendered, not raw").contains("billing").contains("crontab -r").doesNotContain("**")
                .doesNotContain("`");
        assertThat(robot.lookup(".manual-note").queryAll()).as("one note for the step").hasSize(1);
        assertOnScreen(robot, "#confirm-all");
        assertOnScreen(robot, "#step-note");

        robot.clickOn("#confirm-all");
        waitIdle();
        assertThat(vm.errorProperty().get()).contains("Paste the dump location");
        assertThat(vm.checks()).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.PENDING));

        javafx.scene.control.CheckBox support = itemBox(robot, 2);
        robot.clickOn(support);
        waitIdle();
        assertThat(vm.checks().get(2).status()).isEqualTo(Status.CONFIRMED);
        robot.clickOn(itemBox(robot, 2));
        waitIdle();
        assertThat(vm.checks().get(2).status()).as("ticked by mistake, taken back").isEqualTo(Status.PENDING);
        assertThat(vm.session().state().events()).filteredOn(e -> e instanceof
                dev.runbookpilot.session.JournalEvent.ConfirmationWithdrawn).hasSize(1);

        robot.clickOn("#step-note").write("s3://dumps/a.dump");
        robot.clickOn("#confirm-all");
        waitIdle();
        assertThat(vm.checks()).allSatisfy(r -> assertThat(r.status()).isEqualTo(Status.CONFIRMED));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#checks .status-badge").queryAllAs(dev.runbookpilot.ui.widgets.StatusBadge.class))
                .as("the badge reads whole in the table").isNotEmpty().allSatisfy(badge -> assertThat(
                        ((javafx.scene.text.Text) badge.lookup(".text")).getText()).isEqualTo(badge.getText()));
        assertThat(vm.session().state().events()).as("each item journaled on its own")
                .filteredOn(e -> e instanceof dev.runbookpilot.session.JournalEvent.Confirmed).hasSize(5);

        TextField note = robot.lookup("#step-note").queryAs(TextField.class);
        robot.interact(() -> note.setText("s3://dumps/b.dump"));
        robot.clickOn("#renote");
        waitIdle();
        assertThat(vm.checks()).allSatisfy(r -> assertThat(vm.confirmedNote(r)).isEqualTo("s3://dumps/b.dump"));
        assertThat(vm.session().state().events()).as("the journal keeps both notes")
                .filteredOn(e -> e instanceof dev.runbookpilot.session.JournalEvent.Confirmed c
                        && c.note().equals("s3://dumps/a.dump")).hasSize(4);

        robot.clickOn("#next");
        waitIdle();
        robot.clickOn(robot.lookup(".signoff-name").queryAs(TextField.class)).write("Grace Hopper");
        robot.type(javafx.scene.input.KeyCode.ENTER);
        waitIdle();
        assertThat(vm.session().state().signatures("sign")).containsKey("DBA");

        robot.clickOn("#back");
        waitIdle();
        assertThat(robot.lookup(".manual-item").queryAllAs(javafx.scene.control.CheckBox.class))
                .as("left and come back: the confirmations stand").allSatisfy(c -> {
                    assertThat(c.isSelected()).isTrue();
                    assertThat(c.isDisabled()).isTrue();
                });
        robot.interact(() -> vm.withdraw(vm.checks().get(0)));
        waitIdle();
        assertThat(vm.checks().get(0).status()).isEqualTo(Status.CONFIRMED);
    }

    @org.junit.jupiter.api.Test
    void aMigrationsFileIsNamedRelativeToTheRunbookWithItsFullPathInTheTooltips() throws Exception {
        FxRobot robot = new FxRobot();
        Path sql = dir.resolve("sql").resolve("add_note.sql");
        Files.createDirectories(sql.getParent());
        Files.writeString(sql, "ALTER TABLE items ADD COLUMN IF NOT EXISTS note text;\n", StandardCharsets.UTF_8);
        String full = sql.toAbsolutePath().normalize().toString();
        open(robot, 1366, 768, """
                runbook: Paths
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: migrate
                        title: Add the note column
                        checks:
                          - execute: { file: sql/add_note.sql }
                """.formatted(database));
        TableView<dev.runbookpilot.ui.wizard.CheckRow> table = robot.lookup("#checks").queryTableView();
        String shown = "execute sql/add_note.sql in a transaction";
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.TableCell<?, ?> cell = robot.lookup("#checks .table-cell")
                .queryAllAs(javafx.scene.control.TableCell.class).stream()
                .filter(c -> shown.equals(c.getText())).findFirst().orElseThrow();
        assertThat(cell.getTooltip().getText()).isEqualTo("execute " + full + " in a transaction");
        assertThat(table.getItems().get(0).expectedProperty().get()).isEqualTo(shown);

        robot.clickOn("#run");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#migration-sql").tryQuery().isPresent()
                && robot.lookup("#migration-sql").queryAs(TextArea.class).getText().startsWith("--"));
        TextArea approval = robot.lookup("#migration-sql").queryAs(TextArea.class);
        assertThat(approval.getText()).startsWith("-- sql/add_note.sql (one transaction)\n").doesNotContain(full);
        assertThat(approval.getTooltip().getText()).contains("sql/add_note.sql = " + full);
        robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(b -> b.getText().equals("Run migration")).findFirst().orElseThrow());
        waitIdle();
        assertThat(table.getItems().get(0).status()).isEqualTo(Status.PASSED);

        robot.interact(() -> table.getSelectionModel().select(0));
        javafx.scene.control.Label title = robot.lookup("#check-title").queryAs(javafx.scene.control.Label.class);
        assertThat(title.getText()).isEqualTo(shown);
        assertThat(title.getTooltip().getText()).isEqualTo("execute " + full + " in a transaction");
        assertThat(texts(robot.lookup("#check-detail").queryAs(Node.class))).contains(shown).doesNotContain(full);
        // The session log's table is in the scene once its panel is opened, as the operator opens it.
        robot.interact(() -> robot.lookup("#session-log").queryAs(TitledPane.class).setExpanded(true));
        assertThat(texts(robot.lookup("#session-log-table").queryTableView())).as("the session log names it so too")
                .anySatisfy(t -> assertThat(t).startsWith(shown + ": PASSED")).noneSatisfy(t -> assertThat(t)
                        .contains(full));
        assertThat(window.wizard().viewModel().session().state().events()).as("the journal keeps the full path")
                .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(dev.runbookpilot.session.JournalEvent
                        .CheckFinished.class, f -> assertThat(f.result().label()).contains(full)));
    }

    @org.junit.jupiter.api.Test
    void theExportDialogFitsA1366x768WindowWithExportAndCloseOnScreen() throws Exception {
        FxRobot robot = new FxRobot();
        open(robot, 1366, 768, """
                runbook: Export
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: count
                        title: Count the items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 6" }
                """.formatted(database));
        WizardViewModel vm = window.wizard().viewModel();
        robot.clickOn("#run");
        waitIdle();
        robot.interact(vm::next);
        waitIdle();
        robot.clickOn("#export");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#do-export").tryQuery().isPresent());
        WaitForAsyncUtils.waitForFxEvents();
        javafx.scene.control.Button export = robot.lookup("#do-export").queryAs(javafx.scene.control.Button.class);
        javafx.stage.Window dialog = export.getScene().getWindow();
        // Fitted like the wizard's other dialogs: owned by the window, resizable (so the fit can cap its height and
        // the operator can enlarge it), within the window's height.
        assertThat(((javafx.stage.Stage) dialog).isResizable()).isTrue();
        assertThat(((javafx.stage.Stage) dialog).getOwner()).isSameAs(stage);
        assertThat(dialog.getHeight()).as("no taller than the window").isLessThanOrEqualTo(stage.getHeight());
        assertThat(dialog.getY()).isGreaterThanOrEqualTo(stage.getY());
        assertThat(dialog.getY() + dialog.getHeight()).isLessThanOrEqualTo(stage.getY() + stage.getHeight());
        javafx.scene.control.Button close = robot.lookup(".dialog-pane .button").queryAll().stream()
                .filter(b -> b instanceof javafx.scene.control.Button button && button.getText().equals("Close"))
                .map(javafx.scene.control.Button.class::cast).findFirst().orElseThrow();
        for (Node shown : List.of(export, close, robot.lookup("#export-result").queryAs(Node.class))) {
            Bounds s = shown.localToScreen(shown.getBoundsInLocal());
            assertThat(s.getMinX()).as("inside the dialog").isGreaterThanOrEqualTo(dialog.getX());
            assertThat(s.getMaxX()).as("inside the dialog").isLessThanOrEqualTo(dialog.getX() + dialog.getWidth());
            assertThat(s.getMaxY()).as("inside the dialog").isLessThanOrEqualTo(dialog.getY() + dialog.getHeight());
            assertThat(s.getMinY()).isGreaterThanOrEqualTo(dialog.getY());
        }
        robot.clickOn(close);
    }

    // ---------------------------------------------------------------- helpers
    /** Every Text and Label under a node, in order, joined: what the operator reads. */
    private static String texts(Node node) {
        if (node instanceof javafx.scene.text.Text t) return t.getText();
        if (node instanceof javafx.scene.control.Labeled l) return l.getText();
        if (!(node instanceof javafx.scene.Parent p)) return "";
        StringBuilder b = new StringBuilder();
        for (Node child : p.getChildrenUnmodifiable()) b.append(texts(child));
        return b.toString();
    }

    private static javafx.scene.control.CheckBox itemBox(FxRobot robot, int index) {
        return List.copyOf(robot.lookup(".manual-item").queryAllAs(javafx.scene.control.CheckBox.class)).get(index);
    }

    private static void show(FxRobot robot, String choice) {
        robot.interact(() -> {
            ComboBox<?> box = robot.lookup("#status-filter").queryAs(ComboBox.class);
            box.getSelectionModel().select(box.getItems().stream().filter(i -> i.toString().equals(choice))
                    .map(box.getItems()::indexOf).findFirst().orElseThrow());
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static List<String> titles(javafx.scene.control.ListView<dev.runbookpilot.ui.wizard.StepItem> outline) {
        return outline.getItems().stream().map(i -> i.step().title()).toList();
    }

    private static List<String> texts(TableView<ActionLog.Entry> table) {
        return table.getItems().stream().map(ActionLog.Entry::text).toList();
    }
}
