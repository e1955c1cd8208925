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
            assertThat(checkSessionsOnceSettled(db, 5)).isEqualTo(5);
        }
        // A backend leaves pg_stat_activity a moment after its client hung up.
        assertThat(checkSessionsOnceSettled(db, 0)).isZero();
    }

    /** The check sessions on {@code db} once they are {@code expected}, or after 20 s as they are then. */
    private static int checkSessionsOnceSettled(String db, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int sessions;
        while ((sessions = checkSessions(db)) != expected && System.nanoTime() < deadline) Thread.sleep(50);
        return sessions;
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
