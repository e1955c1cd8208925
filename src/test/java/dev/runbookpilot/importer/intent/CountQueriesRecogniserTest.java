package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CountQueriesRecogniserTest {

    private static final String CHECKLIST = """
            # Release
            ## Before
            - [ ] Take a look at the row counts so we can compare later:
                  ```sql
                  SELECT count(*) FROM users;
                  SELECT count(*) FROM orders;
                  ```
            ## Migrate
            - [ ] Run the migration
            ## After
            - [ ] The counts from before should match exactly, nothing should have been lost!
            """;

    @Test
    void plainCountQueriesWithNoStatedValueAreASnapshotAndSameCountsInWordsAreComparedWithIt() throws Exception {
        List<CheckSpec> checks = Imports.automated(CHECKLIST);
        assertThat(checks).hasSize(2);
        assertThat(checks.get(0)).isInstanceOfSatisfying(CheckSpec.Snapshot.class, s -> {
            assertThat(s.name()).isEqualTo("before");
            assertThat(s.tables()).containsExactly("users", "orders");
        });
        assertThat(checks.get(1)).isInstanceOfSatisfying(CheckSpec.RowCounts.class,
                r -> assertThat(r.compareTo()).isEqualTo("before"));
    }

    @Test
    void countsInPsqlCallsIndentedBlocksAndShellVariablesAreRecordingsToo() throws Exception {
        for (String recording : List.of(
                "count before: `psql -Atc \"SELECT count(*) FROM users\"` and `psql -Atc \"SELECT count(*) FROM orders\"`",
                "row counts:\n\n      SELECT count(*) FROM users;\n      SELECT count(*) FROM orders;\n",
                "Count the users, we compare after:\n   ```bash\n   USERS_BEFORE=$(psql -t -c \"SELECT count(*) FROM users\")\n   ```")) {
            String md = "# T\n## Before\n- [ ] " + recording + "\n## After\n- [ ] The users count is same like before\n";
            assertThat(Imports.automated(md)).as(recording).extracting(CheckSpec::kind)
                    .containsExactly("snapshot", "rowCounts");
        }
    }

    @Test
    void tablesCountedInWordsAreAnUnsureSnapshot() throws Exception {
        String md = "# T\n## Pre\n- [ ] count orders + line_items, paste numbers in #deploys\n## Post\n"
                + "- [ ] orders / line_items counts same as before\n";
        assertThat(Imports.automated(md)).extracting(CheckSpec::kind).containsExactly("snapshot", "rowCounts");
        assertThat(((CheckSpec.Snapshot) Imports.automated(md).get(0)).tables()).containsExactly("orders", "line_items");
        assertThat(Imports.of(md).yaml()).contains("check this expectation: the words after");
        assertThat(Imports.automated("# T\n## Pre\n- [ ] count the beans before lunch\n")).isEmpty();
    }

    @Test
    void aCountRelatedToSomethingElseATriggerOrAStatedValueIsNotARecordingOrAComparison() throws Exception {
        // "equals the number of accounts" states a result; a snapshot would assert nothing of it.
        assertThat(Imports.automated("# T\n## After\n- [ ] View rebuilt: `SELECT count(*) FROM balances` equals the"
                + " number of accounts\n")).isEmpty();
        // Without an earlier recording there is nothing to compare with.
        assertThat(Imports.automated("# T\n## After\n- [ ] The counts should match\n")).isEmpty();
        String recorded = "# T\n## Before\n- [ ] row counts:\n  ```sql\n  SELECT count(*) FROM users;\n  ```\n## After\n";
        for (String item : List.of("If the counts don't match, restore the backup", "Counts differ: call the DBA",
                "Sequence values are the same")) {
            assertThat(Imports.automated(recorded + "- [ ] " + item + "\n")).as(item).extracting(CheckSpec::kind)
                    .containsExactly("snapshot");
        }
    }

    @Test
    void aRowLostAfterTheRecordingFailsTheComparisonAndEqualCountsPassIt(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("countq");
        TestPostgres.exec(db, "CREATE TABLE users (id int); CREATE TABLE orders (id int); "
                + "INSERT INTO users VALUES (1), (2); INSERT INTO orders VALUES (1)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("Before");
            TestPostgres.exec(db, "DELETE FROM orders");
            live.runStep("After");
            assertThat(live.status("The counts from before")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "INSERT INTO orders VALUES (1)");
            live.runStep("After");
            assertThat(live.status("The counts from before")).isEqualTo(Status.PASSED);
        }
    }
}
