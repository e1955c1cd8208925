package dev.runbookpilot.importer;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertNull;

class SqlTextTest {

    @Test
    void attachesCommentsToTheStatementTheyTouch() {
        List<SqlText.Stmt> stmts = SqlText.split(List.of(
                "-- Should FAIL (duplicate key)",
                "INSERT INTO t VALUES (1);",
                "-- Expected error: duplicate key",
                "",
                "SELECT ';' AS semi; -- Expected: ';'",
                "\\dt"), 10);
        assertEquals(3, stmts.size());
        assertEquals(List.of("Should FAIL (duplicate key)"), stmts.get(0).before);
        assertEquals(List.of("Expected error: duplicate key"), stmts.get(0).after);
        assertEquals(11, stmts.get(0).line);
        assertEquals("SELECT ';' AS semi;", stmts.get(1).sql);
        assertEquals(List.of("Expected: ';'"), stmts.get(1).after);
        assertEquals("\\dt", stmts.get(2).sql);
    }

    @Test
    void readsPsqlCommandSqlAcrossLinesAndTheGrepAfterIt() {
        List<SqlText.PsqlCommand> cmds = SqlText.psqlCommands(
                "psql db -c \"\\dt\" | grep -E \"(a_b|^c$)\"\npsql db -c \"\n  SELECT 1\n\" > out.txt");
        assertEquals("\\dt", cmds.get(0).sql());
        assertEquals(List.of("a_b", "c"), SqlText.grepNames(cmds.get(0).tail()));
        assertEquals("\n  SELECT 1\n", cmds.get(1).sql());
    }

    @Test
    void classifiesReadsWritesAndExplains() {
        assertEquals(SqlText.Kind.READ, SqlText.kind("WITH x AS (SELECT 1) SELECT * FROM x"));
        assertEquals(SqlText.Kind.WRITE, SqlText.kind("WITH x AS (DELETE FROM t RETURNING *) SELECT * FROM x"));
        assertEquals(SqlText.Kind.WRITE, SqlText.kind("SELECT * FROM t FOR UPDATE"));
        assertEquals(SqlText.Kind.EXPLAIN, SqlText.kind("EXPLAIN ANALYZE SELECT 1"));
        assertEquals(SqlText.Kind.WRITE, SqlText.kind("EXPLAIN ANALYZE DELETE FROM t"));
        assertEquals(SqlText.Kind.CONTROL, SqlText.kind("BEGIN;"));
        assertEquals(SqlText.Kind.META, SqlText.kind("\\di x*"));
    }

    @Test
    void findsPlaceholdersButNotJsonOrCasts() {
        assertEquals("<user_id>", SqlText.placeholder("SELECT * FROM u WHERE id = '<user_id>'"));
        assertEquals(":'tenant'", SqlText.placeholder("SELECT * FROM u WHERE t = :'tenant'"));
        assertNull(SqlText.placeholder("INSERT INTO j(p) VALUES ('{\"a\":\"b\"}')"));
        assertNull(SqlText.placeholder("SELECT oid::regclass::text FROM pg_class"));
    }

    @Test
    void splitsLabelledUnionBranchesWithoutRecursingOnLongLiterals() {
        List<String> branches = SqlText.unionAllBranches(
                "SELECT 'it''s', COUNT(*) FROM a UNION ALL SELECT 'b' AS x, COUNT(*) FROM b;");
        assertEquals(new SqlText.Labelled("it's", "SELECT COUNT(*) FROM a"), SqlText.labelled(branches.get(0)));
        assertEquals("b", SqlText.countedTable(SqlText.labelled(branches.get(1)).sql()));
        String huge = "SELECT '" + "''".repeat(200_000) + "', 1";
        assertEquals(200_000, SqlText.labelled(huge).label().length());
        assertEquals("SELECT '', 1", SqlText.withoutStrings(huge));
    }

    @Test
    void anExplainWhoseOptionsCannotBeReadIsNeverAPlanCheckAndNeverLoops() {
        assertEquals(SqlText.Kind.WRITE, SqlText.kind("EXPLAIN"));
        assertEquals(SqlText.Kind.WRITE, SqlText.kind("EXPLAIN(ANALYZE SELECT 1"));
        assertEquals(SqlText.Kind.EXPLAIN, SqlText.kind("EXPLAIN ANALYZE SELECT 1"));
    }

