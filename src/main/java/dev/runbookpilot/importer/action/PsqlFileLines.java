package dev.runbookpilot.importer.action;

import dev.runbookpilot.importer.action.ActionLine.Direction;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises psql running a SQL file: {@code psql -f FILE} (also {@code --file=FILE}, {@code -fFILE}) on a shell
 * line, and {@code \i FILE} / {@code \ir FILE} / {@code \include FILE} inside a psql session. Both become the
 * command {@code psql -X -v ON_ERROR_STOP=1 [-1] -f FILE}, run against the target through the PG* variables the
 * command's environment carries:
 * <ul>
 *   <li>{@code ON_ERROR_STOP=1}: plain {@code psql -f} reports an error and carries on with the next statement,
 *   and exits 0 at the end of the file: the step would read PASSED over a migration that failed half-way. With it
 *   psql stops at the first error and exits 3, and the step FAILS;</li>
 *   <li>{@code -X}: a {@code ~/.psqlrc} runs after the command line's variables and could switch
 *   {@code ON_ERROR_STOP} (or {@code AUTOCOMMIT}) off again;</li>
 *   <li>{@code -1} (one transaction) only when the checklist wrote it: added unasked, it breaks a file with
 *   {@code CREATE INDEX CONCURRENTLY} or its own {@code BEGIN}/{@code COMMIT}.</li>
 * </ul>
 * A line that names where psql connects ({@code -h}, {@code -p}, {@code -d}, {@code -U}, a database name or URL,
 * {@code PGDATABASE=...}) is refused: run as a command it would go there instead of, or as someone else on, the
 * runbook's target. Only {@code $DATABASE_URL}, which the command's environment sets to the target, is accepted.
 */
final class PsqlFileLines {

    private PsqlFileLines() {}

    private static final Pattern META_INCLUDE = Pattern.compile("^\\\\(?:i|ir|include|include_relative)\\s+(\\S+)\\s*;?$");
    private static final Pattern PSQL = Pattern.compile("^(?:[A-Za-z_][A-Za-z0-9_]*=\\S*\\s+)*psql(?:\\s|$)");
    /** A file the runbook can hand to psql as it is: a plain relative or absolute path to a SQL file. */
    private static final Pattern FILE = Pattern.compile("[\\w./~-]*[\\w-]\\.(?:sql|psql|pgsql)");
    private static final Pattern TARGET_URL = Pattern.compile("[\"']?\\$\\{?DATABASE_URL}?[\"']?");
    private static final Pattern SET = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=\\S*");

