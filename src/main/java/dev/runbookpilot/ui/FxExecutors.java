package dev.runbookpilot.ui;

import javafx.application.Platform;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** The two executors every view model takes: the FX thread, and daemon workers for the database and the disk. */
public final class FxExecutors {
    private FxExecutors() {}

    public static final java.util.concurrent.Executor UI = Platform::runLater;

    /** Daemon threads, so a stuck connection never keeps the JVM alive after the window closed. */
    public static ExecutorService background() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "wizard-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
