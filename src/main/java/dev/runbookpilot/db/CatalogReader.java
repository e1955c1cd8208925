package dev.runbookpilot.db;

import dev.runbookpilot.runbook.ObjectKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a {@link SchemaSnapshot} from the system catalogs: one query per object kind for the whole schema, so a
 * schema of 2,000 tables costs about what one of 20 does. The schema name is always a bound parameter; nothing
 * from a runbook is ever spliced into the SQL.
 *
 * <p>Objects that belong to an extension (PostGIS's {@code spatial_ref_sys}, pgcrypto's functions) are left out:
 * they come and go with their extension, which is listed itself.
 */
public final class CatalogReader {

    /** True when the relation aliased {@code rel} was created by an extension. */
    private static String notExtensionMember(String rel) {
        return "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_class'::regclass"
                + " AND dep.objid = " + rel + ".oid AND dep.deptype = 'e')";
    }

    private static final String SCHEMA_EXISTS =
            "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = ?";

    /*
     * pg_get_expr, pg_get_constraintdef and format_type qualify every name that is not on the search_path, so the
     * same schema would print differently from sessions with different search paths. Pinning it for the duration
     * of the read (set_config with is_local) makes snapshots comparable; the old value comes back for restoring.
     */
    private static final String PIN_SEARCH_PATH =
            "SELECT current_setting('search_path'), set_config('search_path', quote_ident(?) || ', public', true)";
    private static final String RESTORE_SEARCH_PATH = "SELECT set_config('search_path', ?, true)";

    private static final String TABLES = """
            SELECT c.relname, c.relrowsecurity, c.relkind = 'p' AS partitioned, c.relpersistence = 'u' AS unlogged
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND %s
            """.formatted(notExtensionMember("c"));

    private static final String COLUMNS = """
            SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                   CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS "default",
                   CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS generated,
                   CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND %s
            """.formatted(notExtensionMember("c"));

    // Key columns are named as stored; an expression column is printed by PostgreSQL. INCLUDE columns are apart.
    private static final String INDEXES = """
            SELECT i.relname, t.relname AS table_name, x.indisunique, x.indisprimary, x.indpred IS NOT NULL AS partial,
                   x.indisvalid, am.amname,
                   (SELECT string_agg(CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.ord::int, true)
                                           ELSE a.attname END, ', ' ORDER BY k.ord)
                      FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                      LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                     WHERE k.ord <= x.indnkeyatts) AS columns,
                   (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
                      FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                     WHERE k.ord > x.indnkeyatts) AS include,
                   pg_catalog.pg_get_indexdef(x.indexrelid) AS definition
            FROM pg_catalog.pg_index x
            JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
            JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_catalog.pg_am am ON am.oid = i.relam
            WHERE n.nspname = ? AND %s
            """.formatted(notExtensionMember("t"));

    private static final String CONSTRAINTS = """
            SELECT con.conname, t.relname AS table_name,
                   CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
                        WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 'n' THEN 'not null'
                        WHEN 't' THEN 'trigger' ELSE con.contype::text END AS type,
                   (SELECT string_agg(a.attname, ', ' ORDER BY k.ord)
                      FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum) AS columns,
                   CASE WHEN rt.oid IS NULL THEN NULL WHEN rn.nspname = n.nspname THEN rt.relname
                        ELSE rn.nspname || '.' || rt.relname END AS "references",
                   con.convalidated, con.condeferrable,
                   pg_catalog.pg_get_constraintdef(con.oid, true) AS definition
            FROM pg_catalog.pg_constraint con
            JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_catalog.pg_class rt ON rt.oid = con.confrelid
            LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.relnamespace
            WHERE n.nspname = ? AND %s
            """.formatted(notExtensionMember("t"));

    // tgtype bits (pg_trigger.h): 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate, 64 instead.
    private static final String TRIGGERS = """
            SELECT tg.tgname, t.relname AS table_name,
                   CASE WHEN tg.tgtype::int & 64 <> 0 THEN 'instead of' WHEN tg.tgtype::int & 2 <> 0 THEN 'before'
                        ELSE 'after' END AS timing,
                   concat_ws(', ', CASE WHEN tg.tgtype::int & 4 <> 0 THEN 'insert' END,
                                   CASE WHEN tg.tgtype::int & 16 <> 0 THEN 'update' END,
                                   CASE WHEN tg.tgtype::int & 8 <> 0 THEN 'delete' END,
                                   CASE WHEN tg.tgtype::int & 32 <> 0 THEN 'truncate' END) AS events,
                   CASE WHEN tg.tgtype::int & 1 <> 0 THEN 'row' ELSE 'statement' END AS level,
                   p.proname AS function, tg.tgenabled <> 'D' AS enabled,
                   pg_catalog.pg_get_triggerdef(tg.oid, true) AS definition
            FROM pg_catalog.pg_trigger tg
            JOIN pg_catalog.pg_class t ON t.oid = tg.tgrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
            WHERE n.nspname = ? AND NOT tg.tgisinternal AND %s
            """.formatted(notExtensionMember("t"));

