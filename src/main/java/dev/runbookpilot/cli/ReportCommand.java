package dev.runbookpilot.cli;

import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.SessionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

@Command(name = "report", description = "Write a session's report from its journal alone.")
final class ReportCommand implements Callable<Integer> {

    enum Format { md }

    @Parameters(index = "0", paramLabel = "SESSION", description = "session id (or prefix) or journal path")
    String sessionRef;

    @Option(names = "--format", defaultValue = "md", description = "report format: ${COMPLETION-CANDIDATES}"
            + " (PDF and signing arrive with the reports work)")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the report")
    Path out;

    @Option(names = "--session-dir", paramLabel = "DIR", description = "where session journals live")
    Path sessionDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            Path journal = SessionFiles.find(sessionRef,
                    sessionDir != null ? sessionDir : Interaction.defaultSessionDir());
            SessionState state = SessionState.replay(Journal.read(journal));
            write(state, out);
            spec.commandLine().getOut().println("Report written to " + out);
            return ExitCodes.OK;
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            return f.exitCode;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot write the report: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /**
     * Writes next to the target and moves into place, so a crash never leaves a half-written report under the
     * final name.
     */
    static void write(SessionState state, Path file) throws IOException {
        String md = MarkdownReport.render(ReportBuilder.build(state));
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
        try {
            Files.writeString(tmp, md, StandardCharsets.UTF_8);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void writeIfAsked(SessionState state, Path file, PrintWriter out) throws IOException {
        if (file == null) return;
        write(state, file);
        out.println("Report written to " + file);
    }
}
