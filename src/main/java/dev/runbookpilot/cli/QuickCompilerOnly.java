package dev.runbookpilot.cli;

import org.slf4j.LoggerFactory;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Asks the running JVM to leave its optimising compiler (C2) out for the rest of a short command's life, keeping the
 * quick one (C1). A cold command that does its work once and exits (a verification run, a report) pays for C2's
 * compilations of its hot methods and exits before the faster code has paid them back (ADR 0043, ADR 0045). A
 * launcher would pass {@code -XX:TieredStopAtLevel=1}; {@code java -jar} cannot carry a flag, and the installed
 * launcher also starts the long-lived wizard, so this adds the same restriction as a compiler directive through the
 * JVM's own diagnostic command ({@code jcmd PID Compiler.directives_add}), from inside.
 *
 * <p>Only a speed-up: compiled code computes the same results at every tier. When the runtime has no diagnostic
 * command (a trimmed runtime without {@code jdk.management}) or refuses it, the command runs as before.
 */
final class QuickCompilerOnly {
    /** Every method, C2 excluded: HotSpot then compiles it with C1 alone. */
    private static final String DIRECTIVE = "[{ match: \"*.*\", c2: { Exclude: true } }]";

    /**
     * A command that, as parsed, ends soon after it starts, so that the optimising compiler costs it more CPU than it
     * saves: measured per command in ADR 0045. The others do not implement it: the wizard and the demo server live
     * long, and {@code validate} and {@code import} are so short that starting JMX for the directive costs them as much
     * as C2 does.
     */
    interface ShortLived {
        /** Whether this invocation, with the options parsed, is one that runs on the quick compiler alone. */
        default boolean quickCompilerSuffices() {
            return true;
        }
    }

    private QuickCompilerOnly() {}

    /**
     * Keeps the JVM to C1 from now on when the command about to run is {@link ShortLived} and suffices with it. Called
     * only in a JVM started for that one command line: the directive outlasts the command.
     */
    static void forCommand(Object command) {
        if (command instanceof ShortLived shortLived && shortLived.quickCompilerSuffices()) fromNowOn();
    }

    /**
     * Adds the directive, first thing: every method the optimising compiler takes up before it lands is CPU the
     * command pays for.
     */
    static void fromNowOn() {
        try {
            // The diagnostic command reads directives from a file only.
            Path file = Files.createTempFile("runbook-pilot-jit-", ".json");
            try {
                Files.writeString(file, DIRECTIVE);
                directivesAdd().accept(file);
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (Exception | LinkageError e) {
            LoggerFactory.getLogger(QuickCompilerOnly.class).debug("the JVM kept its optimising compiler: {}",
                    e.toString());
        }
    }

    /** The diagnostic command {@code Compiler.directives_add}, as this JVM lets us reach it. */
    private interface DirectivesAdd {
        void accept(Path file) throws Exception;
    }

    /**
     * {@code Compiler.directives_add} run as {@code jcmd} runs it, through the JVM's diagnostic command bean's own
     * entry, when the jar's manifest ({@code Add-Opens}, for {@code java -jar}) or the installed launcher's options
     * open {@code jdk.management} to us. The public way, the platform MBean server, first registers every platform
     * bean (Flight Recorder's among them) and builds the bean's description of every diagnostic command: about 700
     * classes and a tenth of a second of CPU more for a short command (ADR 0045). Started any other way
     * ({@code java -cp}), or on a JDK without that entry, through that server.
     */
    private static DirectivesAdd directivesAdd() throws Exception {
        try {
            // Its class initialiser loads the native library the bean calls into.
            Class.forName("com.sun.management.internal.PlatformMBeanProviderImpl");
            Class<?> impl = Class.forName("com.sun.management.internal.DiagnosticCommandImpl");
            Method factory = impl.getDeclaredMethod("getDiagnosticCommandMBean");
            Method execute = impl.getDeclaredMethod("executeDiagnosticCommand", String.class);
            factory.setAccessible(true);
            execute.setAccessible(true);
            Object bean = factory.invoke(null);
            return file -> execute.invoke(bean, "Compiler.directives_add \"" + file + "\"");
        } catch (ReflectiveOperationException | RuntimeException notOpened) {
            // InaccessibleObjectException (a RuntimeException) when the package is not opened to us.
            ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
            return file -> ManagementFactory.getPlatformMBeanServer().invoke(name, "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
        }
    }
}
