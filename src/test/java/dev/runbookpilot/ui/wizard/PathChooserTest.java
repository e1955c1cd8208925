package dev.runbookpilot.ui.wizard;

import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.geometry.Bounds;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.StackPane;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.NodeQueryUtils;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application's file chooser driven from the keyboard and the mouse under headless Monocle, in windows of the
 * sizes it must fit (1366x768 and 1024x700), on real folders.
 */
@ExtendWith(ApplicationExtension.class)
class PathChooserTest {
    @TempDir
    Path dir;
    private Stage stage;
    private PathChooser chooser;
    private final List<Path> chosen = new CopyOnWriteArrayList<>();
    /**
     * How long an answer from the chooser's worker thread, or from a layout pulse, may take: generous, because CI runs
     * two test JVMs beside other builds on two cores, and waiting longer costs nothing when the answer comes.
     */
    private static final long PATIENCE_S = 30;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        stage.setScene(new Scene(new StackPane(), 1366, 768));
        stage.show();
    }

    @AfterEach
    void closeTheChooser(FxRobot robot) {
        robot.interact(() -> {
            if (chooser != null && chooser.isShowing()) chooser.close();
        });
    }

    private void show(FxRobot robot, int width, int height, Supplier<PathChooser> c) throws Exception {
        robot.interact(() -> {
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(width);
            stage.setHeight(height);
            chooser = c.get();
            chooser.show(stage, chosen::add);
        });
        // Visible, not only present: laid out in the shown dialog, where the robot's clicks and keys can reach it.
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS,
                () -> robot.lookup("#chooser-path").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        // Fitted once shown, the dialog is laid out at its new size only by a later pulse; until then its buttons
        // can lie where the taller dialog had them.
        DialogPane pane = chooser.getDialogPane();
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(
                () -> pane.getHeight() == pane.getScene().getHeight() && pane.getWidth() == pane.getScene().getWidth())
                .get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    private void waitForListing(FxRobot robot, String name) throws Exception {
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> names(robot).contains(name));
    }

    /**
     * Waits until a row of the listing shows this name, visible: the table's items change when the listing arrives,
     * its cells only with the layout pulse after that, which on a loaded machine can come seconds later, and a click
     * needs the cell.
     */
    private static void waitForRow(FxRobot robot, String name) throws Exception {
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> robot.from(robot.lookup("#chooser-listing")
                .queryTableView()).lookup(name).match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
    }

    @SuppressWarnings("unchecked")
    private static List<String> names(FxRobot robot) {
        TableView<FolderListing.Entry> table = robot.lookup("#chooser-listing").queryAs(TableView.class);
        return table.getItems().stream().map(e -> e.folder() ? e.name() + "/" : e.name()).toList();
    }

    private static void typeInPath(FxRobot robot, String text) {
        robot.clickOn("#chooser-path");
        robot.interact(() -> robot.lookup("#chooser-path").queryAs(TextField.class).clear());
        robot.write(text);
    }

    private static String pathText(FxRobot robot) {
        return robot.lookup("#chooser-path").queryAs(TextField.class).getText();
    }

    private static String error(FxRobot robot) {
        Label error = robot.lookup("#chooser-error").queryAs(Label.class);
        return error.isVisible() ? error.getText() : "";
    }

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"1366, 768", "1024, 700", "900, 460"})
    void theChooserLiesInsideItsWindowAndTheScreenAndItsButtonsAreClicked(int width, int height, FxRobot robot)
            throws Exception {
        for (int i = 0; i < 200; i++) Files.writeString(dir.resolve("runbook-" + i + ".yaml"), "runbook: " + i);
        show(robot, width, height, () -> PathChooser.open("Open runbook", dir,
                PathChooser.Filter.of("Runbooks", "yaml")));
        waitForListing(robot, "runbook-0.yaml");

        Window dialog = robot.lookup("#chooser-path").query().getScene().getWindow();
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        Rectangle2D bounds = new Rectangle2D(dialog.getX(), dialog.getY(), dialog.getWidth(), dialog.getHeight());
        assertThat(new Rectangle2D(0, 0, width, height).contains(bounds))
                .as("the chooser %s inside its %dx%d window", bounds, width, height).isTrue();
        assertThat(screen.contains(bounds)).as("the chooser %s on the screen %s", bounds, screen).isTrue();
        for (String button : List.of("#chooser-choose", "#chooser-cancel", "#chooser-up", "#chooser-path",
                "#chooser-filter")) {
            assertInside(robot, button, dialog);
        }

        robot.clickOn("#chooser-up");
        waitForListing(robot, dir.getFileName() + "/");
        assertThat(pathText(robot)).isEqualTo(dir.getParent() + "/");
        robot.clickOn("#chooser-cancel");
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !dialog.isShowing());
        assertThat(chosen).as("Cancel chooses nothing").isEmpty();
    }

    private static void assertInside(FxRobot robot, String query, Window window) {
        Node node = robot.lookup(query).query();
        assertThat(node.isVisible()).as(query + " visible").isTrue();
        Bounds b = node.localToScreen(node.getBoundsInLocal());
        Rectangle2D w = new Rectangle2D(window.getX(), window.getY(), window.getWidth(), window.getHeight());
        assertThat(w.contains(b.getMinX(), b.getMinY()) && w.contains(b.getMaxX(), b.getMaxY()))
                .as("%s %s inside the chooser %s", query, b, w).isTrue();
        assertThat(b.getHeight()).as(query + " height").isPositive();
    }

    @Test
    void aTypedAbsolutePathAndEnterChooseTheFile(FxRobot robot) throws Exception {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Path file = Files.writeString(elsewhere.resolve("billing.yaml"), "runbook: Billing");
        Path runbookFolder = Files.createDirectories(dir.resolve("runbooks"));
        show(robot, 1024, 700, () -> PathChooser.open("Open runbook", runbookFolder,
                PathChooser.Filter.of("Runbooks", "yaml")));

        typeInPath(robot, file.toString());
        robot.type(KeyCode.ENTER);

        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !chosen.isEmpty());
        assertThat(chosen).containsExactly(file);
        assertThat(chooser.isShowing()).isFalse();
    }

    @Test
    void aRelativePathIsReadFromTheRunbooksFolderWhereverTheListingIs(FxRobot robot) throws Exception {
        Path runbookFolder = Files.createDirectories(dir.resolve("billing"));
        Files.createDirectories(runbookFolder.resolve("sql"));
        Path migration = Files.writeString(runbookFolder.resolve("sql/001.sql"), "SELECT 1;");
        // The same relative path in the folder listed after Up, to see which one is taken.
        Files.createDirectories(dir.resolve("sql"));
        Files.writeString(dir.resolve("sql/001.sql"), "SELECT 2;");
        show(robot, 1366, 768, () -> PathChooser.open("Open migration", runbookFolder,
                PathChooser.Filter.of("SQL", "sql")));
        robot.clickOn("#chooser-up");
        waitForListing(robot, "billing/");

        typeInPath(robot, "sql/001.sql");
        robot.type(KeyCode.ENTER);

        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !chosen.isEmpty());
        assertThat(chosen).containsExactly(migration);
    }

    @Test
    void aFileThatDoesNotExistIsSaidInTheChooserWhichStaysOpen(FxRobot robot) throws Exception {
        show(robot, 1024, 700, () -> PathChooser.open("Open runbook", dir));
        typeInPath(robot, "missing.yaml");
        robot.type(KeyCode.ENTER);

        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> error(robot).contains("does not exist"));
        assertThat(error(robot)).isEqualTo(dir.resolve("missing.yaml") + " does not exist.");
        assertThat(chooser.isShowing()).isTrue();
        assertThat(chosen).isEmpty();
    }

    @Test
    void savingOverAnExistingFileAsksFirstAndCancelKeepsIt(FxRobot robot) throws Exception {
        Path report = Files.writeString(dir.resolve("report.pdf"), "the auditor's copy");
        show(robot, 1366, 768, () -> PathChooser.save("Save the report", dir, report,
                PathChooser.Filter.of("PDF", "pdf"),
                PathChooser.Filter.of("Markdown", "md")));
        assertThat(pathText(robot)).isEqualTo(report.toString());

        robot.clickOn("#chooser-choose");
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS,
                () -> robot.lookup("#chooser-replace").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        assertThat(chosen).as("nothing chosen before the answer").isEmpty();
        // Enter answers the default, Cancel: a reflex keystroke does not replace the file.
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS,
                () -> robot.lookup("#chooser-replace").tryQuery().isEmpty());
        assertThat(chosen).isEmpty();
        assertThat(chooser.isShowing()).isTrue();

        robot.clickOn("#chooser-path");
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS,
                () -> robot.lookup("#chooser-replace").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        robot.clickOn("#chooser-replace");
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !chosen.isEmpty());
        assertThat(chosen).containsExactly(report);
    }

    @Test
    void aNewNameIsSavedWithoutAQuestionAndTheTypeChangesItsExtension(FxRobot robot) throws Exception {
        show(robot, 1024, 700, () -> PathChooser.save("Save the report", dir, dir.resolve("rehearsal.pdf"),
                PathChooser.Filter.of("PDF", "pdf"), PathChooser.Filter.of("Markdown", "md")));
        robot.interact(() -> robot.lookup("#chooser-filter").queryComboBox().getSelectionModel().select(1));
        assertThat(pathText(robot)).isEqualTo(dir.resolve("rehearsal.md").toString());

        robot.clickOn("#chooser-choose");
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !chosen.isEmpty());
        assertThat(chosen).containsExactly(dir.resolve("rehearsal.md"));
    }

    @Test
    void savingIntoAFolderThatIsNotThereIsRefusedInline(FxRobot robot) throws Exception {
        show(robot, 1024, 700, () -> PathChooser.save("Save the report", dir, dir.resolve("report.pdf")));
        typeInPath(robot, "no-such-folder/report.pdf");
        robot.type(KeyCode.ENTER);

        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !error(robot).isEmpty());
        assertThat(error(robot)).isEqualTo("Cannot save: the folder " + dir.resolve("no-such-folder")
                + " does not exist.");
        assertThat(chosen).isEmpty();
    }

    @Test
    void aFolderThatVanishedIsAnInlineErrorAndTheChooserGoesOn(FxRobot robot) throws Exception {
        Path gone = Files.createDirectories(dir.resolve("gone"));
        Path kept = Files.writeString(dir.resolve("kept.yaml"), "runbook: Kept");
        show(robot, 1366, 768, () -> PathChooser.open("Open runbook", dir));
        waitForListing(robot, "gone/");
        Files.delete(gone);

        waitForRow(robot, "gone/");
        robot.doubleClickOn("gone/");
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !error(robot).isEmpty());
        assertThat(error(robot)).isEqualTo(gone + " does not exist (any more): choose another folder.");
        assertThat(names(robot)).isEmpty();

        robot.clickOn("#chooser-up");
        waitForListing(robot, "kept.yaml");
        assertThat(error(robot)).as("the error goes with the folder").isEmpty();
        waitForRow(robot, "kept.yaml");
        robot.doubleClickOn("kept.yaml");
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !chosen.isEmpty());
        assertThat(chosen).containsExactly(kept);
    }

    @Test
    void tabCompletesTheTypedNameAndOpensALoneFolder(FxRobot robot) throws Exception {
        Files.createDirectories(dir.resolve("migrations-2024"));
        Files.writeString(dir.resolve("migrations-2024/001.yaml"), "runbook: one");
        Files.writeString(dir.resolve("monitoring.yaml"), "runbook: watch");
        show(robot, 1024, 700, () -> PathChooser.open("Open runbook", dir));
        waitForListing(robot, "monitoring.yaml");

        typeInPath(robot, dir + "/mi");
        robot.type(KeyCode.TAB);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> pathText(robot).endsWith("migrations-2024/"));
        waitForListing(robot, "001.yaml");
        assertThat(robot.lookup("#chooser-path").query().isFocused()).as("Tab completed, focus stays").isTrue();

        robot.write("0");
        robot.type(KeyCode.TAB);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> pathText(robot).endsWith("001.yaml"));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !chosen.isEmpty());
        assertThat(chosen).containsExactly(dir.resolve("migrations-2024/001.yaml"));
    }

    @Test
    void aHiddenFolderTypedWithItsDotIsCompletedThoughNotListed(FxRobot robot) throws Exception {
        Files.createDirectories(dir.resolve(".ssh"));
        Path key = Files.writeString(dir.resolve(".ssh/id_ed25519"), "key");
        Files.writeString(dir.resolve("readme.md"), "keys live in .ssh");
        show(robot, 1024, 700, () -> PathChooser.open("Signing key", dir));
        waitForListing(robot, "readme.md");
        assertThat(names(robot)).containsExactly("readme.md");

        typeInPath(robot, ".ss");
        robot.type(KeyCode.TAB);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> pathText(robot).equals(".ssh/"));
        waitForListing(robot, "id_ed25519");
        robot.write("id");
        robot.type(KeyCode.TAB);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> pathText(robot).endsWith("id_ed25519"));
        robot.type(KeyCode.ENTER);
        WaitForAsyncUtils.waitFor(PATIENCE_S, TimeUnit.SECONDS, () -> !chosen.isEmpty());
        assertThat(chosen).containsExactly(key);
    }

    @Test
    void hiddenFilesAndOtherTypesAreOffUntilAskedFor(FxRobot robot) throws Exception {
        Files.writeString(dir.resolve(".draft.yaml"), "runbook: draft");
        Files.writeString(dir.resolve("notes.txt"), "notes");
        Files.writeString(dir.resolve("billing.YML"), "runbook: billing");
        Files.createDirectories(dir.resolve("sql"));
        show(robot, 1366, 768, () -> PathChooser.open("Open runbook", dir, PathChooser.Filter.of("Runbooks", "yaml",
                "yml")));
        waitForListing(robot, "billing.YML");
        assertThat(names(robot)).containsExactly("sql/", "billing.YML");

        robot.clickOn("#chooser-hidden");
        assertThat(names(robot)).containsExactly("sql/", ".draft.yaml", "billing.YML");
        robot.interact(() -> robot.lookup("#chooser-filter").queryComboBox().getSelectionModel().selectLast());
        assertThat(names(robot)).containsExactly("sql/", ".draft.yaml", "billing.YML", "notes.txt");
    }
}
