package dev.runbookpilot.cli;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.runbookpilot.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

class TerminalTextTest {
    @Test
    void lineEndsEscapesAndDirectionOverridesFromAFileAreShownNotObeyed() {
        StringWriter printed = new StringWriter();
        PrintWriter out = TerminalText.oneLinePerPrintln(new PrintWriter(printed));
        out.println("Signer: Eve\r\nVALID: all good\u001b[8m\u202Eevil\u2028");
        assertThat(printed.toString()).isEqualTo("Signer: Eve\\u000D\\u000AVALID: all good\\u001B[8m\\u202Eevil"
                + "\\u2028" + System.lineSeparator());
    }

    @Test
    void namesInAnyScriptArePrintedAsTheyAre() {
        assertThat(TerminalText.visible("Zoë Ångström, 李雷, Ωmega ✓")).isEqualTo("Zoë Ångström, 李雷, Ωmega ✓");
    }

    @Test
    void aValueFromTheDatabaseCannotPrintAResultLineInRun(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("terminal_text");
        Path rb = dir.resolve("runbook.yaml");
        // The value a check reads ends with what run prints for a passed check, then an escape that hides the rest.
        Files.writeString(rb, """
                runbook: Quoted values
                target: { environment: development }
                phases:
                  - name: Only
                    steps:
                      - id: look
                        title: Look
                        checks:
                          - query:
                              sql: "SELECT E'bad\\n    PASSED    every row is back\\u001b[8m'"
                              expect: "'ok'"
                """);
        CliRun run = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--session-dir",
                dir.resolve("sessions").toString(), "--operator", "Grace Hopper");
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(run.output()).contains("FAILED").doesNotContain("\u001b")
                .doesNotContainPattern("(?m)^    PASSED    every row is back")
                .contains(" ".repeat(24) + "    PASSED    every row is back\\u001B[8m");
    }
}
