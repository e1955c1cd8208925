package dev.runbookpilot.ui;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.ui.widgets.UiLogAppender;
import javafx.application.Application;
import javafx.stage.Stage;

import java.util.concurrent.ExecutorService;

/** The desktop app. Launched by {@code runbook-pilot} with no arguments, or {@code runbook-pilot gui}. */
public final class WizardApp extends Application {
    /** Application.launch takes a class, not an instance: the command line's request waits here. */
    private static volatile Startup pending = Startup.startScreen(null);

    private ExecutorService background;

    /**
     * Blocks until the window is closed, and then until a demo server still starting has started and stopped
     * again: the window may close before the demo's target arrived, and no PostgreSQL may outlive the app.
     */
    public static void launch(Startup startup) {
        pending = startup;
        try {
            Application.launch(WizardApp.class);
        } finally {
            startup.closeUnclaimedDemo(2, java.util.concurrent.TimeUnit.MINUTES);
        }
    }

    @Override
    public void start(Stage stage) {
        // The log console's appender: started in the background by the command line; the wizard's console waits
        // for it, the first window does not.
        UiLogAppender.installInBackground();
        background = FxExecutors.background();
        new MainWindow(stage, Workspace.fromEnvironment(), background).start(pending);
    }

    @Override
    public void stop() {
        if (background != null) background.shutdownNow();
    }
}
