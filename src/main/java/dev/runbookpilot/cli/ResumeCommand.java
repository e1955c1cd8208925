package dev.runbookpilot.cli;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.TargetException;
import dev.runbookpilot.app.Targets;
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
final class ResumeCommand implements Callable<Integer>, QuickCompilerOnly.ShortLived {

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
        if (state.rehearsal().isPresent()) {
            err.println(journal.getFileName() + " is a rehearsal on a copy; a rehearsal is not resumed. Run"
                    + " 'rehearse' again: it first drops the copy this one left behind");
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
        Target connected;
        try {
            if (st.connection().demo() && db == null) {
                out.println("Restarting the embedded PostgreSQL on " + st.connection().demoDataDir() + " …");
                out.flush();
                connected = Targets.fromEnvironment().reopen(st.connection(), st.server().database(),
                        Connector.TERMINAL);
            } else {
                connected = Connector.connect(db != null ? db : Targets.uriOf(st.connection()));
            }
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            return f.exitCode;
        } catch (TargetException e) {
            err.println(e.getMessage());
            return Connector.Failure.of(e).exitCode;
        }
        try (connected;
             Session session = Session.resume(journal, runbook, connected.db(), interaction.operatorName(),
                     HeadlessRun.printer(out));
             StopOnSignal stop = new StopOnSignal(session)) {
            int code = new HeadlessRun(session, interaction, out).run();
            ReportCommand.writeIfAsked(session.journalFile(), interaction.report, out);
            return code;
        } catch (SessionException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
