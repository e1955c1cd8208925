package dev.runbookpilot.db;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL file into statements the way psql would, respecting quotes, dollar quotes, comments and
 * parentheses, so a migration can run statement by statement with progress and an exact failing line.
 */
public final class SqlScript {

    /** One statement with the 1-based line it starts on in the file. */
    public record Statement(String sql, int line) {}

    /** A psql backslash command found outside any string: a migration file must be plain SQL. */
    public static final class MetaCommandException extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;

        MetaCommandException(String command, int line) {
            super("line " + line + ": psql meta-command '" + command + "' is not SQL; inline the file it refers to"
                    + " or run it in psql");
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    private SqlScript() {}

    public static List<Statement> split(String text) throws MetaCommandException {
        List<Statement> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int line = 1;
        int startLine = -1;
        int i = 0;
        int n = text.length();
        boolean lineStart = true;
        while (i < n) {
            char c = text.charAt(i);
            if (lineStart && cur.toString().isBlank() && c == '\\') {
                int end = text.indexOf('\n', i);
                throw new MetaCommandException(text.substring(i, end < 0 ? n : end).strip(), line);
            }
            if (c == '\n') {
                line++;
                lineStart = true;
                cur.append(c);
                i++;
                continue;
            }
            if (!Character.isWhitespace(c)) lineStart = false;
            if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
                int end = text.indexOf('\n', i);
                end = end < 0 ? n : end;
                cur.append(text, i, end);
                i = end;
                continue;
            }
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int depth = 0;
                int j = i;
                while (j < n) {
                    if (text.startsWith("/*", j)) {
                        depth++;
                        j += 2;
                    } else if (text.startsWith("*/", j)) {
                        depth--;
                        j += 2;
                        if (depth == 0) break;
                    } else {
                        if (text.charAt(j) == '\n') line++;
                        j++;
                    }
                }
                cur.append(text, i, Math.min(j, n));
                i = Math.min(j, n);
                continue;
            }
            if (startLine < 0 && !Character.isWhitespace(c)) startLine = line;
            if (c == '\'' || c == '"') {
                int j = i + 1;
                while (j < n) {
                    char d = text.charAt(j);
                    if (d == c) {
                        if (j + 1 < n && text.charAt(j + 1) == c) {
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    if (d == '\\' && c == '\'' && isEscapeString(text, i)) {
                        j += 2;
                        continue;
                    }
                    if (d == '\n') line++;
                    j++;
                }
                cur.append(text, i, Math.min(j + 1, n));
                i = Math.min(j + 1, n);
                continue;
            }
            if (c == '$') {
                String tag = dollarTag(text, i);
                if (tag != null) {
                    int end = text.indexOf(tag, i + tag.length());
                    int stop = end < 0 ? n : end + tag.length();
                    for (int k = i; k < stop; k++) if (text.charAt(k) == '\n') line++;
                    cur.append(text, i, stop);
                    i = stop;
                    continue;
                }
            }
            if (c == ';') {
                add(out, cur, startLine);
                cur.setLength(0);
                startLine = -1;
                i++;
                continue;
            }
            cur.append(c);
            i++;
        }
        add(out, cur, startLine);
        return out;
    }

    private static boolean isEscapeString(String text, int quote) {
        return quote > 0 && (text.charAt(quote - 1) == 'E' || text.charAt(quote - 1) == 'e')
                && (quote == 1 || !Character.isLetterOrDigit(text.charAt(quote - 2)));
    }

    /** {@code $$} or {@code $tag$} at position i, or null (a positional parameter like $1 is not a tag). */
    private static String dollarTag(String text, int i) {
        if (i > 0 && (Character.isLetterOrDigit(text.charAt(i - 1)) || text.charAt(i - 1) == '_')) return null;
        int j = i + 1;
        while (j < text.length() && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) j++;
        if (j < text.length() && text.charAt(j) == '$') {
            String tag = text.substring(i, j + 1);
            if (tag.length() > 2 && Character.isDigit(tag.charAt(1))) return null;
            return tag;
        }
        return null;
    }

    private static void add(List<Statement> out, StringBuilder cur, int startLine) {
        String sql = cur.toString().strip();
        if (!sql.isEmpty() && !onlyComments(sql)) out.add(new Statement(sql, Math.max(startLine, 1)));
    }

    private static boolean onlyComments(String sql) {
        String s = sql.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("--[^\n]*", "");
        return s.isBlank();
    }
}
