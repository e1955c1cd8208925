package dev.runbookpilot.sql;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements where psql would send them: at a semicolon outside literals, comments and
 * parentheses ({@code CREATE RULE ... DO ALSO (...; ...)}), and outside a SQL-standard function body
 * ({@code CREATE FUNCTION ... BEGIN ATOMIC ...; ... END}), which psql recognises with the same heuristic used here:
 * in a statement that starts {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE}, {@code BEGIN} opens a block, {@code
 * CASE} inside one opens another, and {@code END} closes one.
 */
public final class SqlStatements {

    /**
     * One statement: its text without the terminating semicolon, stripped, and where its first token is. Leading
     * comments stay in the text (they often say why the statement exists).
     */
    public record Statement(String sql, int line, int column, int start, int end) {}

    /** A psql backslash command outside any literal: it is not SQL, and nothing of ours runs it. */
    public static final class MetaCommandException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;

        MetaCommandException(String command, int line, int column) {
            super("line " + line + ", column " + column + ": psql meta-command '" + command + "' is not SQL; inline"
                    + " what it refers to, or run the file with psql");
            this.line = line;
            this.column = column;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }
    }

    private SqlStatements() {}

    public static List<Statement> split(String text) throws MetaCommandException {
        return split(text, true);
    }

    public static List<Statement> split(String text, boolean standardConformingStrings) throws MetaCommandException {
        List<Statement> out = new ArrayList<>();
        Boundaries boundaries = new Boundaries();
        int from = 0;
        SqlLexer.Token first = null;
        for (SqlLexer.Token t : SqlLexer.tokenize(text, standardConformingStrings)) {
            if (t.kind() == SqlLexer.Kind.BACKSLASH) {
                int end = text.indexOf('\n', t.start());
                String command = text.substring(t.start(), end < 0 ? text.length() : end).strip();
                throw new MetaCommandException(command.length() > 40 ? command.substring(0, 40) + "…" : command,
                        t.line(), t.column());
            }
            if (boundaries.endsStatement(t, text)) {
                add(out, text, first, from, t.start());
                from = t.end();
                first = null;
                continue;
            }
            if (first == null && !t.isTrivia()) first = t;
        }
        add(out, text, first, from, text.length());
        return out;
    }

    /**
     * psql's rule for which semicolon ends a statement, fed one token at a time, so a reader that goes line by line
     * (the checklist importer) splits exactly as {@link #split} does.
     */
    public static final class Boundaries {
        private int parenDepth;
        private int beginDepth;
        private char[] leading = new char[4];
        private int words;

        /** True when {@code t} is a semicolon that ends the statement; the next token starts a new one. */
        public boolean endsStatement(SqlLexer.Token t, String text) {
            switch (t.kind()) {
                case OPEN_PAREN -> parenDepth++;
                case CLOSE_PAREN -> parenDepth = Math.max(0, parenDepth - 1);
                case WORD -> word(t.word(text));
                case SEMICOLON -> {
                    if (parenDepth == 0 && beginDepth == 0) {
                        words = 0;
                        leading = new char[4];
                        return true;
                    }
                }
                default -> {
                    // literals, comments, operators: nothing to track
                }
            }
            return false;
        }

        private void word(String w) {
            if (words < leading.length) {
                leading[words] = switch (w) {
                    case "create", "function", "procedure", "or", "replace" -> w.charAt(0);
                    default -> 0;
                };
            }
            words++;
            if (routineDefinition(leading) && parenDepth == 0) {
                if (w.equals("begin")) {
                    beginDepth++;
                } else if (w.equals("case") && beginDepth > 0) {
                    beginDepth++;
                } else if (w.equals("end") && beginDepth > 0) {
                    beginDepth--;
                }
            }
        }
    }

    /** {@code CREATE FUNCTION}, {@code CREATE PROCEDURE}, {@code CREATE OR REPLACE FUNCTION|PROCEDURE}. */
    private static boolean routineDefinition(char[] w) {
        return w[0] == 'c' && (w[1] == 'f' || w[1] == 'p'
                || w[1] == 'o' && w[2] == 'r' && (w[3] == 'f' || w[3] == 'p'));
    }

    private static void add(List<Statement> out, String text, SqlLexer.Token first, int from, int to) {
        if (first == null) return;
        String raw = text.substring(from, to);
        int lead = raw.length() - raw.stripLeading().length();
        out.add(new Statement(raw.strip(), first.line(), first.column(), from + lead, to));
    }
}
