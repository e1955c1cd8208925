package dev.runbookpilot.ui;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Outcome;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.wizard.StepItem;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.TextField;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gate's buttons clicked in the real wizard at 1366x768 and 1024x700, on a real database: the phase after a gate
 * shows closed (a lock and why) until every role clicked GO; one NO-GO, never without a reason, ends the window
 * ABORTED; and a wizard restarted on the journal shows the answers given.
 */
@ExtendWith(ApplicationExtension.class)
class WizardGateButtonsTest {
    private static final String RUNBOOK = """
            runbook: Gated window
            target: { environment: staging, database: %s }
            phases:
              - name: Prepare
                steps:
                  - id: ready
                    title: Items are there
                    checks:
                      - query: { sql: "SELECT count(*) FROM items", expect: "= 2" }
                  - id: go
                    title: Go for production?
                    gate: { roles: [DBA, Backend lead], question: "Go for production?" }
              - name: Production
                steps:
                  - id: deploy
                    title: Deploy
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
            """;
    private static String database;

    @TempDir
    Path dir;
    private Stage stage;
    private MainWindow window;
    private ExecutorService background;

    @BeforeAll
    static void oneDatabaseForTheClass() throws Exception {
        database = TestPostgres.freshDatabase("gate_buttons");
        TestPostgres.exec(database, "CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1), (2);");
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
        if (window.wizard() != null && stage.isShowing()) closeTheWindow(robot);
        background.shutdownNow();
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void goByEveryRoleOpensTheNextPhaseAndARestartKeepsTheAnswersGiven(int width, int height, FxRobot robot)
            throws Exception {
        Runbook rb = open(robot, width, height);
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        waitIdle();
        assertThat(text(robot, "#step-title")).isEqualTo("Go for production?");
        assertClosed(robot, "closed until 'Go for production?' is answered GO by DBA, Backend lead");

        go(robot, "DBA", "Ada Lovelace");
        assertClosed(robot, "closed until 'Go for production?' is answered GO by Backend lead");

        // The window closes and the wizard starts again on the journal: the DBA's GO is kept, the gate still waits.
        Path journal = vm().session().journalFile();
        closeTheWindow(robot);
        reopen(robot, rb, journal, width, height);
        assertThat(text(robot, "#step-title")).isEqualTo("Go for production?");
        assertThat(answerShown(robot, "✔ GO from Ada Lovelace · key ")).isTrue();
        assertThat(robot.lookup(byId("gate-go-DBA")).tryQuery()).as("DBA answered once").isEmpty();
        assertClosed(robot, "closed until 'Go for production?' is answered GO by Backend lead");

        go(robot, "Backend lead", "Grace Hopper");
        assertThat(item("deploy").closed()).isFalse();
        assertThat(glyph(robot, "deploy")).isNotEqualTo("🔒");
        assertThat(robot.lookup("#closed-reason").queryAs(Label.class).isVisible()).isFalse();
        assertThat(button(robot, "#next").isDisabled()).isFalse();
        robot.clickOn("#next");
        waitIdle();
        assertThat(text(robot, "#step-title")).isEqualTo("Deploy");
        robot.clickOn("#run");
        waitIdle();
        assertThat(item("deploy").status()).isEqualTo(Status.PASSED);
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700"})
    void oneNoGoWithItsReasonEndsTheWindowAbortedAndEverythingAfterShowsClosed(int width, int height, FxRobot robot)
            throws Exception {
        Runbook rb = open(robot, width, height);
        robot.clickOn("#run");
        waitIdle();
        robot.clickOn("#next");
        waitIdle();
        go(robot, "DBA", "Ada Lovelace");

        robot.clickOn(robot.lookup(byId("gate-name-Backend_lead")).queryAs(TextField.class)).write("Grace Hopper");
        Button noGo = robot.lookup(byId("gate-nogo-Backend_lead")).queryButton();
        assertThat(noGo.isDisabled()).as("no NO-GO without a reason").isTrue();
        robot.clickOn(robot.lookup(byId("gate-reason-Backend_lead")).queryAs(TextField.class)).write("   ");
        assertOnScreen(robot, noGo);
        robot.clickOn(noGo);
        waitIdle();
        assertThat(text(robot, "#status-bar")).contains("A NO-GO needs its reason");
        assertThat(vm().session().state().signatures("go")).doesNotContainKey("Backend lead");
        assertThat(vm().session().outcome().verdict()).isNotEqualTo(Outcome.Verdict.ABORTED);

        robot.clickOn(robot.lookup(byId("gate-reason-Backend_lead")).queryAs(TextField.class)).write("checkout errors");
        robot.clickOn(noGo);
        waitIdle();
        assertThat(vm().session().outcome().verdict()).isEqualTo(Outcome.Verdict.ABORTED);
        assertThat(item("go").status()).isEqualTo(Status.FAILED);
        String aborted = "closed: the window was ABORTED — Backend lead (Grace Hopper) answered NO-GO at"
                + " 'Go for production?': checkout errors";
        assertThat(item("deploy").closedBy()).isEqualTo(aborted);
        assertThat(glyph(robot, "deploy")).isEqualTo("🔒");
        assertThat(tooltip(robot, "deploy")).contains("Closed: the window was ABORTED");
        assertThat(button(robot, "#next").isDisabled()).isTrue();
        assertThat(button(robot, "#run").isDisabled()).isTrue();

        Path journal = vm().session().journalFile();
        closeTheWindow(robot);
        reopen(robot, rb, journal, width, height);
        assertThat(answerShown(robot, "✔ GO from Ada Lovelace · key ")).isTrue();
        assertThat(answerShown(robot, "✖ NO-GO from Grace Hopper · key ")).isTrue();
        assertThat(item("deploy").closedBy()).isEqualTo(aborted);
        assertThat(vm().session().outcome().verdict()).isEqualTo(Outcome.Verdict.ABORTED);
    }

    /** Types the name and clicks GO. */
    private void go(FxRobot robot, String role, String name) throws Exception {
        TextField field = robot.lookup(byId("gate-name-" + role.replace(' ', '_'))).queryAs(TextField.class);
        assertOnScreen(robot, field);
        robot.clickOn(field).write(name);
        Button go = robot.lookup(byId("gate-go-" + role.replace(' ', '_'))).queryButton();
        assertOnScreen(robot, go);
        robot.clickOn(go);
        waitIdle();
    }

    /** The phase after the gate shows closed: a lock, why in the tooltip and above the buttons, Next disabled. */
    private void assertClosed(FxRobot robot, String why) {
        assertThat(item("deploy").closedBy()).isEqualTo(why);
        assertThat(glyph(robot, "deploy")).isEqualTo("🔒");
        assertThat(tooltip(robot, "deploy")).startsWith("3. Deploy\nC" + why.substring(1));
        Label reason = robot.lookup("#closed-reason").queryAs(Label.class);
        assertThat(reason.getText()).isEqualTo("🔒 Next is disabled: 'Deploy' is " + why);
        assertOnScreen(robot, reason);
        assertThat(button(robot, "#next").isDisabled()).isTrue();
    }

    private Runbook open(FxRobot robot, int width, int height) throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, RUNBOOK.formatted(database), StandardCharsets.UTF_8);
        Runbook rb = RunbookLoader.load(file);
        show(robot, rb, null, width, height);
        return rb;
    }

