package dev.runbookpilot.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.ui.start.ConnectionDialog;
import dev.runbookpilot.ui.start.StartView;
import dev.runbookpilot.ui.start.StartViewModel;
import dev.runbookpilot.ui.widgets.AppStyles;
import dev.runbookpilot.ui.wizard.ExportDialog;
import dev.runbookpilot.ui.wizard.WizardView;
import dev.runbookpilot.ui.wizard.WizardViewModel;
import javafx.application.Application;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.geometry.Rectangle2D;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;

/**
 * The one window of the app: the start screen, a progress page while a target opens, then the wizard. Closing it
 * mid-run cancels the running checks and closes the journal; nothing already shown is lost.
 */
public final class MainWindow {
    private static final Logger log = LoggerFactory.getLogger(MainWindow.class);

    private final Stage stage;
    private final Workspace workspace;
    private final ExecutorService background;
    private final Scene scene;
    private WizardView wizard;
    /** The window was closed (while a target was still opening, or from the wizard). */
    private boolean closed;
    private boolean dark;
    private final Path preferences;
    /** Size changes settle for a second before they are written: a drag is one write, not hundreds. */
    private final javafx.animation.PauseTransition sizeSettles =
            new javafx.animation.PauseTransition(javafx.util.Duration.seconds(1));

    public MainWindow(Stage stage, Workspace workspace, ExecutorService background) {
        this.stage = stage;
        this.workspace = workspace;
        this.background = background;
        // 1280x800 where the screen allows, never larger than it: a laptop at 1024x700 sees the whole window.
        Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        this.scene = new Scene(new VBox(), Math.min(1280, screen.getWidth()), Math.min(800, screen.getHeight()));
        AppStyles.apply(scene);
        applyTheme();
        stage.setTitle("Runbook Pilot");
        stage.setMinWidth(Math.min(1024, screen.getWidth()));
        stage.setMinHeight(Math.min(700, screen.getHeight()));
        stage.setScene(scene);
        stage.setOnCloseRequest(this::closeRequested);
        // On a laptop screen the default size would not fit with the window's decorations: use all of it.
        if (WindowPreferences.smallScreen(screen)) stage.setMaximized(true);
        preferences = workspace.config().resolve("window.json");
        background.execute(() -> {
            WindowPreferences saved = WindowPreferences.read(preferences);
            if (saved != null) FxExecutors.UI.execute(() -> restore(saved, screen));
        });
        sizeSettles.setOnFinished(e -> savePreferences());
        javafx.beans.InvalidationListener resized = o -> sizeSettles.playFromStart();
        stage.widthProperty().addListener(resized);
        stage.heightProperty().addListener(resized);
        stage.maximizedProperty().addListener(resized);
    }

    /** The theme and size the operator left, never larger than this screen. */
    private void restore(WindowPreferences saved, Rectangle2D screen) {
        if (saved.dark() != dark) {
            dark = saved.dark();
            applyTheme();
        }
        if (saved.maximized()) {
            stage.setMaximized(true);
        } else if (saved.width() != null && saved.height() != null) {
            stage.setMaximized(false);
            stage.setWidth(Math.min(Math.max(saved.width(), stage.getMinWidth()), screen.getWidth()));
            stage.setHeight(Math.min(Math.max(saved.height(), stage.getMinHeight()), screen.getHeight()));
        }
    }

    private void savePreferences() {
        WindowPreferences now = new WindowPreferences(dark, stage.isMaximized() ? null : stage.getWidth(),
                stage.isMaximized() ? null : stage.getHeight(), stage.isMaximized());
        try {
            background.execute(() -> now.write(preferences));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // The app is stopping: the size saved before stays.
        }
    }

    /** Opens what the command line asked for. */
    public void start(Startup startup) {
        if (startup.direct()) openDirect(startup);
        else showStart(startup.operator(), startup.runbook());
        stage.show();
    }

    public void showStart(String operator) {
        showStart(operator, null);
    }

    /** The start screen; {@code runbook}, when given, is loaded there as if chosen with Open runbook…. */
    public void showStart(String operator, Path runbook) {
        disposeWizard();
        stage.setTitle("Runbook Pilot");
        StartViewModel vm = new StartViewModel(workspace, Targets.fromEnvironment(), StartView.defaultSampleRoots(),
                FxExecutors.UI,
                background, this::showWizard);
        if (operator != null && !operator.isBlank()) vm.giveOperator(operator);
        scene.setRoot(new StartView(vm));
        if (runbook != null) vm.openRunbook(runbook);
    }

