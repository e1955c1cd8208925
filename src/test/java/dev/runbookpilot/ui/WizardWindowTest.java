package dev.runbookpilot.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The real main window on a real database, one window per test, for tests that open the wizard on a runbook of their
 * own at a given screen size. Closing goes through the window's close request, as a user's would, and must release
 * the session.
 */
@ExtendWith(ApplicationExtension.class)
abstract class WizardWindowTest {

    @TempDir
    Path dir;
    Stage stage;
    MainWindow window;
    ExecutorService background;

    /** The database the test's runbooks target. */
    abstract String database();

    /**
     * Shows the main window on the stage. Subclasses call it from their own {@code @Start} method: TestFX looks for
     * that annotation on the test class's declared methods only.
     */
    void showWindow(Stage stage) {
        this.stage = stage;
        background = FxExecutors.background();
        window = new MainWindow(stage, new Workspace(dir.resolve("home")), background);
        stage.show();
    }

    @AfterEach
    void closeWindow(FxRobot robot) throws Exception {
        if (window.wizard() != null) {
            WizardViewModel vm = window.wizard().viewModel();
            robot.interact(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
            WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !stage.isShowing());
            assertThat(vm.session()).isNull();
        }
        background.shutdownNow();
    }

    /** Writes the runbook beside the test, opens the wizard on it as "alice", and waits until it is open. */
    Runbook open(FxRobot robot, int width, int height, String yaml) throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        Runbook rb = RunbookLoader.load(file);
        Target target = Targets.fromEnvironment().connect(TestPostgres.server().uri(database()),
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
        return rb;
    }

    /** Until the wizard's background work is done and the FX thread has shown its result. */
    void waitIdle() throws Exception {
        WaitForAsyncUtils.waitForFxEvents();
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !window.wizard().viewModel().busyProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Shown, and wholly inside the window: not scrolled off, not pushed out by something above it. */
    void assertOnScreen(FxRobot robot, String query) {
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
