package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * pg_dump is the oracle for completeness: for every change of the catalogue, and for each no-op, the schema as
 * {@code pg_dump --schema-only} prints it before and after is compared with the schemaDiff's verdict. A change
 * pg_dump shows that the snapshot misses fails this test; so does a no-op either of them reports. When PostgreSQL
 * adds an attribute that pg_dump writes, a catalogue entry for it fails here until the snapshot reads it.
 *
 * <p>Runs on the default embedded server, PostgreSQL 15, because pg_dump refuses a newer server than itself and
 * Debian 12's postgresql-client is 15. Every change runs in a fresh copy of the schema's database, since pg_dump sees only
 * committed work. Without pg_dump the test fails; it never skips.
 */
class SchemaDumpOracleTest {

    private static final String TEMPLATE = "oracle_template";
    private static SchemaSnapshot before;
    private static String dumpBefore;

    @BeforeAll
    static void createTemplate() throws Exception {
        TestPostgres.server().recreateDatabase(TEMPLATE);
        try (Connection c = connect(TEMPLATE); Statement s = c.createStatement()) {
            s.execute(SchemaChangeCatalogue.FIXTURE);
            before = CatalogReader.read(c, "app");
        }
        dumpBefore = schema(TestPostgres.schemaDump(TEMPLATE, "app"));
    }

    /** Simple query mode: the server splits statements, so a BEGIN ATOMIC body stays whole. */
    private static Connection connect(String database) throws SQLException {
        Properties simple = new Properties();
        simple.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(TestPostgres.server().jdbcUrl(database), simple);
    }

    /**
     * The statements of a dump: comments, blank lines and psql's per-run \restrict keys (random on every run) are
     * not schema.
     */
    private static String schema(String dump) {
        return dump.lines().filter(l -> !l.isBlank() && !l.startsWith("--") && !l.startsWith("\\restrict")
                && !l.startsWith("\\unrestrict")).collect(Collectors.joining("\n"));
    }

    private record Outcome(boolean dumpChanged, CheckOutcome diff) {}

    /** Applies SQL to a fresh copy of the template and compares both pg_dump and the snapshot with before. */
    private static Outcome apply(String sql, int n) throws Exception {
        String db = "oracle_" + n;
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + db + " TEMPLATE " + TEMPLATE);
        }
        SchemaSnapshot after;
        try (Connection c = connect(db); Statement s = c.createStatement()) {
            s.execute("SET search_path = app");
            s.execute(sql);
            after = CatalogReader.read(c, "app");
        }
        boolean dumpChanged = !schema(TestPostgres.schemaDump(db, "app")).equals(dumpBefore);
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE " + db + " WITH (FORCE)");
        }
        return new Outcome(dumpChanged, SchemaDiffs.evaluate(SchemaChangeCatalogueTest.undeclared(Set.of()),
                before, after));
    }

    @Test
    void everyChangePgDumpShowsFailsAnUndeclaredSchemaDiff() throws Exception {
        List<String> missed = new ArrayList<>();
        List<String> notInDump = new ArrayList<>();
        int n = 0;
        for (SchemaChangeCatalogue.Change change : SchemaChangeCatalogue.CHANGES) {
            Outcome o = apply(change.sql(), ++n);
            if (o.dumpChanged() && o.diff().status() != Status.FAILED) missed.add(change.sql());
            if (!o.dumpChanged()) notInDump.add(change.sql());
        }
        assertThat(missed).as("changes pg_dump shows that the schema diff let pass").isEmpty();
        // The catalogue is about what pg_dump writes: an entry it does not show proves nothing here.
        assertThat(notInDump).as("catalogue entries pg_dump does not show").isEmpty();
    }

    @Test
    void noOpsChangeNeitherTheDumpNorTheDiff() throws Exception {
        int n = 1000;
        for (String sql : SchemaChangeCatalogue.NO_OPS) {
            Outcome o = apply(sql, ++n);
            assertThat(o.dumpChanged()).as("pg_dump after %s", sql).isFalse();
            assertThat(o.diff().status()).as("%s: %s", sql, o.diff().actual()).isEqualTo(Status.PASSED);
        }
    }
}
