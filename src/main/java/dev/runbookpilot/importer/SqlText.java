package dev.runbookpilot.importer;

import dev.runbookpilot.sql.SqlLexer;
import dev.runbookpilot.sql.SqlStatements;
import dev.runbookpilot.sql.StatementGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits the SQL a checklist shows into statements, with the comments around them, and classifies them. */
final class SqlText {

    private SqlText() {}

    /** One statement or psql meta-command, with the comment lines just before and just after it. */
    static final class Stmt {
        final int line;
        final int endLine;
        final String sql;
        final List<String> before = new ArrayList<>();
        final List<String> after = new ArrayList<>();
        /** Output filtered through {@code grep -E "(a|b)"}: the names grepped for, else null. */
        List<String> grepNames;
        /** Output piped or filtered in a way that changes what the statement proves. */
        boolean piped;

        Stmt(int line, int endLine, String sql) {
            this.line = line;
            this.endLine = endLine;
            this.sql = sql;
        }

        String comments() {
            List<String> all = new ArrayList<>(before);
            all.addAll(after);
            return String.join("\n", all);
        }
    }

    /**
     * Statements of a SQL text whose first line is {@code firstLine}. Statements end at a top-level ';' or at a
     * psql meta-command line; comment lines attach to the statement they touch (no blank line between).
     */
    static List<Stmt> split(List<String> lines, int firstLine) {
        List<Stmt> out = new ArrayList<>();
        List<String> pendingComments = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int curStart = -1;
        // Where the previous SQL line left off (inside a string, a dollar quote, a block comment), and psql's
        // statement boundaries: one lexer for the whole product, fed line by line because lines that are not
        // SQL (shell comments, meta-commands) are skipped between statements.
        SqlLexer.Carry carry = null;
        SqlStatements.Boundaries boundaries = new SqlStatements.Boundaries();
        Stmt last = null;
        boolean blankSinceLast = true;
        // Comment lines right after the last statement, with no blank line yet: they may announce the next one.
        List<String> sandwich = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int no = firstLine + i;
            String line = lines.get(i);
            String t = line.strip();
            if (cur.length() == 0 && carry == null) {
                if (t.isEmpty()) {
                    if (!pendingComments.isEmpty() && last != null && !blankSinceLast) {
                        last.after.addAll(pendingComments);
                        pendingComments.clear();
                    }
                    blankSinceLast = true;
                    sandwich.clear();
                    continue;
                }
                if (t.startsWith("--") || t.startsWith("#")) {
                    String c = t.replaceFirst("^(--+|#+)\\s*", "");
                    if (last != null && !blankSinceLast) {
                        last.after.add(c);
                        sandwich.add(c);
                    } else {
                        pendingComments.add(c);
                    }
                    continue;
                }
                if (last != null && !blankSinceLast) announceNext(last, sandwich, pendingComments);
                sandwich.clear();
                if (t.startsWith("\\")) {
                    Stmt s = new Stmt(no, no, t);
                    s.before.addAll(pendingComments);
                    pendingComments.clear();
                    out.add(s);
                    last = s;
                    blankSinceLast = false;
                    continue;
                }
            }
            if (cur.length() == 0) curStart = no;
            StringBuilder code = new StringBuilder();
            String trailing = null;
            SqlLexer.Scan scan = SqlLexer.resume(line, carry, true);
            carry = scan.carry();
            for (SqlLexer.Token tok : scan.tokens()) {
                if (tok.kind() == SqlLexer.Kind.LINE_COMMENT) {
                    trailing = tok.text(line).replaceFirst("^--+\\s*", "");
                    break;
                }
                if (!boundaries.endsStatement(tok, line)) {
                    code.append(tok.text(line));
                    continue;
                }
                cur.append(code);
                code.setLength(0);
                if (cur.toString().isBlank()) {
                    // A stray ';' (";;" ends a statement twice) is no statement: a check of nothing.
                    cur.setLength(0);
                    continue;
                }
                cur.append(';');
                Stmt st = new Stmt(curStart, no, cur.toString().strip());
                st.before.addAll(pendingComments);
                pendingComments.clear();
                out.add(st);
                last = st;
                blankSinceLast = false;
                cur.setLength(0);
                curStart = no;
            }
            if (!code.toString().isBlank() || cur.length() > 0 || carry != null) {
                if (cur.length() == 0) curStart = no;
                cur.append(code).append('\n');
                if (trailing != null) pendingComments.add(trailing);
            } else if (trailing != null) {
                if (last != null) last.after.add(trailing);
                else pendingComments.add(trailing);
            }
        }
        if (!cur.toString().isBlank()) {
            Stmt s = new Stmt(curStart, firstLine + lines.size() - 1, cur.toString().strip());
            s.before.addAll(pendingComments);
            pendingComments.clear();
            out.add(s);
            last = s;
        }
        if (!pendingComments.isEmpty() && last != null) last.after.addAll(pendingComments);
        return out;
    }

    private static final Pattern ANNOUNCES = Pattern.compile(
            "(?i)^(?:(?:this|the\\s+next|next|now|then)\\b[^:]*?)?\\b(?:should|must|will)\\s+(?:not\\s+)?"
                    + "(?:fail|succeed|error|work|pass|be\\s+rejected|be\\s+accepted|be\\s+allowed)\\b.*");

    /**
     * Between two statements with no blank line, a comment ending in ':' or saying "Should FAIL" announces the
     * next statement; "Expected error: ..." and the like stay with the one before. Announcing comments (and
     * those after them) move from the previous statement's {@code after} to the next one's {@code before}.
     */
    private static void announceNext(Stmt last, List<String> sandwich, List<String> pending) {
        int k = 0;
        while (k < sandwich.size() && !announces(sandwich.get(k))) k++;
        if (k == sandwich.size()) return;
        List<String> moved = sandwich.subList(k, sandwich.size());
        last.after.subList(last.after.size() - moved.size(), last.after.size()).clear();
        pending.addAll(0, moved);
    }

    /** "-- Should return:" (its value on the next line) speaks of the statement before, whatever its colon. */
    private static final Pattern RESULT_WORDS = Pattern.compile(
            "(?i)\\b(expect\\w*|result|output|should\\s+(?:return|be|equal|show)|must\\s+(?:return|be|equal))\\b");

    private static boolean announces(String comment) {
        if (RESULT_WORDS.matcher(comment).find()) return false;
        return comment.endsWith(":") || ANNOUNCES.matcher(comment).matches();
    }

    enum Kind { READ, WRITE, CONTROL, META, EXPLAIN }

    private static final Pattern WRITE_WORDS = Pattern.compile(
            "(?i)\\b(insert|update|delete|merge|alter|drop|create|truncate|grant|revoke|comment\\s+on|vacuum|analyze"
                    + "|reindex|cluster|refresh|copy|lock|call|do|security\\s+label|import|reassign|discard)\\b");

    /**
     * What a statement can become: the importer's reading of its intent, then the same guard the engine applies, so
     * a statement no check would be allowed to run (a function with effects, a second statement) is never offered
     * as one: a refused read is an action, and a refused write is one a probe cannot try.
     */
    static Kind kind(String sql) {
        Kind k = intent(sql);
        if (k == Kind.READ && !allowed(sql, StatementGuard.Use.READ)) k = Kind.WRITE;
        if (k == Kind.EXPLAIN && !allowed(explainTarget(withoutComments(sql).strip()), StatementGuard.Use.EXPLAIN)) {
            k = Kind.WRITE;
        }
        if (k == Kind.WRITE && !allowed(sql, StatementGuard.Use.PROBE)) k = Kind.CONTROL;
        return k;
    }

    /** Whether the engine would run this probe: its setup (may be null) and its statement pass the guard. */
    static boolean probeAllowed(String setup, String sql) {
        try {
            if (setup != null) StatementGuard.probeSetup(setup, true);
            StatementGuard.check(sql, StatementGuard.Use.PROBE, true);
            return true;
        } catch (StatementGuard.Refusal r) {
            return false;
        }
    }

    private static boolean allowed(String sql, StatementGuard.Use use) {
        try {
            StatementGuard.check(sql, use, true);
            return true;
        } catch (StatementGuard.Refusal r) {
            return false;
        }
    }

    private static Kind intent(String sql) {
        String s = withoutComments(sql).strip();
        if (s.startsWith("\\")) return Kind.META;
        String first = s.split("[\\s(;]+", 2)[0].toLowerCase(Locale.ROOT);
        String body = withoutStrings(s).toLowerCase(Locale.ROOT);
        switch (first) {
            case "select", "with", "values", "table", "show" -> {
                boolean writes = WRITE_WORDS.matcher(body).find() && first.equals("with")
                        || body.matches("(?s).*\\binto\\b.*") && first.equals("select")
                        || body.matches("(?s).*\\bfor\\s+(update|share|no\\s+key\\s+update|key\\s+share)\\b.*");
                return writes ? Kind.WRITE : Kind.READ;
            }
            case "explain" -> {
                String inner = explainTarget(s);
                // An EXPLAIN whose options cannot be read (or that explains nothing) is not a plan check.
                if (inner.length() >= s.length() || inner.isBlank()) return Kind.WRITE;
                return intent(inner) == Kind.READ ? Kind.EXPLAIN : Kind.WRITE;
            }
            case "begin", "commit", "rollback", "start", "end", "savepoint", "release", "set", "reset", "abort",
                 "prepare", "deallocate", "listen", "notify", "checkpoint", "load" -> {
                return Kind.CONTROL;
            }
            default -> {
                return Kind.WRITE;
            }
        }
    }

    private static final Pattern EXPLAIN_PREFIX = Pattern.compile(
            "(?is)^\\s*explain\\s+(?:\\([^)]*\\)\\s*|(?:analyze|analyse|verbose|costs|buffers|format\\s+\\w+)\\s+){0,8}");

    /** The statement an EXPLAIN explains. */
    static String explainTarget(String sql) {
        return EXPLAIN_PREFIX.matcher(sql).replaceFirst("");
    }

    static String withoutComments(String sql) {
        return sql.replaceAll("(?m)--.*$", "").replaceAll("(?s)/\\*.*?\\*/", " ");
    }

    /**
     * SQL with every string literal emptied to {@code ''} ({@code ''} inside a literal is an escaped quote). A scan,
     * not a regex: long literals would overflow a recursive regex's stack.
     */
    static String withoutStrings(String sql) {
        StringBuilder b = new StringBuilder(sql.length());
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c != '\'') {
                b.append(c);
                i++;
                continue;
            }
            b.append("''");
            i = literalEnd(sql, i);
        }
        return b.toString();
    }

    /** The index just after the string literal opening at {@code open}, or the end of the text if unclosed. */
    private static int literalEnd(String sql, int open) {
        int i = open + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == '\'') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return sql.length();
    }

    private static final Pattern PLACEHOLDER = Pattern.compile(
            "<[A-Za-z_][\\w .-]*>|YYYY|HHMMSS|\\{\\{[^}]*}}|\\$\\{[^}]*}|\\[(?:your|insert|enter)[^]]*]|\\.\\.\\.|…",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PSQL_VARIABLE = Pattern.compile(":(?:'[A-Za-z_]\\w*'|\"[A-Za-z_]\\w*\"|[A-Za-z_]\\w*)");

    /** The first placeholder in SQL, or null. */
    static String placeholder(String sql) {
        String s = withoutComments(sql);
        Matcher m = PLACEHOLDER.matcher(s);
        return m.find() ? m.group() : psqlVariable(s);
    }

    /** A psql variable ({@code :name}, {@code :'name'}, {@code :"name"}) outside string literals, not a cast. */
    private static String psqlVariable(String sql) {
        Matcher v = PSQL_VARIABLE.matcher(sql);
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = literalEnd(sql, i);
                continue;
            }
            boolean castOrWord = i > 0 && (sql.charAt(i - 1) == ':' || Character.isLetterOrDigit(sql.charAt(i - 1)));
            boolean cast = i + 1 < sql.length() && sql.charAt(i + 1) == ':';
            if (c == ':' && !castOrWord && !cast && v.find(i) && v.start() == i) return v.group();
            i++;
        }
        return null;
    }

    private static final Pattern SQL_START = Pattern.compile(
            "(?is)^\\s*(select|with|insert|update|delete|alter|create|drop|truncate|explain|show|values|grant|revoke"
                    + "|vacuum|analyze|reindex|begin|commit|rollback|set|copy|refresh|comment\\s+on)\\b.*");

    /** Text that reads as SQL rather than a shell command or prose. */
    static boolean looksLikeSql(String text) {
        String t = text.strip();
        if (!SQL_START.matcher(t).matches()) return false;
        String first = t.split("\\s+", 2)[0].toLowerCase(Locale.ROOT);
        // "set" and "show" are English verbs too: require more SQL shape.
        if (first.equals("set") || first.equals("show") || first.equals("begin") || first.equals("commit")) {
            return t.endsWith(";") || t.matches("(?is)set\\s+\\w+\\s*(=|to)\\s*.+");
        }
        return t.split("\\s+").length >= 2 || t.endsWith(";");
    }

    /**
     * A psql invocation with its SQL, the rest of the command line after it, and where the SQL's text starts and
     * ends in the shell text.
     */
    record PsqlCommand(String sql, int start, int end, String tail) {}

    /** {@code -c}, also as the last of combined single-letter flags ({@code -XAtc}), or {@code --command}. */
    private static final Pattern PSQL_C = Pattern.compile(
            "\\bpsql\\b[^|;&\\n]{0,400}?(?:\\s-[A-Za-z]*c|\\s--command(?:=|\\s))\\s*(['\"])");
    /** {@code psql ... <<'SQL'} (or {@code <<-EOF}, unquoted), the SQL running to the terminator line. */
    private static final Pattern PSQL_HEREDOC = Pattern.compile(
            "\\bpsql\\b[^|;&\\n<]{0,400}?<<-?\\s*(['\"]?)([A-Za-z_]\\w*)\\1([^\\n]*)\\n");
    /**
     * {@code echo "SQL" | psql ...} or printf: the opening quote here, the closing one found by {@link #closingQuote}
     * (a regular expression alternating per character recursed once per character and overflowed the stack on a
     * long quoted string), then the pipe into psql.
     */
    private static final Pattern ECHO_START = Pattern.compile("\\b(?:echo|printf)\\s+(?:-\\w+\\s+)*(['\"])");
    private static final Pattern PIPE_PSQL = Pattern.compile("\\s*\\|\\s*psql\\b[^|\\n]*");

    /** The SQL psql is given in shell text: -c commands (which may span lines inside the quotes), heredocs, echo. */
    static List<PsqlCommand> psqlCommands(String shell) {
        List<PsqlCommand> out = new ArrayList<>(dashC(shell));
        Matcher h = PSQL_HEREDOC.matcher(shell);
        while (h.find()) {
            Matcher end = Pattern.compile("(?m)^\\s*" + h.group(2) + "\\s*$").matcher(shell);
            if (!end.find(h.end())) continue;
            String body = shell.substring(h.end(), end.start());
            if (out.stream().noneMatch(c -> c.start() >= h.start() && c.start() < end.end())) {
                out.add(new PsqlCommand(body.endsWith("\n") ? body.substring(0, body.length() - 1) : body,
                        h.start(), end.end(), h.group(3)));
            }
        }
        Matcher e = ECHO_START.matcher(shell);
        int from = 0;
        while (from < shell.length() && e.find(from)) {
            from = e.end();
            char q = e.group(1).charAt(0);
            int close = closingQuote(shell, e.end(), q);
            if (close < 0) continue;
            Matcher pipe = PIPE_PSQL.matcher(shell).region(close + 1, shell.length());
            if (!pipe.lookingAt()) continue;
            String quoted = shell.substring(e.end(), close);
            String sql = q == '"' ? quoted.replaceAll("\\\\([\"\\\\$`])", "$1") : quoted;
            int eol = shell.indexOf('\n', pipe.end());
            out.add(new PsqlCommand(sql, e.start(), pipe.end(),
                    shell.substring(pipe.end(), eol < 0 ? shell.length() : eol)));
            from = pipe.end();
        }
        out.sort((a, b) -> Integer.compare(a.start(), b.start()));
        return out;
    }

    /** Where the quote {@code q} opened before {@code from} closes, a backslash escaping the next character; -1 if never. */
    private static int closingQuote(String s, int from, char q) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) != '\n') i++;
            else if (c == q) return i;
            else if (c == '\n' && i + 1 < s.length() && s.charAt(i + 1) == '\n') return -1;
        }
        return -1;
    }

    private static List<PsqlCommand> dashC(String shell) {
        List<PsqlCommand> out = new ArrayList<>();
        Matcher m = PSQL_C.matcher(shell);
        int from = 0;
        while (from < shell.length() && m.find(from)) {
            char q = m.group(1).charAt(0);
            int i = m.end();
            StringBuilder sql = new StringBuilder();
            boolean closed = false;
            while (i < shell.length()) {
                char c = shell.charAt(i);
                if (c == q) {
                    closed = true;
                    break;
                }
                if (q == '"' && c == '\\' && i + 1 < shell.length() && "\"\\$`".indexOf(shell.charAt(i + 1)) >= 0) {
                    sql.append(shell.charAt(i + 1));
                    i += 2;
                    continue;
                }
                sql.append(c);
                i++;
            }
            if (!closed) break;
            int eol = shell.indexOf('\n', i);
            String tail = shell.substring(i + 1, eol < 0 ? shell.length() : eol);
            out.add(new PsqlCommand(sql.toString(), m.start(), i + 1, tail));
            from = i + 1;
        }
        return out;
    }

    private static final Pattern GREP_NAMES = Pattern.compile("grep\\s+(?:-\\w+\\s+){0,8}[\"']?\\^?\\(?([\\w$^|]+)\\)?\\$?[\"']?");
    private static final Pattern IDENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    /** Names from {@code grep -E "(a|b|^c$)"} on a psql listing, or null when the pattern is anything else. */
    static List<String> grepNames(String tail) {
        Matcher m = GREP_NAMES.matcher(tail);
        if (!m.find()) return null;
        List<String> names = new ArrayList<>();
        for (String part : m.group(1).split("\\|")) {
            String n = part.replace("^", "").replace("$", "");
            if (!IDENT.matcher(n).matches()) return null;
            names.add(n);
        }
        return names.isEmpty() ? null : names;
    }

    static boolean isIdentifier(String s) {
        return IDENT.matcher(s).matches();
    }

    /** Splits at top-level UNION ALL (outside parentheses and quotes). */
    static List<String> unionAllBranches(String sql) {
        List<String> out = new ArrayList<>();
        String s = sql.strip();
        if (s.endsWith(";")) s = s.substring(0, s.length() - 1);
        int depth = 0;
        boolean quote = false;
        int start = 0;
        String lower = s.toLowerCase(Locale.ROOT);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote) {
                if (c == '\'') quote = false;
                continue;
            }
            if (c == '\'') quote = true;
            else if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0 && (i == 0 || !Character.isLetterOrDigit(s.charAt(i - 1)))
                    && lower.startsWith("union", i)) {
                Matcher m = Pattern.compile("(?i)union\\s+all\\b").matcher(s).region(i, s.length());
                if (m.lookingAt()) {
                    out.add(s.substring(start, i).strip());
                    start = m.end();
                    i = m.end() - 1;
                }
            }
        }
        out.add(s.substring(start).strip());
        return out;
    }

    /** {@code SELECT 'label' [AS x], <rest>}: the label and the statement without it, or null. */
    record Labelled(String label, String sql) {}

    private static final Pattern SELECT_QUOTE = Pattern.compile("(?is)^select\\s+'");
    private static final Pattern ALIAS_COMMA = Pattern.compile("(?is)^(?:\\s+(?:as\\s+)?\"?[A-Za-z_]\\w*\"?)?\\s*,\\s*(.+)$");

    static Labelled labelled(String branch) {
        String b = branch.strip();
        Matcher start = SELECT_QUOTE.matcher(b);
        if (!start.lookingAt()) return null;
        StringBuilder label = new StringBuilder();
        int i = start.end();
        while (i < b.length()) {
            char c = b.charAt(i);
            if (c == '\'') {
                if (i + 1 < b.length() && b.charAt(i + 1) == '\'') {
                    label.append('\'');
                    i += 2;
                    continue;
                }
                break;
            }
            label.append(c);
            i++;
        }
        if (i >= b.length()) return null;
        Matcher rest = ALIAS_COMMA.matcher(b.substring(i + 1));
        return rest.matches() ? new Labelled(label.toString(), "SELECT " + rest.group(1).strip()) : null;
    }

    private static final Pattern COUNT_TABLE = Pattern.compile(
            "(?is)^select\\s+count\\s*\\(\\s*\\*\\s*\\)(?:\\s+(?:as\\s+)?\\w+)?\\s+from\\s+([A-Za-z_][\\w$]*)\\s*$");

    /** The table of {@code SELECT count(*) FROM t} with nothing else, or null. */
    static String countedTable(String sql) {
        Matcher m = COUNT_TABLE.matcher(sql.strip());
        return m.matches() ? m.group(1) : null;
    }

    private static final Pattern FROM = Pattern.compile("(?i)\\bfrom\\s+([A-Za-z_][\\w$]*)");

    static String firstTable(String sql) {
        Matcher m = FROM.matcher(withoutStrings(sql));
        return m.find() ? m.group(1) : null;
    }

    private static final Pattern OUTPUT_COLUMN = Pattern.compile(
            "(?is)^(?:[A-Za-z_][\\w$]*\\.)?([A-Za-z_][\\w$]*)$|^.+?\\s+as\\s+([A-Za-z_][\\w$]*)$");

    /**
     * The output column names of a plain {@code SELECT a, t.b, expr AS c FROM ...} (lower case), or null when the
     * statement is not one, or an item's name cannot be told without the database (unaliased expressions, quoted
     * names, {@code *}). A scan that skips string literals and parentheses.
     */
    static List<String> selectColumns(String sql) {
        String s = withoutStrings(withoutComments(sql)).strip();
        if (!s.regionMatches(true, 0, "select", 0, 6) || s.length() < 7 || !Character.isWhitespace(s.charAt(6))) {
            return null;
        }
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 6;
        for (int i = 6; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0 && c == ',') {
                items.add(s.substring(start, i).strip());
                start = i + 1;
            } else if (depth == 0 && Character.isWhitespace(c) && s.regionMatches(true, i + 1, "from", 0, 4)
                    && (i + 5 >= s.length() || !Character.isLetterOrDigit(s.charAt(i + 5)) && s.charAt(i + 5) != '_')) {
                items.add(s.substring(start, i).strip());
                List<String> names = new ArrayList<>();
                for (String item : items) {
                    if (item.regionMatches(true, 0, "distinct", 0, 8)) return null;
                    Matcher m = OUTPUT_COLUMN.matcher(item);
                    if (!m.matches()) return null;
                    names.add((m.group(1) != null ? m.group(1) : m.group(2)).toLowerCase(Locale.ROOT));
                }
                return names;
            }
        }
        return null;
    }
}
