package dev.runbookpilot.db;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SqlTest {

    /** Names a runbook may carry that unquoted, or quoted naively, would reach another object or another statement. */
    private static final List<String> HOSTILE = List.of(
            "Orders", "order items", "a.b", "x\"; DROP TABLE victim; --", "\"", "\"\"", "select", "ÿ_naïve_表",
            "back\\slash", "it's", "$1", "tab\there");

    @Test
    void everyHostileNameReachesExactlyTheTableOfThatName() throws Exception {
        String db = TestPostgres.freshDatabase("sql_quoting");
        try (Connection c = TestPostgres.connect(db); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + Sql.ident("We\"ird schema"));
            s.execute("CREATE TABLE victim (id int)");
            s.execute("CREATE TABLE orders (id int)");
            for (int i = 0; i < HOSTILE.size(); i++) {
                String table = Sql.qualified("We\"ird schema", HOSTILE.get(i));
                s.execute("CREATE TABLE " + table + " (id int)");
                s.execute("INSERT INTO " + table + " SELECT generate_series(1, " + (i + 1) + ")");
            }
            for (int i = 0; i < HOSTILE.size(); i++) {
                String name = HOSTILE.get(i);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + Sql.qualified("We\"ird schema", name))) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(name).isEqualTo(i + 1);
                }
                // The server reads the quoted form back as the very same name, case and all.
                try (ResultSet rs = s.executeQuery("SELECT 1 AS " + Sql.ident(name))) {
                    assertThat(rs.getMetaData().getColumnLabel(1)).isEqualTo(name);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class WHERE relname IN ('victim', 'orders')")) {
                rs.next();
                assertThat(rs.getLong(1)).as("no statement smuggled in a name dropped a table").isEqualTo(2);
            }
        }
    }

    @Test
    void quotesAlwaysAndDoublesEmbeddedQuotes() {
        assertThat(Sql.ident("orders")).isEqualTo("\"orders\"");
        assertThat(Sql.qualified("app", "a\"b")).isEqualTo("\"app\".\"a\"\"b\"");
    }

    @Test
    void aNameWithTheZeroCharacterIsRefusedWithTheNameShown() {
        assertThatThrownBy(() -> Sql.ident("bad\0name"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad\\0name");
    }
}
