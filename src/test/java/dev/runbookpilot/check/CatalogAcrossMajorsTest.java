package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogObject;
import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.testing.Postgres17;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests run on the client tools' major (15); targets run anything from 14 up. The same schema must read the
 * same on the newest major, apart from what PostgreSQL itself changed between them: 17 grants table owners the new
 * MAINTAIN privilege, and 16 stopped qualifying column names in a single-table view's deparsed text. Those two are
 * real differences a schemaDiff across a major upgrade reports; anything else reading differently is a bug.
 */
class CatalogAcrossMajorsTest {

    @Test
    void theCatalogueFixtureReadsTheSameOnPostgres15And17() throws Exception {
        SchemaSnapshot on15 = snapshot(TestPostgres.server(), "across_majors");
        SchemaSnapshot on17 = snapshot(Postgres17.server(), "across_majors");

        assertThat(on15.objects()).isNotEmpty();
        // Object by object, so a failure names what reads differently rather than printing two whole schemas.
        assertThat(on17.objects().stream().map(CatalogAcrossMajorsTest::withoutKnownChanges).toList())
                .containsExactlyInAnyOrderElementsOf(on15.objects().stream()
                        .map(CatalogAcrossMajorsTest::withoutKnownChanges).toList());
    }

    private static CatalogObject withoutKnownChanges(CatalogObject o) {
        Map<String, String> properties = new TreeMap<>(o.properties());
        properties.replaceAll((k, v) -> k.startsWith("grant ") ? v.replace("MAINTAIN, ", "") : v);
        return new CatalogObject(o.kind(), o.name(), o.table(), properties,
                o.kind() == ObjectKind.VIEWS ? null : o.definition());
    }

    private static SchemaSnapshot snapshot(EmbeddedServer server, String database) throws SQLException {
        server.recreateDatabase(database);
        // Simple query mode: the server splits the fixture, so a BEGIN ATOMIC body stays whole.
        Properties simple = new Properties();
        simple.setProperty("preferQueryMode", "simple");
        try (Connection c = DriverManager.getConnection(server.jdbcUrl(database), simple);
             Statement s = c.createStatement()) {
            s.execute(SchemaChangeCatalogue.FIXTURE);
            return CatalogReader.read(c, "app");
        }
    }
}
