package dev.runbookpilot.cli;

import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run a runbook against a database (or the embedded demo), journaling everything."
        + "%nExit: 0 all passed or waived, 1 a check failed, 2 usage or runbook error, 3 cannot connect,"
        + " 4 a manual step, sign-off or migration awaits confirmation.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "the runbook.yaml to run")
    Path runbookFile;

    static final class Target {
        @Option(names = "--db", paramLabel = "URL|URI|service=NAME",
                description = "jdbc:postgresql://..., postgresql://..., a conninfo string or service=NAME;"
                        + " default: PG* environment variables")
        String db;

        @Option(names = "--demo", description = "start the embedded PostgreSQL with the runbook's demo database")
        boolean demo;
    }

    @ArgGroup(exclusive = true)
    Target target = new Target();

    @Mixin
    Interaction interaction;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Runbook runbook;
        try {
            runbook = RunbookLoader.load(runbookFile);
        } catch (RunbookException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        EmbeddedServer server = null;
        Connector.Connected connected;
        try {
            if (target.demo) {
                Path dataDir = interaction.sessionDirectory().resolve("demo-"
                        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
                out.println("Starting the embedded PostgreSQL and loading " + DemoDatabase.setupScript(runbook) + " …");
                out.flush();
                server = EmbeddedServer.start(dataDir);
                String db = DemoDatabase.prepare(server, runbook);
                connected = demoConnection(server, db, dataDir);
            } else {
                connected = Connector.connect(target.db);
            }
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            if (server != null) server.close();
            return f.exitCode;
        } catch (IOException | SQLException e) {
            err.println("cannot start the demo database: " + e.getMessage());
            if (server != null) server.close();
            return ExitCodes.CANNOT_CONNECT;
        }
        try (var db = connected.db();
             Session session = Session.start(runbook, db, connected.record(), interaction.operatorName(),
                     interaction.sessionDirectory(), HeadlessRun.printer(out))) {
            int code = new HeadlessRun(session, interaction, out).run();
            ReportCommand.writeIfAsked(session.state(), interaction.report, out);
            if (code != ExitCodes.OK) out.printf("Resume with: runbook-pilot resume %s%n", session.journalFile());
            return code;
        } catch (SessionException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        } finally {
            if (server != null) server.close();
        }
    }

    static Connector.Connected demoConnection(EmbeddedServer server, String database, Path dataDir)
            throws Connector.Failure {
        Connector.Connected c = Connector.connect(server.uri(database));
        JournalEvent.Connection r = c.record();
        return new Connector.Connected(c.db(), new JournalEvent.Connection(r.host(), r.port(), r.database(),
                r.user(), r.sslmode(), true, dataDir.toAbsolutePath().toString()));
    }

}
