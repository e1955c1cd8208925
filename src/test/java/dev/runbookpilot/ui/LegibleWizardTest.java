package dev.runbookpilot.ui;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import dev.runbookpilot.ui.wizard.StepItem;
import dev.runbookpilot.ui.widgets.StatusBadge;
import java.util.List;
import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.stage.Stage;
import javafx.stage.Window;
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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wizard read as a DBA reads it, at the two screen sizes it must be calm at (1366x768 and 1024x700): what the
 * runbook and its phases say, the outline, the running state. One database for the class; each test its window.
 */
class LegibleWizardTest extends WizardWindowTest {
    static final String RUNBOOK_DESCRIPTION = """
            Ticket **OPS-4711**: moves the billing tables to the new schema.

            Window: Saturday 02:00-04:00 UTC, announced to support.

            Rollback plan: restore the dump taken in the first phase; the application keeps running on the old
            schema until the last phase, so stopping at any step before it is safe.
            """;

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
        database = TestPostgres.freshDatabase("legible");
        TestPostgres.exec(database, "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2);"
                + " CREATE TABLE naps (n int);");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void theRunbookDescriptionHeadsTheFirstStepAndEachPhaseDescriptionHeadsItsPhase(int width, int height,
                                                                                    FxRobot robot)
            throws Exception {
        open(robot, width, height, """
                runbook: Billing move
                description: |
                %s
                target: { environment: staging, database: %s }
                phases:
                  - name: Before
                    description: Nothing is written in this phase; **every** check only reads.
                    steps:
                      - id: one
                        title: Two items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                      - id: two
                        title: Still two items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                  - name: After
                    description: The application is back on; watch its error rate.
                    steps:
                      - id: three
                        title: Items after
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                """.formatted(RUNBOOK_DESCRIPTION.indent(2).stripTrailing(), database));

        TitledPane runbookPane = robot.lookup("#runbook-description-pane").queryAs(TitledPane.class);
        assertThat(runbookPane.isExpanded()).as("the runbook's description is open on the first step").isTrue();
        assertThat(markdown(robot, "#runbook-description")).isEqualTo(RUNBOOK_DESCRIPTION);
        assertOnScreen(robot, "#runbook-description");
        TitledPane phasePane = robot.lookup("#phase-description-pane").queryAs(TitledPane.class);
        assertThat(phasePane.isExpanded()).isTrue();
        assertThat(phasePane.getText()).isEqualTo("Phase: Before");
        assertThat(markdown(robot, "#phase-description"))
                .isEqualTo("Nothing is written in this phase; **every** check only reads.");
        assertOnScreen(robot, "#phase-description");
        assertOnScreen(robot, "#run");
        assertOnScreen(robot, "#checks");

        runAndNext(robot);
        assertThat(runbookPane.isVisible()).as("later steps keep their room for the checks").isFalse();
        assertThat(phasePane.isVisible()).as("a phase's description is news on its first step only").isFalse();
        Tooltip about = robot.lookup(".runbook-title").queryLabeled().getTooltip();
        assertThat(((dev.runbookpilot.ui.widgets.MarkdownView) about.getGraphic()).getMarkdown())
                .as("the runbook's description is a hover away on the outline's title").isEqualTo(RUNBOOK_DESCRIPTION);

        runAndNext(robot);
        assertThat(phasePane.getText()).isEqualTo("Phase: After");
        assertThat(phasePane.isVisible()).isTrue();
        assertThat(phasePane.isExpanded()).isTrue();
        assertThat(markdown(robot, "#phase-description"))
                .isEqualTo("The application is back on; watch its error rate.");
        assertOnScreen(robot, "#phase-description");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void theWholeRunbookDescriptionIsReadOnTheStartScreenOnceItIsChosen(int width, int height, FxRobot robot)
            throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: Billing move
                description: |
                %s
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: one
                        title: Two items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                """.formatted(RUNBOOK_DESCRIPTION.indent(2).stripTrailing(), database), StandardCharsets.UTF_8);
        robot.interact(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
            window.start(Startup.startScreen(file, "alice"));
        });
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> robot.lookup("#chosenDescriptionScroll").tryQuery().map(Node::isVisible).orElse(false));
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(markdown(robot, "#chosenDescription")).isEqualTo(RUNBOOK_DESCRIPTION);
        assertOnScreen(robot, "#chosenDescriptionScroll");
        assertOnScreen(robot, "#connect");
        assertOnScreen(robot, "#samples");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void aLongConnectionErrorScrollsInItsAreaAndTheTestResultIsReadWhole(int width, int height, FxRobot robot)
            throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: Connect me
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: one
                        title: Two items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                """.formatted(database), StandardCharsets.UTF_8);
        robot.interact(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
            window.start(Startup.startScreen(file, "alice"));
        });
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> !robot.lookup("#connect").queryButton().isDisabled());
        robot.clickOn("#connect");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#modeUri").tryQuery().isPresent());
        robot.clickOn("#modeUri");
        // The server's or the resolver's words, as long as they come: here an sslmode of two hundred words.
        String longValue = "not a mode ".repeat(200).strip();
        robot.interact(() -> robot.lookup("#uri").queryAs(TextField.class).setText(
                "host=localhost port=" + TestPostgres.server().port() + " sslmode='" + longValue + "'"));
        robot.clickOn("#testConnection");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> robot.lookup("#connectError").queryLabeled().getText().contains("sslmode"));
        WaitForAsyncUtils.waitForFxEvents();
        Window dialog = robot.lookup("#connectTarget").query().getScene().getWindow();
        assertThat(dialog.getHeight()).as("the dialog fits the screen").isLessThanOrEqualTo(height);
        assertInside(robot, "#connectTarget", dialog);
        assertInside(robot, "#cancelConnect", dialog);
        assertInside(robot, "#connectMessages", dialog);

        robot.interact(() -> robot.lookup("#uri").queryAs(TextField.class).setText(
                TestPostgres.server().uri(database)));
        robot.clickOn("#testConnection");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS,
                () -> robot.lookup("#testResult").queryLabeled().getText().contains("PostgreSQL"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#connectError").queryLabeled().isVisible()).isFalse();
        Node result = robot.lookup("#testResult").query();
        Bounds shown = robot.lookup("#connectMessages").query().localToScreen(
                robot.lookup("#connectMessages").query().getBoundsInLocal());
        Bounds text = result.localToScreen(result.getBoundsInLocal());
        assertThat(shown.contains(text)).as("the whole test result %s is inside the message area %s", text, shown)
                .isTrue();
        assertThat(((javafx.scene.control.Labeled) result).getText()).contains("database matches the runbook");
        assertInside(robot, "#connectTarget", dialog);
        robot.clickOn("#cancelConnect");
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void theOutlineShowsEachStepOnOneLineWithItsFullTitleInATooltipAndFollowsTheCurrentStep(int width, int height,
                                                                                           FxRobot robot)
            throws Exception {
        StringBuilder yaml = new StringBuilder("""
                runbook: Many steps
                target: { environment: staging, database: %s }
                phases:
                  - name: Pre-migration checks of the billing database
                    steps:
                """.formatted(database));
        int steps = 30;
        for (int i = 1; i <= steps; i++) {
            yaml.append("""
                          - id: s%d
                            title: Step %d confirms that every invoice row of the previous month is still there
                            checks:
                              - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                    """.formatted(i, i));
        }
        open(robot, width, height, yaml.toString());
        ListView<StepItem> outline = robot.lookup("#steps").queryListView();
        WizardViewModel vm = window.wizard().viewModel();

        for (int i = 0; i < steps - 1; i++) {
            robot.interact(vm::run);
            waitIdle();
            robot.interact(vm::next);
            waitIdle();
        }
        WaitForAsyncUtils.waitForFxEvents();
        StepItem current = vm.currentProperty().get();
        assertThat(current.position()).isEqualTo(steps - 1);
        List<ListCell<?>> cells = new java.util.ArrayList<>();
        for (ListCell<?> c : robot.lookup("#steps .list-cell").queryAllAs(ListCell.class)) {
            if (c.isVisible() && c.getItem() != null) cells.add(c);
        }
        ListCell<?> shown = cells.stream().filter(c -> c.getItem() == current).findFirst().orElseThrow(
                () -> new AssertionError("the current step is scrolled out of the outline"));
        Bounds list = outline.localToScene(outline.getBoundsInLocal());
        Bounds cell = shown.localToScene(shown.getBoundsInLocal());
        assertThat(cell.getMinY()).as("current step inside the outline").isGreaterThanOrEqualTo(list.getMinY());
        assertThat(cell.getMaxY()).as("current step inside the outline").isLessThanOrEqualTo(list.getMaxY());

        for (ListCell<?> c : cells) {
            StepItem item = (StepItem) c.getItem();
            Label title = (Label) c.lookup(".outline-title");
            Label glyph = (Label) c.lookup(".outline-status");
            assertThat(title.getText()).startsWith((item.position() + 1) + ". Step ");
            assertThat(title.getHeight()).as("one line").isLessThan(title.getFont().getSize() * 2);
            assertThat(glyph.getText()).isEqualTo(StatusBadge.glyph(item.status()));
            assertThat(c.getTooltip().getText()).contains(item.step().title())
                    .contains(StatusBadge.cellText(item.status()));
            Bounds b = title.localToScene(title.getBoundsInLocal());
            assertThat(b.getMaxX()).as("the title is cut at the outline's edge").isLessThanOrEqualTo(list.getMaxX());
            if (item.position() > 0) {
                assertThat(c.getHeight()).as("a step takes one line").isLessThan(title.getFont().getSize() * 3);
            }
        }
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void whileAStepRunsItsEvidenceSaysRunningWithALiveTimerAndCancellingEndsWhenTheCancelDid(int width, int height,
                                                                                            FxRobot robot)
            throws Exception {
        TestPostgres.exec(database, "TRUNCATE naps");
        // Sleeps one second per row of naps: none for the first run, long enough to watch and cancel the second.
        open(robot, width, height, """
                runbook: Slow
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: slow
                        title: Items, slowly
                        checks:
                          - query: { name: items counted, sql: "SELECT count(*) FROM items, pg_sleep((SELECT count(*) FROM naps))", expect: "= 2" }
                """.formatted(database));
        WizardViewModel vm = window.wizard().viewModel();
        robot.clickOn("#run");
        waitIdle();
        assertThat(robot.lookup("#check-detail").query().isVisible()).isTrue();
        assertThat(robot.lookup("#run-state").query().isVisible()).isFalse();

        TestPostgres.exec(database, "INSERT INTO naps SELECT generate_series(1, 60)");
        robot.clickOn("#run");
        // At least a second, not exactly "0:01": a stalled FX pulse may take the label from 0:00 straight to 0:02.
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> elapsedSeconds(robot) >= 1);
        assertThat(robot.lookup("#run-state").queryLabeled().getText())
                .matches("(?s)Running 1 check of 'Items, slowly'… \\d+:\\d\\d elapsed.*");
        assertOnScreen(robot, "#run-state");
        assertThat(robot.lookup("#check-detail").query().isVisible())
                .as("the previous result is not shown as if it were this run's").isFalse();
        int seen = elapsedSeconds(robot);
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> elapsedSeconds(robot) > seen);

        robot.clickOn("#cancel");
        waitIdle();
        String status = robot.lookup("#status-bar").queryAs(org.controlsfx.control.StatusBar.class).getText();
        assertThat(status).doesNotContain("Cancelling").contains("'Items, slowly' cancelled after");
        assertThat(vm.infoProperty().get()).isNotEqualTo("Cancelling…");
        assertThat(robot.lookup("#run-state").query().isVisible()).isFalse();
        assertThat(robot.lookup("#check-detail").query().isVisible()).isTrue();
        assertThat(vm.checks().get(0).status()).isEqualTo(dev.runbookpilot.check.Status.ERROR);
    }

    /** The running label's "M:SS elapsed" in seconds; -1 while it shows no timer. */
    private static int elapsedSeconds(FxRobot robot) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+):(\\d\\d) elapsed")
                .matcher(robot.lookup("#run-state").queryLabeled().getText());
        return m.find() ? Integer.parseInt(m.group(1)) * 60 + Integer.parseInt(m.group(2)) : -1;
    }

    @org.junit.jupiter.api.Test
    void theRunButtonAndTheApprovalSayWhatTheStepDoesToTheDatabase(FxRobot robot) throws Exception {
        Files.writeString(dir.resolve("add.sql"), "CREATE TABLE IF NOT EXISTS added (id int);\n",
                StandardCharsets.UTF_8);
        open(robot, 1366, 768, """
                runbook: Words
                target: { environment: production, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: read
                        title: Two items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                      - id: migrate
                        title: Add a table
                        execute: { file: add.sql }
                      - id: dump
                        title: Backup after
                        backup: { dir: backups, format: custom, verify: list }
                """.formatted(database));
        assertThat(robot.lookup("#run").queryButton().getText()).isEqualTo("▶ Run checks");
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        waitIdle();

        assertThat(robot.lookup("#run").queryButton().getText()).isEqualTo("▶ Run migration…");
        javafx.scene.control.DialogPane migration = approvalDialog(robot);
        assertThat(((Stage) migration.getScene().getWindow()).getTitle()).isEqualTo("Approve migration");
        assertThat(migration.getHeaderText()).isEqualTo("'Add a table' will change database " + database);
        robot.clickOn("#typed-database").write(database);
        robot.clickOn(robot.lookup(".dialog-pane .button").queryAllAs(javafx.scene.control.Button.class).stream()
                .filter(b -> b.getText().equals("Run migration")).findFirst().orElseThrow());
        waitIdle();
        assertThat(robot.lookup("#run").queryButton().getText()).as("applied: nothing left to approve")
                .isEqualTo("▶ Run checks");
        robot.clickOn("#next");
        waitIdle();

        assertThat(robot.lookup("#run").queryButton().getText()).isEqualTo("▶ Run backup…");
        javafx.scene.control.DialogPane backup = approvalDialog(robot);
        assertThat(((Stage) backup.getScene().getWindow()).getTitle()).isEqualTo("Approve backup");
        assertThat(backup.getHeaderText()).startsWith("'Backup after' will back up").doesNotContain("change");
        assertThat(backup.getButtonTypes()).extracting(javafx.scene.control.ButtonType::getText)
                .contains("Run backup");
        robot.interact(() -> ((Stage) backup.getScene().getWindow()).close());
    }

    private static javafx.scene.control.DialogPane approvalDialog(FxRobot robot) throws Exception {
        robot.clickOn("#run");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> robot.lookup("#migration-sql").tryQuery().isPresent());
        return robot.lookup("#migration-sql").query().getScene().getRoot() instanceof javafx.scene.control.DialogPane p
                ? p : robot.lookup(".dialog-pane").queryAs(javafx.scene.control.DialogPane.class);
    }

    @org.junit.jupiter.api.Test
    void theThemeAndTheWindowSizeAreRememberedForTheNextWindow(FxRobot robot) throws Exception {
        Path saved = dir.resolve("home/config/window.json");
        robot.interact(() -> {
            stage.setWidth(1100);
            stage.setHeight(720);
            window.toggleTheme();
        });
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> Files.isRegularFile(saved)
                && Files.readString(saved).contains("1100"));
        assertThat(Files.readString(saved)).contains("\"dark\" : true");
        try {
            robot.interact(() -> Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet()));
            java.util.concurrent.atomic.AtomicReference<Stage> opened = new java.util.concurrent.atomic.AtomicReference<>();
            robot.interact(() -> {
                opened.set(new Stage());
                new MainWindow(opened.get(), new Workspace(dir.resolve("home")), background);
                opened.get().show();
            });
            Stage next = opened.get();
            WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> next.getWidth() == 1100 && next.getHeight() == 720);
            assertThat(Application.getUserAgentStylesheet()).isEqualTo(new PrimerDark().getUserAgentStylesheet());
            robot.interact(next::close);
        } finally {
            robot.interact(() -> Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet()));
        }
    }

    @org.junit.jupiter.api.Test
    void aLaptopScreenOpensTheWindowMaximised() {
        assertThat(WindowPreferences.smallScreen(new javafx.geometry.Rectangle2D(0, 0, 1366, 768))).isTrue();
        assertThat(WindowPreferences.smallScreen(new javafx.geometry.Rectangle2D(0, 0, 1024, 700))).isTrue();
        assertThat(WindowPreferences.smallScreen(new javafx.geometry.Rectangle2D(0, 0, 1920, 1050))).isFalse();
    }

    @org.junit.jupiter.api.Test
    void theStartScreenIsOneClickAwayAndLeavingClosesTheSession(FxRobot robot) throws Exception {
        open(robot, 1024, 700, """
                runbook: Leave me
                target: { environment: staging, database: %s }
                phases:
                  - name: Only
                    steps:
                      - id: one
                        title: Two items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                """.formatted(database));
        WizardViewModel vm = window.wizard().viewModel();
        robot.clickOn("#run");
        waitIdle();
        assertOnScreen(robot, "#to-start");
        robot.clickOn("#to-start");
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#startView").tryQuery().isPresent());
        assertThat(window.wizard()).isNull();
        assertThat(vm.session()).as("the journal is closed, not left open behind the start screen").isNull();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#sessions").queryTableView()
                .getItems().size() == 1);
        assertThat(stage.isShowing()).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    private static void assertInside(FxRobot robot, String query, Window window) {
        Node node = robot.lookup(query).query();
        Bounds b = node.localToScreen(node.getBoundsInLocal());
        assertThat(node.isVisible()).as(query + " visible").isTrue();
        assertThat(b.getMinY()).as(query + " top").isGreaterThanOrEqualTo(window.getY());
        assertThat(b.getMaxY()).as(query + " bottom").isLessThanOrEqualTo(window.getY() + window.getHeight());
        assertThat(b.getMinX()).as(query + " left").isGreaterThanOrEqualTo(window.getX());
        assertThat(b.getMaxX()).as(query + " right").isLessThanOrEqualTo(window.getX() + window.getWidth());
    }

    private void runAndNext(FxRobot robot) throws Exception {
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        waitIdle();
    }

    private static String markdown(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(dev.runbookpilot.ui.widgets.MarkdownView.class).getMarkdown();
    }
}
