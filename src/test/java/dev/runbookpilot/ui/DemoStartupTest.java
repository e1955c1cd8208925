package dev.runbookpilot.ui;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import javafx.scene.control.Labeled;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code gui --demo RUNBOOK} starts the embedded server before the window exists (so it overlaps the toolkit's
 * start); the window shows progress meanwhile and opens the wizard on that server, or says why it could not.
 */
@ExtendWith(ApplicationExtension.class)
class DemoStartupTest {
    private static final Path SAMPLE = Path.of("runbooks", "schema-alignment", "runbook.yaml").toAbsolutePath();

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

    @AfterEach
    void stop(FxRobot robot) {
        // Back to the start screen closes the session and the demo's target, which stops its server.
        if (window.wizard() != null) robot.interact(() -> window.showStart("alice"));
        background.shutdownNow();
    }

    @Test
    void theWizardOpensOnTheDemoServerStartedBeforeTheWindow(FxRobot robot) throws Exception {
        Workspace workspace = new Workspace(dir.resolve("home"));
        Startup early = new Startup(SAMPLE, true, null, "alice").openingDemo(workspace);

        robot.interact(() -> window.start(early));

        WaitForAsyncUtils.waitFor(180, TimeUnit.SECONDS, () -> window.wizard() != null);
        // The field is set on the FX thread a moment before the title: read both once that work is done.
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(stage.getTitle()).startsWith("Runbook Pilot — ");
        assertThat(early.opening().get().target().isDemo()).isTrue();
        try (var files = Files.list(workspace.home())) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("demo-2")).count())
                    .as("the session runs on its own copy of the sample's template").isEqualTo(1);
        }
    }

    @Test
    void whileTheDemoServerStartsTheWindowShowsTheRunbookAndOffersNothingThatNeedsTheDatabase(FxRobot robot)
            throws Exception {
        Runbook runbook = RunbookLoader.load(SAMPLE);
        // The server's start as the window sees it: the runbook read, the target not there yet, then a failure.
        CompletableFuture<Launch> opening = new CompletableFuture<>();
        Startup starting = new Startup(SAMPLE, true, null, "alice", CompletableFuture.completedFuture(runbook),
                opening, new AtomicBoolean());

        robot.interact(() -> window.start(starting));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#demo-starting").tryQuery().isPresent());

        assertThat(stage.getTitle()).isEqualTo("Runbook Pilot — " + runbook.title());
        assertThat(robot.lookup("#demo-starting-state").queryAs(Labeled.class).getText())
                .startsWith("Starting the demo database");
        assertThat(robot.lookup(".button").queryAll()).as("no Run, Next, Waive or any other action yet").isEmpty();
        assertThat(window.wizard()).isNull();

        robot.interact(() -> opening.completeExceptionally(new IllegalStateException(
                "cannot start the demo database: the server did not start")));
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#open-error").tryQuery().isPresent());
        assertThat(robot.lookup("#open-error").queryAs(Labeled.class).getText())
                .startsWith("cannot start the demo database: the server did not start")
                .contains("Nothing was checked").contains("Launch the demo again");
        assertThat(robot.lookup("#demo-starting").tryQuery()).isEmpty();
    }

    @Test
    void closingTheWindowWhileTheDemoServerStartsLeavesNoPostgreSQLRunning(FxRobot robot) throws Exception {
        Startup early = new Startup(SAMPLE, true, null, "alice").openingDemo(new Workspace(dir.resolve("home")));
        robot.interact(() -> window.start(early));

        // As the window manager closes it: the close request, not consumed while no wizard is open, then hidden.
        robot.interact(() -> {
            stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST));
            stage.hide();
        });
        assertThat(early.opening().isDone()).as("closed while the server was still starting").isFalse();

        String dataDir = early.opening().get(180, TimeUnit.SECONDS).target().record().demoDataDir();
        assertNoServerLeftOn(dataDir);
        assertThat(window.wizard()).as("no wizard opened on a closed window").isNull();
    }

    @Test
    void anAppThatEndsWhileItsDemoServerStartsStopsTheServerBeforeItExits() throws Exception {
        Startup early = new Startup(SAMPLE, true, null, "alice").openingDemo(new Workspace(dir.resolve("home")));

        // What WizardApp.launch does once the window has gone, before the JVM exits.
        early.closeUnclaimedDemo(3, TimeUnit.MINUTES);

        assertNoServerLeftOn(early.opening().get().target().record().demoDataDir());
    }

    /** No process names the data directory (the postmaster's command line does), and no server holds it. */
    private static void assertNoServerLeftOn(String dataDir) throws Exception {
        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> ProcessHandle.allProcesses()
                .noneMatch(p -> p.info().commandLine().map(c -> c.contains(dataDir)).orElse(false)));
        assertThat(Path.of(dataDir).resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aDemoThatCannotStartSaysWhyInsteadOfOpeningTheWizard(FxRobot robot) throws Exception {
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                runbook: No demo here
                target: { environment: staging, database: billing }
                phases:
                  - name: Only
                    steps:
                      - id: count
                        title: Items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 3" }
                """, StandardCharsets.UTF_8);

        robot.interact(() -> window.start(new Startup(file, true, null, "alice")
                .openingDemo(new Workspace(dir.resolve("home")))));

        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> robot.lookup("#open-error").tryQuery().isPresent());
        assertThat(robot.lookup("#open-error").queryAs(Labeled.class).getText()).contains("has no demo");
        assertThat(window.wizard()).isNull();
    }
}
