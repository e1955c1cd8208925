package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the SQL statements and psql commands out of one checklist entry: inline code spans and psql commands in
 * its text and notes, a table row's SQL cell, SQL code blocks (split by {@link SqlText}), and psql invocations in
 * shell blocks, each with the comments written around it (its stated expectation) and the line it starts at.
 * Input: an {@link Outline.Unit}; output: its {@link SqlText.Stmt}s, in order.
 */
final class StatementReader {

    private StatementReader() {}

    static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");

    static void collectStatements(Unit u, List<SqlText.Stmt> stmts) {
        if (u.tableSql != null) addCommand(u.tableSql, u.line, stmts);
        List<Block> texts = new ArrayList<>();
        if (u.tableSql == null) {
            texts.add(new Block(Type.TEXT, u.line, 0, u.text));
        }
        texts.addAll(u.notes);
        for (Block t : texts) {
            Matcher m = INLINE_CODE.matcher(t.text);
            boolean spans = false;
            while (m.find()) {
                spans = true;
                addCommand(m.group(2).strip(), t.line, stmts);
            }
            // An indented "psql -c '\dt x*'" under an item, written without backticks.
            if (!spans && !SqlText.psqlCommands(t.text).isEmpty()) addCommand(t.text.strip(), t.line, stmts);
        }
        for (Block b : u.blocks) {
            String lang = b.lang == null ? "" : b.lang;
            boolean sqlLang = lang.matches("sql|psql|pgsql|postgres|postgresql|plpgsql|plsql");
            boolean shellLang = lang.matches("|bash|sh|shell|console|zsh|terminal|shell-session|text");
            String firstCode = b.content.stream().map(String::strip)
                    .filter(x -> !x.isEmpty() && !x.startsWith("--") && !x.startsWith("#")).findFirst().orElse("");
            if (sqlLang || lang.isEmpty() && (SqlText.looksLikeSql(firstCode) || firstCode.startsWith("\\"))) {
                stmts.addAll(SqlText.split(b.content, b.line + 1));
            } else if (shellLang) {
                shellStatements(b, stmts);
            }
        }
    }

    private static void addCommand(String code, int line, List<SqlText.Stmt> stmts) {
        List<SqlText.PsqlCommand> psql = SqlText.psqlCommands(code);
        if (!psql.isEmpty()) {
            for (SqlText.PsqlCommand c : psql) {
                for (SqlText.Stmt s : SqlText.split(List.of(c.sql().split("\n", -1)), line)) {
                    SqlText.Stmt one = new SqlText.Stmt(line, line, s.sql);
                    one.before.addAll(s.before);
                    one.after.addAll(s.after);
                    pipe(one, c.tail());
                    stmts.add(one);
                }
            }
        } else if (code.startsWith("\\") && !code.startsWith("\\\\")) {
            stmts.add(new SqlText.Stmt(line, line, code));
        } else if (SqlText.looksLikeSql(code) && (code.strip().endsWith(";") || code.strip().split("\\s+").length >= 3)) {
            for (SqlText.Stmt s : SqlText.split(List.of(code), line)) stmts.add(s);
        }
    }

    private static void pipe(SqlText.Stmt s, String tail) {
        String t = tail.strip();
        if (t.startsWith("|") && !t.startsWith("||")) {
            s.grepNames = SqlText.grepNames(t);
            s.piped = true;
        }
        if (t.contains("||")) s.after.add(t.substring(t.indexOf("||") + 2).strip());
    }

    private static void shellStatements(Block b, List<SqlText.Stmt> stmts) {
        String joined = String.join("\n", b.content);
        List<SqlText.PsqlCommand> cmds = SqlText.psqlCommands(joined);
        SqlText.Stmt last = null;
        int lastEndLine = -1;
        int ci = 0;
        for (int li = 0; li < b.content.size(); li++) {
            int no = b.line + 1 + li;
            String t = b.content.get(li).strip();
            if (last != null && no == lastEndLine + 1 && t.startsWith("#")) {
                last.after.add(t.replaceFirst("^#+\\s*", ""));
                lastEndLine = no;
                continue;
            }
            int lineStart = offsetOfLine(joined, li);
            while (ci < cmds.size() && cmds.get(ci).start() >= lineStart
                    && cmds.get(ci).start() < lineStart + b.content.get(li).length() + 1) {
                SqlText.PsqlCommand c = cmds.get(ci++);
                int endNo = b.line + 1 + countNewlines(joined, c.end());
                for (SqlText.Stmt s : SqlText.split(List.of(c.sql().split("\n", -1)), no)) {
                    SqlText.Stmt one = new SqlText.Stmt(no, endNo, s.sql);
                    one.before.addAll(s.before);
                    one.after.addAll(s.after);
                    pipe(one, c.tail());
                    stmts.add(one);
                    last = one;
                }
                lastEndLine = endNo;
                li = Math.max(li, endNo - b.line - 1);
            }
        }
    }

    private static int offsetOfLine(String text, int lineIndex) {
        int off = 0;
        for (int i = 0; i < lineIndex; i++) {
            int n = text.indexOf('\n', off);
            if (n < 0) return text.length();
            off = n + 1;
        }
        return off;
    }

    private static int countNewlines(String text, int end) {
        int n = 0;
        for (int i = 0; i < end && i < text.length(); i++) if (text.charAt(i) == '\n') n++;
        return n;
    }

}
