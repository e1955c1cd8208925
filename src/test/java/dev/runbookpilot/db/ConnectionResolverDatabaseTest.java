package dev.runbookpilot.db;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resolved settings really open a connection. The embedded server may trust loopback connections, so these
 * tests prove that host, port, user, database and properties reach the server, not that the password was checked.
 */
class ConnectionResolverDatabaseTest {
    @TempDir
    Path home;

    @Test
    void uriWithPasswordConnectsAsThatRoleToThatDatabase() throws Exception {
        String db = TestPostgres.freshDatabase("conn_uri");
        String role = db + "_role";
        TestPostgres.exec(db, "CREATE ROLE " + role + " LOGIN PASSWORD 'p@ss w0rd'");
        int port = TestPostgres.server().port();

        ConnectionSettings s = new ConnectionResolver(Map.of(), home)
                .resolve("postgresql://" + role + ":p%40ss%20w0rd@localhost:" + port + "/" + db
                        + "?application_name=conn-test&sslmode=disable");

        assertThat(s.passwordSource()).isEqualTo("URI");
        assertIdentity(s, role, db, "conn-test");
    }

    @Test
    void environmentAndPgpassAloneAreEnoughToConnect() throws Exception {
        String db = TestPostgres.freshDatabase("conn_env");
        String role = db + "_role";
        TestPostgres.exec(db, "CREATE ROLE " + role + " LOGIN PASSWORD 'from-pgpass'");
        Path pgpass = Files.writeString(home.resolve(".pgpass"), "localhost:*:" + db + ":" + role + ":from-pgpass\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", "localhost");
        env.put("PGPORT", Integer.toString(TestPostgres.server().port()));
        env.put("PGUSER", role);
        env.put("PGDATABASE", db);
        env.put("PGSSLMODE", "disable");

        ConnectionSettings s = new ConnectionResolver(env, home).resolve(null);

        assertThat(s.passwordSource()).isEqualTo("pgpass ~/.pgpass");
        assertIdentity(s, role, db, "Runbook Pilot");
    }

    private static void assertIdentity(ConnectionSettings s, String role, String db, String application)
            throws Exception {
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.jdbcProperties());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT current_user, current_database(), current_setting('application_name')")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(role);
            assertThat(rs.getString(2)).isEqualTo(db);
            assertThat(rs.getString(3)).isEqualTo(application);
        }
    }
}
