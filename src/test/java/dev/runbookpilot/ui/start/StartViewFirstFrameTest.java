package dev.runbookpilot.ui.start;

import atlantafx.base.theme.PrimerLight;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.testing.TestPostgres;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.skin.TextFieldSkin;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start screen's first frame does not wait for, nor compete with, the listing of sessions and samples: the
 * listing starts once the view has been laid out in a showing window, and the lists say they are looking until it
 * arrives. Nor does it build the sessions table and the samples list: plain stand-ins say the same until they come,
 * right after the first frame. The background work is queued here and run when the test says so.
 */
@ExtendWith(ApplicationExtension.class)
class StartViewFirstFrameTest {
    private final BlockingQueue<Runnable> background = new LinkedBlockingQueue<>();
    private Stage stage;
    private Path home;

    @Start
    void start(Stage stage) throws Exception {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        this.stage = stage;
        home = Files.createTempDirectory("start-first-frame");
    }

    @AfterEach
    void removeTheWorkspace() throws Exception {
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void theListingStartsAfterTheFirstFrameAndTheListsSayTheyAreLookingUntilItArrives(FxRobot robot)
            throws Exception {
        StartViewModel vm = new StartViewModel(new Workspace(home), new Targets(Map.of(), home),
                List.of(TestPostgres.projectDir().resolve("runbooks")), Platform::runLater, background::add,
                launch -> { });
        StartView[] view = new StartView[1];
        robot.interact(() -> view[0] = new StartView(vm));
        assertThat(background).as("nothing is listed while the view is built").isEmpty();

        robot.interact(() -> {
            stage.setScene(new Scene(view[0], 1024, 700));
            stage.show();
        });
        Runnable listing = background.poll(10, TimeUnit.SECONDS);
        assertThat(listing).as("the listing, started once the view has been shown").isNotNull();
        TableView<?> sessions = robot.lookup("#sessions").queryTableView();
        ListView<Sample> samples = robot.lookup("#samples").queryListView();
        assertThat(((Label) sessions.getPlaceholder()).getText()).isEqualTo("Looking for sessions…");
        assertThat(((Label) samples.getPlaceholder()).getText()).isEqualTo("Looking for samples…");
        assertThat(robot.lookup("Looking for samples…").tryQuery()).isPresent();

        listing.run();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(samples.getItems()).hasSizeGreaterThanOrEqualTo(5);
        assertThat(((Label) sessions.getPlaceholder()).getText())
                .isEqualTo("No sessions yet: open a runbook below and connect.");
        assertThat(background).as("one listing per view").isEmpty();
    }

    @Test
    void theFirstFrameShowsStandInsWhereTheTableAndTheListComeRightAfterItBeforeTheListing(FxRobot robot)
            throws Exception {
        StartViewModel vm = new StartViewModel(new Workspace(home), new Targets(Map.of(), home),
                List.of(TestPostgres.projectDir().resolve("runbooks")), Platform::runLater, background::add,
                launch -> { });
        List<String> firstFrame = new ArrayList<>();
        List<Double> operatorSize = new ArrayList<>();
        robot.interact(() -> {
            Scene scene = new Scene(new StartView(vm), 1024, 700);
            AtomicBoolean seen = new AtomicBoolean();
            // Runs after the view's own listener in the first pulse that lays the shown scene out: the first frame.
            scene.addPostLayoutPulseListener(() -> {
                if (seen.getAndSet(true)) return;
                firstFrame.add("table " + (scene.lookup(".table-view") != null));
                firstFrame.add("list " + (scene.lookup(".list-view") != null));
                TextField operator = (TextField) scene.lookup("#operator");
                firstFrame.add("operator " + operator.getSkin().getClass().getSimpleName());
                operatorSize.add(operator.getWidth());
                operatorSize.add(operator.getHeight());
                for (Node standIn : scene.getRoot().lookupAll(".list-stand-in")) {
                    for (Node n : ((Parent) standIn).getChildrenUnmodifiable()) {
                        if (n instanceof Label l) firstFrame.add(l.getText());
                    }
                }
            });
            stage.setScene(scene);
            stage.show();
        });
        Runnable listing = background.poll(10, TimeUnit.SECONDS);
        assertThat(listing).as("the listing, started once the view has been shown").isNotNull();
        assertThat(firstFrame).containsExactly("table false", "list false", "operator FirstFrameTextFieldSkin",
                "Looking for sessions…", "Looking for samples…");

        TableView<?> sessions = robot.lookup("#sessions").queryTableView();
        assertThat(sessions.getColumns()).hasSize(7);
        assertThat(robot.lookup("#samples").queryListView()).isNotNull();
        assertThat(robot.lookup(".list-stand-in").tryQuery()).as("the stand-ins are gone").isEmpty();
        assertThat(stage.getScene().getFocusOwner()).as("the table has the focus, as the first control")
                .isSameAs(sessions);
        TextField operator = robot.lookup("#operator").queryAs(TextField.class);
        assertThat(operator.getSkin()).isInstanceOf(TextFieldSkin.class);
        assertThat(operator.getChildrenUnmodifiable().stream().filter(n -> n instanceof Text).count())
                .as("the first frame's text is gone from the field").isZero();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(List.of(operator.getWidth(), operator.getHeight())).as("the field's size, then and now")
                .isEqualTo(operatorSize);
        robot.clickOn("#operator").eraseText(12).write("bob");
        assertThat(vm.operatorProperty().get()).isEqualTo("bob");
        listing.run();
    }

    @Test
    void anIdleStartScreenHasNoSpinnerUntilItFirstBecomesBusy(FxRobot robot) throws Exception {
        StartViewModel vm = new StartViewModel(new Workspace(home), new Targets(Map.of(), home),
                List.of(TestPostgres.projectDir().resolve("runbooks")), Platform::runLater, background::add,
                launch -> { });
        robot.interact(() -> {
            stage.setScene(new Scene(new StartView(vm), 1024, 700));
            stage.show();
        });
        background.poll(10, TimeUnit.SECONDS).run();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".progress-indicator").tryQuery()).as("no spinner in an idle frame").isEmpty();

        Path runbook = TestPostgres.projectDir().resolve("runbooks/staging-core-schema/runbook.yaml");
        robot.interact(() -> vm.openRunbook(runbook));
        assertThat(robot.lookup(".progress-indicator").match(StartViewFirstFrameTest::shown).tryQuery()).isPresent();
        assertThat(robot.lookup("Loading runbook.yaml…").match(StartViewFirstFrameTest::shown).tryQuery()).isPresent();

        background.poll(10, TimeUnit.SECONDS).run();
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(vm.runbookProperty().get()).isNotNull();
        assertThat(robot.lookup(".progress-indicator").match(StartViewFirstFrameTest::shown).tryQuery()).isEmpty();
    }

    /** Visible itself and in every ancestor. */
    private static boolean shown(Node node) {
        for (Node n = node; n != null; n = n.getParent()) {
            if (!n.isVisible()) return false;
        }
        return true;
    }
}
