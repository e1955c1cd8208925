package dev.runbookpilot.ui.start;

import atlantafx.base.theme.PrimerLight;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.Launch;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.NodeQueryUtils;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The start screen driven through real JavaFX nodes on headless Monocle, down to a connected demo target. */
@ExtendWith(ApplicationExtension.class)
class StartViewTest {
    private static final String SAMPLE = "staging-core-schema";

    private final List<Launch> launches = new CopyOnWriteArrayList<>();
    private ExecutorService background;
    private StartViewModel vm;
    private Path home;
    private StartView view;

    @Start
    void start(Stage stage) throws Exception {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        home = Files.createTempDirectory("start-view");
        background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "start-view-test-background");
            t.setDaemon(true);
            return t;
        });
        vm = new StartViewModel(new Workspace(home), new Targets(Map.of(), home),
                List.of(TestPostgres.projectDir().resolve("runbooks")), Platform::runLater, background,
                launches::add);
        view = new StartView(vm);
        stage.setScene(new Scene(view, 1024, 700));
        stage.show();
    }

    @AfterEach
    void closeTargetsAndRemoveTheDemoData() throws Exception {
        launches.forEach(l -> l.target().close());
        background.shutdownNow();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void sampleOnTheEmbeddedDemoLaunchesConnectedToTheRunbooksDatabase(FxRobot robot) throws Exception {
        ListView<Sample> samples = robot.lookup("#samples").queryListView();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> samples.getItems().size() >= 5);
        Sample sample = samples.getItems().stream()
                .filter(s -> s.file().getParent().getFileName().toString().equals(SAMPLE)).findFirst().orElseThrow();
        assertThat(sample.environment()).isEqualTo("staging");

        robot.interact(() -> samples.scrollTo(sample));
        robot.clickOn(sample.title());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.runbookProperty().get() != null);
        assertThat(vm.runbookProperty().get().title()).isEqualTo(sample.title());

        robot.clickOn("#connect");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#modeDemo").match(NodeQueryUtils.isVisible()).tryQuery()
                        .map(n -> !n.isDisabled()).orElse(false));
        robot.clickOn("#modeDemo");
        robot.clickOn("#connectTarget");

        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS, () -> !launches.isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(launches).as("the target is handed to exactly one wizard").hasSize(1);
        Launch launch = launches.get(0);
        assertThat(launch.resumeJournal()).isNull();
        assertThat(launch.operator()).isEqualTo(System.getProperty("user.name"));
        assertThat(launch.target().isDemo()).isTrue();
        try (Connection c = launch.target().db().readConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(launch.runbook().target().database()).isEqualTo("xmarket_staging");
        }
        assertThat(robot.lookup("#connectTarget").tryQuery()).isEmpty();
    }

    @Test
    void anImportedChecklistIsConnectedFromItsSummaryAndLaunches(FxRobot robot) throws Exception {
        Path checklist = home.resolve("billing.md");
        Files.copy(TestPostgres.projectDir().resolve("src/test/resources/checklists/numbered-oneliners.md"),
                checklist);
        String database = TestPostgres.freshDatabase("imported");
        TestPostgres.runScript(database, TestPostgres.projectDir().resolve("runbooks/alembic-upgrade/demo/setup.sql"));

        robot.interact(() -> view.importChecklist(checklist));
        // Visible, not merely built: the summary's window shows a moment after its nodes exist.
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> robot.lookup("#connectImported")
                .match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        assertThat(robot.lookup("#importSummary").queryAs(TextArea.class).getText())
                .contains("automated").contains("billing.runbook.yaml");
        assertThat(robot.lookup("#chosenRunbook").queryAs(Label.class).getText())
                .startsWith("Billing upgrade — revision e4c2f81a9b3d");

        robot.clickOn("#connectImported");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#modeUri").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        robot.clickOn("#modeUri");
        robot.clickOn("#uri").write(TestPostgres.server().uri(database));
        robot.clickOn("#connectTarget");

        WaitForAsyncUtils.waitFor(60, TimeUnit.SECONDS, () -> !launches.isEmpty());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(launches).as("the target is handed to exactly one wizard").hasSize(1);
        Launch launch = launches.get(0);
        assertThat(launch.runbook().file()).isEqualTo(home.resolve("billing.runbook.yaml"));
        assertThat(launch.runbook().title()).isEqualTo("Billing upgrade — revision e4c2f81a9b3d");
        try (Connection c = launch.target().db().readConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database()")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo(database);
        }
    }

    @Test
    void openRunbookAsksInTheAppsOwnChooserWhereAPathRelativeToTheSamplesIsTyped(FxRobot robot) throws Exception {
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.samplesDirProperty().get() != null);
        Path samples = vm.samplesDirProperty().get();
        robot.clickOn("#openRunbook");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#chooser-path").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        Window window = view.getScene().getWindow();
        Window chooser = robot.lookup("#chooser-path").query().getScene().getWindow();
        assertThat(chooser).isNotSameAs(window);
        assertThat(new Rectangle2D(window.getX(), window.getY(), window.getWidth(), window.getHeight())
                .contains(new Rectangle2D(chooser.getX(), chooser.getY(), chooser.getWidth(), chooser.getHeight())))
                .as("the chooser lies inside the start screen's window").isTrue();

        robot.clickOn("#chooser-path");
        robot.interact(() -> robot.lookup("#chooser-path").queryAs(TextField.class).clear());
        robot.write(SAMPLE + "/runbook.yaml");
        robot.type(KeyCode.ENTER);

        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.runbookProperty().get() != null);
        assertThat(vm.runbookProperty().get().file()).isEqualTo(samples.resolve(SAMPLE).resolve("runbook.yaml"));
        assertThat(chooser.isShowing()).isFalse();
    }
}
