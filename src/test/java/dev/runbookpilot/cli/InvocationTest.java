package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** The command a hint tells the user to type must be one that runs this very program on their machine. */
class InvocationTest {

    @TempDir
    Path dir;

    @Test
    void theInstalledLauncherIsNamedBareWhenThePathFindsItThroughTheLink() throws IOException {
        Path launcher = executable(dir.resolve("opt/runbook-pilot/bin/runbook-pilot"));
        Path bin = Files.createDirectories(dir.resolve("usr/bin"));
        Files.createSymbolicLink(bin.resolve("runbook-pilot"), launcher);

        assertThat(Invocation.of(launcher.toString(), null, dir, "/nowhere" + File.pathSeparator + bin))
                .isEqualTo("runbook-pilot");
    }

    @Test
    void aLauncherThePathDoesNotFindIsNamedByItsPath() throws IOException {
        Path launcher = executable(dir.resolve("app-image/runbook-pilot/bin/runbook-pilot"));

        assertThat(Invocation.of(launcher.toString(), null, dir, "/usr/bin" + File.pathSeparator + "/bin"))
                .isEqualTo(launcher.toString());
    }

    @Test
    void anotherRunbookPilotEarlierOnThePathIsNotTakenForThisOne() throws IOException {
        Path launcher = executable(dir.resolve("opt/runbook-pilot/bin/runbook-pilot"));
        Path older = Files.createDirectories(dir.resolve("usr/local/bin"));
        executable(older.resolve("runbook-pilot"));
        Path bin = Files.createDirectories(dir.resolve("usr/bin"));
        Files.createSymbolicLink(bin.resolve("runbook-pilot"), launcher);

        assertThat(Invocation.of(launcher.toString(), null, dir, older + File.pathSeparator + bin))
                .as("typing runbook-pilot would run the other one")
                .isEqualTo(launcher.toString());
    }

    @Test
    void aJarBelowTheWorkingDirectoryIsShownAsTheRelativePathTyped() {
        Path jar = dir.resolve("target/runbook-pilot.jar");

        assertThat(Invocation.of(null, jar, dir, "/usr/bin")).isEqualTo("java -jar target/runbook-pilot.jar");
    }

    @Test
    void aJarElsewhereIsShownByItsAbsolutePathQuotedForTheShell() {
        Path jar = Path.of("/home/ada lovelace/tools/runbook-pilot.jar");

        assertThat(Invocation.of(null, jar, dir, "/usr/bin"))
                .isEqualTo("java -jar '/home/ada lovelace/tools/runbook-pilot.jar'");
    }

    @Test
    void aQuoteInThePathCannotEndTheShellWordEarly() {
        Path launcher = Path.of("/opt/it's here/bin/runbook-pilot");

        assertThat(Invocation.of(launcher.toString(), null, dir, "/usr/bin"))
                .isEqualTo("'/opt/it'\\''s here/bin/runbook-pilot'");
    }

    @Test
    void classesOutsideAJarFallBackToTheInstalledName() {
        assertThat(Invocation.of(null, dir.resolve("target/classes"), dir, "/usr/bin")).isEqualTo("runbook-pilot");
        assertThat(Invocation.of(null, null, dir, null)).isEqualTo("runbook-pilot");
    }

    private static Path executable(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }
}
