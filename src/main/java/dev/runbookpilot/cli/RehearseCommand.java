package dev.runbookpilot.cli;

import dev.runbookpilot.app.Rehearsal;
import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.check.TargetCopy;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Session;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "rehearse", description = "Rehearse a runbook on a copy of its target before the window: the copy is"
        + " made (schema only or full), the whole runbook runs forward on it with every check, and the copy is"
        + " dropped. The original is only read (pg_dump, read-only). Its own journal and report say REHEARSAL."
        + "%nExit codes as for run: 0 all passed, 1 a check failed, 2 usage or runbook error, 3 cannot connect,"
        + " 4 a migration awaits a decision.")
final class RehearseCommand implements Callable<Integer>, QuickCompilerOnly.ShortLived {

    @Parameters(index = "0", paramLabel = "RUNBOOK", description = "the runbook.yaml to rehearse")
    Path runbookFile;

    static final class OriginalOption {
        @Option(names = "--db", paramLabel = "URL|URI|service=NAME",
                description = "the original (the window's target), only read; default: PG* environment variables")
        String db;

        @Option(names = "--demo", description = "rehearse on a copy of the runbook's demo database")
        boolean demo;
    }

    @ArgGroup(exclusive = true)
    OriginalOption original = new OriginalOption();

    static final class CopyPlace {
        @Option(names = "--copy-to", paramLabel = "URL|URI|service=NAME",
                description = "make the copy on this server (a database there is created and dropped);"
                        + " default: a throw-away embedded PostgreSQL when its version allows")
        String copyTo;

        @Option(names = "--copy-on-target", description = "make the copy on the original's own server: needs twice"
                + " the database's size free on its disk, and loads that server while the copy is made")
        boolean onTarget;
    }

    @ArgGroup(exclusive = true)
    CopyPlace place = new CopyPlace();

    @Option(names = "--create-roles", description = "with --copy-to: create the roles the original names (owners,"
            + " grantees) that the copy server lacks, NOLOGIN, dropped with the copy (on the embedded copy server"
            + " they are always created)")
    boolean createRoles;

    @Option(names = "--data", paramLabel = "schema|full", defaultValue = "full",
            description = "copy the schema only, or schema and data (default: ${DEFAULT-VALUE})")
    String data;

    @Option(names = "--operator", paramLabel = "NAME", description = "who rehearses (default: the OS user)")
    String operator;

    @Option(names = "--skip", paramLabel = "STEP_ID=REASON",
            description = "skip an optional step, with a written reason (repeatable)")
    List<String> skips = new ArrayList<>();

    @Option(names = "--session-dir", paramLabel = "DIR",
            description = "where session journals live (default: ~/.runbook-pilot/sessions)")
    Path sessionDir;

    @Option(names = "--report", paramLabel = "FILE.md", description = "write the rehearsal's Markdown report here")
    Path report;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        TargetCopy.Data copyData;
        try {
            copyData = TargetCopy.Data.parse(data);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        Runbook runbook;
        try {
            runbook = RunbookLoader.load(runbookFile);
        } catch (RunbookException e) {
            err.println(e.getMessage());
            return ExitCodes.USAGE;
        }
        Interaction interaction = new Interaction();
        interaction.operator = operator;
        interaction.sessionDir = sessionDir;
        interaction.skips = skips;
        interaction.report = report;
        Path sessions = interaction.sessionDirectory();
        CheckSpec.Scratch where = place.copyTo != null
                ? new CheckSpec.Scratch(CheckSpec.ScratchKind.SERVER, place.copyTo)
                : place.onTarget ? CheckSpec.Scratch.TARGET : CheckSpec.Scratch.EMBEDDED;
        Path demoDir = original.demo ? Connector.demoDir(sessions, Rehearsal.DEMO_DIR_PREFIX) : null;
        Target connected;
        try {
            connected = Connector.connectOrStartDemo(runbook, demoDir, original.db, out);
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            return f.exitCode;
        }
        Rehearsal rehearsal;
        try {
            rehearsal = Rehearsal.start(runbook, connected, demoDir, new Rehearsal.Options(copyData, where, sessions,
                    interaction.operatorName(), createRoles), Targets.fromEnvironment(), HeadlessRun.printer(out), line -> {
                        synchronized (out) {
                            out.println("  " + line);
                            out.flush();
                        }
                    });
        } catch (Rehearsal.Refused e) {
            err.println(e.getMessage());
            return ExitCodes.CHECK_FAILED;
        }
        Session session = rehearsal.session();
        int code;
        try (StopOnSignal stop = new StopOnSignal(session, () -> finishQuietly(rehearsal))) {
            code = new HeadlessRun(session, interaction, out).run();
        } finally {
            List<String> left = rehearsal.finish();
            out.println(left.isEmpty() ? "The copy " + rehearsal.copyDescription() + " was dropped."
                    : "The copy could not be removed: " + String.join("; ", left)
                    + " (the next 'rehearse' tries again)");
        }
        ReportCommand.writeIfAsked(session.journalFile(), interaction.report, out);
        out.printf("Rehearsal journal: %s%n", session.journalFile());
        return code;
    }

    private static void finishQuietly(Rehearsal rehearsal) {
        try {
            rehearsal.finish();
        } catch (IOException | RuntimeException e) {
            // Exiting on a signal: the next 'rehearse' drops what is left, as the journal names it.
        }
    }
}
