package dev.runbookpilot.cli;

import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.demo.SampleFolders;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

@Command(name = "demo", description = "Start the embedded PostgreSQL with a sample's before-state and keep it "
        + "running until Ctrl-C, so you can point psql or 'run --db' at it.")
final class DemoCommand implements Callable<Integer> {

    /** The sample the demo starts when no runbook is given, looked for in the sample folders. */
    static final String DEFAULT_SAMPLE = "schema-alignment/runbook.yaml";

    @Parameters(index = "0", arity = "0..1", paramLabel = "RUNBOOK",
            description = "default: the " + DEFAULT_SAMPLE + " sample (runbooks/ here, or the installed samples)")
    Path runbookFile;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /**
     * This launch's data directory: named by the time for a person reading the workspace, and by this process and a
     * random part so that no two launches pick the same one, even in the same millisecond.
     */
    static Path dataDir(Path workspace, LocalDateTime at) {
        return workspace.resolve("demo-cli-" + at.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + "-"
                + ProcessHandle.current().pid() + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt()));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (runbookFile == null) {
            // Installed, the app starts anywhere (a home directory): the samples are found beside it.
            var roots = SampleFolders.roots();
            var folder = SampleFolders.first(roots);
            if (folder.isEmpty()) {
                spec.commandLine().getErr().println("no sample runbooks in " + roots + "; give a RUNBOOK");
                return ExitCodes.USAGE;
            }
            runbookFile = folder.get().resolve(DEFAULT_SAMPLE);
        }
        Runbook runbook;
        try {
            runbook = RunbookLoader.load(runbookFile);
        } catch (RunbookException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return ExitCodes.USAGE;
        }
        out.println("Starting the embedded PostgreSQL …");
        out.flush();
        // In the workspace like the app's demos, on a copy of the sample's template cluster: a demo whose JVM was
        // killed is found there by the next launch, which stops its server and removes its data.
        Path dataDir = dataDir(Workspace.fromEnvironment().home(), LocalDateTime.now());
        // Ctrl-C, even while the server starts, stops it and discards this data (ExitGuard); nobody resumes it. The
        // exit leaves the directory if another process owns it (ExitGuard reads its owner record).
        EmbeddedServer.discardOnExit(dataDir);
        EmbeddedServer server = Targets.startDemoServer(runbook, dataDir);
        String db = DemoDatabase.databaseName(runbook);
        out.printf("Demo database '%s' is ready (before-state of %s).%n%n", db, runbook.title());
        out.printf("  URL:   %s%n", server.uri(db));
        out.printf("  JDBC:  %s%n", server.jdbcUrl(db));
        out.printf("  psql:  psql '%s'%n", server.uri(db));
        out.printf("  run:   %s run %s --db '%s'%n%n", Invocation.command(), runbookFile, server.uri(db));
        out.println("Press Ctrl-C to stop the server (its data is discarded).");
        out.flush();
        // Until Ctrl-C: the JVM's exit stops the server and removes its data.
        new CountDownLatch(1).await();
        return ExitCodes.OK;
    }
}
