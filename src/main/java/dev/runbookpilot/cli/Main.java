package dev.runbookpilot.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.Map;

/** Entry point of {@code java -jar runbook-pilot.jar} and of the installed {@code runbook-pilot} launcher. */
@Command(name = "runbook-pilot", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "Walks a PostgreSQL migration runbook against a live database: every check evaluated, "
                + "everything journaled, a report at the end.")
public final class Main implements Runnable {

    /**
     * The subcommands by name, in the order help lists them. Registered in code rather than in the annotation so that
     * a command line naming one (above all {@code gui}, which a DBA waits on) makes picocli read only that command's
     * options; help, a mistake or no command reads them all. Read when first asked for, not when {@code Main} is
     * initialised: reading each command's annotation costs the plain start screen, which needs none, about 20 ms
     * before its toolkit starts (ADR 0053).
     */
    static Map<String, Class<?>> subcommands() {
        return Subcommands.BY_NAME;
    }

    private static final class Subcommands {
        static final Map<String, Class<?>> BY_NAME = byName(GuiCommand.class, ValidateCommand.class,
                RunCommand.class, ResumeCommand.class, RehearseCommand.class, ReportCommand.class, VerifyCommand.class,
                CountersignCommand.class, ImportCommand.class, DemoCommand.class, CommandLine.HelpCommand.class);

        private static Map<String, Class<?>> byName(Class<?>... commands) {
            Map<String, Class<?>> byName = new LinkedHashMap<>();
            for (Class<?> c : commands) byName.put(c.getAnnotation(Command.class).name(), c);
            return byName;
        }
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * With no arguments a DBA gets the desktop wizard; commands keep the terminal path. The plain start screen skips
     * picocli, which has nothing to parse there and would delay the toolkit's start (ADR 0053).
     */
    public static void main(String[] args) {
        ownsTheJvm = true;
        if (GuiCommand.isPlainStart(args)) {
            System.exit(GuiCommand.openStartScreen(new java.io.PrintWriter(System.err, true)));
        }
        System.exit(execute(args.length == 0 ? new String[] {"gui"} : args));
    }

    /**
     * True when this JVM was started for the command line and exits after it: only then may a command tune the JVM
     * for itself (ADR 0043, ADR 0045), which would otherwise outlast the command in a test's or an embedder's process.
     */
    private static volatile boolean ownsTheJvm;

    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs a command line with its output going to the given writers (tests, embedding). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = commandLine(args);
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
        cli.setExecutionStrategy(parsed -> {
            // Chosen once the command line is parsed and before the command starts: a short command keeps to the
            // quick compiler (ADR 0045), only in a JVM that exits with it.
            if (ownsTheJvm) QuickCompilerOnly.forCommand(innermost(parsed).commandSpec().userObject());
            return new CommandLine.RunLast().execute(parsed);
        });
        return cli.execute(args);
    }

    private static CommandLine.ParseResult innermost(CommandLine.ParseResult parsed) {
        return parsed.hasSubcommand() ? innermost(parsed.subcommand()) : parsed;
    }

    /** The command line for {@code args}: with only the subcommand they name, or with all. */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Main());
        Class<?> named = args.length > 0 && !args[0].equals("help") ? subcommands().get(args[0]) : null;
        if (named != null) {
            cli.addSubcommand(named);
        } else {
            subcommands().values().forEach(cli::addSubcommand);
        }
        return cli;
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
