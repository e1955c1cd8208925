package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CatalogLookupRecogniserTest {

    private static final String CHECKLIST = """
            # T
            ## Verify
            1. verify table exists: `psql -c "\\dt stock_movements"`
            2. verify table exists:

                   SELECT to_regclass('public.memberships');

            3. new column: `psql -c "\\d stock_movements"` shows `reason_code` (varchar(16), not null)
            4. `team_users` still exists (it is dropped next week, not tonight)
            5. orders has no `fulfilled_at` yet
            """;

    @Test
    void aLookupOfOneTableWithItsPointInWordsBecomesATableOrColumnCheck() throws Exception {
        List<CheckSpec> checks = Imports.automated(CHECKLIST);
        assertThat(checks).extracting(c -> ((CheckSpec.CatalogObjects) c).objectKind()).containsExactly(
                ObjectKind.TABLES, ObjectKind.TABLES, ObjectKind.COLUMNS, ObjectKind.TABLES, ObjectKind.COLUMNS);
        CheckSpec.CatalogObjects column = (CheckSpec.CatalogObjects) checks.get(2);
        assertThat(column.table()).isEqualTo("stock_movements");
        assertThat(column.exist()).singleElement().satisfies(o -> assertThat(o.properties())
                .containsEntry("type", "varchar(16)").containsEntry("nullable", "false"));
        assertThat(((CheckSpec.CatalogObjects) checks.get(4)).absent()).containsExactly("fulfilled_at");
        // A name with no kind is a guess, said in the step and the summary.
        assertThat(Imports.of(CHECKLIST).yaml()).contains("check this expectation: the checklist does not say what"
                + " kind of object `team_users` is");
    }

    @Test
    void negationsOtherKindsAndOtherQueriesStayManual() throws Exception {
        for (String item : List.of("verify table does not exist: `psql -c \"\\dt stock_movements\"`",
                "`active_orders` still exists, the view is kept", "`team_users` is dropped, it no longer exists",
                "look at `psql -c \"\\d stock_movements\"`",
                "`psql -c \"\\d stock_movements\"` shows `reason_code` (varchar(16), default 'ADJ')",
                "check `SELECT to_regclass('memberships')`")) {
            assertThat(Imports.automated("# T\n## Verify\n- [ ] " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void onTheWrongStateEveryLookupFailsAndOnTheRightOneTheyPass(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("lookup");
        TestPostgres.exec(db, "CREATE TABLE stock_movements (id int, reason_code varchar(64));"
                + "CREATE TABLE orders (id int, fulfilled_at timestamptz)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("Verify");
            assertThat(live.status("verify table exists: psql")).isEqualTo(Status.PASSED);
            assertThat(live.status("verify table exists: (line")).isEqualTo(Status.FAILED);
            assertThat(live.status("new column")).isEqualTo(Status.FAILED);
            assertThat(live.status("team_users still exists")).isEqualTo(Status.FAILED);
            assertThat(live.status("orders has no")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "ALTER TABLE stock_movements ALTER COLUMN reason_code TYPE varchar(16);"
                    + "UPDATE stock_movements SET reason_code = 'x'; ALTER TABLE stock_movements ALTER COLUMN reason_code"
                    + " SET NOT NULL; CREATE TABLE memberships (id int); CREATE TABLE team_users (id int);"
                    + "ALTER TABLE orders DROP COLUMN fulfilled_at");
            live.runStep("Verify");
            assertThat(live.results.values()).allSatisfy(r -> assertThat(r.status()).as(r.label())
                    .isEqualTo(Status.PASSED));
            TestPostgres.exec(db, "DROP TABLE stock_movements");
            live.runStep("Verify");
            assertThat(live.status("verify table exists: psql")).isEqualTo(Status.FAILED);
        }
    }
}
