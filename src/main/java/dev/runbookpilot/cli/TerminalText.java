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

    /**
     * Text that may run over several lines (a check's actual value, a command's output) kept inside its place: each
     * line after the first starts with {@code indent}, so nothing the database or a child process returns can print
     * a line that looks like one of ours ({@code PASSED ...}); other control characters are shown as by
     * {@link #visible}.
     */
    static String indented(String s, String indent) {
        if (s == null) return null;
        String[] lines = s.split("\r?\n", -1);
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) b.append(System.lineSeparator()).append(indent);
            b.append(visible(lines[i]));
        }
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
