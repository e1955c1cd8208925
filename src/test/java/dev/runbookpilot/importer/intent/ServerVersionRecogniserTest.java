package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ServerVersionRecogniserTest {

    @Test
    void aMinimumVersionInProseBecomesAQueryOfTheServerVersionNumber() throws Exception {
        assertThat(Imports.automated("# T\n## Pre\n- [ ] PostgreSQL 16+\n")).singleElement()
                .isInstanceOfSatisfying(CheckSpec.Query.class, q -> {
                    assertThat(q.sql()).isEqualTo("SELECT current_setting('server_version_num')::int");
                    assertThat(q.expect().describe()).isEqualTo(">= 160000");
                });
        assertThat(Imports.automated("# T\n## Pre\n- [ ] Postgres >= 14 on the target\n")).hasSize(1);
        assertThat(Imports.automated("# T\n## Pre\n- [ ] PG 15 or newer\n")).hasSize(1);
        // Linking words between the name and the number say the same thing.
        for (String item : new String[] {"PostgreSQL must be in version 13 or newer.",
                "Check that PostgreSQL version is 15+ (we use NULLS NOT DISTINCT).", "Postgres server version >= 14"}) {
            assertThat(Imports.automated("# T\n## Pre\n- [ ] " + item + "\n")).as(item).singleElement()
                    .isInstanceOfSatisfying(CheckSpec.Query.class,
                            q -> assertThat(q.expect().describe()).startsWith(">= 1"));
        }
    }

    @Test
    void anUpgradeToDoOrAVersionWithoutMinimumStaysManual() throws Exception {
        assertThat(Imports.automated("# T\n## Pre\n- [ ] Upgrade to PostgreSQL 16+\n")).isEmpty();
        assertThat(Imports.automated("# T\n## Pre\n- [ ] Tested on PostgreSQL 16\n")).isEmpty();
        assertThat(Imports.automated("# T\n## Pre\n- [ ] PostgreSQL 9.6+\n")).isEmpty();
        assertThat(Imports.automated("# T\n## Pre\n- [ ] PostgreSQL version is 15 in staging\n")).isEmpty();
    }

    @Test
    void onAServerOlderThanStatedTheCheckFailsAndOnANewEnoughOneItPasses(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("version");
        int major;
        try (var c = TestPostgres.connect(db)) {
            major = c.getMetaData().getDatabaseMajorVersion();
        }
        String md = "# Upgrade\n## Pre-flight\n- [ ] PostgreSQL " + (major + 1) + "+\n- [ ] PostgreSQL " + major
                + " or later\n- [ ] PostgreSQL must be in version " + (major + 1) + " or newer\n";
        try (LiveImport live = LiveImport.open(md, db, dir)) {
            live.runStep("Pre-flight");
            assertThat(live.status("PostgreSQL " + (major + 1) + "+")).isEqualTo(Status.FAILED);
            assertThat(live.status("PostgreSQL " + major + " or later")).isEqualTo(Status.PASSED);
            assertThat(live.status("PostgreSQL must be in version")).isEqualTo(Status.FAILED);
        }
    }
}
