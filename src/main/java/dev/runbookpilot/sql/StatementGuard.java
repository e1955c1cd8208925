package dev.runbookpilot.sql;

import org.postgresql.core.NativeQuery;
import org.postgresql.core.Parser;
import org.postgresql.core.SqlCommandType;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Decides whether a runbook's SQL may run as a check, before it reaches a connection. It is the first two layers of
 * the read-only guarantee (docs/decisions/0006-check-safety-layers.md), and it runs twice: when a runbook is loaded
 * (so {@code validate} names the problem and its place) and again right before the statement is sent, with the
 * connection's own {@code standard_conforming_strings}, so a record built without the loader passes on nothing.
 *
 * <ol>
 *   <li>Exactly one statement, as pgjdbc's own parser counts it (the parser that decides what is sent) and as our
 *       lexer counts it; the extended protocol then makes the server refuse a second command in the one Parse if
 *       the server ever reads the text differently from both.</li>
 *   <li>An allow-list of statement kinds per use, and a deny-list of functions whose effect outlives a rolled-back
 *       transaction (signals to other backends, files, session-level locks, replication slots, other connections,
 *       statistics resets) or that run SQL from a string, which would hide everything else from this guard.</li>
 * </ol>
 */
public final class StatementGuard {

    /** What the statement is for; each use has its own allow-list. */
    public enum Use {
        /** A {@code query} check: reads only. */
        READ,
        /** The statement an {@code explain} check plans; the check adds EXPLAIN itself. */
        EXPLAIN,
        /** The same, when the check adds EXPLAIN ANALYZE, which executes it. */
        EXPLAIN_ANALYZE,
        /** A {@code rejects} / {@code accepts} statement or one statement of its setup: it may write, and is rolled back. */
        PROBE
    }

    /** Why a statement may not run, and where in it (1-based, within the SQL text). */
    public static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final int column;
        private final String hint;

        Refusal(String message, int line, int column, String hint) {
            super(message);
            this.line = line;
            this.column = column;
            this.hint = hint;
        }

        public int line() {
            return line;
        }

        public int column() {
            return column;
        }

        public String hint() {
            return hint;
        }

