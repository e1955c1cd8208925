package dev.runbookpilot.ui;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the command line asked the desktop app to open. {@code operator} is null on the start screen when the
 * command line named nobody: the remembered name, or the login name, is offered there. With no runbook the start screen shows; with a runbook
 * and {@code demo} (or a connection spec) the wizard opens on it directly; with a runbook alone (a file opened from
 * the file manager) the start screen shows with that runbook loaded, waiting for a target.
 *
 * @param loaded  the demo's runbook, read before its server starts, so the window can show it meanwhile; null when
 *                the window opens the target itself
 * @param opening the demo's runbook loaded and its server started, begun before the window existed
 *                ({@link #openingDemo}); null when the window opens the target itself
 */
public record Startup(Path runbook, boolean demo, String connectionSpec, String operator,
                      CompletableFuture<Runbook> loaded, CompletableFuture<Launch> opening, AtomicBoolean claimed) {

    public Startup(Path runbook, boolean demo, String connectionSpec, String operator) {
        this(runbook, demo, connectionSpec, operator, null, null, new AtomicBoolean());
    }

    /**
     * Takes the opened demo's target for a wizard, or for closing it: true only for the first caller, so the target
     * is either handed to a wizard or stopped, never both and never neither.
     */
    boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /**
     * After the window has closed: a demo that was still starting is waited for (up to {@code wait}) and, if no
     * wizard took it, its target closed, which stops its server. Without this the app's exit would race the
     * server's start: the embedded server's own shutdown hook stops it with {@code pg_ctl stop}, which finds nothing
     * to stop before the new server has written its pid file, and that server would outlive the app.
     */
    public void closeUnclaimedDemo(long wait, TimeUnit unit) {
        if (opening == null) return;
        Launch launch;
        try {
            launch = opening.get(wait, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (java.util.concurrent.ExecutionException failedToStart) {
            return; // Nothing was left running: a failed start closes what it started.
        } catch (java.util.concurrent.TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(Startup.class).warn("the demo server was still starting {} {} after"
                    + " the window closed; its own shutdown hook stops it if it starts", wait, unit);
            return;
        }
        if (claim()) launch.target().close();
    }

    public static Startup startScreen(String operator) {
        return new Startup(null, false, null, operator);
    }

    /** The start screen with this runbook loaded, as if chosen with Open runbook…. */
    public static Startup startScreen(Path runbook, String operator) {
        return new Startup(runbook, false, null, operator);
    }

    /** True when a target was given, so the wizard opens without the start screen. */
    public boolean direct() {
        return runbook != null && (demo || connectionSpec != null);
    }

    /**
     * This demo launch with its runbook loaded and its embedded server started on a thread of its own from now on:
     * copying the template cluster and starting PostgreSQL (a child process) overlap the JavaFX toolkit's start
     * instead of following the first window. It needs no window: a demo asks the operator nothing.
     */
    public Startup openingDemo(Workspace workspace) {
        if (!demo || runbook == null) throw new IllegalStateException("not a demo launch: " + this);
        CompletableFuture<Runbook> read = new CompletableFuture<>();
        CompletableFuture<Launch> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Runbook rb = RunbookLoader.load(runbook);
                read.complete(rb);
                started.complete(startDemo(rb, workspace));
            } catch (Throwable e) {
                read.completeExceptionally(e);
                started.completeExceptionally(e);
            }
        }, "demo-start");
        t.setDaemon(true);
        t.start();
        return new Startup(runbook, true, null, operator, read, started, claimed);
    }

    /** Loads the runbook and starts its demo in a new data directory in the workspace (blocking: never on the FX thread). */
    Launch openDemo(Workspace workspace) throws Exception {
        return startDemo(RunbookLoader.load(runbook), workspace);
    }

    private Launch startDemo(Runbook rb, Workspace workspace) throws Exception {
        Target target = Targets.fromEnvironment().startDemo(rb, workspace.home().resolve("demo-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"))));
        return new Launch(rb, target, operator, null);
    }
}
