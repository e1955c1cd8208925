package dev.runbookpilot.ui;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.wizard.ActionLog;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.ComboBox;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wizard's tools for reading a window at 1366x768 and 1024x700: the session log of journaled actions. One
 * database for the class; each test its window.
 */
@ExtendWith(ApplicationExtension.class)
class WizardToolsTest {
    private static String database;

    @TempDir
    Path dir;
    private Stage stage;
    private MainWindow window;
    private ExecutorService background;

    @BeforeAll
    static void oneDatabaseForTheClass() throws Exception {
        database = TestPostgres.freshDatabase("tools");
        TestPostgres.exec(database, "CREATE TABLE items (id int PRIMARY KEY, name text);"
                + " INSERT INTO items VALUES (1, 'plain'), (2, 'with, comma'), (3, 'say \"hi\"'), (4, NULL),"
                + " (5, ''), (6, 'two' || chr(10) || 'lines');");
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        background = FxExecutors.background();
        window = new MainWindow(stage, new Workspace(dir.resolve("home")), background);
        stage.show();
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

    // ---------------------------------------------------------------- helpers

    private static List<String> texts(TableView<ActionLog.Entry> table) {
        return table.getItems().stream().map(ActionLog.Entry::text).toList();
    }

    private void open(FxRobot robot, int width, int height, String yaml) throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        var rb = RunbookLoader.load(file);
        Target target = Targets.fromEnvironment().connect(TestPostgres.server().uri(database),
                Targets.PasswordPrompt.NONE);
        robot.interact(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
            window.showWizard(new Launch(rb, target, "alice", null));
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> window.wizard().viewModel().openedProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(window.scene().getWidth()).isEqualTo(width);
        assertThat(window.scene().getHeight()).isEqualTo(height);
    }

    private void waitIdle() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !window.wizard().viewModel().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Shown, and wholly inside the window: not scrolled off, not pushed out by something above it. */
    private void assertOnScreen(FxRobot robot, String query) {
        Node node = robot.lookup(query).query();
        assertThat(node.isVisible()).as(query + " visible").isTrue();
        Bounds b = node.localToScene(node.getBoundsInLocal());
        assertThat(b.getMinX()).as(query + " left edge").isGreaterThanOrEqualTo(0);
        assertThat(b.getMinY()).as(query + " top edge").isGreaterThanOrEqualTo(0);
        assertThat(b.getMaxX()).as(query + " right edge").isLessThanOrEqualTo(window.scene().getWidth());
        assertThat(b.getMaxY()).as(query + " bottom edge").isLessThanOrEqualTo(window.scene().getHeight());
        assertThat(b.getHeight()).as(query + " height").isPositive();
    }
}
