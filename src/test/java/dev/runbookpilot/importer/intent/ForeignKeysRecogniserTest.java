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

class ForeignKeysRecogniserTest {

    private static final String LISTING = """
            - [ ] Check foreign key constraints:
               `psql -Atc "SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f' ORDER BY 1"`
               → orders_customer_id_fkey, orders_product_id_fkey
            """;
    private static final String NAMED = """
            - [ ] Check foreign keys:
                  ```sql
                  SELECT conname, confrelid::regclass FROM pg_constraint WHERE contype = 'f' AND conrelid = 'orders'::regclass;
                  ```
                  You should see `orders_customer_id_fkey` pointing to `customers`.
            """;
    private static final String TARGETS = "- [ ] Check foreign key constraints on orders (to customers and to products)\n";
    private static final String KEPT = "- [ ] Every order keeps its customer — the foreign key `orders_customer_id_fkey`"
            + " is still there.\n";

    private static List<CheckSpec.CatalogObjects> checks(String item) throws Exception {
        return Imports.automated("# T\n## After\n" + item).stream().map(c -> (CheckSpec.CatalogObjects) c).toList();
    }

    @Test
    void listedNamedOrPointedToForeignKeysBecomeConstraintChecks() throws Exception {
        assertThat(checks(LISTING)).singleElement().satisfies(c -> {
            assertThat(c.objectKind()).isEqualTo(ObjectKind.CONSTRAINTS);
            assertThat(c.table()).isEqualTo("orders");
            assertThat(c.exact()).extracting(CheckSpec.ObjectSpec::name)
                    .containsExactly("orders_customer_id_fkey", "orders_product_id_fkey");
        });
        assertThat(checks(NAMED)).singleElement().satisfies(c -> assertThat(c.exist()).singleElement().satisfies(o -> {
            assertThat(o.name()).isEqualTo("orders_customer_id_fkey");
            assertThat(o.properties()).containsEntry("references", "customers").containsEntry("type", "foreign key");
        }));
        assertThat(checks(TARGETS)).hasSize(2).allSatisfy(c -> assertThat(c.table()).isEqualTo("orders"));
        assertThat(checks(KEPT)).singleElement().satisfies(c -> assertThat(c.table()).isNull());
    }

    @Test
    void instructionsNegationsAndUnknownQueriesStayManual() throws Exception {
        for (String item : List.of("Add foreign key `orders_customer_id_fkey`",
                "The foreign key `orders_legacy_fkey` is dropped", "No foreign key on `orders` any more",
                "Check foreign key constraints on orders",
                "Check foreign keys: `SELECT conname FROM pg_constraint WHERE contype = 'f'`")) {
            assertThat(Imports.automated("# T\n## After\n- [ ] " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void aMissingForeignKeyFailsEveryReadingAndWithBothKeysTheyPass(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("fks");
        TestPostgres.exec(db, "CREATE TABLE customers (id int PRIMARY KEY); CREATE TABLE products (id int PRIMARY KEY);"
                + "CREATE TABLE orders (id int, customer_id int, product_id int,"
                + " CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES products (id))");
        String md = "# T\n## Listing\n" + LISTING + "## Named\n" + NAMED + "## Targets\n" + TARGETS + "## Kept\n" + KEPT;
        try (LiveImport live = LiveImport.open(md, db, dir)) {
            // Wrong: the key to customers points at products, and the key to products is missing.
            live.runStep("Listing").runStep("Named").runStep("Kept");
            assertThat(live.status("Check foreign key constraints: (line")).isEqualTo(Status.FAILED);
            assertThat(live.status("Check foreign keys:")).isEqualTo(Status.FAILED);
            assertThat(live.status("Every order keeps its customer")).isEqualTo(Status.PASSED);
            TestPostgres.exec(db, "ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey");
            live.runStep("Kept");
            assertThat(live.status("Every order keeps its customer")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id)"
                    + " REFERENCES customers (id), ADD CONSTRAINT orders_product_id_fkey FOREIGN KEY (product_id)"
                    + " REFERENCES products (id)");
            live.runStep("Listing").runStep("Named").runStep("Kept");
            assertThat(live.status("Check foreign key constraints: (line")).isEqualTo(Status.PASSED);
            assertThat(live.status("Check foreign keys:")).isEqualTo(Status.PASSED);
            assertThat(live.status("Every order keeps its customer")).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void aTableWithoutAForeignKeyToOneOfTheNamedTablesFailsThatCheck(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("fktargets");
        TestPostgres.exec(db, "CREATE TABLE customers (id int PRIMARY KEY); CREATE TABLE products (id int PRIMARY KEY);"
                + "CREATE TABLE orders (id int, customer_id int REFERENCES customers (id), product_id int)");
        try (LiveImport live = LiveImport.open("# T\n## Targets\n" + TARGETS, db, dir)) {
            live.runStep("Targets");
            assertThat(live.results.values()).extracting(r -> r.status())
                    .containsExactlyInAnyOrder(Status.PASSED, Status.FAILED);
            TestPostgres.exec(db, "ALTER TABLE orders ADD FOREIGN KEY (product_id) REFERENCES products (id)");
            live.results.clear();
            live.runStep("Targets");
            assertThat(live.results.values()).extracting(r -> r.status()).containsOnly(Status.PASSED);
        }
    }
}
