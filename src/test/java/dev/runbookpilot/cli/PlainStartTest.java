package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start screen's command lines (nothing, or {@code gui} alone) open without picocli (ADR 0053), in a JVM of their
 * own with no display, so each ends at the display check, before any toolkit starts: same message, same exit code as
 * through picocli, and which classes it loaded tells which way it went.
 */
class PlainStartTest {

    @TempDir
    Path dir;

    @Test
    void noArgumentsAndGuiAloneSayTheresNoDisplayWithoutPicocli() throws Exception {
        for (String[] args : List.of(new String[] {}, new String[] {"gui"})) {
            Run r = run(args);
            assertThat(r.code).as(String.join(" ", args)).isEqualTo(ExitCodes.USAGE);
            assertThat(r.output).as(String.join(" ", args)).contains("no display to open the wizard on");
            assertThat(r.classes).as(String.join(" ", args)).doesNotContain(" picocli.");
        }
    }

    @Test
    void guiWithAnOptionIsStillReadByPicocli() throws Exception {
        Run r = run("gui", "--operator", "alice");
        assertThat(r.code).isEqualTo(ExitCodes.USAGE);
        assertThat(r.output).contains("no display to open the wizard on");
        assertThat(r.classes).contains(" picocli.CommandLine ");
        Run typo = run("gui", "--operatr", "alice");
        assertThat(typo.code).isEqualTo(ExitCodes.USAGE);
        assertThat(typo.output).contains("--operatr");
    }

    private record Run(int code, String output, String classes) {}

    private Run run(String... args) throws Exception {
        Path classes = Files.createTempFile(dir, "classes", ".txt");
        Path out = Files.createTempFile(dir, "out", ".txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load:file=" + classes, "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
        pb.environment().put("RUNBOOK_PILOT_HOME", dir.resolve("home").toString());
        Process p = pb.start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the child ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(classes));
    }
}
