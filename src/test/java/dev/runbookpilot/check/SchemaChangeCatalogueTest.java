package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every change of the catalogue fails a schemaDiff that does not declare it, in words a DBA reads, and every
 * no-op passes, on the default server (PostgreSQL 15; {@link CatalogAcrossMajorsTest} reads the fixture on 17). Each change runs in a transaction that is rolled back, so
 * each starts from the same schema. {@link SchemaDumpOracleTest} checks the same catalogue against pg_dump.
 */
class SchemaChangeCatalogueTest {

    private static String db;
    private static SchemaSnapshot before;
    /** Each change's snapshot after it, or the error it raised; computed once, read by several tests. */
    private static Map<SchemaChangeCatalogue.Change, Object> afterEachChange;

    @BeforeAll
    static void createSchema() throws SQLException {
        db = TestPostgres.freshDatabase("catalogue");
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute(SchemaChangeCatalogue.FIXTURE);
            before = CatalogReader.read(c, "app");
        }
    }

    private static synchronized Map<SchemaChangeCatalogue.Change, Object> afterEachChange() {
        if (afterEachChange == null) {
            Map<SchemaChangeCatalogue.Change, Object> out = new java.util.LinkedHashMap<>();
            for (SchemaChangeCatalogue.Change change : SchemaChangeCatalogue.CHANGES) {
                try {
                    out.put(change, apply(change.sql()));
                } catch (SQLException e) {
                    out.put(change, e);
                }
            }
            afterEachChange = out;
        }
        return afterEachChange;
    }

    /**
     * In simple query mode the server splits the statements: the driver's own splitter would cut a BEGIN ATOMIC
     * body at its first semicolon.
     */
    private static Connection connect(String database) throws SQLException {
        Properties simple = new Properties();
        simple.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(TestPostgres.jdbcUrl(database), simple);
    }

    static CheckSpec.SchemaDiff undeclared(Set<CheckSpec.Ignorable> ignore) {
        return new CheckSpec.SchemaDiff(new CheckSpec.Meta(null, null, null), "before", List.of(), List.of(),
                List.of(), Map.of(), ignore);
    }

    /** The snapshot after the change, inside a transaction that is then rolled back. */
    private static SchemaSnapshot apply(String sql) throws SQLException {
        try (Connection c = connect(db)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL search_path = app");
                s.execute(sql);
                return CatalogReader.read(c, "app");
            } finally {
                c.rollback();
            }
        }
    }

    @Test
    void everyChangeOfTheCatalogueFailsAnUndeclaredSchemaDiffAndSaysWhatChanged() throws SQLException {
        List<String> missed = new ArrayList<>();
        List<String> badWords = new ArrayList<>();
        for (SchemaChangeCatalogue.Change change : SchemaChangeCatalogue.CHANGES) {
            Object after = afterEachChange().get(change);
            if (after instanceof SQLException e) {
                missed.add(change.sql() + " (did not run: " + e.getMessage() + ")");
                continue;
            }
            CheckOutcome o = SchemaDiffs.evaluate(undeclared(Set.of()), before, (SchemaSnapshot) after);
            if (o.status() != Status.FAILED) {
                missed.add(change.sql());
            } else if (change.words() != null && !o.actual().contains(change.words())) {
                badWords.add(change.sql() + "\n    said: " + o.actual() + "\n    want: " + change.words());
            }
        }
        assertThat(missed).as("changes an undeclared schemaDiff let pass").isEmpty();
        assertThat(badWords).as("changes not named in a DBA's words").isEmpty();
    }

    @Test
    void ignoringAClassPassesItsChangesAndNothingElse() throws SQLException {
        for (SchemaChangeCatalogue.Change change : SchemaChangeCatalogue.CHANGES) {
            if (!(afterEachChange().get(change) instanceof SchemaSnapshot after)) continue;
            Set<CheckSpec.Ignorable> others = EnumSet.allOf(CheckSpec.Ignorable.class);
            if (change.ignorable() != null) {
                others.remove(change.ignorable());
                assertThat(SchemaDiffs.evaluate(undeclared(Set.of(change.ignorable())), before, after)
                        .status()).as("ignore %s: %s", change.ignorable(), change.sql()).isEqualTo(Status.PASSED);
            }
            assertThat(SchemaDiffs.evaluate(undeclared(others), before, after).status())
                    .as("ignore %s: %s", others, change.sql()).isEqualTo(Status.FAILED);
        }
    }

    @Test
    void declaredRenamesOfObjectsOthersDependOnPass() throws SQLException {
        Map<String, Map<String, String>> renames = Map.of(
                "ALTER FUNCTION film_in_stock(integer, integer) RENAME TO film_available",
                Map.of("function:film_in_stock(integer, integer)", "function:film_available(integer, integer)"),
                "ALTER TABLE payment RENAME TO payments",
                Map.of("table:payment", "table:payments"),
                "ALTER TYPE mpaa_rating RENAME TO film_rating",
                Map.of("type:mpaa_rating", "type:film_rating"));
        for (Map.Entry<String, Map<String, String>> r : renames.entrySet()) {
            CheckSpec.SchemaDiff declared = new CheckSpec.SchemaDiff(new CheckSpec.Meta(null, null, null), "before",
                    List.of(), List.of(), List.of(), r.getValue(), Set.of());
            CheckOutcome o = SchemaDiffs.evaluate(declared, before, apply(r.getKey()));
            assertThat(o.status()).as("%s: %s", r.getKey(), o.actual()).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void noOpsPass() throws SQLException {
        String noOps = TestPostgres.freshDatabase("catalogue_noop");
        try (Connection c = connect(noOps); Statement s = c.createStatement()) {
            s.execute(SchemaChangeCatalogue.FIXTURE);
        }
        for (String sql : SchemaChangeCatalogue.NO_OPS) {
            try (Connection c = connect(noOps); Statement s = c.createStatement()) {
                SchemaSnapshot before = CatalogReader.read(c, "app");
                s.execute("SET search_path = app");
                s.execute(sql);
                CheckOutcome o = SchemaDiffs.evaluate(undeclared(Set.of()), before, CatalogReader.read(c, "app"));
                assertThat(o.status()).as("%s: %s", sql, o.actual()).isEqualTo(Status.PASSED);
            }
        }
    }

    @Test
    void anAggregateIsAFunctionToObjectChecks() throws SQLException {
        SchemaSnapshot s;
        try (Connection c = connect(db)) {
            s = CatalogReader.read(c, "app");
        }
        CheckSpec.CatalogObjects spec = new CheckSpec.CatalogObjects(new CheckSpec.Meta(null, null, null),
                dev.runbookpilot.runbook.ObjectKind.FUNCTIONS, null, null,
                List.of(new CheckSpec.ObjectSpec("group_concat", Map.of("kind", "aggregate"))), List.of(), null,
                null, Map.of());
        CheckOutcome o = ObjectChecks.evaluate(spec, s);
        assertThat(o.status()).as(o.actual()).isEqualTo(Status.PASSED);
    }
}
