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
 * no-op passes, on the default server (PostgreSQL 17). Each change runs in a transaction that is rolled back, so
 * each starts from the same schema. {@link SchemaDumpOracleTest} checks the same catalogue against pg_dump.
 */
class SchemaChangeCatalogueTest {

    private static String db;

    @BeforeAll
    static void createSchema() throws SQLException {
        db = TestPostgres.freshDatabase("catalogue");
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute(SchemaChangeCatalogue.FIXTURE);
        }
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

    private record Result(SchemaSnapshot before, SchemaSnapshot after) {}

    /** Snapshots before and after the change, inside one transaction that is then rolled back. */
    private static Result apply(String sql) throws SQLException {
        try (Connection c = connect(db)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                SchemaSnapshot before = CatalogReader.read(c, "app");
                s.execute("SET LOCAL search_path = app");
                s.execute(sql);
                SchemaSnapshot after = CatalogReader.read(c, "app");
                return new Result(before, after);
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
            Result r;
            try {
                r = apply(change.sql());
            } catch (SQLException e) {
                missed.add(change.sql() + " (did not run: " + e.getMessage() + ")");
                continue;
            }
            CheckOutcome o = SchemaDiffs.evaluate(undeclared(Set.of()), r.before(), r.after());
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
            Result r = apply(change.sql());
            Set<CheckSpec.Ignorable> others = EnumSet.allOf(CheckSpec.Ignorable.class);
            if (change.ignorable() != null) {
                others.remove(change.ignorable());
                assertThat(SchemaDiffs.evaluate(undeclared(Set.of(change.ignorable())), r.before(), r.after())
                        .status()).as("ignore %s: %s", change.ignorable(), change.sql()).isEqualTo(Status.PASSED);
            }
            assertThat(SchemaDiffs.evaluate(undeclared(others), r.before(), r.after()).status())
                    .as("ignore %s: %s", others, change.sql()).isEqualTo(Status.FAILED);
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
