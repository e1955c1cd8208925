package dev.runbookpilot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CLI in a JVM of its own, for the tests that kill it mid-run the way a crash or a closed laptop would: an
 * in-process run could not be stopped between two journal lines without the test's own help.
 */
final class ChildRun {

    /** Long enough for a loaded CI machine to start a JVM and reach the line; a hang still ends the test. */
    private static final long DEADLINE_SECONDS = 90;

    private ChildRun() {}

    /** {@code runbook-pilot ARGS…} on this test's class path, everything it prints going to {@code log}. */
    static Process start(Path log, String... args) throws IOException {
        return start(log, java.util.Map.of(), args);
    }

    /** As {@link #start(Path, String...)}, with these environment variables added. */
    static Process start(Path log, java.util.Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /** The session's journal once it holds {@code fragment}; fails if the child ends or stalls first. */
    static Path awaitJournalLine(Path sessions, String fragment, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(sessions)) {
                Path journal = onlyJournalOrNull(sessions);
                if (journal != null && Files.readString(journal).contains(fragment)) return journal;
            }
            assertThat(child.isAlive()).as("the child ended before its journal reached " + fragment).isTrue();
            Thread.sleep(10);
        }
        throw new AssertionError("the journal never reached " + fragment);
    }

    /** The one journal in a session directory. */
    static Path onlyJournal(Path sessions) throws IOException {
        Path p = onlyJournalOrNull(sessions);
        assertThat(p).as("a journal in " + sessions).isNotNull();
        return p;
    }

    static Path onlyJournalOrNull(Path sessions) throws IOException {
        try (Stream<Path> files = Files.list(sessions)) {
            return files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElse(null);
        }
    }
}
