package dev.runbookpilot.cli;

import java.io.PrintWriter;

/**
 * Text from a file someone else wrote, made safe to print one line at a time on a terminal: a line end would print a
 * line of its own (a forged "VALID: ..."), an escape sequence could rewrite or hide the lines around it, a
 * bidirectional override could reorder what is read. Each such character is shown as {@code \\uXXXX} instead.
 */
final class TerminalText {
    private TerminalText() {
    }

    static String visible(String s) {
        if (s == null) return null;
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR) {
                b.append(String.format("\\u%04X", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    /** A writer whose every {@code println(String)} prints exactly one line, whatever the text holds. */
    static PrintWriter oneLinePerPrintln(PrintWriter to) {
        return new PrintWriter(to, true) {
            @Override
            public void println(String line) {
                super.println(visible(line));
            }
        };
    }
}
