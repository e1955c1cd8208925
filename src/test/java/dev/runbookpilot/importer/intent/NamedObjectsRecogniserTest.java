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

class NamedObjectsRecogniserTest {

    private static CheckSpec.CatalogObjects only(String item) throws Exception {
        List<CheckSpec> checks = Imports.automated("# T\n## Verify\n- [ ] " + item + "\n");
        assertThat(checks).as(item).hasSize(1);
        return (CheckSpec.CatalogObjects) checks.get(0);
    }

    private static List<String> exist(CheckSpec.CatalogObjects c) {
        return c.exist().stream().map(CheckSpec.ObjectSpec::name).toList();
    }

    @Test
    void objectsNamedWithTheirStateBecomeCatalogChecks() throws Exception {
        CheckSpec.CatalogObjects indexes = only("Confirm indexes created: `idx_users_email`, `idx_orders_user_id`");
        assertThat(indexes.objectKind()).isEqualTo(ObjectKind.INDEXES);
        assertThat(exist(indexes)).containsExactly("idx_users_email", "idx_orders_user_id");

        CheckSpec.CatalogObjects fields = only("`users` has new fields `email_normalized`, `created_by`");
        assertThat(fields.objectKind()).isEqualTo(ObjectKind.COLUMNS);
        assertThat(fields.table()).isEqualTo("users");
        assertThat(exist(fields)).containsExactly("email_normalized", "created_by");

        CheckSpec.CatalogObjects added = only("New columns `a`, `b` added to table `orders`");
        assertThat(added.table()).isEqualTo("orders");
        assertThat(exist(added)).containsExactly("a", "b");

        // The table right after "columns on", the columns after the colon.
        CheckSpec.CatalogObjects on = only("New columns on `accounts`: `closed_at`, `closed_reason`.");
        assertThat(on.table()).isEqualTo("accounts");
        assertThat(exist(on)).containsExactly("closed_at", "closed_reason");

        CheckSpec.CatalogObjects extensions = only("Extensions installed (`pgcrypto`, `uuid-ossp`)");
        assertThat(extensions.objectKind()).isEqualTo(ObjectKind.EXTENSIONS);
        assertThat(exist(extensions)).containsExactly("pgcrypto", "uuid-ossp");
        assertThat(exist(only("Extensions installed (pgcrypto, uuid-ossp)"))).containsExactly("pgcrypto", "uuid-ossp");

        CheckSpec.CatalogObjects gone = only("Table `legacy_users` no longer exists");
        assertThat(gone.objectKind()).isEqualTo(ObjectKind.TABLES);
        assertThat(gone.absent()).containsExactly("legacy_users");
    }

    @Test
    void aUniqueIndexIsCheckedUniqueAndStatesBeyondExistenceStayManual() throws Exception {
        CheckSpec.CatalogObjects unique = only("Unique index `catalog_product_slug_key` exists");
        assertThat(unique.exist()).singleElement().satisfies(o -> {
            assertThat(o.name()).isEqualTo("catalog_product_slug_key");
            assertThat(o.properties()).containsEntry("unique", "true");
        });
        // A table rename checks both names; a column's stated type is checked with it.
        CheckSpec.CatalogObjects renamed = only("The table `kunden` is renamed into `customers`, the old name must not"
                + " exist any more.");
        assertThat(exist(renamed)).containsExactly("customers");
        assertThat(renamed.absent()).containsExactly("kunden");
        CheckSpec.CatalogObjects typed = only("The column `customers.email` has now the type citext.");
        assertThat(typed.table()).isEqualTo("customers");
        assertThat(typed.exist()).singleElement().satisfies(o -> assertThat(o.properties()).containsEntry("type", "citext"));
        // Existence alone would pass on a non-unique pair, on a column renamed in a table nobody named, on a type
        // with a default.
        for (String item : List.of("Unique indexes `a`, `b` created",
                "The columns `vorname` and `nachname` are renamed to `first_name` and `last_name`",
                "The column `customers.email` has now the type citext with default ''")) {
            assertThat(Imports.automated("# T\n## Verify\n- [ ] " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void instructionsUnstatedStatesAndOtherCodeStayManual() throws Exception {
        for (String item : List.of("Create index `idx_users_email`", "Drop table `legacy_users`",
                "Check indexes `idx_a`, `idx_b`", "Indexes created: `idx_a` and `SELECT 1 FROM x`",
                "Table `a` created and `b` dropped", "`users` has fields",
                "all indexes exist and are valid, none left `INVALID`", "Index `idx_a` created and valid")) {
            assertThat(Imports.automated("# T\n## Verify\n- [ ] " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void inADatabaseWithoutTheNamedObjectsEveryCheckFailsAndOnceTheyAreThereItPasses(@TempDir Path dir)
            throws Exception {
        String db = TestPostgres.freshDatabase("named");
        TestPostgres.exec(db, "CREATE TABLE users (id int PRIMARY KEY, email text); CREATE TABLE legacy_users (id int);"
                + "CREATE TABLE clients (id int); CREATE TABLE customers (id int); CREATE EXTENSION citext");
        String md = """
                # Normalise emails
                ## After
                - [ ] Confirm indexes created: `idx_users_email`
                - [ ] `users` has new fields `email_normalized`
                - [ ] New columns on `users`: `email`, `email_verified_at`
                - [ ] Extensions installed (`plpgsql`, `pg_trgm`)
                - [ ] Table `legacy_users` dropped
                - [ ] The table `clients` is renamed into `customers`, the old name must not exist any more.
                - [ ] The column `users.email` has now the type citext.
                - [ ] Index `users_pkey` is existing and is unique.
                """;
        try (LiveImport live = LiveImport.open(md, db, dir)) {
            live.runStep("After");
            assertThat(live.status("Confirm indexes created")).isEqualTo(Status.FAILED);
            assertThat(live.status("users has new fields")).isEqualTo(Status.FAILED);
            assertThat(live.status("New columns on users")).isEqualTo(Status.FAILED);
            assertThat(live.status("Extensions installed")).isEqualTo(Status.FAILED);
            assertThat(live.status("Table legacy_users dropped")).isEqualTo(Status.FAILED);
            // The new name exists but the old one is still there; the column is text, not citext.
            assertThat(live.status("The table clients is renamed")).isEqualTo(Status.FAILED);
            assertThat(live.status("The column users.email")).isEqualTo(Status.FAILED);
            assertThat(live.status("Index users_pkey is existing")).isEqualTo(Status.PASSED);

            TestPostgres.exec(db, "ALTER TABLE users ADD COLUMN email_normalized text,"
                    + " ADD COLUMN email_verified_at timestamptz; "
                    + "CREATE INDEX idx_users_email ON users (email); CREATE EXTENSION pg_trgm; DROP TABLE legacy_users;"
                    + "DROP TABLE clients; ALTER TABLE users ALTER COLUMN email TYPE citext");
            live.runStep("After");
            assertThat(live.results.values()).allSatisfy(r -> assertThat(r.status()).as(r.label())
                    .isEqualTo(Status.PASSED));
        }
    }
}
