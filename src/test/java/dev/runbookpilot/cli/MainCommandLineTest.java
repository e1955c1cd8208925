package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MainCommandLineTest {

    private static final List<String> ALL = List.of("gui", "validate", "run", "resume", "rehearse", "report", "verify",
            "countersign", "import", "demo", "help");

    @Test
    void aCommandLineNamingOneCommandReadsOnlyThatCommandsOptions() {
        assertThat(Main.commandLine("gui", "--db", "postgresql://db/app").getSubcommands().keySet())
                .containsExactly("gui");
        for (String name : ALL) {
            if (name.equals("help")) continue;
            assertThat(Main.commandLine(name).getSubcommands().keySet()).as(name).containsExactly(name);
        }
    }

    @Test
    void helpAMistakeOrNoCommandSeeEveryCommand() {
        assertThat(Main.subcommands().keySet()).containsExactlyElementsOf(ALL);
        for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"help", "run"},
                new String[] {"rnu"})) {
            assertThat(Main.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args))
                    .containsExactlyElementsOf(ALL);
        }
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("Commands:").contains(ALL.stream().map(n -> "  " + n + " ").toList());
        StringWriter typo = new StringWriter();
        assertThat(Main.execute(new PrintWriter(typo, true), new PrintWriter(typo, true), "rnu"))
                .isEqualTo(ExitCodes.USAGE);
        assertThat(typo.toString()).contains("rnu");
    }
}
