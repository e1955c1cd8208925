package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.management.ObjectName;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class QuickCompilerOnlyTest {
    private static final Path SAMPLE = Path.of("runbooks", "schema-alignment", "runbook.yaml");

    @TempDir
    Path dir;

    private static String diagnostic(String operation) throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation, new Object[] {null},
                new String[] {String[].class.getName()}));
    }

    /**
     * The C2 part of the directive matching every method, the first of a printed directive stack: what HotSpot
     * consults before an optimising compile.
     */
    private static String c2OfTopDirective(String printed) {
        int top = printed.indexOf("Directive:");
        int next = printed.indexOf("Directive:", top + 1);
        String first = printed.substring(top, next < 0 ? printed.length() : next);
        assertThat(first).contains("matching: *.*");
        return first.substring(first.indexOf("c2 directives:"));
    }

    @Test
    void theRunningJvmIsToldToLeaveItsOptimisingCompilerOutForEveryMethod() throws Exception {
        assertThat(c2OfTopDirective(diagnostic("compilerDirectivesPrint"))).contains("Exclude:false");
        QuickCompilerOnly.fromNowOn();
        try {
            assertThat(c2OfTopDirective(diagnostic("compilerDirectivesPrint"))).contains("Exclude:true");
        } finally {
            // The rest of this test JVM's tests keep their optimising compiler.
            diagnostic("compilerDirectivesRemove");
        }
        assertThat(c2OfTopDirective(diagnostic("compilerDirectivesPrint"))).contains("Exclude:false");
    }

    @Test
    void aShortCommandRunInSomeoneElsesJvmLeavesItsCompilersAlone() throws Exception {
        StringWriter out = new StringWriter();
        assertThat(Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "run",
                dir.resolve("missing.yaml").toString())).isEqualTo(ExitCodes.USAGE);
        assertThat(c2OfTopDirective(diagnostic("compilerDirectivesPrint"))).contains("Exclude:false");
    }

    @Test
    void aRunStartedForTheCommandLineKeepsToTheQuickCompiler() throws Exception {
        assertThat(c2OfTopDirective(directivesOfAChildReadingItsRunbook("run"))).contains("Exclude:true");
    }

    @Test
    void aRunWhoseJarOpensTheDiagnosticCommandToItKeepsToTheQuickCompilerWithoutThePlatformMBeanServer()
            throws Exception {
        // What the jar's manifest gives java -jar (Add-Opens), and the installed launcher's options.
        Path classes = dir.resolve("classes.log");
        String printed = directivesOfAChildReadingItsRunbook("run",
                "--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED",
                "-Xlog:class+load:file=" + classes);
        assertThat(c2OfTopDirective(printed)).contains("Exclude:true");
        // The server registers every platform bean first: the CPU this route saves a short command.
        assertThat(Files.readString(classes)).contains("com.sun.management.internal.DiagnosticCommandImpl ")
                .doesNotContain("com.sun.jmx.mbeanserver.JmxMBeanServer ");
    }

    @Test
    void validateKeepsTheJvmsCompilers() throws Exception {
        // Its whole run costs less CPU than starting JMX for the directive (ADR 0045).
        assertThat(c2OfTopDirective(directivesOfAChildReadingItsRunbook("validate"))).contains("Exclude:false");
    }

    /**
     * Starts {@code java [JVM_OPTIONS] ... Main COMMAND FIFO} in a JVM of its own and prints its directive stack with {@code jcmd}
     * while the command waits to read its runbook from the FIFO: opening a FIFO to write returns only once the reader
     * has opened it, so the command line was parsed and its compiler chosen by then. The sample is written afterwards,
     * and the command ends as it would on the file.
     */
    private String directivesOfAChildReadingItsRunbook(String command, String... jvmOptions) throws Exception {
        Path fifo = dir.resolve(command + ".yaml");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor()).isZero();
        Path log = dir.resolve(command + ".log");
        List<String> line = new ArrayList<>(List.of(javaTool("java")));
        line.addAll(List.of(jvmOptions));
        line.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), command,
                fifo.toString()));
        Process child = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            CompletableFuture<OutputStream> opened = CompletableFuture.supplyAsync(() -> {
                try {
                    return Files.newOutputStream(fifo);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            try (OutputStream writer = opened.get(120, TimeUnit.SECONDS)) {
                Process jcmd = new ProcessBuilder(javaTool("jcmd"), Long.toString(child.pid()),
                        "Compiler.directives_print").redirectErrorStream(true).start();
                String printed = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(jcmd.waitFor()).as(printed).isZero();
                writer.write(Files.readAllBytes(SAMPLE));
                return printed;
            }
        } finally {
            if (!child.waitFor(120, TimeUnit.SECONDS)) child.destroyForcibly();
        }
    }

    private static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }
}
