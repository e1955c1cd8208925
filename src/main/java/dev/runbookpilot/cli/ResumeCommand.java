package dev.runbookpilot.cli;

import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionException;
import dev.runbookpilot.session.SessionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "resume", description = "Continue a session from its journal: nothing already done is repeated."
        + "%nExit codes as for run.")
final class ResumeCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SESSION", description = "session id (or prefix) or journal path")
    String sessionRef;

    @Option(names = "--db", paramLabel = "URL|URI|service=NAME",
            description = "connect this way instead of as the session did (same database)")
    String db;

    @Mixin
    Interaction interaction;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path journal;
        SessionState state;
        try {
            journal = SessionFiles.find(sessionRef, interaction.sessionDirectory());
            state = SessionState.replay(Journal.read(journal));
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            return f.exitCode;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot read the session: " + e.getMessage());
            return ExitCodes.USAGE;
        }
        JournalEvent.Started st = state.started();
        Runbook runbook;
        try {
            runbook = RunbookLoader.load(Path.of(st.runbookFile()));
        } catch (RunbookException e) {
            err.println("the session's runbook cannot be loaded:\n" + e.getMessage());
            return ExitCodes.USAGE;
        }
        EmbeddedServer server = null;
        Connector.Connected connected;
        try {
            if (st.connection().demo() && db == null) {
                Path dataDir = Path.of(st.connection().demoDataDir());
                out.println("Restarting the embedded PostgreSQL on " + dataDir + " …");
                server = EmbeddedServer.start(dataDir);
                connected = RunCommand.demoConnection(server, st.server().database(), dataDir);
            } else {
                connected = Connector.connect(db != null ? db : Connector.uriOf(st.connection()));
            }
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            if (server != null) server.close();
            return f.exitCode;
        } catch (IOException e) {
            err.println("cannot restart the demo database: " + e.getMessage());
            return ExitCodes.CANNOT_CONNECT;
        }
        try (var database = connected.db();
             Session session = Session.resume(journal, runbook, database, interaction.operatorName(),
                     HeadlessRun.printer(out))) {
            int code = new HeadlessRun(session, interaction, out).run();
            ReportCommand.writeIfAsked(session.state(), interaction.report, out);
            return code;
        } catch (SessionException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        } finally {
            if (server != null) server.close();
        }
    }
}
