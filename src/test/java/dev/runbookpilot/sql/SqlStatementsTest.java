package dev.runbookpilot.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Where psql would end each statement of a file, case by case. Each row is a behaviour of psql's lexer
 * (src/fe_utils/psqlscan.l in PostgreSQL's sources) that a migration file can meet.
 */
class SqlStatementsTest {

    static Stream<Arguments> psqlSplits() {
        return Stream.of(
                Arguments.of("two plain statements", "SELECT 1; SELECT 2;", List.of("SELECT 1", "SELECT 2")),
                Arguments.of("$ continues an identifier, so a$$b$ opens no dollar quote",
                        "SELECT 1 AS a$$b$; COMMIT; SELECT 2 AS c$b$",
                        List.of("SELECT 1 AS a$$b$", "COMMIT", "SELECT 2 AS c$b$")),
                Arguments.of("a dollar-quoted body keeps its semicolons",
                        "DO $$ BEGIN PERFORM 1; END $$; SELECT 2",
                        List.of("DO $$ BEGIN PERFORM 1; END $$", "SELECT 2")),
                Arguments.of("a tagged dollar quote ends only at its own tag",
                        "SELECT $f$ a $$ ; b $f$; SELECT 2", List.of("SELECT $f$ a $$ ; b $f$", "SELECT 2")),
                Arguments.of("a tag cannot contain $: $a$b$ is the tag $a$ then text",
                        "SELECT $a$b$a$; SELECT 2", List.of("SELECT $a$b$a$", "SELECT 2")),
                Arguments.of("$1 is a parameter, not a dollar quote", "SELECT $1; SELECT $2",
                        List.of("SELECT $1", "SELECT $2")),
                Arguments.of("block comments nest", "SELECT 1 /* a /* b ; */ c ; */; SELECT 2",
                        List.of("SELECT 1 /* a /* b ; */ c ; */", "SELECT 2")),
                Arguments.of("a line comment hides a semicolon", "SELECT 1 -- ; not here\n; SELECT 2",
                        List.of("SELECT 1 -- ; not here", "SELECT 2")),
                Arguments.of("E'' strings take backslash escapes", "SELECT E'it\\'s; fine'; SELECT 2",
                        List.of("SELECT E'it\\'s; fine'", "SELECT 2")),
                Arguments.of("a plain string does not, with standard_conforming_strings on",
                        "SELECT 'a\\'; SELECT ''", List.of("SELECT 'a\\'", "SELECT ''")),
                Arguments.of("doubled quotes stay inside the string", "SELECT 'a'';b'; SELECT 2",
                        List.of("SELECT 'a'';b'", "SELECT 2")),
                Arguments.of("quoted identifiers keep semicolons", "SELECT 1 AS \"x;y\"; SELECT 2",
                        List.of("SELECT 1 AS \"x;y\"", "SELECT 2")),
                Arguments.of("xE'...' is an identifier then a plain string", "SELECT xE'\\'; SELECT 2",
                        List.of("SELECT xE'\\'", "SELECT 2")),
                Arguments.of("U& strings end at a quote whatever the backslashes",
                        "SELECT U&'d\\0061t\\+000061'; SELECT 2", List.of("SELECT U&'d\\0061t\\+000061'", "SELECT 2")),
                Arguments.of("parentheses keep a rule's actions together",
                        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));"
                                + " SELECT 2",
                        List.of("CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b"
                                + " VALUES (2))", "SELECT 2")),
                Arguments.of("a BEGIN ATOMIC body is one statement",
                        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3",
                        List.of("CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END",
                                "SELECT 3")),
                Arguments.of("CASE ... END inside a BEGIN ATOMIC body does not close it",
                        "CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END;"
                                + " INSERT INTO t VALUES (1); END; SELECT 3",
                        List.of("CREATE OR REPLACE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN"
                                + " 1 END; INSERT INTO t VALUES (1); END", "SELECT 3")),
                Arguments.of("BEGIN outside a routine definition is a statement of its own",
                        "BEGIN; SELECT 1; END;", List.of("BEGIN", "SELECT 1", "END")),
                Arguments.of("an empty statement and a comment-only one are no statements",
                        "SELECT 1;; -- nothing\n; /* nor */ ;SELECT 2", List.of("SELECT 1", "SELECT 2")),
                Arguments.of("an unterminated string runs to the end, as psql sends it",
                        "SELECT 1; SELECT 'open; SELECT 2", List.of("SELECT 1", "SELECT 'open; SELECT 2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("psqlSplits")
    void splitsWherePsqlWould(String behaviour, String sql, List<String> expected) throws Exception {
        assertThat(SqlStatements.split(sql)).extracting(SqlStatements.Statement::sql).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("psqlSplits")
    void readingLineByLineEndsTheSameStatements(String behaviour, String sql, List<String> expected) {
        String text = sql.replace("; ", ";\n").replace(" ", "\n ");
        int ends = 0;
        SqlLexer.Carry carry = null;
        SqlStatements.Boundaries boundaries = new SqlStatements.Boundaries();
        for (String line : text.split("\n", -1)) {
            SqlLexer.Scan scan = SqlLexer.resume(line, carry, true);
            carry = scan.carry();
            for (SqlLexer.Token t : scan.tokens()) if (boundaries.endsStatement(t, line)) ends++;
        }
        int whole = 0;
        SqlStatements.Boundaries once = new SqlStatements.Boundaries();
        for (SqlLexer.Token t : SqlLexer.tokenize(text)) if (once.endsStatement(t, text)) whole++;
        assertThat(ends).isEqualTo(whole);
    }

    @Test
    void withStandardConformingStringsOffABackslashEscapesAQuoteInAPlainString() throws Exception {
        assertThat(SqlStatements.split("SELECT 'a\\'; b'; SELECT 2", false))
                .extracting(SqlStatements.Statement::sql).containsExactly("SELECT 'a\\'; b'", "SELECT 2");
    }

    @Test
    void eachStatementKnowsTheLineAndColumnItStartsOn() throws Exception {
        List<SqlStatements.Statement> s = SqlStatements.split("-- header\nSELECT 1;\n\n  /* c */ SELECT\n 2;");
        assertThat(s).extracting(SqlStatements.Statement::line).containsExactly(2, 4);
        assertThat(s.get(1).column()).isEqualTo(11);
    }

    @Test
    void aMetaCommandAnywhereOutsideALiteralIsRefusedWithItsPlace() {
        assertThatThrownBy(() -> SqlStatements.split("SELECT 1;\nSELECT '\\x' \\gset\n"))
                .isInstanceOf(SqlStatements.MetaCommandException.class)
                .hasMessageContaining("line 2, column 13").hasMessageContaining("\\gset");
        assertThatThrownBy(() -> SqlStatements.split("\\i other.sql"))
                .hasMessageContaining("line 1, column 1");
    }

    @Test
    void aBackslashInsideLiteralsAndCommentsIsText() throws Exception {
        assertThat(SqlStatements.split("SELECT E'\\\\', $$\\x$$ /* \\q */ -- \\q\n")).hasSize(1);
    }
}
