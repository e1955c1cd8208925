package dev.runbookpilot.testing;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class TestPostgresTest {
    /** The client tools' major (Debian 12's postgresql-client), so pg_dump, pg_restore and psql can reach it. */
    @Test
    void embeddedServerRunsPostgres15() throws Exception {
        String db = TestPostgres.freshDatabase("smoke");
        try (var c = TestPostgres.connect(db); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getInt(1)).isBetween(150000, 159999);
        }
    }

    /** The demo set-up runs a script and the first step checks that nobody else is connected. */
    @Test
    void aScriptsSessionHasLeftTheServerWhenItReturns() throws Exception {
        String db = TestPostgres.freshDatabase("script_exit");
        Path script = Files.createTempFile("script", ".sql");
        // Opened beforehand so the count runs the instant the script returns, as a wizard's first check would.
        try (var c = TestPostgres.connect("postgres"); var count = c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = ?")) {
            Files.writeString(script, "CREATE TABLE IF NOT EXISTS t (id int); INSERT INTO t VALUES (1);");
            count.setString(1, db);
            for (int i = 0; i < 30; i++) {
                TestPostgres.runScript(db, script);
                try (ResultSet rs = count.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("sessions on %s after script %d", db, i).isZero();
                }
            }
        } finally {
            Files.delete(script);
        }
    }

    @Test
    void theSecondServerRunsTheNewestMajor() throws Exception {
        Postgres17.server().recreateDatabase("newest");
        try (var c = java.sql.DriverManager.getConnection(Postgres17.server().jdbcUrl("newest"));
             var s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getInt(1)).isBetween(170000, 179999);
        }
    }
}
