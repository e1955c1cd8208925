package dev.runbookpilot.proc;

import dev.runbookpilot.db.CancelToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Runs one external program to its end, its timeout or its cancellation, and keeps what it printed.
 *
 * <p>Both output streams are read line by line as they come, each line stamped with the time it ended and
 * masked before anyone sees it (the listener, the retained head and tail). A timeout or a cancellation stops the
 * whole process tree, not just the program started: a migration tool may run its work in a child (a shell running
 * {@code psql}, a JVM forked by a wrapper script), and killing only the parent would leave that child writing to
 * the database while the step says it stopped.
 */
public final class ChildProcess {
    private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);

    /** Longest line kept whole; a tool printing megabytes without a newline cannot exhaust memory. */
    static final int MAX_LINE_CHARS = 8192;
    /**
     * How far past {@link #MAX_LINE_CHARS} a long line is read before it is cut, so the cut can move back before a
     * secret that would straddle it (each piece is masked on its own). Secrets longer than this are not protected
     * at a cut.
     */
    static final int CUT_LOOKAHEAD = 1024;
    /** How long a stopped tree gets to exit after SIGTERM before it is killed. */
    public static final Duration GRACE = Duration.ofSeconds(5);
    /** How long output may stay open after the program exited (a background child still holding the pipe). */
    static final Duration DRAIN = Duration.ofSeconds(5);

    private ChildProcess() {}

    public enum Stream { OUT, ERR }

    /**
     * One line of output, already masked. {@code number} counts from 1 across both streams, in the order lines
     * completed: the same order as {@link Result#head()} and {@link Result#tail()}.
     */
    public record Line(long number, Instant at, Stream stream, String text) {}

    /** How the program's run ended. */
    public enum Ending {
        EXITED, TIMED_OUT, CANCELLED;
    }

    /**
     * @param argv     program and arguments, no shell involved (wrap in {@code sh -c} for a shell line)
     * @param cwd      working directory; must exist
     * @param set      variables set on top of the inherited environment
     * @param unset    inherited variables removed first
     * @param timeout  zero for none
     * @param mask     applied to every line before it is kept or shown
     * @param keep     how many lines the result keeps at the head and, separately, at the tail
     */
    public record Spec(List<String> argv, Path cwd, Map<String, String> set, Set<String> unset, Duration timeout,
                       UnaryOperator<String> mask, int keep) {
        public Spec {
            argv = List.copyOf(argv);
            if (argv.isEmpty() || argv.get(0).isBlank()) throw new IllegalArgumentException("no program to run");
            Objects.requireNonNull(cwd, "cwd");
            set = Map.copyOf(set);
            unset = Set.copyOf(unset);
            timeout = timeout == null ? Duration.ZERO : timeout;
            mask = mask == null ? UnaryOperator.identity() : mask;
            if (keep < 1) throw new IllegalArgumentException("keep at least one line");
        }

        /** A program run with the target's environment, output masked with its secrets. */
        public static Spec against(List<String> argv, Path cwd, ClientEnvironment env, Duration timeout, int keep) {
            return new Spec(argv, cwd, env.variables(), ClientEnvironment.OVERRIDDEN, timeout, env::mask, keep);
        }
    }

    /**
     * @param exitCode     the program's exit code; null when it was stopped (timeout or cancel)
     * @param head         the first {@code keep} lines
     * @param tail         the last lines after the head, at most {@code keep}
     * @param omitted      lines between head and tail that were not kept
     * @param leftRunning the program exited but a process it started was still running (seen while the program
     *                     ran, or holding its output open); it was not waited for
     */
    public record Result(Integer exitCode, Ending ending, Duration duration, List<Line> head, List<Line> tail,
                         long omitted, boolean leftRunning) {
        public Result {
            head = List.copyOf(head);
            tail = List.copyOf(tail);
        }

        public List<Line> kept() {
            List<Line> all = new ArrayList<>(head);
            all.addAll(tail);
            return all;
        }

        public long lines() {
            return head.size() + omitted + tail.size();
        }
    }

    /** The program could not be started at all: it did not run. */
    public static final class CannotStart extends Exception {
        CannotStart(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs the program and waits for it. Lines reach {@code onLine} in the order each stream produced them, from
     * reader threads; the listener must not block for long.
     *
     * @throws CannotStart when the working directory is missing or the program cannot be found or executed
     * @throws InterruptedException when this thread is interrupted: the process tree is stopped first
     */
    public static Result run(Spec spec, CancelToken token, Consumer<Line> onLine)
            throws CannotStart, InterruptedException {
        if (!Files.isDirectory(spec.cwd())) {
            throw new CannotStart("working directory " + spec.cwd() + " does not exist", null);
        }
        Launch launch = Launch.of(spec.argv(), spec.cwd());
        // Nobody can answer a tool's question (a password prompt) during a step: its input is empty, so it fails
        // at once instead of waiting for its timeout.
        ProcessBuilder pb = new ProcessBuilder(launch.argv()).directory(spec.cwd().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        spec.unset().forEach(env::remove);
        env.putAll(spec.set());
        Output output = new Output(spec.keep(), spec.mask(), onLine);
        Instant start = Instant.now();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new CannotStart(cannotStart(spec.argv().get(0), e), e);
        }
        Tree tree = new Tree(p.toHandle(), launch.ownSession());
        Thread out = output.reader(p.getInputStream(), Stream.OUT, p.pid());
        Thread err = output.reader(p.getErrorStream(), Stream.ERR, p.pid());
        Ending ending = Ending.EXITED;
        // The token may be cancelled from the FX thread, which must not wait out the grace period.
        AtomicReference<Thread> stopper = new AtomicReference<>();
        try (CancelToken.Registration ignored = token.onCancel(() -> {
            Thread t = stopper(tree);
            stopper.set(t);
            t.start();
        })) {
            boolean exited = spec.timeout().isZero() ? waitFor(p) : p.waitFor(spec.timeout().toMillis(),
                    TimeUnit.MILLISECONDS);
            if (token.isCancelled()) {
                ending = Ending.CANCELLED;
                p.waitFor();
                // "Stopped" must mean the whole tree: wait for the stop to reach every descendant.
                Thread t = stopper.get();
                if (t != null) t.join();
            } else if (!exited) {
                ending = Ending.TIMED_OUT;
                tree.stop();
            }
            p.waitFor();
        } catch (InterruptedException e) {
            tree.stop();
            throw e;
        }
        List<ProcessHandle> orphans = tree.stillRunning();
        if (!orphans.isEmpty()) {
            log.warn("{} exited but left processes running: {}", spec.argv().get(0),
                    orphans.stream().map(h -> Long.toString(h.pid())).toList());
        }
        boolean leftOpen = !join(out, err);
        if (leftOpen) {
            closeQuietly(p.getInputStream());
            closeQuietly(p.getErrorStream());
            join(out, err);
        }
        return output.result(ending == Ending.EXITED ? p.exitValue() : null, ending,
                Duration.between(start, Instant.now()), leftOpen || !orphans.isEmpty());
    }

    private static boolean waitFor(Process p) throws InterruptedException {
        p.waitFor();
        return true;
    }

    private static boolean join(Thread a, Thread b) throws InterruptedException {
        long deadline = System.nanoTime() + DRAIN.toNanos();
        a.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        b.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        return !a.isAlive() && !b.isAlive();
    }

    private static Thread stopper(Tree tree) {
        Thread t = new Thread(tree::stop, "stop-" + tree.root.pid());
        t.setDaemon(true);
        return t;
    }

    /**
     * How the program is started. Where the system allows it (Linux with {@code setsid} and {@code /proc}), the
     * program starts in a session of its own, so every process it starts belongs to that session wherever it is
     * re-parented, and can be found at any moment, not only while a watcher happens to look: a child forked an
     * instant before its parent exits is still found. Elsewhere the program starts as is and its tree is followed
     * by looking at its descendants (see {@link Tree}).
     *
     * <p>The program is looked up here, on this process's {@code PATH} as {@link ProcessBuilder} would, so a
     * missing or non-executable program is still "cannot start" rather than an exit code of {@code setsid}.
     */
    record Launch(List<String> argv, boolean ownSession) {
        private static final Path SETSID = findSetsid();

        static Launch of(List<String> argv, Path cwd) throws CannotStart {
            if (SETSID == null) return new Launch(argv, false);
            List<String> wrapped = new ArrayList<>(argv.size() + 1);
            wrapped.add(SETSID.toString());
            wrapped.add(resolve(argv.get(0), cwd).toString());
            wrapped.addAll(argv.subList(1, argv.size()));
            return new Launch(wrapped, true);
        }

        private static Path resolve(String program, Path cwd) throws CannotStart {
            List<Path> candidates = new ArrayList<>();
            if (program.contains("/")) {
                candidates.add(cwd.resolve(program));
            } else {
                for (String dir : String.valueOf(System.getenv("PATH")).split(":")) {
                    if (!dir.isEmpty()) candidates.add(Path.of(dir, program));
                }
            }
            Path notExecutable = null;
            for (Path c : candidates) {
                if (!Files.isRegularFile(c)) continue;
                if (Files.isExecutable(c)) return c.toAbsolutePath();
                if (notExecutable == null) notExecutable = c;
            }
            if (notExecutable != null) throw new CannotStart(program + ": not executable (permission denied)", null);
            throw new CannotStart(program + ": not found (not on PATH, or no such file)", null);
        }

        private static Path findSetsid() {
            if (!Files.isReadable(Path.of("/proc/self/stat"))) return null;
            for (String dir : List.of("/usr/bin", "/bin")) {
                Path p = Path.of(dir, "setsid");
                if (Files.isExecutable(p)) return p;
            }
            return null;
        }
    }

    /**
     * The program and every process it started. In a session of its own, that is every process of the session
     * (its id is the program's pid). Otherwise, as seen while it ran: once a parent exits, its children are
     * re-parented and are no longer anyone's descendants, so they are remembered from earlier looks. (A handle
     * compares its process's start time as well, so a reused pid is never taken for one of ours.)
     */
    private static final class Tree {
        /** How often the descendants are listed while the program runs. */
        private static final long LOOK_MILLIS = 200;
        private final ProcessHandle root;
        private final boolean ownSession;
        private final java.util.Set<ProcessHandle> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();

        Tree(ProcessHandle root, boolean ownSession) {
            this.root = root;
            this.ownSession = ownSession;
            // In a session of its own every process is found when it is needed; only a tree needs watching.
            if (ownSession) return;
            Thread watcher = new Thread(() -> {
                while (root.isAlive()) {
                    look();
                    try {
                        Thread.sleep(LOOK_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "tree-" + root.pid());
            watcher.setDaemon(true);
            watcher.start();
        }

        private void look() {
            root.descendants().forEach(seen::add);
            if (ownSession) sessionMembers(root.pid()).forEach(seen::add);
        }

        /** Processes it started that still run after it exited. */
        List<ProcessHandle> stillRunning() {
            look();
            return seen.stream().filter(h -> h.pid() != root.pid() && h.isAlive()).toList();
        }

        void stop() {
            look();
            stopTree(root, seen);
            if (ownSession) {
                // Forked while the signals were on their way, after the last look.
                List<ProcessHandle> late = sessionMembers(root.pid());
                if (!late.isEmpty()) stopTree(root, late);
            }
        }
    }

    /**
     * Every live process whose session id is {@code sid}, read from {@code /proc}: field 6 of
     * {@code /proc/PID/stat}, counted after the command name, which is in parentheses and may itself hold spaces or
     * parentheses. A process that vanishes while it is read is simply not listed.
     */
    static List<ProcessHandle> sessionMembers(long sid) {
        List<ProcessHandle> members = new ArrayList<>();
        try (java.nio.file.DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"),
                e -> e.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path proc : procs) {
                String stat;
                try {
                    stat = Files.readString(proc.resolve("stat"));
                } catch (IOException gone) {
                    continue;
                }
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                // state ppid pgrp session ...
                if (after.length > 3 && after[3].equals(Long.toString(sid))) {
                    ProcessHandle.of(Long.parseLong(proc.getFileName().toString())).ifPresent(members::add);
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the processes of session {}: {}", sid, e.toString());
        }
        return members;
    }

    /**
     * SIGTERM to the program, every descendant and every process seen as one earlier (listed before anything is
     * signalled: once a parent dies its children are re-parented and no longer found), then SIGKILL to whatever
     * still runs after {@link #GRACE}.
     */
    static void stopTree(ProcessHandle root, java.util.Collection<ProcessHandle> seenBefore) {
        java.util.Set<ProcessHandle> tree = new java.util.LinkedHashSet<>(root.descendants().toList());
        tree.addAll(seenBefore);
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle h : List.copyOf(tree)) {
            try {
                h.onExit().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception timeoutOrInterrupt) {
                // Fall through to SIGKILL, which does not wait.
            }
        }
        // Children forked while the first signals were on their way.
        root.descendants().forEach(tree::add);
        for (ProcessHandle h : tree) {
            if (h.isAlive()) {
                log.warn("process {} did not stop on SIGTERM within {} s; killing it", h.pid(), GRACE.toSeconds());
                h.destroyForcibly();
            }
        }
    }

    private static String cannotStart(String program, IOException e) {
        String m = String.valueOf(e.getMessage());
        if (m.contains("error=2,")) return program + ": not found (not on PATH, or no such file)";
        if (m.contains("error=13,")) return program + ": not executable (permission denied)";
        return program + ": cannot start: " + m;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // The reader thread ends either way.
        }
    }

    /** Retains the head and a rolling tail of both streams, in the order lines completed. */
    private static final class Output {
        private final int keep;
        private final UnaryOperator<String> mask;
        private final Consumer<Line> onLine;
        private final List<Line> head = new ArrayList<>();
        private final Deque<Line> tail = new ArrayDeque<>();
        private long omitted;
        private long count;

        Output(int keep, UnaryOperator<String> mask, Consumer<Line> onLine) {
            this.keep = keep;
            this.mask = mask;
            this.onLine = onLine;
        }

        Thread reader(InputStream in, Stream stream, long pid) {
            Thread t = new Thread(() -> read(in, stream), "child-" + pid + "-" + stream.name().toLowerCase());
            t.setDaemon(true);
            t.start();
            return t;
        }

        private void read(InputStream in, Stream stream) {
            // Tools print in the platform's encoding, nearly always UTF-8; a stray byte becomes U+FFFD, not an error.
            Reader r = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
            StringBuilder line = new StringBuilder();
            char[] buf = new char[4096];
            try (r) {
                int n;
                while ((n = r.read(buf)) >= 0) {
                    for (int i = 0; i < n; i++) {
                        char c = buf[i];
                        if (c == '\n') {
                            emit(stream, line);
                        } else if (line.length() >= MAX_LINE_CHARS + CUT_LOOKAHEAD) {
                            emitPiece(stream, line);
                            line.append(c);
                        } else {
                            line.append(c);
                        }
                    }
                }
            } catch (IOException closed) {
                // The stream was closed under us (output left open past the drain time): keep what came.
            }
            if (!line.isEmpty()) emit(stream, line);
        }

        /** Emits the first piece of a line too long to keep whole and leaves the rest in {@code raw}. */
        private void emitPiece(Stream stream, StringBuilder raw) {
            int cut = safeCut(raw.toString());
            String piece = raw.substring(0, cut);
            raw.delete(0, cut);
            deliver(stream, mask.apply(piece));
        }

        /**
         * The last cut at or before {@link #MAX_LINE_CHARS} that splits no secret: the one where masking the two
         * sides apart gives what masking the whole does (a secret split in two is masked in neither piece).
         */
        private int safeCut(String window) {
            String whole = mask.apply(window);
            int lowest = Math.max(1, MAX_LINE_CHARS - CUT_LOOKAHEAD);
            for (int cut = Math.min(MAX_LINE_CHARS, window.length()); cut > lowest; cut--) {
                if ((mask.apply(window.substring(0, cut)) + mask.apply(window.substring(cut))).equals(whole)) {
                    return cut;
                }
            }
            return Math.min(MAX_LINE_CHARS, window.length());
        }

        private void emit(Stream stream, StringBuilder raw) {
            if (!raw.isEmpty() && raw.charAt(raw.length() - 1) == '\r') raw.setLength(raw.length() - 1);
            while (raw.length() > MAX_LINE_CHARS) emitPiece(stream, raw);
            String text = mask.apply(raw.toString());
            raw.setLength(0);
            deliver(stream, text);
        }

        private void deliver(Stream stream, String text) {
            Line line;
            synchronized (this) {
                line = new Line(++count, Instant.now(), stream, text);
                if (head.size() < keep) {
                    head.add(line);
                } else {
                    tail.addLast(line);
                    if (tail.size() > keep) {
                        tail.removeFirst();
                        omitted++;
                    }
                }
            }
            try {
                onLine.accept(line);
            } catch (RuntimeException e) {
                log.warn("output listener failed: {}", e.toString());
            }
        }

        synchronized Result result(Integer exitCode, Ending ending, Duration duration, boolean leftOpen) {
            return new Result(exitCode, ending, duration, head, new ArrayList<>(tail), omitted, leftOpen);
        }
    }
}
