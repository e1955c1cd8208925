package dev.runbookpilot.importer.action;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one line of a checklist's shell code (a code span, or one line of a code block) as an {@link ActionLine}:
 * a migration tool's command ({@link MigrationToolLines}) or psql running a file ({@link PsqlFileLines}). What the
 * two share is read here: a shell prompt ({@code $ }), a comment after the command, and a leading
 * {@code cd DIR &&}, which becomes the command's folder.
 */
public final class ActionLines {

    private ActionLines() {}

    private static final Pattern PROMPT = Pattern.compile("^\\$\\s+");
    /** A comment after the command: a {@code #} after a space, outside quotes (quotes are not read further). */
    private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s+#.*$");
    private static final Pattern CD = Pattern.compile("^cd\\s+([^\\s;&|]+)\\s*&&\\s*(.+)$");
    /** A line that only changes folder ({@code cd api}): the command on a later line of the block runs there. */
    public static final Pattern CD_ALONE = Pattern.compile("^\\s*(?:\\$\\s+)?cd\\s+([^\\s;&|#]+)\\s*(?:#.*)?$");

    /** The line read as an action, or empty when it is not one. */
    public static Optional<ActionLine> read(String line) {
        String s = PROMPT.matcher(line.strip()).replaceFirst("");
        if (!s.contains("'") && !s.contains("\"")) s = TRAILING_COMMENT.matcher(s).replaceFirst("");
        String cwd = null;
        Matcher cd = CD.matcher(s);
        if (cd.matches()) {
            cwd = cd.group(1);
            s = cd.group(2).strip();
        }
        Optional<ActionLine> a = MigrationToolLines.read(s);
        if (a.isEmpty()) a = PsqlFileLines.read(s);
        if (a.isEmpty() || cwd == null || a.get().isRefused()) return a;
        ActionLine x = a.get();
        return Optional.of(new ActionLine(x.tool(), x.direction(), x.run(), cwd, x.env(), x.doubt(), null));
    }

    /** The folder a {@code cd DIR} line changes to, or null when the line does something else. */
    public static String cdAlone(String line) {
        Matcher m = CD_ALONE.matcher(line);
        return m.matches() ? m.group(1) : null;
    }

    /**
     * The first shell control character of the line, read as {@code sh} reads it, or -1: {@code & ; | < >} and
     * {@code ( )} outside quotes (a second command, a background job, a pipe, a redirection, a subshell), a newline,
     * and a backtick or {@code $(} outside single quotes (command substitution runs inside double quotes too). Any of
     * them is the checklist's plumbing around the tool: {@code alembic upgrade head & true} exits with {@code true}'s
     * 0 whatever the migration did. One scan of the whole line, so no operator is missed by a list of patterns.
     */
    static int controlOperator(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0;
                continue;
            }
            if (c == '\\') {
                i++;
                continue;
            }
            if (c == '`' || c == '\n' || c == '$' && i + 1 < line.length() && line.charAt(i + 1) == '(') return i;
            if (quote == '"') {
                if (c == '"') quote = 0;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if ("&;|<>()".indexOf(c) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Whether the line pipes, redirects, chains, backgrounds or substitutes: see {@link #controlOperator}. */
    static boolean hasPlumbing(String line) {
        return controlOperator(line) >= 0;
    }
    /** Something the operator fills in: {@code <rev>}, {@code {{tag}}}, {@code $REV}, {@code ...}, a date mask. */
    static final Pattern PLACEHOLDER = Pattern.compile("<[^<>\\s]+>|\\{\\{|\\$\\{?[A-Za-z_]|\\.\\.\\.|…|YYYY|\\[[^]]*]");
    /** A variable set in front of the command that would send it to another database. */
    static final Pattern CONNECTION_VARIABLE = Pattern.compile(
            "(?:^|\\s)(PG[A-Z]+|DATABASE_URL|[A-Z_]*(?:_URL|_DSN|_HOST|_DATABASE|_DB))=");
    /** A connection written on the line itself. */
    static final Pattern CONNECTION_URL = Pattern.compile("(?i)postgres(?:ql)?://|jdbc:|\\bhost=|\\bdbname=");

    /**
     * Why a recognised tool line cannot run as written, or null: plumbing hides the tool's exit code (a failed
     * migration piped into {@code tee} exits 0 and would read PASSED), a placeholder runs with nothing in its place,
     * and a connection on the line runs somewhere this runbook does not know.
     */
    static String whyNot(String line) {
        if (CONNECTION_URL.matcher(line).find() || CONNECTION_VARIABLE.matcher(line).find()) {
            return "the line names its own database connection; the runbook runs commands against its target only";
        }
        Matcher p = PLACEHOLDER.matcher(line);
        if (p.find()) return "the line holds " + p.group() + ", a value the operator fills in";
        if (hasPlumbing(line)) {
            return "the line pipes, redirects, chains or substitutes commands (" + line.charAt(controlOperator(line))
                    + "), which can hide the tool's exit code";
        }
        return null;
    }
}
