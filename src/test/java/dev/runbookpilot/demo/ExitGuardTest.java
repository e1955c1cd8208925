package dev.runbookpilot.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A launch that lost the race to make a data directory leaves the winner's directory and server alone when it exits:
 * it registered the directory for its exit (to stop and remove it even on Ctrl-C during the copy) before it tried to
 * make it.
 */
class ExitGuardTest {

    @TempDir
    Path home;

    @Test
    void aLoserOfTheRaceToMakeADirectoryLeavesTheWinnersServerAndDataAtExit() throws Exception {
        Path dir = home.resolve("demo-cli-20261203-060000-000");
        DataDirOwner.createOwned(dir);
        // The winner's server, as its command line names the directory.
        Process winnersServer = new ProcessBuilder("sh", "-c", "sleep 60; true", "sh", "-D", dir.toString()).start();
        try {
            Path log = home.resolve("loser.log");
            Process loser = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Loser.class.getName(), dir.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            assertThat(loser.waitFor(90, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(log)).contains("lost the race");

            assertThat(winnersServer.isAlive()).as("the winner's server runs:\n" + Files.readString(log)).isTrue();
            assertThat(dir.resolve(DataDirOwner.FILE)).as("the winner's data").exists();
            assertThat(DataDirOwner.of(dir).orElseThrow().isCurrent()).isTrue();
            try (var left = Files.list(home)) {
                assertThat(left.map(p -> p.getFileName().toString()).toList())
                        .as("the loser's scratch directory is gone").containsExactlyInAnyOrder(
                                dir.getFileName().toString(), "loser.log");
            }
        } finally {
            // Its sleep too, which would otherwise sleep on, reparented, for the rest of its minute.
            winnersServer.descendants().forEach(ProcessHandle::destroyForcibly);
            winnersServer.destroyForcibly();
        }
    }

    /** A launch that registers its directory as {@code demo} and {@link DemoDatabase#start} do, then loses it. */
    public static final class Loser {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[0]);
            EmbeddedServer.discardOnExit(dir);
            boolean outer = ExitGuard.starting(dir);
            try {
                DataDirOwner.createOwned(dir);
                System.out.println("made the directory, which the test had made already");
            } catch (IOException lost) {
                System.out.println("lost the race: " + lost);
            } finally {
                ExitGuard.started(outer);
            }
            System.out.flush();
        }
    }
}
