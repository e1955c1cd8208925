package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.ui.FxExecutors;
import javafx.scene.Scene;
import javafx.scene.control.PasswordField;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.NodeQueryUtils;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The export dialog under headless Monocle: a key's passphrase is asked in a dialog only when signing needs it. */
@ExtendWith(ApplicationExtension.class)
class ExportDialogTest {
    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static SessionState state;
    private static Path journal;
    private static Path key;
    private Stage stage;
    private ExecutorService background;
    private ExportDialog dialog;

    @BeforeAll
    static void finishedSessionAndAnEncryptedKey() throws Exception {
        fx = SessionFixture.open("exportfx", "CREATE TABLE t (id int); INSERT INTO t VALUES (1);", dir);
        Runbook rb = fx.runbook("""
                runbook: Export dialog
                target: { environment: development }
                phases:
                  - name: Only
                    steps:
                      - id: count
                        title: One row
                        checks:
                          - query: { sql: "SELECT count(*) FROM t", expect: "= 1" }
                """);
        try (Session s = fx.start(rb, "ops", RunListener.NONE)) {
            s.runChecks(SessionFixture.step(rb, "count"), Session.Scope.ALL);
            s.finish();
            state = s.state();
            journal = s.journalFile();
        }
        key = dir.resolve("id_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "pass", "-C", "ops@example.org",
                "-f", key.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isZero();
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
        background = FxExecutors.background();
        stage.setScene(new Scene(new StackPane(), 300, 200));
        stage.show();
    }

    @AfterEach
    void closeDialog(FxRobot robot) {
        robot.interact(() -> dialog.close());
        background.shutdownNow();
    }

    private void exportWithTheEncryptedKey(FxRobot robot, Path out) {
        robot.interact(() -> {
            dialog = new ExportDialog(state, journal, new Workspace(dir.resolve("home")), background);
            dialog.initOwner(stage);
            dialog.show();
        });
        robot.clickOn("#format-md");
        robot.clickOn("#sign-key");
        robot.interact(() -> {
            robot.lookup("#key-path").queryAs(TextField.class).setText(key.toString());
            robot.lookup("#report-path").queryAs(TextField.class).setText(out.toString());
        });
        robot.clickOn("#do-export");
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static String result(FxRobot robot) {
        return robot.lookup("#export-result").queryAs(TextArea.class).getText();
    }

    @Test
    void anEncryptedSshKeysPassphraseIsAskedInADialogWhileTheExportWaitsInTheBackground(FxRobot robot)
            throws Exception {
        Path out = dir.resolve("asked.md");
        exportWithTheEncryptedKey(robot, out);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> robot.lookup("#passphrase-prompt").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        // The export is waiting for the answer and the JavaFX thread is not: the dialog takes input.
        assertThat(result(robot)).startsWith("Writing ");
        robot.clickOn("#passphrase-prompt").write("pass");
        assertThat(robot.lookup("#passphrase-prompt").queryAs(PasswordField.class).getText()).isEqualTo("pass");
        robot.clickOn("#passphrase-ok");

        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> result(robot).contains("Verifi"));
        assertThat(result(robot)).contains("✔ Verified", "Signer: ops@example.org");
        assertThat(Files.exists(Path.of(out + ".sig"))).isTrue();
        // Read from the session's journal file, and naming exactly the bytes it was made from.
        Journal.Snapshot read = Journal.snapshot(journal);
        assertThat(Files.readString(out)).contains("| Journal | `" + journal.getFileName() + "` as read for this "
                + "report: " + read.lines() + " lines, " + read.length() + " bytes, SHA-256 `" + read.sha256() + "` |");
    }

    @Test
    void cancellingThePassphraseDialogExportsNothingAndSaysWhy(FxRobot robot) throws Exception {
        Path out = dir.resolve("cancelled.md");
        exportWithTheEncryptedKey(robot, out);
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS,
                () -> robot.lookup("#passphrase-prompt").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        robot.clickOn("#passphrase-cancel");

        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> result(robot).startsWith("Not exported"));
        assertThat(result(robot)).contains("none was given");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    void browseProposesTheReportPathInTheAppsChooserAndTakesTheTypedName(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            dialog = new ExportDialog(state, journal, new Workspace(dir.resolve("home")), background);
            dialog.showOver(stage);
        });
        String proposed = robot.lookup("#report-path").queryAs(TextField.class).getText();
        robot.clickOn("#browse-report");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#chooser-path").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        TextField typed = robot.lookup("#chooser-path").queryAs(TextField.class);
        assertThat(typed.getText()).isEqualTo(proposed);
        javafx.stage.Window chooser = typed.getScene().getWindow();

        Path out = dir.resolve("for-the-auditor.pdf");
        robot.interact(typed::clear);
        robot.clickOn(typed);
        robot.write(out.toString());
        robot.type(KeyCode.ENTER);

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#report-path").queryAs(TextField.class).getText().equals(out.toString()));
        assertThat(chooser.isShowing()).isFalse();
    }

    @Test
    void theSigningKeyIsChosenInTheAppsChooserFromTheRunbooksFolderOrAnyPath(FxRobot robot) throws Exception {
        robot.interact(() -> {
            stage.setWidth(1024);
            stage.setHeight(700);
            dialog = new ExportDialog(state, journal, new Workspace(dir.resolve("home")), background);
            dialog.showOver(stage);
        });
        assertThat(robot.lookup("#browse-key").queryButton().isDisabled()).as("no key file asked for").isTrue();
        robot.clickOn("#format-md");
        robot.clickOn("#sign-key");
        robot.clickOn("#browse-key");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#chooser-path").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        TextField typed = robot.lookup("#chooser-path").queryAs(TextField.class);
        robot.interact(typed::clear);
        robot.clickOn(typed);
        robot.write(key.toString());
        robot.type(KeyCode.ENTER);

        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#key-path").queryAs(TextField.class).getText().equals(key.toString()));
    }
}
