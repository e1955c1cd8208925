package dev.runbookpilot.db;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class DatabaseTest {

    @Test
    void everyConnectionOfTheCheckPoolIsOpenedBeforeAnyCheckBorrowsOne() throws Exception {
        String db = TestPostgres.freshDatabase("pool_filled");
        try (Database target = Database.open(TestPostgres.jdbcUrl(db), new Properties(), 5,
                CheckDefaults.LOCK_TIMEOUT)) {
            // Nothing is borrowed: the pool opens its connections by itself, in the background, so a snapshot's
            // workers find them open instead of opening them one after another inside the check (ADR 0048).
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int open;
            do {
                Thread.sleep(50);
                open = checkSessions(db);
            } while (open < 5 && System.nanoTime() < deadline);
            assertThat(open).isEqualTo(5);
        }
        assertThat(checkSessions(db)).isZero();
    }

    /** This process's check-pool sessions on {@code db}, as the server lists them. */
    private static int checkSessions(String db) throws SQLException {
        try (Connection c = TestPostgres.connect(db);
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM pg_stat_activity"
                     + " WHERE datname = ? AND application_name = ?")) {
            ps.setString(1, db);
            ps.setString(2, Database.applicationName("checks"));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
