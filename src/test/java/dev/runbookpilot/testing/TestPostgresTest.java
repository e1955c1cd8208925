package dev.runbookpilot.testing;

import org.junit.jupiter.api.Test;

import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

class TestPostgresTest {
    @Test
    void embeddedServerRunsPostgres17() throws Exception {
        String db = TestPostgres.freshDatabase("smoke");
        try (var c = TestPostgres.connect(db); var s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW server_version_num")) {
            rs.next();
            assertThat(rs.getInt(1)).isBetween(170000, 179999);
        }
    }
}