    static Optional<ActionLine> read(String line) {
        Matcher inc = META_INCLUDE.matcher(line);
        if (inc.matches()) return Optional.of(command(inc.group(1), false, List.of(), line));
        if (!PSQL.matcher(line).find()) return Optional.empty();
        String plumbing = ActionLines.whyNot(line.replaceAll("\\$\\{?DATABASE_URL}?", ""));
        if (plumbing != null && !line.matches(".*\\s(?:-f\\s*|--file=)\\S.*")) return Optional.empty();
        if (plumbing != null && ActionLines.hasPlumbing(line)) {
            return Optional.of(ActionLine.refuse("psql", Direction.EITHER, plumbing));
        }
        String prefix = line.substring(0, line.indexOf("psql")).strip();
        List<String> args = tokens(line.substring(line.indexOf("psql") + 4));
        String file = null;
        boolean single = false;
        List<String> kept = new ArrayList<>();
        List<String> elsewhere = new ArrayList<>();
        List<String> settings = new ArrayList<>();
        boolean other = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            String next = i + 1 < args.size() ? args.get(i + 1) : null;
            if (a.equals("-f") || a.equals("--file")) {
                if (file != null || next == null) other = true;
                file = next;
                i++;
            } else if (a.startsWith("--file=")) {
                if (file != null) other = true;
                file = a.substring(7);
            } else if (a.startsWith("-f") && a.length() > 2 && !a.startsWith("--")) {
                if (file != null) other = true;
                file = a.substring(2);
            } else if (a.equals("-1") || a.equals("--single-transaction")) {
                single = true;
            } else if (a.matches("-X|--no-psqlrc|-q|--quiet|-a|--echo-all|-e|--echo-queries|-b|--echo-errors")) {
                if (!a.equals("-X") && !a.equals("--no-psqlrc")) kept.add(a);
            } else if (a.equals("-v") || a.equals("--set") || a.equals("--variable")) {
                if (next != null) settings.add(next);
                if (next == null || !SET.matcher(next).matches()) {
                    other = true;
                } else if (!isOnErrorStop(next)) {
                    kept.add("-v");
                    kept.add(next);
                }
                i++;
            } else if (a.startsWith("-v") && SET.matcher(a.substring(2)).matches()) {
                settings.add(a.substring(2));
                if (!isOnErrorStop(a.substring(2))) kept.add(a);
            } else if (a.startsWith("--set=") || a.startsWith("--variable=")) {
                String v = a.substring(a.indexOf('=') + 1);
                settings.add(v);
                if (!isOnErrorStop(v)) kept.add("--set=" + v);
            } else if (TARGET_URL.matcher(a).matches()) {
                // The command's environment sets DATABASE_URL to the target: psql connects there either way.
                continue;
            } else if (a.matches("-[hpdUwW].*|--(?:host|port|dbname|username|password|no-password).*")
                    || !a.startsWith("-")) {
                elsewhere.add(a);
                if (a.matches("-[hpdU]|--(?:host|port|dbname|username)") && next != null) elsewhere.add(args.get(++i));
            } else {
                other = true;
            }
        }
        if (file == null) return Optional.empty();
        if (!elsewhere.isEmpty() || ActionLines.CONNECTION_VARIABLE.matcher(" " + prefix).find()) {
            return Optional.of(ActionLine.refuse("psql", Direction.EITHER, "psql connects where the line says ("
                    + String.join(" ", elsewhere.isEmpty() ? List.of(prefix) : elsewhere) + "), not to the runbook's"
                    + " target through the PG* variables the command gets"));
        }
        String transaction = settings.stream().filter(v -> TRANSACTION_SETTING.matcher(v).lookingAt()).findFirst()
                .orElse(null);
        if (transaction != null) {
            // AUTOCOMMIT=off: a file without COMMIT exits 0 and its work is rolled back when psql disconnects, so the
            // step PASSES having changed nothing; ON_ERROR_ROLLBACK=on lets a failed statement pass by.
            return Optional.of(ActionLine.refuse("psql", Direction.EITHER, "the line sets " + transaction + ", which"
                    + " changes whether the file's work is committed or its errors stop it; psql's exit code would not"
                    + " say whether the migration took effect"));
        }
        if (other) {
            return Optional.of(ActionLine.refuse("psql", Direction.EITHER, "the psql line does more than run one"
                    + " file with the options this importer knows"));
        }
        return Optional.of(command(file, single, kept, line));
    }

    private static final Pattern TRANSACTION_SETTING = Pattern.compile("(?i)(?:AUTOCOMMIT|ON_ERROR_ROLLBACK)=");

    private static boolean isOnErrorStop(String setting) {
        return setting.toUpperCase(Locale.ROOT).startsWith("ON_ERROR_STOP=");
    }

    private static ActionLine command(String file, boolean single, List<String> options, String line) {
        String why = ActionLines.whyNot(line.replaceAll("\\$\\{?DATABASE_URL}?", ""));
        if (why == null && !FILE.matcher(file).matches()) why = "the line names no SQL file psql could be given as it is";
        if (why != null) return ActionLine.refuse("psql", Direction.EITHER, why);
        List<String> run = new ArrayList<>(List.of("psql", "-X", "-v", "ON_ERROR_STOP=1"));
        if (single) run.add("-1");
        run.addAll(options);
        run.add("-f");
        run.add(file);
        String doubt = file.startsWith("/") || file.startsWith("~") ? null : "psql reads " + file + " from the"
                + " step's folder (cwd:, relative to the runbook's folder, else the runbook's folder itself); make sure"
                + " the file is there and is the one the checklist means";
        return new ActionLine("psql", Direction.EITHER, String.join(" ", run), null, null, doubt, null);
    }

    /** The arguments after {@code psql}, split at spaces outside single or double quotes, quotes kept off. */
    private static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (char c : s.toCharArray()) {
            if (quote != 0) {
                if (c == quote) quote = 0;
                else cur.append(c);
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
                any = false;
            } else {
                cur.append(c);
            }
        }
        if (any || cur.length() > 0) out.add(cur.toString());
        return out;
    }
}
