package dev.runbookpilot.sql;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.runbookpilot.sql.StatementGuard.Use.EXPLAIN;
import static dev.runbookpilot.sql.StatementGuard.Use.EXPLAIN_ANALYZE;
import static dev.runbookpilot.sql.StatementGuard.Use.PROBE;
import static dev.runbookpilot.sql.StatementGuard.Use.READ;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The guard's own decisions, without a database: what each check kind may run, and where a refusal points. */
class StatementGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"SELECT count(*) FROM t", "  with x AS (SELECT 1) SELECT * FROM x", "VALUES (1), (2)",
            "TABLE t", "SHOW work_mem", "EXPLAIN (FORMAT JSON) SELECT 1", "(SELECT 1) UNION (SELECT 2)",
            "SELECT data ?| array['a'] FROM t", "/* why */ SELECT 1;", "SELECT pg_advisory_xact_lock(1)"})
    void aReadCheckMayRunOneReadingStatement(String sql) {
        assertThatCode(() -> StatementGuard.check(sql, READ, true)).doesNotThrowAnyException();
    }

    @Test
    void theDriversCountDecidesAndTheRefusalPointsAtTheSecondStatement() {
        assertThatThrownBy(() -> StatementGuard.check("SELECT 1 AS a$$b$;\n COMMIT; SELECT 2 AS c$b$", READ, true))
                .isInstanceOfSatisfying(StatementGuard.Refusal.class, r -> {
                    assertThat(r.getMessage()).contains("exactly one statement").contains("holds 3");
                    assertThat(r.line()).isEqualTo(2);
                    assertThat(r.column()).isEqualTo(2);
                });
    }

    @Test
    void howStringsAreReadFollowsTheConnection() {
        String sql = "SELECT 'a\\'; DELETE FROM t; SELECT 'b'";
        assertThatThrownBy(() -> StatementGuard.check(sql, READ, true)).hasMessageContaining("holds 3");
        String off = "SELECT 'a\\'; DELETE FROM t; SELECT '";
        assertThatCode(() -> StatementGuard.check(off, READ, false)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DELETE FROM t RETURNING *", "COMMIT", "SET ROLE postgres", "COPY t TO STDOUT",
            "CALL p()", "DO $$ BEGIN END $$", "LISTEN x", "PREPARE TRANSACTION 'x'", "EXPLAIN ANALYZE DELETE FROM t",
            "EXPLAIN (ANALYZE) SELECT 1", "EXPLAIN DELETE FROM t", "SELECT * INTO copy FROM t"})
    void aReadCheckRefusesEverythingElse(String sql) {
        assertThatThrownBy(() -> StatementGuard.check(sql, READ, true)).isInstanceOf(StatementGuard.Refusal.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"SELECT pg_terminate_backend(1)", "SELECT pg_catalog.PG_CANCEL_BACKEND(1)",
            "SELECT \"pg_reload_conf\"()", "SELECT dblink_exec('', '')", "SELECT * FROM dblink('', 'x') AS t(a int)",
            "SELECT query_to_xml('select 1', true, true, '')", "SELECT pg_advisory_lock(1)",
            "SELECT set_config('role', 'postgres', true)", "SELECT 'pg_terminate_backend(1)'",
            "SELECT U&\"pg\\005fterminate_backend\"(1)"})
    void functionsWhoseEffectOutlivesARollbackAreRefusedByNameEvenInStrings(String sql) {
        assertThatThrownBy(() -> StatementGuard.check(sql, READ, true)).isInstanceOf(StatementGuard.Refusal.class);
    }

    @Test
    void theExplainCheckPlansWritesButOnlyRunsReads() {
        assertThatCode(() -> StatementGuard.check("UPDATE t SET a = 1 WHERE id = 2", EXPLAIN, true))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> StatementGuard.check("UPDATE t SET a = 1 WHERE id = 2", EXPLAIN_ANALYZE, true))
                .hasMessageContaining("'UPDATE' is not allowed");
        assertThatThrownBy(() -> StatementGuard.check("EXPLAIN SELECT 1", EXPLAIN, true))
                .isInstanceOf(StatementGuard.Refusal.class);
    }

    @Test
    void anExplainThatDoesNotStartWithAWordIsRefusedNotACrash() {
        assertThatThrownBy(() -> StatementGuard.check("{{SELECT 1", EXPLAIN, true))
                .isInstanceOf(StatementGuard.Refusal.class).hasMessageContaining("is not allowed here");
    }

    @ParameterizedTest
    @ValueSource(strings = {"INSERT INTO t VALUES (1)", "UPDATE t SET a = 1", "ALTER TABLE t ADD COLUMN c int",
            "SELECT nextval('s')", "CREATE TABLE x (id int)", "SET LOCAL work_mem = '1MB'",
            "SELECT set_config('work_mem', '1MB', true)"})
    void aProbeMayTryWhatItsRollbackUndoes(String sql) {
        assertThatCode(() -> StatementGuard.check(sql, PROBE, true)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"COMMIT", "BEGIN", "END", "ROLLBACK", "SAVEPOINT s", "PREPARE TRANSACTION 'x'",
            "VACUUM t", "ANALYZE t", "CHECKPOINT", "COPY t TO '/tmp/x'", "ALTER SYSTEM SET work_mem = '1MB'",
            "CREATE DATABASE x", "DROP TABLESPACE x", "SET SESSION AUTHORIZATION x", "LOAD 'x'", "DISCARD ALL",
            "INSERT INTO t VALUES (1); COMMIT", "SELECT lo_export(1, '/tmp/x')", "SELECT setval('s', 1)",
            "DO $$ BEGIN EXECUTE 'SELECT pg_' || 'cancel_backend(1)'; END $$",
            "CREATE OR REPLACE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$BEGIN EXECUTE 'x'; END$$",
            "create procedure p() language sql as 'select 1'"})
    void aProbeRefusesWhatARollbackDoesNotUndo(String sql) {
        assertThatThrownBy(() -> StatementGuard.check(sql, PROBE, true)).isInstanceOf(StatementGuard.Refusal.class);
    }

    @Test
    void aProbesSetupIsCheckedStatementByStatementWithThePlaceOfTheOffendingOne() throws Exception {
        assertThat(StatementGuard.probeSetup("INSERT INTO t VALUES (1);\nUPDATE t SET a = 2;", true))
                .containsExactly("INSERT INTO t VALUES (1)", "UPDATE t SET a = 2");
        assertThatThrownBy(() -> StatementGuard.probeSetup("INSERT INTO t VALUES (1);\n  COMMIT;", true))
                .isInstanceOfSatisfying(StatementGuard.Refusal.class, r -> {
                    assertThat(r.getMessage()).contains("setup statement at line 2").contains("'COMMIT'");
                    assertThat(r.line()).isEqualTo(2);
                    assertThat(r.column()).isEqualTo(3);
                });
    }

    @Test
    void unclosedLiteralsAndMetaCommandsAreRefusedWithTheirPlace() {
        assertThatThrownBy(() -> StatementGuard.check("SELECT 1\n  /* open", READ, true))
                .isInstanceOfSatisfying(StatementGuard.Refusal.class, r -> {
                    assertThat(r.getMessage()).contains("block comment is not closed");
                    assertThat(r.line()).isEqualTo(2);
                });
        assertThatThrownBy(() -> StatementGuard.check("SELECT 1 \\gexec", READ, true))
                .hasMessageContaining("meta-command");
        assertThatThrownBy(() -> StatementGuard.check("  ", READ, true)).hasMessageContaining("no statement");
        assertThatThrownBy(() -> StatementGuard.check("((", READ, true)).hasMessageContaining("no statement");
    }
}
