package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;

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
            try (Connection other = TestPostgres.connect(db)) {
                other.createStatement().execute("SELECT 1");
                live.runStep("Pre-flight");
                assertThat(live.status("Verify no active connections")).isEqualTo(Status.FAILED);
            }
            live.runStep("Pre-flight");
            assertThat(live.status("Verify no active connections")).isEqualTo(Status.PASSED);
        }
    }
}
