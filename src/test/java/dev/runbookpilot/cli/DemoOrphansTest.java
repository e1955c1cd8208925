package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's embedded PostgreSQL never outlives the app that started it for good: the {@code demo} command in a JVM
 * of its own is killed with SIGKILL (nothing of it runs any more, not even its shutdown hooks) while its template
 * cluster is built, before its server has written a pid file, while the server starts and once it runs; the next
 * launch stops each of those servers and removes their data, leaves alone a demo that another copy of the app still
 * runs, and works. SIGTERM and SIGHUP (Ctrl-C's twin in the JVM, and a terminal or session that ends) at the same
 * moments stop the server before the JVM exits.
 */
class DemoOrphansTest {
    private static final Path RUNBOOK = Path.of("runbooks", "schema-alignment", "runbook.yaml").toAbsolutePath();
    private static final long DEADLINE_SECONDS = 120;
    private static final Pattern JDBC = Pattern.compile("JDBC:\\s+(\\S+)");

    @TempDir
    Path home;

    private final List<Launch> launched = new ArrayList<>();

    /** A failed test still ends its demos: SIGTERM stops their servers, which their temporary workspace holds. */
    @org.junit.jupiter.api.AfterEach
    void endLaunches() throws Exception {
        for (Launch l : launched) {
            if (!l.process.isAlive()) continue;
            new ProcessBuilder("kill", "-TERM", Long.toString(l.process.pid())).inheritIO().start().waitFor();
            if (!l.process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) l.process.destroyForcibly();
        }
    }

    @Test
    void aDemoKilledAtAnyMomentLeavesNoServerOnceTheNextOneHasStarted() throws Exception {
        // Killed while the first launch builds the sample's template cluster (its server runs the setup script).
        Launch building = launch();
        Path scratch = await(building, () -> templateBuild().filter(d -> Files.exists(d.resolve("postmaster.pid"))),
                "a template build with a running server");
        assertThat(serverProcessesOn(scratch)).as("the template's server runs").isNotEmpty();
        building.kill();

        // The next launch builds the template again and runs; killed once it is ready.
        Launch running = launch();
        awaitReady(running);
        awaitGone(scratch);
        Path runningDir = running.dataDir();
        assertThat(serverProcessesOn(runningDir)).isNotEmpty();
        running.kill();

        // A demo another copy of the app runs meanwhile, which no sweep may touch.
        Launch other = launch();
        awaitReady(other);
        awaitGone(runningDir);

        // Killed with its data directory copied (owner recorded) but before its server wrote a pid file.
        Launch copying = launch();
        Path copyingDir = await(copying, () -> copying.dataDirIfAny(), "the demo's data directory");
        assertThat(copyingDir.resolve("postmaster.pid")).as("killed before the pid file exists").doesNotExist();
        copying.kill();

        // Killed once its server wrote the pid file, before the demo was ready.
        Launch starting = launch();
        Path startingDir = await(starting, () -> starting.dataDirIfAny()
                .filter(d -> Files.exists(d.resolve("postmaster.pid"))), "the server's pid file");
        assertThat(starting.output()).as("killed while the server starts").doesNotContain("is ready");
        starting.kill();

        Launch next = launch();
        awaitReady(next);
        awaitGone(copyingDir);
        awaitGone(startingDir);
        assertThat(queryDemo(next)).as("the next demo works").isEqualTo(1);
        assertThat(other.process.isAlive()).isTrue();
        assertThat(serverProcessesOn(other.dataDir())).as("the other copy's server still runs").isNotEmpty();
        assertThat(queryDemo(other)).as("the other copy's demo still works").isEqualTo(1);

        next.terminate("TERM");
        other.terminate("HUP");
    }

    @Test
    void aSignalThatEndsTheDemoWhileItsServerStartsStopsThatServer() throws Exception {
        Launch first = launch();
        awaitReady(first);
        first.terminate("TERM");

        // Before the pid file exists: the start is given up, and whatever it began is stopped.
        Launch copying = launch();
        Path copyingDir = await(copying, () -> copying.dataDirIfAny(), "the demo's data directory");
        assertThat(copyingDir.resolve("postmaster.pid")).doesNotExist();
        copying.terminate("TERM");

        // With the pid file written, before the demo is ready.
        Launch starting = launch();
        await(starting, () -> starting.dataDirIfAny().filter(d -> Files.exists(d.resolve("postmaster.pid"))),
                "the server's pid file");
        assertThat(starting.output()).doesNotContain("is ready");
        starting.terminate("HUP");
    }

    /** One {@code runbook-pilot demo} in a JVM of its own, with the test's workspace. */
    private final class Launch {
        final Process process;
        final Path log;
        final List<Path> before;
        Path dataDir;

        Launch() throws IOException {
            before = demoDirs();
            log = home.resolve("launch-" + (launched.size() + 1) + ".log");
            process = ChildRun.start(log, Map.of("RUNBOOK_PILOT_HOME", home.toString()), "demo", RUNBOOK.toString());
            launched.add(this);
        }

        String output() throws IOException {
            return Files.exists(log) ? Files.readString(log) : "";
        }

        /** The data directory this launch made, once it exists. */
        java.util.Optional<Path> dataDirIfAny() throws IOException {
            if (dataDir == null) {
                dataDir = demoDirs().stream().filter(d -> !before.contains(d)).findFirst().orElse(null);
            }
            return java.util.Optional.ofNullable(dataDir);
        }

        Path dataDir() throws IOException {
            return dataDirIfAny().orElseThrow(() -> new AssertionError("launch " + log + " made no data directory"));
        }

        void kill() throws Exception {
            process.destroyForcibly();
            assertThat(process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).isTrue();
        }

        /** Ends the JVM with the signal, as a terminal would; its server must be gone when it has exited. */
        void terminate(String signal) throws Exception {
            Path dir = dataDir();
            new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
            assertThat(process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)).as("the demo exits on SIG" + signal)
                    .isTrue();
            assertThat(serverProcessesOn(dir)).as("no server process on " + dir + " after SIG" + signal + "\n"
                    + output()).isEmpty();
            assertThat(dir).as("the demo's data is discarded:\n" + output() + logTail(home)).doesNotExist();
        }
    }

    private Launch launch() throws IOException {
        return new Launch();
    }

    private List<Path> demoDirs() throws IOException {
        if (!Files.isDirectory(home)) return List.of();
        try (Stream<Path> files = Files.list(home)) {
            // By their final names: a directory is made under another name and renamed once its owner is recorded.
            return files.filter(f -> f.getFileName().toString().matches("demo-cli-[0-9a-f-]+")).toList();
        }
    }

    private java.util.Optional<Path> templateBuild() throws IOException {
        Path templates = home.resolve("demo-templates");
        if (!Files.isDirectory(templates)) return java.util.Optional.empty();
        try (Stream<Path> files = Files.list(templates)) {
            return files.filter(f -> f.getFileName().toString().contains(".building-")).findFirst();
        }
    }

    @FunctionalInterface
    private interface Probe<T> {
        java.util.Optional<T> get() throws IOException;
    }

    /** Polls often: the moments before the pid file and before readiness last well under a second. */
    private static <T> T await(Launch launch, Probe<T> probe, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < deadline) {
            var found = probe.get();
            if (found.isPresent()) return found.get();
            assertThat(launch.process.isAlive()).as("the demo ended before " + what + ":\n" + launch.output())
                    .isTrue();
            Thread.sleep(1);
        }
        throw new AssertionError("never saw " + what + ":\n" + launch.output());
    }

    private static void awaitReady(Launch launch) throws Exception {
        await(launch, () -> launch.output().contains("Press Ctrl-C") ? java.util.Optional.of(true)
                : java.util.Optional.empty(), "the demo ready");
    }

    /** What a user would check: no process of that server is left, and its data is gone. */
    private static void awaitGone(Path dir) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        BooleanSupplier gone = () -> serverProcessesOn(dir).isEmpty() && !Files.exists(dir);
        while (!gone.getAsBoolean() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(serverProcessesOn(dir)).as("server processes left on " + dir).isEmpty();
        assertThat(dir).as("the killed demo's data, by the log:\n" + logTail(dir.getParent())).doesNotExist();
    }

    private static String logTail(Path home) throws IOException {
        Path logs = home.resolve("logs");
        if (!Files.isDirectory(logs)) return "(no logs)";
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(logs)) {
            for (Path f : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(f);
                lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> text.append(l).append('\n'));
            }
        }
        return text.toString();
    }

    /** Every process whose command line mentions the directory (postgres, pg_ctl, initdb, a shell between). */
    private static List<String> serverProcessesOn(Path dir) {
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> p.info().arguments().ifPresent(args -> {
            String line = String.join(" ", args);
            if (line.contains(dir.toString())) found.add(p.pid() + " " + p.info().command().orElse("?") + " " + line);
        }));
        return found;
    }

    private static int queryDemo(Launch launch) throws Exception {
        Matcher m = JDBC.matcher(launch.output());
        assertThat(m.find()).as("a JDBC URL in " + launch.output()).isTrue();
        try (Connection c = DriverManager.getConnection(m.group(1));
             ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
