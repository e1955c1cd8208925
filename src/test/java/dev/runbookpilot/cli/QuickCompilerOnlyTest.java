package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

class QuickCompilerOnlyTest {
    private static String diagnostic(String operation) throws Exception {
        return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), operation, new Object[] {null},
                new String[] {String[].class.getName()}));
    }

    /** The C2 part of the directive matching every method: what HotSpot consults before an optimising compile. */
    private static String c2OfTopDirective() throws Exception {
        String printed = diagnostic("compilerDirectivesPrint");
        int top = printed.indexOf("Directive:");
        String first = printed.substring(top, printed.indexOf("Directive:", top + 1) < 0 ? printed.length()
                : printed.indexOf("Directive:", top + 1));
        assertThat(first).contains("matching: *.*");
        return first.substring(first.indexOf("c2 directives:"));
    }

    @Test
    void theRunningJvmIsToldToLeaveItsOptimisingCompilerOutForEveryMethod() throws Exception {
        assertThat(c2OfTopDirective()).contains("Exclude:false");
        QuickCompilerOnly.fromNowOn();
        try {
            assertThat(c2OfTopDirective()).contains("Exclude:true");
        } finally {
            // The rest of this test JVM's tests keep their optimising compiler.
            diagnostic("compilerDirectivesRemove");
        }
        assertThat(c2OfTopDirective()).contains("Exclude:false");
    }
}
