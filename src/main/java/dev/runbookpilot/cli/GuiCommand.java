package dev.runbookpilot.cli;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.ui.Startup;
import dev.runbookpilot.ui.WizardApp;
import dev.runbookpilot.ui.widgets.UiLogAppender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "gui", description = "Open the desktop wizard (the default with no arguments). With a runbook and"
        + " --demo or --db, the wizard opens on it directly; with a runbook alone, the start screen opens with it"
        + " loaded.")
final class GuiCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUNBOOK", description = "a runbook.yaml to open")
    Path runbook;

    @Option(names = "--demo", description = "start the embedded PostgreSQL with the runbook's demo database")
    boolean demo;

    @Option(names = "--db", paramLabel = "URL|URI|service=NAME", description = "connect to this target")
    String db;

    @Option(names = "--operator", paramLabel = "NAME", description = "who runs the window (default: login name)")
    String operator;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return open(runbook, demo, db, operator, spec.commandLine().getErr());
    }

    /**
     * The command line with nothing but {@code gui}, or nothing at all (the menu entry, a double click): the start
     * screen, opened without building picocli's model of the command line. That model (every built-in type
     * converter, the annotations of the command and its help options, read by reflection) cost about 110 ms of the
     * main thread before the JavaFX toolkit could start (ADR 0053); with no option to read there is nothing for it
     * to do. Any other command line, {@code gui} with an option or a runbook included, goes through picocli.
     */
    static boolean isPlainStart(String[] args) {
        return args.length == 0 || args.length == 1 && args[0].equals("gui");
    }

    /**
     * What {@link #isPlainStart} command lines run: the start screen, as {@code gui} alone would open it. A failure
     * ends as it does through picocli ({@code Main.execute}): its stack trace on {@code err}, exit code USAGE.
     */
    static int openStartScreen(java.io.PrintWriter err) {
        try {
            return open(null, false, null, null, err);
        } catch (RuntimeException | LinkageError e) {
            e.printStackTrace(err);
            return ExitCodes.USAGE;
        }
    }

    private static int open(Path runbook, boolean demo, String db, String operator, java.io.PrintWriter err) {
        if ((demo || db != null) && runbook == null) {
            err.println("--demo and --db need a RUNBOOK to open");
            return ExitCodes.USAGE;
        }
        if (demo && db != null) {
            err.println("choose one of --demo and --db");
            return ExitCodes.USAGE;
        }
        if (runbook != null && !Files.isRegularFile(runbook)) {
            err.println("no runbook at " + runbook);
            return ExitCodes.USAGE;
        }
        if (!hasDisplay()) {
            err.println("no display to open the wizard on (DISPLAY is not set). Use '" + Invocation.command()
                    + " run' in a terminal, or start a desktop session (for a virtual one: Xvfb :99 & export"
                    + " DISPLAY=:99).");
            return ExitCodes.USAGE;
        }
        String who = operator != null && !operator.isBlank() ? operator
                : System.getProperty("user.name", "operator");
        boolean direct = runbook != null && (demo || db != null);
        // Logback's configuration runs while the JavaFX toolkit starts, not before the first window on its thread.
        UiLogAppender.installInBackground();
        // A runbook without a target (the file manager's "Open with") opens on the start screen, loaded.
        Startup startup = direct ? new Startup(runbook, demo, db, who)
                : runbook != null ? Startup.startScreen(runbook.toAbsolutePath(), operator)
                : Startup.startScreen(operator);
        // The demo's server starts now, while the JavaFX toolkit starts, not after the first window.
        WizardApp.launch(demo ? startup.openingDemo(Workspace.fromEnvironment()) : startup);
        return ExitCodes.OK;
    }

    /** JavaFX on Linux needs an X11 or Wayland display unless a headless platform was chosen (tests). */
    private static boolean hasDisplay() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        if (!os.contains("linux")) return true;
        if ("Monocle".equals(System.getProperty("glass.platform"))) return true;
        return notBlank(System.getenv("DISPLAY")) || notBlank(System.getenv("WAYLAND_DISPLAY"));
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
