package dev.runbookpilot.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The logging the app configures in code (ADR 0044): what reaches the terminal and the log file, the rolling limits,
 * the levels, and that a configuration given Logback's usual way still wins. The child processes run on the app's
 * own class path without the test resources, whose logback-test.xml would otherwise be the configuration.
 */
class LogConfigurationTest {

    /** Logs at every level the configuration treats differently; compiled and run by the child's java launcher. */
    private static final String CHILD = """
            public class LogLines {
                public static void main(String[] args) {
                    org.slf4j.Logger app = org.slf4j.LoggerFactory.getLogger("dev.runbookpilot.Child");
                    app.debug("a debug line");
                    app.info("an info line");
                    app.warn("a warning");
                    org.slf4j.LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool").info("a pool line");
                    org.slf4j.LoggerFactory.getLogger("io.zonky.test.db.postgres.embedded.X").info("a zonky line");
                    org.slf4j.LoggerFactory.getLogger("org.apache.pdfbox.pdmodel.font.PDType1Font").warn("a font line");
                }
            }
            """;

    @TempDir
    Path tmp;

    private final LoggerContext context = new LoggerContext();

    @BeforeEach
    void mdcAdapter() {
        // SLF4J's Logback provider gives its context one; an appender asks for it with every event.
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stopContext() {
        context.stop();
    }

    @Test
    void aProcessOfTheAppWritesInfoToTheWorkspaceLogAndOnlyWarningsToTheTerminal() throws Exception {
        Path home = tmp.resolve("home");
        Child child = runChild(home);

        assertThat(child.stderr).isEqualTo("WARN  a warning" + System.lineSeparator());
        List<String> log = Files.readAllLines(home.resolve("logs/runbook-pilot.log"));
        assertThat(log).hasSize(2);
        assertThat(log.get(0)).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} INFO  \\[main] "
                + "dev\\.runbookpilot\\.Child - an info line");
        assertThat(log.get(1)).endsWith(" WARN  [main] dev.runbookpilot.Child - a warning");
        // The configuration is code: Logback's XML configurator and the JDK's XML parser stay unloaded.
        assertThat(child.classesLoaded).noneMatch(c -> c.startsWith("ch.qos.logback.classic.joran.")
                || c.startsWith("ch.qos.logback.core.joran.action.") || c.startsWith("javax.xml.parsers."));
    }

    @Test
    void aConfigurationFileGivenOnTheCommandLineWins() throws Exception {
        Path home = tmp.resolve("home");
        Path theirs = tmp.resolve("theirs.xml");
        Files.writeString(theirs, """
                <configuration>
                  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>THEIRS %level %msg%n</pattern></encoder>
                  </appender>
                  <root level="DEBUG"><appender-ref ref="OUT"/></root>
                </configuration>
                """);
        Child child = runChild(home, "-Dlogback.configurationFile=" + theirs);

        assertThat(child.stdout).contains("THEIRS DEBUG a debug line", "THEIRS INFO an info line",
                "THEIRS WARN a warning");
        assertThat(child.stderr).isEmpty();
        assertThat(home.resolve("logs")).doesNotExist();
    }

    @Test
    void theLogRollsDailyAndAt10MbKeeping14DaysAnd200Mb() throws Exception {
        Path dir = tmp.resolve("logs");
        LogConfiguration.apply(context, dir);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);

        StartedOnFirstEvent file = (StartedOnFirstEvent) root.getAppender(LogConfiguration.FILE_APPENDER);
        RollingFileAppender<?> appender = (RollingFileAppender<?>) file.target();
        assertThat(appender.isStarted()).isTrue();
        assertThat(appender.getFile()).isEqualTo(dir.resolve("runbook-pilot.log").toString());
        SizeAndTimeBasedRollingPolicy<?> policy = (SizeAndTimeBasedRollingPolicy<?>) appender.getRollingPolicy();
        assertThat(policy.getFileNamePattern())
                .isEqualTo(dir.resolve("runbook-pilot.%d{yyyy-MM-dd}.%i.log").toString());
        assertThat(policy.getMaxHistory()).isEqualTo(14);
        // Logback offers no getters for these two limits; its fields are what the policy enforces.
        assertThat(field(policy, "maxFileSize").getSize()).isEqualTo(FileSize.valueOf("10MB").getSize());
        assertThat(field(policy, "totalSizeCap").getSize()).isEqualTo(FileSize.valueOf("200MB").getSize());
    }

    @Test
    void theLevelsKeepLibraryChatterOutAndTheAppsInfoIn() {
        LogConfiguration.apply(context, tmp.resolve("logs"));

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.zonky").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.zaxxer.hikari").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.apache.pdfbox.pdmodel.font.PDType1Font").getLevel()).isEqualTo(Level.ERROR);
    }

    @Test
    void theLogFileIsOpenedByTheFirstLineItMustHoldAndKeepsThatLine() throws Exception {
        Path dir = tmp.resolve("logs");
        LogConfiguration.apply(context, dir);
        Logger app = context.getLogger("dev.runbookpilot.Some");

        app.debug("below the root's level");
        assertThat(dir).doesNotExist();

        app.info("the first line");
        assertThat(Files.readAllLines(dir.resolve("runbook-pilot.log")))
                .singleElement().asString().endsWith(" INFO  [main] dev.runbookpilot.Some - the first line");
    }

    private static FileSize field(SizeAndTimeBasedRollingPolicy<?> policy, String name)
            throws ReflectiveOperationException {
        for (Class<?> c = policy.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return (FileSize) f.get(policy);
            } catch (NoSuchFieldException e) {
                // declared higher up
            }
        }
        throw new NoSuchFieldException(name);
    }

    private record Child(String stdout, String stderr, List<String> classesLoaded) {}

    /** {@link #CHILD} in a JVM of its own on the app's class path, with {@code RUNBOOK_PILOT_HOME} set to home. */
    private Child runChild(Path home, String... jvmOptions) throws Exception {
        Path source = tmp.resolve("LogLines.java");
        Files.writeString(source, CHILD);
        String appClassPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !Path.of(e).endsWith("test-classes"))
                .collect(Collectors.joining(File.pathSeparator));
        Path classes = tmp.resolve("classes.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + classes));
        cmd.addAll(List.of(jvmOptions));
        cmd.addAll(List.of("-cp", appClassPath, source.toString()));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().put("RUNBOOK_PILOT_HOME", home.toString());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child ended").isTrue();
        assertThat(p.exitValue()).as("the child's exit; stderr: %s", Files.readString(err)).isZero();
        List<String> loaded = Files.readAllLines(classes).stream()
                .map(l -> l.replaceFirst("^\\[[^]]*]\\[[^]]*]\\[[^]]*] ", "").split(" ")[0])
                .toList();
        return new Child(Files.readString(out), Files.readString(err), loaded);
    }
}
