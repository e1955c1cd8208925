package dev.runbookpilot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code java -jar runbook-pilot.jar} and of the installed {@code runbook-pilot} launcher. */
@Command(name = "runbook-pilot", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Walks a PostgreSQL migration runbook against a live database: every check evaluated, "
                + "everything journaled, a report at the end.",
        subcommands = {GuiCommand.class, ValidateCommand.class, RunCommand.class, ResumeCommand.class, RehearseCommand.class,
                ReportCommand.class, VerifyCommand.class, CountersignCommand.class, ImportCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** With no arguments a DBA gets the desktop wizard; commands keep the terminal path. */
    public static void main(String[] args) {
        System.exit(execute(args.length == 0 ? new String[] {"gui"} : args));
    }

    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs a command line with its output going to the given writers (tests, embedding). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Main());
        // Usage lines and hints show the command as typed here: the installed launcher or java -jar.
        cli.setCommandName(Invocation.command());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> ExitCodes.USAGE);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCodes.USAGE;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Runbook Pilot " + dev.runbookpilot.session.Version.current()};
        }
    }
}
