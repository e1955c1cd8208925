package dev.runbookpilot.ui;

import dev.runbookpilot.app.Workspace;
import javafx.scene.control.Button;
import javafx.scene.control.Labeled;
import javafx.stage.Stage;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A runbook opened from the file manager ({@code runbook-pilot gui FILE}, the desktop entry's "Open with") comes up
 * loaded on the start screen, and nothing connects until the DBA chooses a target: the file alone never says
 * which database it is meant for on this machine.
 */
@ExtendWith(ApplicationExtension.class)
class OpenWithTest {
    @TempDir
    Path dir;
    private MainWindow window;
    private ExecutorService background;

    @Start
    void start(Stage stage) {
        background = FxExecutors.background();
        window = new MainWindow(stage, new Workspace(dir.resolve("home")), background);
        stage.show();
    }

    @AfterEach
    void stop() {
        background.shutdownNow();
    }

    @Test
    void aRunbookGivenWithoutATargetOpensOnTheStartScreenLoadedAndUnconnected(FxRobot robot) throws Exception {
        Path file = dir.resolve("from file manager.yaml");
        Files.writeString(file, """
                runbook: Opened from the file manager
                target: { environment: production, database: billing }
                phases:
                  - name: Only
                    steps:
                      - id: count
                        title: Items
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 3" }
                """, StandardCharsets.UTF_8);

        robot.interact(() -> window.start(Startup.startScreen(file, "alice")));

        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> robot.lookup("#chosenRunbook")
                .queryAs(Labeled.class).getText().startsWith("Opened from the file manager"));
        assertThat(robot.lookup("#chosenRunbook").queryAs(Labeled.class).getText()).endsWith("PRODUCTION");
        assertThat(robot.lookup("#connect").queryAs(Button.class).isDisabled()).isFalse();
        assertThat(window.wizard()).as("no wizard, so no connection, before a target is chosen").isNull();
    }
}
