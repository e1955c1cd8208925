package dev.runbookpilot.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * The CLI run in the test's own JVM: its exit code and everything it printed, standard output and error interleaved
 * in the order a terminal would show them.
 */
record CliRun(int code, String output) {

    static CliRun cli(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
        return new CliRun(code, out.toString());
    }
}
