package dev.runbookpilot.ui;

import javafx.application.Platform;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** The two executors every view model takes: the FX thread, and daemon workers for the database and the disk. */
public final class FxExecutors {
    private FxExecutors() {}

    public static final java.util.concurrent.Executor UI = Platform::runLater;

    /**
     * Asks the operator something from a background thread (a password, a passphrase): {@code ask} runs on the FX
     * thread and completes the answer when the operator has given it; the background thread waits for it, the FX
     * thread never does.
     */
    public static <T> T askFromBackground(Consumer<CompletableFuture<T>> ask)
            throws InterruptedException, ExecutionException {
        if (Platform.isFxApplicationThread()) throw new IllegalStateException("asked on the FX thread");
        CompletableFuture<T> answer = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                ask.accept(answer);
            } catch (RuntimeException e) {
                answer.completeExceptionally(e);
            }
        });
        return answer.get();
    }

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
