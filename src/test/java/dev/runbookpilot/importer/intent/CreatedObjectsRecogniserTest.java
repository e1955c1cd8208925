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

    private static final String CRITERIA = """
            # Search indexes
            ## Upgrade
            - [ ] The revision runs:
            ```sql
            CREATE INDEX CONCURRENTLY ix_docs_owner ON docs (owner_id);
            CREATE UNIQUE INDEX CONCURRENTLY ux_tags_name ON tags (lower(name));
            ```
            - [ ] all 2 indexes exist and are valid, none left `INVALID` by a failed concurrent build
            - [ ] `ux_tags_name` is unique
            """;

    @Test
    void validIndexesAreCountedWithTheirValidityAndAUniqueNameFromTheBlockIsCheckedUnique() throws Exception {
        var checks = Imports.automated(CRITERIA);
        assertThat(checks).hasSize(2);
        assertThat(checks.get(0)).isInstanceOfSatisfying(CheckSpec.Query.class, q -> {
            assertThat(q.sql()).contains("'ix_docs_owner', 'ux_tags_name'").contains("indisvalid");
            assertThat(q.expect().describe()).isEqualTo("= 2");
        });
        assertThat(checks.get(1)).isInstanceOfSatisfying(CheckSpec.CatalogObjects.class, c -> assertThat(c.exist())
                .singleElement().satisfies(o -> assertThat(o.properties()).containsEntry("unique", "true")));
        // A count that is not the block's, or a name the block does not create, is not read.
        assertThat(Imports.automated(CRITERIA.replace("all 2", "all 3").replace("`ux_tags_name` is", "`ux_other` is")))
                .isEmpty();
    }

    @Test
    void anIndexLeftInvalidOrNotUniqueFailsTheCriteria(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("validix");
        TestPostgres.exec(db, "CREATE TABLE docs (owner_id int); CREATE TABLE tags (name text);"
                + "CREATE INDEX ix_docs_owner ON docs (owner_id); CREATE INDEX ux_tags_name ON tags (lower(name));"
                // What a failed CREATE INDEX CONCURRENTLY leaves behind: the index, marked invalid.
                + "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'ix_docs_owner'::regclass");
        try (LiveImport live = LiveImport.open(CRITERIA, db, dir)) {
            live.runStep("Upgrade");
            assertThat(live.status("all 2 indexes")).isEqualTo(Status.FAILED);
            assertThat(live.status("ux_tags_name is unique")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "REINDEX INDEX ix_docs_owner; DROP INDEX ux_tags_name;"
                    + "CREATE UNIQUE INDEX ux_tags_name ON tags (lower(name))");
            live.runStep("Upgrade");
            assertThat(live.status("all 2 indexes")).isEqualTo(Status.PASSED);
            assertThat(live.status("ux_tags_name is unique")).isEqualTo(Status.PASSED);
        }
    }
}