    private static final String VIEWS = """
            SELECT c.relname, c.relkind = 'm' AS materialized, pg_catalog.pg_get_viewdef(c.oid, true) AS definition
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = ? AND c.relkind IN ('v', 'm') AND %s
            """.formatted(notExtensionMember("c"));

    private static final String FUNCTIONS = """
            SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
                   pg_catalog.oidvectortypes(p.proargtypes) AS argument_types,
                   pg_catalog.pg_get_function_result(p.oid) AS returns, l.lanname AS language,
                   CASE p.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END AS kind,
                   CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
                   CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END AS security,
                   md5(p.prosrc) AS definition
            FROM pg_catalog.pg_proc p
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_catalog.pg_language l ON l.oid = p.prolang
            WHERE n.nspname = ? AND p.prokind IN ('f', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_proc'::regclass
                              AND dep.objid = p.oid AND dep.deptype = 'e')
            """;

    // A sequence is owned by a column through an 'a' (serial, OWNED BY) or 'i' (identity) dependency.
    private static final String SEQUENCES = """
            SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL) AS type,
                   (SELECT ot.relname || '.' || oa.attname
                      FROM pg_catalog.pg_depend d
                      JOIN pg_catalog.pg_class ot ON ot.oid = d.refobjid
                      JOIN pg_catalog.pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                       AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
                     LIMIT 1) AS owner
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
            WHERE n.nspname = ? AND c.relkind = 'S' AND %s
            """.formatted(notExtensionMember("c"));

    // Extensions are database-wide; the parameter is bound only so every catalog query has the same shape.
    private static final String EXTENSIONS = """
            SELECT e.extname, e.extversion AS version, n.nspname AS schema
            FROM pg_catalog.pg_extension e
            JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace
            WHERE ?::text IS NOT NULL
            """;

    private static final String POLICIES = """
            SELECT pol.polname, t.relname AS table_name,
                   CASE pol.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update'
                        WHEN 'd' THEN 'delete' ELSE 'all' END AS command,
                   pol.polpermissive,
                   (SELECT string_agg(coalesce(r.rolname, 'public'), ', ' ORDER BY coalesce(r.rolname, 'public'))
                      FROM unnest(pol.polroles) AS ro(oid)
                      LEFT JOIN pg_catalog.pg_roles r ON r.oid = ro.oid) AS roles,
                   concat_ws(' ', 'USING (' || pg_catalog.pg_get_expr(pol.polqual, pol.polrelid) || ')',
                             'WITH CHECK (' || pg_catalog.pg_get_expr(pol.polwithcheck, pol.polrelid) || ')')
                       AS definition
            FROM pg_catalog.pg_policy pol
            JOIN pg_catalog.pg_class t ON t.oid = pol.polrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = ? AND %s
            """.formatted(notExtensionMember("t"));

    @FunctionalInterface
    private interface RowReader {
        CatalogObject read(ResultSet rs) throws SQLException;
    }

    private record Catalog(String sql, RowReader reader) {}

    private static final Map<ObjectKind, Catalog> CATALOGS = new EnumMap<>(ObjectKind.class);