    @Test
    void aCommentBetweenTwoStatementsGoesWithTheNextOnlyWhenItAnnouncesIt() {
        List<SqlText.Stmt> s = SqlText.split(List.of(
                "INSERT INTO t VALUES (1);",
                "-- Should FAIL:",
                "INSERT INTO t VALUES (1);",
                "-- Expected error: duplicate key",
                "SELECT count(*) FROM t;",
                "-- Should return:",
                "-- 1",
                "SELECT 2;"), 10);
        assertEquals(List.of(), s.get(0).after);
        assertEquals(List.of("Should FAIL:"), s.get(1).before);
        assertEquals(List.of("Expected error: duplicate key"), s.get(1).after);
        assertEquals(List.of(), s.get(2).before);
        assertEquals(List.of("Should return:", "1"), s.get(2).after);
    }

    @Test
    void readsTheOutputColumnsOfAPlainSelectListAndNothingElse() {
        assertEquals(List.of("table_name", "c", "total"), SqlText.selectColumns(
                "SELECT table_name, t.c, count(*) AS total FROM x t WHERE y IN ('a, b', 'from') GROUP BY 1, 2"));
        assertEquals(List.of("a", "b"), SqlText.selectColumns("select a, coalesce(b, 'x') as b\nfrom t"));
        assertNull(SqlText.selectColumns("SELECT count(*) FROM t"));
        assertNull(SqlText.selectColumns("SELECT * FROM t"));
        assertNull(SqlText.selectColumns("SELECT DISTINCT a FROM t"));
        assertNull(SqlText.selectColumns("SELECT \"Mixed\" FROM t"));
        assertNull(SqlText.selectColumns("UPDATE t SET a = 1"));
    }

    @Test
    void readsSqlFromCombinedFlagsHeredocsAndEchoIntoPsql() {
        assertEquals(List.of("SELECT 1"), SqlText.psqlCommands("psql -XAtc \"SELECT 1\"").stream()
                .map(SqlText.PsqlCommand::sql).toList());
        assertEquals(List.of("SELECT 2"), SqlText.psqlCommands("psql -d db -Atc 'SELECT 2' | wc -l").stream()
                .map(SqlText.PsqlCommand::sql).toList());
        String heredoc = "pg_dump x > y\npsql -d shop <<'SQL'\nSELECT count(*)\nFROM t;\nSQL\n# Expected: 0";
        List<SqlText.PsqlCommand> h = SqlText.psqlCommands(heredoc);
        assertEquals(1, h.size());
        assertEquals("SELECT count(*)\nFROM t;", h.get(0).sql());
        assertEquals(heredoc.indexOf("psql"), h.get(0).start());
        assertEquals(heredoc.indexOf("\n# Expected"), h.get(0).end());
        List<SqlText.PsqlCommand> echo = SqlText.psqlCommands("echo \"SELECT \\\"x\\\" FROM t\" | psql -At | grep 1");
        assertEquals("SELECT \"x\" FROM t", echo.get(0).sql());
        assertEquals("| grep 1", echo.get(0).tail());
        assertTrue(SqlText.psqlCommands("pg_dump db | psql other").isEmpty());
        assertTrue(SqlText.psqlCommands("psql -d db <<EOF\nSELECT 1;\n").isEmpty(), "an unterminated heredoc");
    }

    @Test
    void aLongQuotedStringAfterEchoIsScannedWithoutRecursion() {
        // Found by the fuzz test: a regular expression alternating per character overflowed the stack here.
        String words = "x ".repeat(50_000);
        assertEquals(List.of("SELECT '" + words + "'"), SqlText.psqlCommands("echo \"SELECT '" + words + "'\" | psql")
                .stream().map(SqlText.PsqlCommand::sql).toList());
        assertTrue(SqlText.psqlCommands("echo \"" + words).isEmpty(), "an unclosed quote");
        assertTrue(SqlText.psqlCommands("echo 'SELECT 1' > out.sql").isEmpty(), "not piped into psql");
    }

    @Test
    void aStraySemicolonIsNoStatement() {
        List<SqlText.Stmt> stmts = SqlText.split(List.of("INSERT INTO a VALUES (1);;", ";", "SELECT 1;"), 1);
        assertEquals(List.of("INSERT INTO a VALUES (1);", "SELECT 1;"), stmts.stream().map(st -> st.sql).toList());
    }
}
