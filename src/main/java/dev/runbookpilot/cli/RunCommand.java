package dev.runbookpilot.cli;

import dev.runbookpilot.app.Target;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "run", description = "Run a runbook against a database (or the embedded demo), journaling everything."
        + "%nExit: 0 all passed or waived, 1 a check failed, 2 usage or runbook error, 3 cannot connect,"
        + " 4 a manual step, sign-off, migration or rollback awaits confirmation, 5 rolled back and proven"
        + " (--roll-back-on-failure), 7 stopped at an unanswered gate, 8 a gate was answered NO-GO (ABORTED).")
final class RunCommand implements Callable<Integer>, QuickCompilerOnly.ShortLived {

    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "the runbook.yaml to run")
    Path runbookFile;

    static final class TargetOption {
        @Option(names = "--db", paramLabel = "URL|URI|service=NAME",
                description = "jdbc:postgresql://..., postgresql://..., a conninfo string or service=NAME;"
                        + " default: PG* environment variables")
        String db;

        @Option(names = "--demo", description = "start the embedded PostgreSQL with the runbook's demo database")
        boolean demo;
    }

    @ArgGroup(exclusive = true)
    TargetOption target = new TargetOption();

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
        Target connected;
        try {
            connected = Connector.connectOrStartDemo(runbook,
                    target.demo ? Connector.demoDir(interaction.sessionDirectory(), "demo-") : null, target.db, out);
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            return f.exitCode;
        }
        try (connected;
             Session session = Session.start(runbook, connected.db(), connected.record(),
                     interaction.operatorName(), interaction.sessionDirectory(), HeadlessRun.printer(out));
             StopOnSignal stop = new StopOnSignal(session)) {
            int code = new HeadlessRun(session, interaction, out).run();
            ReportCommand.writeIfAsked(session.journalFile(), interaction.report, out);
            if (code != ExitCodes.OK) {
                out.printf("Resume with: %s resume %s%n", Invocation.command(), session.journalFile());
            }
            return code;
        } catch (SessionException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
