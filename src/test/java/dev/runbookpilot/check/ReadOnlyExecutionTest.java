package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The layers of the read-only guarantee that live on the connection, each tried on its own with SQL the guard
 * would have refused: they must hold even when the guard is fooled.
 */
class ReadOnlyExecutionTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static String database;
    private static Database db;

    @BeforeAll
    static void setUp() throws SQLException {
        database = TestPostgres.freshDatabase("layers");
        TestPostgres.exec(database, "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)");
        db = open(null);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static Database open(String checkRole) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        return Database.open(urlAs(database), props, 2, CheckDefaults.LOCK_TIMEOUT, checkRole);
    }

    @Test
    void sqlThatEndsItsTransactionIsAnAlarmNotAResult() {
        assertThatThrownBy(() -> ReadOnlyExecution.runbook(db, new CancelToken(), TIMEOUT, "COMMIT"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo(ReadOnlyExecution.ESCAPED_TRANSACTION);
                    assertThat(e.getMessage()).contains("SECURITY ALARM");
                });
    }

    @Test
    void aWriteThatReachesTheServerMeetsTheReadOnlyTransaction() throws Exception {
        assertThatThrownBy(() -> ReadOnlyExecution.runbook(db, new CancelToken(), TIMEOUT,
                "WITH d AS (DELETE FROM t RETURNING 1) SELECT count(*) FROM d"))
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("25006"));
        assertThat(count("SELECT count(*) FROM t")).isEqualTo(2);
    }

    @Test
    void theConnectionARunbooksSqlRanOnIsClosedSoSessionStateDiesWithIt() throws Exception {
        ReadOnlyExecution.runbook(db, new CancelToken(), TIMEOUT, "SELECT pg_advisory_lock(7171)");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7171") > 0) {
            assertThat(System.nanoTime()).as("the session-level lock outlived the check").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void aConnectionThatAsksForTheSimpleQueryProtocolIsRefused() {
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        assertThatThrownBy(() -> Database.open(urlAs(database) + "?preferQueryMode=simple", props, 1,
                CheckDefaults.LOCK_TIMEOUT)).hasMessageContaining("preferQueryMode=simple");
    }

    @Test
    void aConfiguredCheckRoleIsWhatRunbookSqlRunsAsAndSaysSo() throws Exception {
        try (Database narrow = open("pg_read_all_data")) {
            var data = ReadOnlyExecution.runbook(narrow, new CancelToken(), TIMEOUT, "SELECT current_user");
            assertThat(data.rows().get(0).get(0)).isEqualTo("pg_read_all_data");
            assertThat(narrow.serverInfo().checkPrivileges()).contains("as role pg_read_all_data");
        }
        assertThat(db.serverInfo().checkPrivileges()).contains("privileges of login postgres (SUPERUSER)");
    }

    @Test
    void aCheckRoleTheLoginCannotSwitchToIsRefusedAtConnect() throws Exception {
        String role = database + "_outsider";
        TestPostgres.exec(database, "CREATE ROLE " + role + " LOGIN; CREATE ROLE " + role + "_target");
        Properties props = new Properties();
        props.setProperty("user", role);
        assertThatThrownBy(() -> Database.open(urlAs(database), props, 1, CheckDefaults.LOCK_TIMEOUT,
                role + "_target")).hasMessageContaining("is not a member");
    }

    private static long count(String sql) throws SQLException {
        try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The test server's URL names the superuser, and a user in the URL wins over the properties: drop it. */
    private static String urlAs(String database) {
        return TestPostgres.jdbcUrl(database).replaceFirst("[?&]user=[^&]*", "");
    }
}
