package dev.runbookpilot.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

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
}