    private void reopen(FxRobot robot, Runbook rb, Path journal, int width, int height) throws Exception {
        robot.interact(() -> stage.show());
        show(robot, rb, journal, width, height);
    }

    private void show(FxRobot robot, Runbook rb, Path journal, int width, int height) throws Exception {
        Target target = Targets.fromEnvironment().connect(TestPostgres.server().uri(database),
                Targets.PasswordPrompt.NONE);
        robot.interact(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
            window.showWizard(new Launch(rb, target, "alice", journal));
        });
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm().openedProperty().get());
        waitIdle();
        assertThat(window.scene().getWidth()).isEqualTo(width);
        assertThat(window.scene().getHeight()).isEqualTo(height);
    }

    private void closeTheWindow(FxRobot robot) throws Exception {
        WizardViewModel vm = vm();
        robot.interact(() -> stage.fireEvent(new javafx.stage.WindowEvent(stage,
                javafx.stage.WindowEvent.WINDOW_CLOSE_REQUEST)));
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !stage.isShowing());
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.session() == null);
    }

    private WizardViewModel vm() {
        return window.wizard().viewModel();
    }

    private StepItem item(String id) {
        return vm().steps().stream().filter(s -> s.step().id().equals(id)).findFirst().orElseThrow();
    }

    private void waitIdle() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !vm().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @SuppressWarnings("unchecked")
    private static ListCell<StepItem> cell(FxRobot robot, String id) {
        return robot.lookup(".outline-cell").queryAllAs(ListCell.class).stream()
                .filter(c -> c.getItem() instanceof StepItem s && s.step().id().equals(id)).findFirst()
                .map(c -> (ListCell<StepItem>) c).orElseThrow();
    }

    private static String glyph(FxRobot robot, String id) {
        return robot.from(cell(robot, id)).lookup(".outline-status").queryAs(Label.class).getText();
    }

    private static String tooltip(FxRobot robot, String id) {
        return cell(robot, id).getTooltip().getText();
    }

    private static boolean answerShown(FxRobot robot, String start) {
        return robot.lookup((Node n) -> n instanceof Label l && l.getText() != null && l.getText().startsWith(start)
                && l.isVisible()).tryQuery().isPresent();
    }

    private static java.util.function.Predicate<Node> byId(String id) {
        return n -> id.equals(n.getId());
    }

    private static String text(FxRobot robot, String query) {
        Node n = robot.lookup(query).query();
        if (n instanceof javafx.scene.control.Labeled l) return l.getText();
        if (n instanceof org.controlsfx.control.StatusBar s) return s.getText();
        return String.valueOf(n);
    }

    private static Button button(FxRobot robot, String query) {
        return robot.lookup(query).queryButton();
    }

    /** Shown, and wholly inside the window. */
    private void assertOnScreen(FxRobot robot, Node node) {
        assertThat(node.isVisible()).as(node.getId() + " visible").isTrue();
        Bounds b = node.localToScene(node.getBoundsInLocal());
        assertThat(b.getMinX()).as(node.getId() + " left edge").isGreaterThanOrEqualTo(0);
        assertThat(b.getMinY()).as(node.getId() + " top edge").isGreaterThanOrEqualTo(0);
        assertThat(b.getMaxX()).as(node.getId() + " right edge").isLessThanOrEqualTo(window.scene().getWidth());
        assertThat(b.getMaxY()).as(node.getId() + " bottom edge").isLessThanOrEqualTo(window.scene().getHeight());
        assertThat(b.getHeight()).as(node.getId() + " height").isPositive();
    }
}
