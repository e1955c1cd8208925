package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Expected values stated once in a configuration block and referred to later (importer {@code ConfigValues}): by
 * the exact key, or by the thing the key names with a pointer to the block. Anything less than that stays as the
 * checklist wrote it.
 */
class ConfigValuesTest {

    private static final String CHECKLIST = """
            # Orders: split addresses

            Expected values:

            ```env
            EXPECTED_USERS=1200
            expected_orders_count = 17   # after the cleanup
            rows = 5
            ```

            ## After
            - [ ] Orders kept:
              ```sql
              SELECT count(*) FROM orders;
              -- expected: see expected_orders_count
              ```
            - [ ] Users kept:
              ```bash
              psql -Atc "SELECT count(*) FROM users"
              # should match EXPECTED_USERS
              ```
            - [ ] Address count: `SELECT count(*) FROM addresses` (row counts as in the config block)
            """;

    private static List<CheckSpec.Query> queries(String markdown) throws Exception {
        return Imports.automated(markdown).stream().filter(CheckSpec.Query.class::isInstance)
                .map(CheckSpec.Query.class::cast).toList();
    }

    @Test
    void aReferenceByTheExactKeyReadsTheValueAndSaysWhereItCameFrom() throws Exception {
        List<CheckSpec.Query> q = queries(CHECKLIST);
        assertThat(q).extracting(x -> x.expect().describe()).containsExactly("= 17", "= 1200");
        ImportResult r = Imports.of(CHECKLIST);
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 15 && w.message().contains("expected_orders_count")
                && w.message().contains("line 7"));
        // The runbook quotes the checklist's own words next to the check.
        assertThat(r.yaml()).contains("-- expected: see expected_orders_count");
    }

    @Test
    void aKeyThatOnlyResemblesTheThingIsNeverRead() throws Exception {
        // "row counts" is not "rows": the third item stays manual.
        assertThat(queries(CHECKLIST)).noneMatch(x -> x.sql().contains("addresses"));
        // Another spelling of the key is another key.
        assertThat(queries(CHECKLIST.replace("see expected_orders_count", "see expected_order_count")))
                .extracting(x -> x.expect().describe()).containsExactly("= 1200");
    }

    @Test
    void aKeyStatedTwiceWithDifferentValuesOrAValueThatIsNoneIsNotRead() throws Exception {
        String twice = CHECKLIST.replace("rows = 5\n", "rows = 5\nexpected_orders_count = 18\n");
        assertThat(queries(twice)).extracting(x -> x.expect().describe()).containsExactly("= 1200");
        String unchanged = CHECKLIST.replace("expected_orders_count = 17", "expected_orders_count = unchanged");
        assertThat(queries(unchanged)).extracting(x -> x.expect().describe()).containsExactly("= 1200");
    }

    @Test
    void aKeyInsideTheQueryIsAColumnNotAReference() throws Exception {
        String column = CHECKLIST.replace("SELECT count(*) FROM orders;",
                "SELECT count(*) FROM orders WHERE total = expected_orders_count;");
        assertThat(queries(column).get(0).sql()).contains("total = expected_orders_count");
    }

    private static final String NEGATED = """
            # Orders archive

            ```yaml
            old_orders_count: 17
            ```

            ## After
            - [ ] `SELECT count(*) FROM orders_archive;` REFERENCE
            """;

    @Test
    void aReferenceNegatedOrBoundedStaysForAPerson() throws Exception {
        // Read as "= 17", each of these would pass exactly when the checklist's intent failed.
        for (String reference : List.of("should not match old_orders_count", "shouldn't match old_orders_count",
                "must no longer equal old_orders_count", "must never equal old_orders_count",
                "differs from old_orders_count", "should be other than old_orders_count",
                "should be at least the same as old_orders_count", "more than expected: old_orders_count",
                "should be at most old_orders_count", "less than = old_orders_count",
                "should have grown from old_orders_count", "!= old_orders_count")) {
            assertThat(queries(NEGATED.replace("REFERENCE", reference))).as(reference)
                    .noneMatch(q -> q.expect().describe().contains("17"));
            assertThat(Imports.of(NEGATED.replace("REFERENCE", reference)).summary().warnings()).as(reference)
                    .noneMatch(w -> w.message().contains("read `old_orders_count`"));
        }
        // In a comment under the query, the same.
        String comment = NEGATED.replace("`SELECT count(*) FROM orders_archive;` REFERENCE", """
                Archive emptied:
                  ```sql
                  SELECT count(*) FROM orders_archive;
                  -- must no longer equal old_orders_count
                  ```""");
        assertThat(queries(comment)).noneMatch(q -> q.expect().describe().equals("= 17"));
        // The plain reference still reads the value; NOT NULL inside the query is the query's, not a negation.
        assertThat(queries(NEGATED.replace("REFERENCE", "should match old_orders_count")))
                .extracting(x -> x.expect().describe()).containsExactly("= 17");
        assertThat(queries(NEGATED.replace("orders_archive;` REFERENCE",
                "orders_archive WHERE id IS NOT NULL` should match old_orders_count")))
                .extracting(x -> x.expect().describe()).containsExactly("= 17");
    }

    private static final String THING_NAMED = """
            # Readings partitioning

            ### expected values

            ```yaml
            partitions: 3
            readings:
              new_columns: [device_tz, source]
            events:
              new_columns: [payload]
            ```

            ### after
            - [ ] partitions: `SELECT count(*) FROM pg_inherits WHERE inhparent = 'readings'::regclass` → see expected values
            - [ ] New columns on `readings` as in the config block.
            - [ ] New columns as in the config block.
            """;

    @Test
    void aPointerToTheBlockReadsTheOneKeyThatNamesTheThing() throws Exception {
        List<CheckSpec> checks = Imports.automated(THING_NAMED);
        assertThat(checks).hasSize(2);
        assertThat(checks.get(0)).isInstanceOfSatisfying(CheckSpec.Query.class,
                q -> assertThat(q.expect().describe()).isEqualTo("= 3"));
        assertThat(checks.get(1)).isInstanceOfSatisfying(CheckSpec.CatalogObjects.class, c -> {
            assertThat(c.table()).isEqualTo("readings");
            assertThat(c.exist()).extracting(CheckSpec.ObjectSpec::name).containsExactly("device_tz", "source");
        });
        // "New columns" names no table: no key names that thing, so it stays manual.
        assertThat(Imports.of(THING_NAMED).summary().warnings()).noneMatch(w -> w.line() == 16);
    }

    @Test
    void aPointerThatTwoKeysFitIsWarnedAboutAndLeftAsWritten() throws Exception {
        String two = THING_NAMED.replace("""
                readings:
                  new_columns: [device_tz, source]
                events:
                  new_columns: [payload]
                """, """
                staging:
                  readings:
                    new_columns: [device_tz, source, debug]
                production:
                  readings:
                    new_columns: [device_tz, source]
                """);
        assertThat(Imports.automated(two)).hasSize(1);
        assertThat(Imports.of(two).summary().warnings())
                .anyMatch(w -> w.line() == 17 && w.message().contains("several keys fit"));
    }

    @Test
    void checksReadFromTheBlockFailOnADatabaseThatMissesTheValues(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("config");
        TestPostgres.exec(db, "CREATE TABLE orders (id int); INSERT INTO orders SELECT generate_series(1, 16);"
                + "CREATE TABLE users (id int); INSERT INTO users SELECT generate_series(1, 1200);"
                + "CREATE TABLE addresses (id int)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("After");
            assertThat(live.status("Orders kept")).isEqualTo(Status.FAILED);
            assertThat(live.status("Users kept")).isEqualTo(Status.PASSED);
            TestPostgres.exec(db, "INSERT INTO orders VALUES (17); DELETE FROM users WHERE id = 1");
            live.runStep("After");
            assertThat(live.status("Orders kept")).isEqualTo(Status.PASSED);
            assertThat(live.status("Users kept")).isEqualTo(Status.FAILED);
        }
        String db2 = TestPostgres.freshDatabase("configthing");
        TestPostgres.exec(db2, "CREATE TABLE readings (id int, device_tz text) PARTITION BY RANGE (id);"
                + "CREATE TABLE r1 PARTITION OF readings FOR VALUES FROM (0) TO (10);"
                + "CREATE TABLE r2 PARTITION OF readings FOR VALUES FROM (10) TO (20)");
        try (LiveImport live = LiveImport.open(THING_NAMED, db2, Files.createDirectories(dir.resolve("thing")))) {
            live.runStep("after");
            assertThat(live.status("partitions")).isEqualTo(Status.FAILED);
            assertThat(live.status("New columns on readings")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db2, "CREATE TABLE r3 PARTITION OF readings FOR VALUES FROM (20) TO (30);"
                    + "ALTER TABLE readings ADD COLUMN source text");
            live.runStep("after");
            assertThat(live.status("partitions")).isEqualTo(Status.PASSED);
            assertThat(live.status("New columns on readings")).isEqualTo(Status.PASSED);
        }
    }
}