    /** Loads the runbook and connects (or starts the demo) in the background, showing progress meanwhile. */
    private void openDirect(Startup s) {
        if (s.opening() != null) {
            // Begun by the command line before the toolkit started: the window only waits for it, off the FX thread.
            showProgress(new Label("Starting the embedded PostgreSQL with the demo of " + s.runbook() + " …"));
            // The runbook is read in a moment, the server takes seconds: its frame shows meanwhile, checking nothing.
            if (s.loaded() != null) s.loaded().thenAccept(rb -> FxExecutors.UI.execute(() -> {
                if (!closed && wizard == null && !s.opening().isDone()) showStarting(rb);
            }));
            s.opening().whenComplete((launch, e) -> FxExecutors.UI.execute(() -> {
                if (e != null) {
                    openFailed(s, e instanceof java.util.concurrent.CompletionException c ? c.getCause() : e);
                } else if (closed) {
                    // Closed before the server was up: nobody will use it. Stopping it waits for pg_ctl, so not here.
                    if (s.claim()) closeInBackground(launch.target());
                } else if (s.claim()) {
                    showWizard(launch);
                }
            }));
            return;
        }
        Label what = new Label("Loading " + s.runbook() + " …");
        showProgress(what);
        background.execute(() -> {
            Target target = null;
            try {
                Launch launch;
                if (s.demo()) {
                    FxExecutors.UI.execute(() -> what.setText("Starting the embedded PostgreSQL and loading the"
                            + " demo of " + s.runbook() + " …"));
                    launch = s.openDemo(workspace);
                } else {
                    Runbook rb = RunbookLoader.load(s.runbook());
                    FxExecutors.UI.execute(() -> what.setText("Connecting …"));
                    target = Targets.fromEnvironment().connect(s.connectionSpec(),
                            ConnectionDialog.passwordPrompt(stage));
                    launch = new Launch(rb, target, s.operator(), null);
                }
                FxExecutors.UI.execute(() -> {
                    if (closed) closeInBackground(launch.target());
                    else showWizard(launch);
                });
            } catch (Exception e) {
                if (target != null) target.close();
                FxExecutors.UI.execute(() -> openFailed(s, e));
            }
        });
    }

    private void openFailed(Startup s, Throwable e) {
        log.warn("cannot open {}: {}", s.runbook(), e.getMessage());
        showFailure(s.demo() ? e.getMessage() + "\n\nNothing was checked. The log (" + workspace.home().resolve("logs")
                + ") says more. Launch the demo again, or go back to the start screen and open"
                + " the runbook on a database of yours." : e.getMessage(), s.operator());
    }

    /** The demo's runbook while its server starts: the wizard's title and frame, no check and no action yet. */
    private void showStarting(Runbook rb) {
        stage.setTitle("Runbook Pilot — " + rb.title());
        scene.setRoot(new DemoStartingView(rb));
    }

    private void showProgress(Label what) {
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setId("opening-progress");
        what.setWrapText(true);
        VBox box = new VBox(16, spinner, what);
        box.setAlignment(Pos.CENTER);
        box.setPadding(new Insets(40));
        scene.setRoot(box);
    }

    private void showFailure(String message, String operator) {
        Label title = new Label("Could not open the runbook");
        title.getStyleClass().add("step-title");
        Label text = new Label(message);
        text.setId("open-error");
        text.setWrapText(true);
        Button toStart = new Button("Back to the start screen");
        toStart.setOnAction(e -> showStart(operator));
        VBox box = new VBox(16, title, text, toStart);
        box.setPadding(new Insets(40));
        scene.setRoot(box);
    }

    /** Opens the wizard on a connected target; the session starts (or resumes) in the background. */
    public void showWizard(Launch launch) {
        disposeWizard();
        WizardViewModel vm = new WizardViewModel(launch.runbook(), launch.target(), FxExecutors.UI, background,
                Clock.systemDefaultZone());
        vm.keepKeysIn(workspace.config());
        wizard = new WizardView(vm, launch.operator(), () -> export(vm), this::toggleTheme);
        // The operator stays the same; the session closes (journal, connection) as when the window closes.
        wizard.setOnHome(() -> showStart(launch.operator()));
        stage.setTitle("Runbook Pilot — " + launch.runbook().title());
        scene.setRoot(wizard);
        vm.open(launch.operator(), workspace.sessions(), launch.resumeJournal());
    }

    public WizardView wizard() {
        return wizard;
    }

    public Scene scene() {
        return scene;
    }

    private void export(WizardViewModel vm) {
        if (vm.session() == null) return;
        ExportDialog dialog = new ExportDialog(vm.session().state(), vm.session().journalFile(), workspace,
                background);
        dialog.showOver(stage);
    }

    void toggleTheme() {
        dark = !dark;
        applyTheme();
        savePreferences();
    }

    private void applyTheme() {
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }

    /** Closes a target nobody took, on a thread of its own: the FX thread never waits on a child process. */
    private static void closeInBackground(Target target) {
        Thread t = new Thread(target::close, "unused-target-close");
        t.start();
    }

    private void closeRequested(WindowEvent e) {
        closed = true;
        if (wizard == null) return;
        e.consume();
        WizardView closing = wizard;
        wizard = null;
        closing.dispose();
        scene.setRoot(new VBox(new Label("Closing the journal…")));
        closing.viewModel().close(stage::close);
    }

    private void disposeWizard() {
        if (wizard == null) return;
        WizardView old = wizard;
        wizard = null;
        old.dispose();
        old.viewModel().close(() -> { });
    }
}
