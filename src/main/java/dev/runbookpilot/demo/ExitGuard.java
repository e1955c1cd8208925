package dev.runbookpilot.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stops the servers this JVM started on data directories when it is asked to exit (Ctrl-C, SIGTERM, SIGHUP, the
 * session ending), including one that is still starting.
 *
 * <p>zonky's own shutdown hook runs {@code pg_ctl stop}, which finds nothing to stop before the new postmaster has
 * written its pid file, and that postmaster then outlives the JVM. Here a start in progress is interrupted (zonky
 * then stops waiting for the server), no new start may begin, and every process on the directory is stopped by its
 * command line ({@link ServerProcesses}), written pid file or not. A SIGKILL runs no hook at all: the next launch's
 * sweep finds the directory's owner dead and stops its server ({@link DataDirOwner}). A directory whose owner record
 * names another process is left alone: this JVM registered it before making it and lost it to that process.
 */
final class ExitGuard {
    private static final Logger log = LoggerFactory.getLogger(ExitGuard.class);
    /** How long the exit waits for interrupted starts to give up; zonky's waits end at once on interrupt. */
    private static final Duration START_WAIT = Duration.ofSeconds(30);

    private static final Object lock = new Object();
    private static final Map<Thread, Path> starting = new HashMap<>();
    private static final Set<Path> running = new LinkedHashSet<>();
    private static final Set<Path> discard = new LinkedHashSet<>();
    private static boolean exiting;

    static {
        try {
            Runtime.getRuntime().addShutdownHook(new Thread(ExitGuard::onExit, "embedded-postgres-exit"));
        } catch (IllegalStateException alreadyExiting) {
            exiting = true;
        }
    }

    private ExitGuard() {}

    /**
     * Before a server starts on {@code dir} (or its data is copied there); refused once the JVM exits.
     *
     * @return true for the outermost start on this thread, which {@link #started(boolean)} must be given
     */
    static boolean starting(Path dir) throws IOException {
        synchronized (lock) {
            if (exiting) throw new IOException("not starting a server on " + dir + ": the application is exiting");
            running.add(dir);
            return starting.putIfAbsent(Thread.currentThread(), dir) == null;
        }
    }

    /**
     * After the start on this thread ended, either way.
     *
     * @throws IOException if the JVM began to exit meanwhile: the caller must not hand out the server, which the
     *                     exit stops
     */
    static void started(boolean outer) throws IOException {
        synchronized (lock) {
            Path dir = starting.get(Thread.currentThread());
            if (outer) {
                starting.remove(Thread.currentThread());
                lock.notifyAll();
            }
            if (exiting) throw new IOException("the application is exiting: the server on " + dir + " is stopped");
        }
    }

    /** The server on {@code dir} was stopped by its owner. */
    static void closed(Path dir) {
        synchronized (lock) {
            running.remove(dir);
        }
    }

    /** The directory is removed when the JVM exits, after its server has stopped. */
    static void discardOnExit(Path dir) {
        synchronized (lock) {
            discard.add(dir);
        }
    }

    /** The directory needs no removal at exit any more (its owner removed it). */
    static void keep(Path dir) {
        synchronized (lock) {
            discard.remove(dir);
        }
    }

    /**
     * A directory is registered before this JVM has made it (so that Ctrl-C during the copy still removes it), and
     * another copy of the app may have made it under that name first: then the server and data there are that
     * copy's, and the exit leaves them. One without an owner record is this JVM's (a template build's scratch
     * directory, whose name only this JVM knows, is claimed once its cluster exists).
     */
    private static boolean ownedByAnother(Path dir) throws IOException {
        var owner = DataDirOwner.of(dir);
        if (owner.isEmpty() || owner.get().isCurrent()) return false;
        log.info("leaving {} at exit: it belongs to process {}", dir, owner.get().pid());
        return true;
    }

    private static void onExit() {
        List<Path> toStop;
        List<Path> toDiscard;
        synchronized (lock) {
            exiting = true;
            starting.keySet().forEach(Thread::interrupt);
            long deadline = System.nanoTime() + START_WAIT.toNanos();
            while (!starting.isEmpty()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    log.warn("servers still starting on {} at exit; stopping what runs there", starting.values());
                    break;
                }
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    break;
                }
            }
            toStop = new ArrayList<>(running);
            toStop.addAll(starting.values());
            toDiscard = new ArrayList<>(discard);
        }
        for (Path dir : toStop) {
            try {
                if (ownedByAnother(dir)) continue;
                ServerProcesses.stop(dir);
            } catch (IOException e) {
                log.warn("could not stop the server on {} at exit: {}", dir, e.getMessage());
            }
        }
        for (Path dir : toDiscard) {
            try {
                if (ownedByAnother(dir)) continue;
                EmbeddedServer.deleteTree(dir);
            } catch (IOException e) {
                log.warn("could not remove {} at exit: {}", dir, e.getMessage());
            }
        }
    }
}
