package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CreatedObjectsRecogniserTest {

    private static final String CHECKLIST = """
            # Order indexes
            ## Create the indexes
            ```sql
            CREATE INDEX CONCURRENTLY idx_orders_user_id ON orders (user_id);
            CREATE UNIQUE INDEX IF NOT EXISTS idx_orders_ref ON orders (ref);
            ```
            Success criteria:
            - [ ] All indexes created
            """;

    @Test
    void aCriterionNamingNoObjectsTakesTheNamesFromTheCreateLinesAbove() throws Exception {
        assertThat(Imports.automated(CHECKLIST)).singleElement()
                .isInstanceOfSatisfying(CheckSpec.CatalogObjects.class, c -> assertThat(c.exist())
                        .extracting(CheckSpec.ObjectSpec::name).containsExactly("idx_orders_user_id", "idx_orders_ref"));
    }

    @Test
    void fromTheStepBeforeItIsUnsureAndFromFurtherUpOrWithADropItIsNotRead() throws Exception {
        ImportResult r = Imports.of(CHECKLIST.replace("Success criteria:\n", "## Success criteria\n"));
        assertThat(r.summary().warnings()).anyMatch(w -> w.message().contains("check this expectation"));
        assertThat(Imports.automated(CHECKLIST.replace("Success criteria:\n", "## Other\n- [ ] x\n## Criteria\n")))
                .isEmpty();
        assertThat(Imports.automated(CHECKLIST.replace("CREATE INDEX CONCURRENTLY idx_orders_user_id ON orders "
                + "(user_id);", "DROP INDEX idx_old;"))).isEmpty();
    }

    @Test
    void anIndexTheBlockNamesButTheDatabaseLacksFailsTheCheck(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("created");
        TestPostgres.exec(db, "CREATE TABLE orders (user_id int, ref text); "
                + "CREATE INDEX idx_orders_user_id ON orders (user_id)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("Create the indexes");
            assertThat(live.status("All indexes created")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "CREATE UNIQUE INDEX idx_orders_ref ON orders (ref)");
            live.runStep("Create the indexes");
            assertThat(live.status("All indexes created")).isEqualTo(Status.PASSED);
        }
    }
}
