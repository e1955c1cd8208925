package dev.runbookpilot.cli;

import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Asks the running JVM to leave its optimising compiler (C2) out for the rest of a short command's life, keeping the
 * quick one (C1). A cold {@code report --format pdf} lays out a long document once and exits; the optimising compiler
 * spent more CPU on its hot methods than it ever saved (ADR 0043: about half of the whole process's CPU time on a
 * 500-check report). A launcher would pass {@code -XX:TieredStopAtLevel=1}; {@code java -jar} cannot carry a flag,
 * so this adds the same restriction as a compiler directive through the JVM's own diagnostic command
 * ({@code jcmd PID Compiler.directives_add}), from inside.
 *
 * <p>Only a speed-up: compiled code computes the same results at every tier. When the runtime has no diagnostic
 * command (a trimmed runtime without {@code jdk.management}) or refuses it, the command runs as before.
 */
final class QuickCompilerOnly {
    /** Every method, C2 excluded: HotSpot then compiles it with C1 alone. */
    private static final String DIRECTIVE = "[{ match: \"*.*\", c2: { Exclude: true } }]";

    private QuickCompilerOnly() {}

    /**
     * Adds the directive, first thing: every method the optimising compiler takes up before it lands is CPU the
     * command pays for (starting JMX for it costs about a quarter of a second of CPU, once).
     */
    static void fromNowOn() {
        try {
            // The diagnostic command reads directives from a file only.
            Path file = Files.createTempFile("runbook-pilot-jit-", ".json");
            try {
                Files.writeString(file, DIRECTIVE);
                ManagementFactory.getPlatformMBeanServer().invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"), "compilerDirectivesAdd",
                        new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception | LinkageError e) {
            LoggerFactory.getLogger(QuickCompilerOnly.class).debug("the JVM kept its optimising compiler: {}",
                    e.toString());
        }
    }
}
