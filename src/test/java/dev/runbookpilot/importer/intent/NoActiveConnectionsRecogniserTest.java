package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class NoActiveConnectionsRecogniserTest {

    @Test
    void noConnectionsAndNoLongTransactionsInWordsBecomeActivityChecks() throws Exception {
        assertThat(Imports.automated("# T\n## Pre\n- [ ] Verify no active connections\n")).singleElement()
                .isInstanceOfSatisfying(CheckSpec.Activity.class, a -> assertThat(a.otherSessions()).isZero());
        assertThat(Imports.automated("# T\n## Pre\n- [ ] No long-running transactions\n")).singleElement()
                .isInstanceOfSatisfying(CheckSpec.Activity.class, a -> assertThat(a.longTransactions()).isZero());
        assertThat(Imports.automated("# T\n## Pre\n- [ ] nobody else connected to shop_production (pg_stat_activity)\n"))
                .singleElement().isInstanceOfSatisfying(CheckSpec.Activity.class,
                        a -> assertThat(a.otherSessions()).isEqualTo(0));
        assertThat(Imports.automated("# T\n## Pre\n- [ ] Tell users about the connections outage\n")).isEmpty();
    }

    @Test
    void anotherSessionOnTheDatabaseFailsTheCheckAndNoneLetsItPass(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("activity");
        String md = "# Window\n## Pre-flight\n- [ ] Verify no active connections\n";
        try (LiveImport live = LiveImport.open(md, db, dir)) {
            int otherPid;
            try (Connection other = TestPostgres.connect(db); ResultSet rs = other.createStatement()
                    .executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                otherPid = rs.getInt(1);
                live.runStep("Pre-flight");
                assertThat(live.status("Verify no active connections")).isEqualTo(Status.FAILED);
            }
            awaitBackendGone(db, otherPid);
            live.runStep("Pre-flight");
            assertThat(live.status("Verify no active connections")).isEqualTo(Status.PASSED);
        }
    }

    /**
     * A closed client's server process leaves pg_stat_activity only once it has run to its exit, which on a loaded
     * machine can be seconds after the client closed: until then the server itself still lists it, and the check is
     * right to count it. The poll's own connection carries this process's tag, so the check leaves it out even while
     * it too is on its way out.
     */
    private static void awaitBackendGone(String db, int pid) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("ApplicationName", Database.applicationName("activity wait"));
        try (Connection c = DriverManager.getConnection(TestPostgres.jdbcUrl(db), p);
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            s.setInt(1, pid);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) == 0) return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the closed client's backend " + pid
                            + " is still listed after 30 s");
                }
                Thread.sleep(50);
            }
        }
    }
}
