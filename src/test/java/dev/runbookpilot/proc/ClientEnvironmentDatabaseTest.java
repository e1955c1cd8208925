package dev.runbookpilot.proc;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** A tool started with the target's environment reaches the very database, as the very role, the checks use. */
class ClientEnvironmentDatabaseTest {

    @Test
    void psqlStartedWithTheTargetsEnvironmentConnectsWhereTheChecksDo() throws Exception {
        String db = TestPostgres.freshDatabase("client_env");
        String role = db + "_role";
        TestPostgres.exec(db, "CREATE ROLE " + role + " LOGIN PASSWORD 'pw with $pecial'");
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", "pw with $pecial");
        // The test server's URL names the superuser; this database is reached as the role alone.
        String url = TestPostgres.jdbcUrl(db).replaceAll("[?&]user=[^&]*", "");
        try (Database target = Database.open(url, props, 1, CheckDefaults.LOCK_TIMEOUT)) {
            ClientEnvironment env = ClientEnvironment.of(target.connectionSettings(), "Runbook Pilot (test)");
            ChildProcess.Result r = ChildProcess.run(ChildProcess.Spec.against(List.of("psql", "-X", "-At", "-c",
                    "select current_user || ' ' || current_database() || ' ' || current_setting('application_name')"),
                    Path.of("."), env, Duration.ofSeconds(30), 10), new CancelToken(), l -> {});

            assertThat(r.exitCode()).as("%s", r.kept()).isZero();
            assertThat(r.kept()).extracting(ChildProcess.Line::text)
                    .containsExactly(role + " " + db + " Runbook Pilot (test)");
            assertThat(env.variables()).containsEntry("PGPASSWORD", "pw with $pecial");
        }
    }
}
