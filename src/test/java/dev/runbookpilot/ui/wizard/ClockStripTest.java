package dev.runbookpilot.ui.wizard;

import atlantafx.base.theme.PrimerLight;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.FxExecutors;
import javafx.application.Application;
import javafx.geometry.Bounds;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clock strip at 1366x768 on a controlled clock: on screen, warning from 80 % of the step's budget, overrun past
 * it, and the overrun journaled once by background work while the FX thread only reads memory.
 */
@ExtendWith(ApplicationExtension.class)
class ClockStripTest {
    @TempDir
    Path dir;
    private Stage stage;
    private ExecutorService background;
    private WizardViewModel vm;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        background = FxExecutors.background();
    }

    @AfterEach
    void close() throws Exception {
        if (vm != null) {
            CountDownLatch closed = new CountDownLatch(1);
            WaitForAsyncUtils.asyncFx(() -> vm.close(closed::countDown));
            closed.await(30, TimeUnit.SECONDS);
        }
        background.shutdownNow();
    }

    @Test
    void theStripWarnsThenMarksTheOverrunAndTheJournalHoldsItOnce(FxRobot robot) throws Exception {
        String db = TestPostgres.freshDatabase("clock_strip");
        Path file = dir.resolve("runbook.yaml");
        Instant now = Instant.now();
        Files.writeString(file, """
                runbook: Clock strip
                target: { environment: staging, database: %s }
                window: { start: "%s", duration: 2h }
                phases:
                  - name: Prepare
                    budget: 30m
                    steps:
                      - id: a
                        title: A
                        budget: 5m
                        checks:
                          - query: { sql: "SELECT 1", expect: "= 1" }
                """.formatted(db, now));
        ClockViewModelTest.ControlledClock clock = new ClockViewModelTest.ControlledClock(now);
        vm = new WizardViewModel(RunbookLoader.load(file), Targets.fromEnvironment().connect(
                TestPostgres.server().uri(db), Targets.PasswordPrompt.NONE), FxExecutors.UI, background, clock);
        robot.interact(() -> {
            WizardView view = new WizardView(vm, "ada", () -> { }, () -> { });
            Scene scene = new Scene(view, 1366, 768);
            scene.getStylesheets().add(WizardView.class.getResource("/dev/runbookpilot/ui/app.css").toExternalForm());
            stage.setScene(scene);
            stage.show();
            vm.open("ada", dir.resolve("sessions"), null);
        });
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> vm.openedProperty().get());

        // The step's time runs from the session's start, which came a moment after the test began.
        clock.now = vm.session().state().started().at();
        Label window = robot.lookup("#clock-window").queryAs(Label.class);
        Label step = robot.lookup("#clock-step").queryAs(Label.class);
        clock.advance(Duration.ofMinutes(1));
        robot.interact(vm::tick);
        assertThat(window.getText()).contains("left in the window (of 2:00:00)");
        assertThat(step.getText()).isEqualTo("Step: 1:00 of 5:00");
        assertThat(step.getStyleClass()).doesNotContain("clock-warning", "clock-overrun");
        Bounds screen = robot.lookup("#clock-strip").query().localToScene(robot.lookup("#clock-strip").query()
                .getBoundsInLocal());
        assertThat(screen.getMaxY()).as("the strip is on screen at 1366x768").isLessThanOrEqualTo(768);
        assertThat(screen.getMaxX()).isLessThanOrEqualTo(1366);

        clock.advance(Duration.ofMinutes(3) .plusSeconds(10));
        robot.interact(vm::tick);
        assertThat(step.getStyleClass()).contains("clock-warning");

        clock.advance(Duration.ofMinutes(2));
        robot.interact(vm::tick);
        assertThat(step.getStyleClass()).contains("clock-overrun").doesNotContain("clock-warning");
        assertThat(step.getText()).contains("over by");
        Path journal = vm.session().journalFile();
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> vm.session().state().overruns().containsKey("step:a"));
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            robot.interact(vm::tick);
        }
        WaitForAsyncUtils.waitForFxEvents();
        Thread.sleep(300);
        assertThat(Journal.read(journal).stream().filter(e -> e instanceof JournalEvent.Overrun o
                && o.key().equals("step:a"))).hasSize(1);
    }
}
