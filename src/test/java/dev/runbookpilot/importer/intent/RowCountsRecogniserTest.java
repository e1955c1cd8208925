package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RowCountsRecogniserTest {

    private static final String CHECKLIST = """
            # Split orders
            ## Before
            - [ ] Record row counts of `users` and `orders`
            ## Migrate
            - [ ] Run the migration
            ## After
            - [ ] Row counts match the recorded ones
            """;

    @Test
    void countsRecordedBeforeAndSaidToMatchAfterBecomeASnapshotAndRowCounts() throws Exception {
        List<CheckSpec> checks = Imports.automated(CHECKLIST);
        assertThat(checks).hasSize(2);
        assertThat(checks.get(0)).isInstanceOf(CheckSpec.Snapshot.class);
        assertThat(checks.get(1)).isInstanceOf(CheckSpec.RowCounts.class);
        assertThat(Imports.of(CHECKLIST).yaml()).contains("compareTo: \"before\"").contains("- \"orders\"");
    }

    @Test
    void aTriggerToRollBackOrCountsWithNothingRecordedStayManual() throws Exception {
        assertThat(Imports.automated("# T\n## Before\n- [ ] Record row counts\n## Roll back if\n"
                + "- [ ] Row counts don't match (data loss)\n")).hasSize(1);
        assertThat(Imports.automated("# T\n## After\n- [ ] Row counts match\n")).isEmpty();
    }

    @Test
    void aRowLostBetweenSnapshotAndComparisonFailsTheCheck(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("counts");
        TestPostgres.exec(db, "CREATE TABLE users (id int); CREATE TABLE orders (id int); "
                + "INSERT INTO users VALUES (1), (2); INSERT INTO orders VALUES (1)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("Before");
            TestPostgres.exec(db, "DELETE FROM users WHERE id = 2");
            live.runStep("After");
            assertThat(live.status("Row counts match")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "INSERT INTO users VALUES (2)");
            live.runStep("After");
            assertThat(live.status("Row counts match")).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void aTableTheChecklistRenamesIsComparedUnderItsNewNameAndARowLostThereFails(@TempDir Path dir)
            throws Exception {
        String checklist = """
                # Rename
                ## Before
                - [ ] Record row counts of the tables `kunden` and `orders`
                ## Migrate
                - [ ] Run the migration
                ## After
                - [ ] The table `kunden` is renamed into `customers`, the old name must not exist any more.
                - [ ] Row counts must be identical to the ones of before
                """;
        assertThat(Imports.of(checklist).yaml()).contains("kunden: \"customers\"");
        String db = TestPostgres.freshDatabase("countsren");
        TestPostgres.exec(db, "CREATE TABLE kunden (id int); CREATE TABLE orders (id int); "
                + "INSERT INTO kunden VALUES (1), (2); INSERT INTO orders VALUES (1)");
        try (LiveImport live = LiveImport.open(checklist, db, dir)) {
            live.runStep("Before");
            TestPostgres.exec(db, "ALTER TABLE kunden RENAME TO customers");
            live.runStep("After");
            assertThat(live.status("Row counts must be identical")).isEqualTo(Status.PASSED);
            TestPostgres.exec(db, "DELETE FROM customers WHERE id = 2");
            live.runStep("After");
            assertThat(live.status("Row counts must be identical")).isEqualTo(Status.FAILED);
        }
    }
}