    static {
        CATALOGS.put(ObjectKind.TABLES, new Catalog(TABLES, rs -> object(ObjectKind.TABLES, rs.getString(1), null,
                null, "rls", bool(rs, "relrowsecurity"), "partitioned", bool(rs, "partitioned"),
                "unlogged", bool(rs, "unlogged"))));
        CATALOGS.put(ObjectKind.COLUMNS, new Catalog(COLUMNS, rs -> object(ObjectKind.COLUMNS, rs.getString(2),
                rs.getString(1), null, "type", rs.getString("type"), "nullable", String.valueOf(!rs.getBoolean("attnotnull")),
                "default", rs.getString("default"), "generated", rs.getString("generated"),
                "identity", rs.getString("identity"))));
        CATALOGS.put(ObjectKind.INDEXES, new Catalog(INDEXES, rs -> object(ObjectKind.INDEXES, rs.getString(1),
                rs.getString("table_name"), rs.getString("definition"), "table", rs.getString("table_name"),
                "unique", bool(rs, "indisunique"), "primary", bool(rs, "indisprimary"), "partial", bool(rs, "partial"),
                "valid", bool(rs, "indisvalid"), "method", rs.getString("amname"), "columns", rs.getString("columns"),
                "include", rs.getString("include"))));
        CATALOGS.put(ObjectKind.CONSTRAINTS, new Catalog(CONSTRAINTS, rs -> object(ObjectKind.CONSTRAINTS,
                rs.getString(1), rs.getString("table_name"), rs.getString("definition"), "table",
                rs.getString("table_name"), "type", rs.getString("type"), "columns", rs.getString("columns"),
                "references", rs.getString("references"), "validated", bool(rs, "convalidated"),
                "deferrable", bool(rs, "condeferrable"))));
        CATALOGS.put(ObjectKind.TRIGGERS, new Catalog(TRIGGERS, rs -> object(ObjectKind.TRIGGERS, rs.getString(1),
                rs.getString("table_name"), rs.getString("definition"), "table", rs.getString("table_name"),
                "timing", rs.getString("timing"), "events", rs.getString("events"), "level", rs.getString("level"),
                "function", rs.getString("function"), "enabled", bool(rs, "enabled"))));
        CATALOGS.put(ObjectKind.VIEWS, new Catalog(VIEWS, rs -> object(ObjectKind.VIEWS, rs.getString(1), null,
                rs.getString("definition"), "materialized", bool(rs, "materialized"))));
        CATALOGS.put(ObjectKind.FUNCTIONS, new Catalog(FUNCTIONS, rs -> object(ObjectKind.FUNCTIONS,
                rs.getString(1), null, rs.getString("definition"), "arguments", rs.getString("arguments"),
                "argumentTypes", rs.getString("argument_types"), "returns", rs.getString("returns"), "language", rs.getString("language"), "kind",
                rs.getString("kind"), "volatility", rs.getString("volatility"), "security", rs.getString("security"))));
        CATALOGS.put(ObjectKind.SEQUENCES, new Catalog(SEQUENCES, rs -> object(ObjectKind.SEQUENCES,
                rs.getString(1), null, null, "type", rs.getString("type"), "owner", rs.getString("owner"))));
        CATALOGS.put(ObjectKind.EXTENSIONS, new Catalog(EXTENSIONS, rs -> object(ObjectKind.EXTENSIONS,
                rs.getString(1), null, null, "version", rs.getString("version"), "schema", rs.getString("schema"))));
        CATALOGS.put(ObjectKind.POLICIES, new Catalog(POLICIES, rs -> object(ObjectKind.POLICIES, rs.getString(1),
                rs.getString("table_name"), emptyToNull(rs.getString("definition")), "table",
                rs.getString("table_name"), "command", rs.getString("command"), "permissive",
                bool(rs, "polpermissive"), "roles", rs.getString("roles"))));
    }

    private CatalogReader() {}

    /**
     * Reads every object kind of {@code schema}. On a connection in autocommit mode the queries share one
     * read-only repeatable-read transaction, so DDL running meanwhile cannot tear the snapshot; the connection is
     * handed back in the state it came in.
     *
     * @throws SQLException with SQLSTATE 3F000 when the schema does not exist: a snapshot of a misspelt schema
     *                      would be empty and make every "absent" check pass without having looked
     */
    public static SchemaSnapshot read(Connection readOnlyConnection, String schema) throws SQLException {
        Connection c = readOnlyConnection;
        boolean ownTransaction = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        if (ownTransaction) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try {
            List<CatalogObject> objects = readAll(c, schema, ownTransaction);
            if (ownTransaction) c.rollback();
            return new SchemaSnapshot(schema, objects);
        } catch (SQLException | RuntimeException e) {
            if (ownTransaction) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailure) {
                    e.addSuppressed(rollbackFailure);
                }
            }
            throw e;
        } finally {
            if (ownTransaction) {
                c.setTransactionIsolation(isolation);
                c.setAutoCommit(true);
            }
        }
    }

    private static List<CatalogObject> readAll(Connection c, String schema, boolean ownTransaction)
            throws SQLException {
        String previousSearchPath;
        try (PreparedStatement ps = c.prepareStatement(PIN_SEARCH_PATH)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                previousSearchPath = rs.getString(1);
            }
        }
        List<CatalogObject> objects = readPinned(c, schema);
        if (!ownTransaction) {
            // Inside the caller's transaction the pinned path would outlive this read.
            try (PreparedStatement ps = c.prepareStatement(RESTORE_SEARCH_PATH)) {
                ps.setString(1, previousSearchPath);
                ps.executeQuery().close();
            }
        }
        return objects;
    }

    private static List<CatalogObject> readPinned(Connection c, String schema) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SCHEMA_EXISTS)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    throw new SQLException("schema \"" + schema + "\" does not exist", "3F000");
                }
            }
        }
        List<CatalogObject> objects = new ArrayList<>();
        for (Catalog catalog : CATALOGS.values()) {
            try (PreparedStatement ps = c.prepareStatement(catalog.sql())) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) objects.add(catalog.reader().read(rs));
                }
            }
        }
        return objects;
    }

    /**
     * The catalog query behind an object kind with the schema written in as a literal, for the operator to rerun
     * in psql. For display only: {@link #read} binds the schema.
     */
    public static String sqlFor(ObjectKind kind, String schema) {
        String literal = "'" + schema.replace("'", "''") + "'";
        return CATALOGS.get(kind).sql().replace("?", literal).strip();
    }

    private static String bool(ResultSet rs, String column) throws SQLException {
        boolean value = rs.getBoolean(column);
        return rs.wasNull() ? null : String.valueOf(value);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static CatalogObject object(ObjectKind kind, String name, String table, String definition,
                                        String... keyValues) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) properties.put(keyValues[i], keyValues[i + 1]);
        return new CatalogObject(kind, name, table, properties, definition);
    }
}
