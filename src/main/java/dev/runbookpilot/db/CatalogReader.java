package dev.runbookpilot.db;

import java.sql.Connection;
import java.sql.SQLException;

/** Placeholder until the catalog branch lands (same signature). */
public final class CatalogReader {
    private CatalogReader() {}

    public static SchemaSnapshot read(Connection c, String schema) throws SQLException {
        throw new SQLException("catalog reader not merged yet", "0A000");
    }
}