        /** As an SQLException for the engine, which turns it into an ERROR result (never a pass). */
        public SQLException asSqlException() {
            return new SQLException("refused before it ran: " + getMessage() + " (line " + line + ", column "
                    + column + " of the SQL; " + hint + ")", "42501", this);
        }
    }

    private static final Set<String> READ_STARTS = Set.of("select", "with", "values", "table", "show", "explain");
    private static final Set<String> PLANNED_STARTS = Set.of("select", "with", "values", "table");
    private static final Set<String> PLANNED_WRITES = Set.of("insert", "update", "delete", "merge");
    private static final Set<String> PROBE_STARTS = Set.of("select", "with", "values", "table", "insert", "update",
            "delete", "merge", "create", "alter", "drop", "truncate", "grant", "revoke", "comment", "call", "lock",
            "set", "reset", "refresh", "explain");
    /**
     * Forms a probe's first word allows but that it may not run: their effect is not undone by ROLLBACK, or they
     * define code (a function, a procedure) that could build SQL from pieces at run time, which no guard can read.
     */
    private static final Pattern PROBE_NON_TRANSACTIONAL = Pattern.compile(
            "(?is)^\\s*(alter\\s+system|(create|drop|alter)\\s+(database|tablespace|subscription|role|user|group)"
                    + "|set\\s+(session\\s+authorization|role)"
                    + "|create\\s+(or\\s+replace\\s+)?(function|procedure|language|event\\s+trigger))\\b");

    /**
     * Functions whose effect survives ROLLBACK, or that execute SQL given as a string. Matched as whole names,
     * case-insensitively, in identifiers and inside string literals (a name in a string is how SQL-from-a-string
     * and dblink reach them); names ending in {@code *} are prefixes.
     */
    private static final List<String> DENIED_FUNCTIONS = List.of(
            // signals and server state
            "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile*",
            "pg_log_backend_memory_contexts", "pg_promote", "pg_wal_replay_pause", "pg_wal_replay_resume",
            "pg_switch_wal", "pg_switch_xlog", "pg_create_restore_point", "pg_log_standby_snapshot",
            "pg_backup_start", "pg_backup_stop", "pg_start_backup", "pg_stop_backup", "pg_stat_reset*",
            "pg_stat_statements_reset", "pg_import_system_collations", "setval", "pg_restore_relation_stats",
            "pg_restore_attribute_stats", "pg_clear_relation_stats", "pg_clear_attribute_stats", "binary_upgrade_*",
            // replication
            "pg_create_physical_replication_slot", "pg_create_logical_replication_slot", "pg_drop_replication_slot",
            "pg_copy_physical_replication_slot", "pg_copy_logical_replication_slot", "pg_replication_slot_advance",
            "pg_logical_slot_get_changes", "pg_logical_slot_get_binary_changes", "pg_logical_emit_message",
            "pg_replication_origin_*", "pg_sync_replication_slots",
            // session-level state on a pooled connection
            "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock", "pg_try_advisory_lock_shared",
            "pg_advisory_unlock*",
            // files on the server
            "lo_export", "lo_import", "pg_file_write", "pg_file_rename", "pg_file_unlink", "pg_file_sync",
            // other connections, and SQL from a string
            "dblink*", "postgres_fdw_disconnect*", "query_to_xml*", "query_to_xmlschema", "cursor_to_xml*",
            "ts_stat", "ts_rewrite");
    /** Also denied to read checks: the way back from a least-privilege role to the login's own. */
    private static final List<String> DENIED_TO_READS = List.of("set_config");

    private static final Pattern NAME = Pattern.compile("[A-Za-z_\\u0080-\\uffff][A-Za-z0-9_$\\u0080-\\uffff]*");

    private StatementGuard() {}

    /** Refuses {@code sql} unless it is one statement allowed for {@code use}. */
    public static void check(String sql, Use use, boolean standardConformingStrings) throws Refusal {
        List<SqlLexer.Token> tokens = SqlLexer.tokenize(sql, standardConformingStrings);
        lexicalProblems(sql, tokens);
        List<NativeQuery> driver = driverStatements(sql, standardConformingStrings);
        requireOneStatement(tokens, driver);
        int at = firstSignificant(tokens, 0);
        while (at >= 0 && tokens.get(at).kind() == SqlLexer.Kind.OPEN_PAREN) at = firstSignificant(tokens, at + 1);
        if (at < 0) throw new Refusal("there is no statement", 1, 1, "give the SQL to run");
        SqlLexer.Token first = tokens.get(at);
        String word = first.word(sql);
        switch (use) {
            case READ -> {
                requireStart(word, READ_STARTS, first, "a query check reads: SELECT, WITH, VALUES, TABLE, SHOW or"
                        + " EXPLAIN; statements that change anything belong in an execute step or a probe");
                if ("explain".equals(word)) explainOptions(sql, tokens, at);
                requireNotWriting(driver.get(0), first);
            }
            case EXPLAIN, EXPLAIN_ANALYZE -> {
                // A statement starting with no word (a number, a string) has no word to look up: it is simply refused.
                boolean planOnly = use == Use.EXPLAIN && word != null && PLANNED_WRITES.contains(word);
                if (!planOnly) {
                    requireStart(word, PLANNED_STARTS, first, use == Use.EXPLAIN
                            ? "give the query whose plan is checked: SELECT, WITH, VALUES, TABLE, or a DML statement"
                            + " (planned, never run)"
                            : "with analyze the statement runs: give a SELECT, WITH, VALUES or TABLE");
                }
            }
            case PROBE -> {
                requireStart(word, PROBE_STARTS, first, "a probe tries one DML or DDL statement inside a transaction"
                        + " that is rolled back; transaction control, COPY, VACUUM, ANALYZE, LISTEN and the like are"
                        + " not probes");
                Matcher m = PROBE_NON_TRANSACTIONAL.matcher(sql.substring(first.start()));
                if (m.lookingAt()) {
                    throw new Refusal("'" + m.group(1).replaceAll("\\s+", " ").toUpperCase(Locale.ROOT)
                            + "' is not allowed in a probe: a rollback does not undo it, or it defines code that could"
                            + " run SQL no guard can read", first.line(), first.column(),
                            "a probe may only try plain DML or DDL that its transaction rolls back");
                }
            }
        }
        if (use != Use.PROBE && !PLANNED_WRITES.contains(word)) refuseSelectInto(sql, tokens);
        deniedFunctions(sql, tokens, use);
    }

    /** {@code SELECT ... INTO t} creates a table; the read-only transaction refuses it too, but it is no read. */
    private static void refuseSelectInto(String sql, List<SqlLexer.Token> tokens) throws Refusal {
        int depth = 0;
        for (SqlLexer.Token t : tokens) {
            if (t.kind() == SqlLexer.Kind.OPEN_PAREN) depth++;
            if (t.kind() == SqlLexer.Kind.CLOSE_PAREN) depth--;
            if (depth == 0 && "into".equals(t.word(sql))) {
                throw new Refusal("SELECT ... INTO creates a table", t.line(), t.column(),
                        "a check reads only; drop the INTO");
            }
        }
    }

    /**
     * A probe's setup may hold several statements; each is split with the shared lexer and checked like the
     * probe's own statement. Returns them in order.
     */
    public static List<String> probeSetup(String setup, boolean standardConformingStrings) throws Refusal {
        List<SqlStatements.Statement> statements;
        try {
            statements = SqlStatements.split(setup, standardConformingStrings);
        } catch (SqlStatements.MetaCommandException e) {
            throw new Refusal("a psql meta-command is not SQL", e.line(), e.column(), "write the setup as SQL");
        }
        for (SqlStatements.Statement s : statements) {
            try {
                check(s.sql(), Use.PROBE, standardConformingStrings);
            } catch (Refusal r) {
                throw new Refusal("setup statement at line " + s.line() + ": " + r.getMessage(),
                        s.line() + r.line() - 1, r.line() == 1 ? s.column() + r.column() - 1 : r.column(), r.hint());
            }
        }
        return statements.stream().map(SqlStatements.Statement::sql).toList();
    }

    private static void lexicalProblems(String sql, List<SqlLexer.Token> tokens) throws Refusal {
        for (SqlLexer.Token t : tokens) {
            if (!t.terminated()) {
                throw new Refusal("a " + describe(t.kind()) + " is not closed", t.line(), t.column(),
                        "close it; the statement ends inside it");
            }
            switch (t.kind()) {
                case BACKSLASH -> throw new Refusal("a backslash outside a literal is a psql meta-command, not SQL",
                        t.line(), t.column(), "write plain SQL");
                case UNICODE_IDENT, UNICODE_STRING -> throw new Refusal("U& escapes are not accepted in a check",
                        t.line(), t.column(), "write the name or text plainly, so what runs is what is read");
                default -> {
                    // fine
                }
            }
        }
    }

    private static String describe(SqlLexer.Kind kind) {
        return switch (kind) {
            case BLOCK_COMMENT -> "block comment";
            case QUOTED_IDENT, UNICODE_IDENT -> "quoted identifier";
            case DOLLAR_STRING -> "dollar-quoted string";
            default -> "string literal";
        };
    }

    /** The statements pgjdbc would send for this text: its parser, not ours, decides that. */
    private static List<NativeQuery> driverStatements(String sql, boolean scs) throws Refusal {
        try {
            return Parser.parseJdbcSql(sql, scs, false, true, false, false);
        } catch (SQLException e) {
            throw new Refusal("the driver cannot parse it: " + e.getMessage(), 1, 1, "fix the SQL");
        }
    }

    /** pgjdbc's parser decides what is sent; ours must agree with it, and both must see exactly one statement. */
    private static void requireOneStatement(List<SqlLexer.Token> tokens, List<NativeQuery> driver) throws Refusal {
        int ours = 0;
        SqlLexer.Token secondStart = null;
        boolean inStatement = false;
        for (SqlLexer.Token t : tokens) {
            if (t.kind() == SqlLexer.Kind.SEMICOLON) {
                inStatement = false;
            } else if (!t.isTrivia() && !inStatement) {
                inStatement = true;
                ours++;
                if (ours == 2) secondStart = t;
            }
        }
        int n = Math.max(driver.size(), ours);
        if (n > 1 || driver.size() != ours) {
            SqlLexer.Token where = secondStart != null ? secondStart : tokens.get(0);
            throw new Refusal("a check runs exactly one statement, and this SQL holds " + n
                    + (driver.size() != ours ? " (the driver counts " + driver.size() + ")" : ""),
                    where.line(), where.column(), "split it into one check per statement");
        }
    }

    /** EXPLAIN in a query check only plans: ANALYZE would run the statement, which is the explain check's job. */
    private static void explainOptions(String sql, List<SqlLexer.Token> tokens, int explainAt) throws Refusal {
        int i = firstSignificant(tokens, explainAt + 1);
        int depth = 0;
        while (i >= 0) {
            SqlLexer.Token t = tokens.get(i);
            String w = t.word(sql);
            if (t.kind() == SqlLexer.Kind.OPEN_PAREN) {
                depth++;
            } else if (t.kind() == SqlLexer.Kind.CLOSE_PAREN) {
                depth--;
            } else if ("analyze".equals(w) || "analyse".equals(w)) {
                throw new Refusal("EXPLAIN ANALYZE runs the statement", t.line(), t.column(),
                        "use an explain check with analyze: true, which runs it read-only");
            } else if (depth == 0 && !"verbose".equals(w)) {
                requireStart(w, PLANNED_STARTS, t, "EXPLAIN in a query check plans a SELECT, WITH, VALUES or TABLE");
                return;
            }
            i = firstSignificant(tokens, i + 1);
        }
    }

    /** pgjdbc classifies a few statement kinds itself; a write it sees is refused whatever our lexer read. */
    private static void requireNotWriting(NativeQuery statement, SqlLexer.Token first) throws Refusal {
        SqlCommandType type = statement.command.getType();
        if (type == SqlCommandType.INSERT || type == SqlCommandType.UPDATE || type == SqlCommandType.DELETE
                || type == SqlCommandType.CREATE || type == SqlCommandType.ALTER || type == SqlCommandType.MOVE) {
            throw new Refusal("the driver reads this as " + type, first.line(), first.column(),
                    "a query check reads only");
        }
    }

    private static void requireStart(String word, Set<String> allowed, SqlLexer.Token at, String hint)
            throws Refusal {
        if (word == null || !allowed.contains(word)) {
            throw new Refusal((word == null ? "this statement" : "'" + word.toUpperCase(Locale.ROOT) + "'")
                    + " is not allowed here", at.line(), at.column(), hint);
        }
    }

    private static void deniedFunctions(String sql, List<SqlLexer.Token> tokens, Use use) throws Refusal {
        for (SqlLexer.Token t : tokens) {
            String body = switch (t.kind()) {
                case WORD -> t.text(sql);
                case QUOTED_IDENT -> t.text(sql).replace("\"", "");
                case STRING, ESCAPE_STRING, DOLLAR_STRING -> t.text(sql);
                default -> null;
            };
            if (body == null) continue;
            Matcher m = NAME.matcher(body);
            while (m.find()) {
                String name = m.group().toLowerCase(Locale.ROOT);
                if (denied(name, DENIED_FUNCTIONS) || use != Use.PROBE && denied(name, DENIED_TO_READS)) {
                    throw new Refusal(name + "() has effects a rollback does not undo, or runs SQL this guard"
                            + " cannot see", t.line(), t.column(), "checks may not call it, not even inside a string;"
                            + " do this by hand, outside the tool, if it must be done");
                }
            }
        }
    }

    private static boolean denied(String name, List<String> list) {
        for (String d : list) {
            if (d.endsWith("*") ? name.startsWith(d.substring(0, d.length() - 1)) : name.equals(d)) return true;
        }
        return false;
    }

    private static int firstSignificant(List<SqlLexer.Token> tokens, int from) {
        for (int i = from; i < tokens.size(); i++) if (!tokens.get(i).isTrivia()) return i;
        return -1;
    }
}
