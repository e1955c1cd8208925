package dev.runbookpilot.ui.start;

import atlantafx.base.theme.PrimerLight;
import dev.runbookpilot.app.RehearsalRun;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.report.ReportFormat;
import dev.runbookpilot.testing.TestPostgres;
import dev.runbookpilot.ui.Launch;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TableView;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Rehearse on a copy…" from the start screen, on headless Monocle: a sample connected on its demo, rehearsed in
 * full on the embedded copy server while the FX thread stays free, down to the verdict, the times, the proof and the
 * report. No wizard is launched: a rehearsal never starts the real window.
 */
@ExtendWith(ApplicationExtension.class)
class RehearsalDialogTest {
    private static final String SAMPLE = "alembic-upgrade";

    private final List<Launch> launches = new CopyOnWriteArrayList<>();
    private ExecutorService background;
    private StartViewModel vm;
    private Path home;

    @Start
    void start(Stage stage) throws Exception {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        home = Files.createTempDirectory("rehearsal-dialog");
        background = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rehearsal-dialog-test-background");
            t.setDaemon(true);
            return t;
        });
        vm = new StartViewModel(new Workspace(home), new Targets(Map.of(), home),
                List.of(TestPostgres.projectDir().resolve("runbooks")), Platform::runLater, background,
                launches::add);
        stage.setScene(new Scene(new StartView(vm), 1024, 700));
        stage.show();
    }

    @AfterEach
    void removeTheSessions() throws Exception {
        // A dialog a failed test left open is closed while its model can still hand its target to the background
        // threads: closed after them, its close would be refused and leave the next test's stage half shown.
        WaitForAsyncUtils.asyncFx(() -> Window.getWindows().stream().filter(RehearsalDialog.class::isInstance)
                .toList().forEach(Window::hide)).get(10, TimeUnit.SECONDS);
        launches.forEach(l -> l.target().close());
        background.shutdownNow();
        try (Stream<Path> files = Files.walk(home)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aSampleRehearsedOnACopyOfItsDemoShowsItsVerdictTimesAndProofAndWritesItsReport(FxRobot robot)
            throws Exception {
        ListView<Sample> samples = robot.lookup("#samples").queryListView();
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> samples.getItems().size() >= 5);
        Sample sample = samples.getItems().stream()
                .filter(s -> s.file().getParent().getFileName().toString().equals(SAMPLE)).findFirst().orElseThrow();
        robot.interact(() -> samples.scrollTo(sample));
        robot.clickOn(sample.title());
        WaitForAsyncUtils.waitFor(20, TimeUnit.SECONDS, () -> vm.runbookProperty().get() != null);

        robot.clickOn("#rehearse");
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS,
                () -> robot.lookup("#modeDemo").match(NodeQueryUtils.isVisible()).tryQuery()
                        .map(n -> !n.isDisabled()).orElse(false));
        robot.clickOn("#modeDemo");
        robot.clickOn("#connectTarget");
        // Visible, not only built: the dialog is made before it is shown.
        WaitForAsyncUtils.waitFor(120, TimeUnit.SECONDS,
                () -> robot.lookup("#startRehearsal").match(NodeQueryUtils.isVisible()).tryQuery().isPresent());
        RehearsalDialog dialog = (RehearsalDialog) Window.getWindows().stream()
                .filter(w -> w instanceof RehearsalDialog).findFirst().orElseThrow();
        RehearsalViewModel rehearsal = dialog.viewModel();
        assertThat(robot.lookup("#confirmOnTarget").query().isDisabled())
                .as("the target's own server needs its own opt-in, offered only once chosen").isTrue();

        robot.clickOn("#startRehearsal");
        // The FX thread answers while the copy is made and the runbook runs on it.
        WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> rehearsal.runningProperty().get());
        CompletableFuture<Boolean> answered = new CompletableFuture<>();
        Platform.runLater(() -> answered.complete(true));
        assertThat(answered.get(2, TimeUnit.SECONDS)).isTrue();
        assertThat(robot.lookup("#closeRehearsal").query().isDisabled()).as("no closing while it runs").isTrue();

        WaitForAsyncUtils.waitFor(300, TimeUnit.SECONDS, () -> rehearsal.doneProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
        RehearsalRun.Result result = rehearsal.resultProperty().get();
        assertThat(result).as(rehearsal.errorProperty().get() + "\n" + String.join("\n", rehearsal.lines()))
                .isNotNull();
        assertThat(result.green()).as(result.toString()).isTrue();
        Label verdict = robot.lookup("#rehearsalVerdict").queryAs(Label.class);
        assertThat(verdict.getText()).startsWith("GREEN").contains("REHEARSAL on a copy");
        assertThat(robot.lookup("#rehearsalWayBack").queryAs(Label.class).getText())
                .containsAnyOf("ROLLED BACK", "point of no return");
        TableView<RehearsalRun.StepTime> times = robot.lookup("#rehearsalTimes").queryTableView();
        assertThat(times.getItems()).isNotEmpty()
                .allSatisfy(t -> assertThat(t.plannedMillis()).isGreaterThanOrEqualTo(t.rehearsedMillis()));
        assertThat(rehearsal.lines()).anyMatch(l -> l.contains("was dropped"));
        if (result.proof() != null) {
            assertThat(robot.lookup("#rehearsalProof").queryAs(Label.class).getText()).startsWith("Proof: PASSED");
        }

        Path report = home.resolve("rehearsal.md");
        CompletableFuture<String> said = new CompletableFuture<>();
        robot.interact(() -> rehearsal.exportReport(report, ReportFormat.MARKDOWN, said::complete));
        assertThat(said.get(60, TimeUnit.SECONDS)).startsWith("Report written");
        assertThat(Files.readString(report)).startsWith("# REHEARSAL ON A COPY");
        assertThat(launches).as("a rehearsal never launches the real window").isEmpty();
    }
}
