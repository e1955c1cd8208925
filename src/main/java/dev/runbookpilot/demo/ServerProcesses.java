package dev.runbookpilot.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The processes that serve, or are about to serve, one data directory, found by their command lines and stopped.
 *
 * <p>A server is looked for by its command line ({@code postgres -D DIR}, and {@code pg_ctl}, {@code initdb} or the
 * shell that pg_ctl starts it through, each naming DIR), not only by {@code postmaster.pid}: a JVM killed while its
 * server starts leaves a postmaster that has not written that file yet, and a pid in a stale file may belong to an
 * unrelated process by now. A process whose command line names another directory is never signalled. Where the
 * platform shows no command lines, the pid file's process is stopped only if it is a postgres that started when
 * the file says its postmaster did.
 */
final class ServerProcesses {
    private static final Logger log = LoggerFactory.getLogger(ServerProcesses.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);
    /** How far a postmaster's recorded start may lie from its process's start (a loaded machine is slow to exec). */
    private static final Duration START_SLACK = Duration.ofSeconds(30);

    private ServerProcesses() {}

    /**
     * The live processes whose command line names {@code dir} as their data directory (never this JVM, nor a
     * {@code pg_ctl stop}, which is stopping the server already: zonky's own exit hook runs one).
     */
    static List<ProcessHandle> on(Path dir) {
        List<String> names = spellings(dir);
        long me = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != me)
                .filter(p -> p.info().arguments()
                        .map(args -> namesDir(args, names) && !List.of(args).contains("stop")).orElse(false))
                .toList();
    }

    /**
     * Stops every process on {@code dir}: a postmaster with SIGINT (PostgreSQL's fast shutdown: sessions are ended,
     * nothing is left half-written), pg_ctl, initdb and the shell between pg_ctl and the postmaster with SIGTERM,
     * looking again until none is left, since a pg_ctl that is stopped may just have started its postmaster.
     *
     * @return true if something was stopped
     * @throws IOException if a process still runs after {@link #STOP_WAIT}
     */
    static boolean stop(Path dir) throws IOException {
        return stop(dir, () -> {});
    }

    /**
     * As {@link #stop(Path)} for a directory judged abandoned by its owner record {@code seen} (empty: none was
     * recorded): that record is read again before every round, and if it has changed (another copy of the app has
     * claimed the directory to resume its session there, or it is gone) nothing more is signalled, since what runs
     * there now is that copy's server.
     *
     * @throws IOException also if the owner record changed
     */
    static boolean stop(Path dir, Optional<DataDirOwner> seen) throws IOException {
        return stop(dir, () -> {
            Optional<DataDirOwner> now = DataDirOwner.of(dir);
            if (!now.equals(seen)) {
                throw new IOException("not stopping the server on " + dir + ": it was claimed meanwhile by "
                        + now.map(o -> "process " + o.pid()).orElse("nobody"));
            }
        });
    }

    /** Throws when the stop must not go on; asked before every round. */
    @FunctionalInterface
    private interface Guard {
        void check() throws IOException;
    }

    private static boolean stop(Path dir, Guard guard) throws IOException {
        long deadline = System.nanoTime() + STOP_WAIT.toNanos();
        boolean stopped = false;
        while (true) {
            guard.check();
            List<ProcessHandle> found = new java.util.ArrayList<>(on(dir));
            unlistedPostmaster(dir).filter(p -> !found.contains(p)).ifPresent(found::add);
            if (found.isEmpty()) return stopped;
            if (System.nanoTime() > deadline) {
                throw new IOException("the server processes " + found.stream().map(ProcessHandle::pid).toList()
                        + " on " + dir + " did not stop within " + STOP_WAIT.toSeconds() + " s");
            }
            if (!stopped) log.info("stopping the PostgreSQL processes {} left running on {}",
                    found.stream().map(ProcessHandle::pid).toList(), dir);
            stopped = true;
            for (ProcessHandle p : found) signal(p);
            for (ProcessHandle p : found) {
                try {
                    p.onExit().get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException stillStopping) {
                    // Looked at again in the next round; a fast shutdown waits for its sessions to end.
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while stopping the server on " + dir, e);
                }
            }
        }
    }

    private static void signal(ProcessHandle p) throws IOException {
        boolean postmaster = p.info().command().map(c -> Path.of(c).getFileName().toString())
                .map(n -> n.equals("postgres") || n.equals("postgres.exe")).orElse(false);
        if (!postmaster || !isUnix()) {
            p.destroy();
            return;
        }
        try {
            // Java can send only SIGTERM, which PostgreSQL takes as a smart shutdown: it would wait for a psql
            // someone left connected to the demo.
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the server process " + p.pid(), e);
        }
    }

    private static boolean isUnix() {
        return !System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }

    /**
     * The directory as a command line may name it: as given to zonky (absolute) and with the links on its way
     * resolved. Never the target of {@code dir} itself when that is a link: a link may point anywhere, and what runs on
     * its target is not this directory's server.
     */
    private static List<String> spellings(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isSymbolicLink(abs)) return List.of(abs.toString());
        try {
            Path real = abs.toRealPath();
            return real.equals(abs) ? List.of(abs.toString()) : List.of(abs.toString(), real.toString());
        } catch (IOException gone) {
            return List.of(abs.toString());
        }
    }

    /**
     * True for {@code … -D DIR …} (postgres, pg_ctl, initdb) and for pg_ctl's {@code sh -c 'exec postgres -D "DIR"
     * …'}; a sibling whose name merely starts like DIR does not match.
     */
    private static boolean namesDir(String[] args, List<String> names) {
        for (int i = 0; i < args.length; i++) {
            for (String name : names) {
                if (i > 0 && args[i - 1].equals("-D") && args[i].equals(name)) return true;
                if (args[i].contains("-D \"" + name + "\"")) return true;
            }
        }
        return false;
    }

    /**
     * The postmaster {@code postmaster.pid} names, where the platform hides command lines (so {@link #on} cannot
     * see it): only if that pid is a postgres that started within {@link #START_SLACK} of the time the file
     * records, so a pid reused by something else is left alone.
     */
    private static Optional<ProcessHandle> unlistedPostmaster(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        List<String> lines;
        try {
            lines = Files.readAllLines(pidFile);
        } catch (java.nio.file.NoSuchFileException none) {
            return Optional.empty();
        }
        if (lines.size() < 3) return Optional.empty();
        Optional<ProcessHandle> p;
        Instant recorded;
        try {
            p = ProcessHandle.of(Long.parseLong(lines.get(0).strip()));
            recorded = Instant.ofEpochSecond(Long.parseLong(lines.get(2).strip()));
        } catch (NumberFormatException half) {
            return Optional.empty();
        }
        return p.filter(ProcessHandle::isAlive)
                .filter(h -> h.info().arguments().isEmpty())
                .filter(h -> h.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("postgres"))
                        .orElse(false))
                .filter(h -> h.info().startInstant()
                        .map(s -> Duration.between(s, recorded).abs().compareTo(START_SLACK) <= 0).orElse(false));
    }
}
