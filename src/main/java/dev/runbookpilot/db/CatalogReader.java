package dev.runbookpilot.db;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbookpilot.runbook.ObjectKind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;

/**
 * Reads a {@link SchemaSnapshot} from the system catalogs: one query per object kind for the whole schema, so a
 * schema of 2,000 tables costs about what one of 20 does. The schema name is always a bound parameter; nothing
 * from a runbook is ever spliced into the SQL.
 *
 * <p>Objects that belong to an extension (PostGIS's {@code spatial_ref_sys}, pgcrypto's functions) are left out:
 * they come and go with their extension, which is listed itself.
 */
public final class CatalogReader {

    /**
     * True when the relation aliased {@code rel} was not created by an extension. A NOT IN over the extension
     * members (objid is never null) runs as one hashed scan of pg_depend per query, where a correlated NOT EXISTS
     * probed pg_depend's index once per row: 4,000 probes for the indexes of a 2,000-table schema.
     */
    private static String notExtensionMember(String rel) {
        return rel + ".oid NOT IN (SELECT dep.objid FROM pg_catalog.pg_depend dep"
                + " WHERE dep.classid = 'pg_catalog.pg_class'::regclass AND dep.deptype = 'e')";
    }

    /**
     * The names of the columns {@code attnums} (an int2 array) of relation {@code relid}, in array order and
     * joined by ", ", for key positions up to or beyond {@code lastKey}'s ordinal ({@code keyFilter}). Each name is
     * a scalar lookup on pg_attribute's (attrelid, attnum) index: a join with the unnested array made the planner
     * read all the table's columns and hash them, once per index or constraint.
     */
    private static String columnNames(String attnums, String relid, String keyFilter) {
        return "(SELECT string_agg((SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = " + relid
                + " AND a.attnum = k.attnum), ', ' ORDER BY k.ord) FROM unnest(" + attnums
                + ") WITH ORDINALITY AS k(attnum, ord)" + (keyFilter == null ? "" : " WHERE " + keyFilter) + ")";
    }

    private static final ObjectMapper JSON = new ObjectMapper();

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

    /**
     * The object's comment as {@code alias.description} (objsubid 0: the object itself). A lateral lookup on
     * pg_description's unique index, once per row; LIMIT 1 keeps the planner from flattening it into a join,
     * which it ran as a rescan of all of pg_description for every column of a 2,000-table schema.
     */
    private static String commentJoin(String alias, String catalog, String objectOid) {
        return commentJoin(alias, catalog, objectOid, "0");
    }

    private static String commentJoin(String alias, String catalog, String objectOid, String subId) {
        return "LEFT JOIN LATERAL (SELECT d.description FROM pg_catalog.pg_description d WHERE d.objoid = "
                + objectOid + " AND d.classoid = 'pg_catalog." + catalog + "'::regclass AND d.objsubid = " + subId
                + " LIMIT 1) " + alias + " ON true";
    }

    /*
     * Privileges as a JSON object {"grant <grantee>": "DELETE, SELECT WITH GRANT OPTION", ...}, one entry per
     * grantee, read with aclexplode. A NULL ACL means the built-in default (acldefault), so REVOKE ALL from the
     * owner shows as a change; the owner is named "owner", so a change of owner alone is not also a change of
     * privileges. Who granted is left out (pg_dump only shows it when it is not the owner).
     */
    private static String grants(String acl, String defaultKind, String ownerOid) {
        String source = defaultKind == null ? acl
                : "coalesce(" + acl + ", pg_catalog.acldefault('" + defaultKind + "', " + ownerOid + "))";
        return """
                (SELECT pg_catalog.json_object_agg('grant ' || g.grantee, g.privileges) FROM (
                    SELECT CASE WHEN x.grantee = 0 THEN 'PUBLIC' WHEN x.grantee = %s THEN 'owner'
                                ELSE pg_catalog.pg_get_userbyid(x.grantee) END AS grantee,
                           string_agg(x.privilege_type || CASE WHEN x.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END,
                                      ', ' ORDER BY x.privilege_type) AS privileges
                      FROM pg_catalog.aclexplode(%s) x GROUP BY 1) g)""".formatted(ownerOid, source);
    }

    /** A text[] of name=value settings (reloptions, proconfig) as a JSON object with {@code prefix} on each name. */
    private static String settings(String array, String prefix) {
        return "(SELECT pg_catalog.json_object_agg('" + prefix + "' || split_part(o, '=', 1),"
                + " substr(o, strpos(o, '=') + 1)) FROM unnest(" + array + ") o)";
    }

    private static final String TABLES = """
            SELECT c.relname, c.relrowsecurity, c.relkind = 'p' AS partitioned, c.relpersistence = 'u' AS unlogged,
                   c.relforcerowsecurity, pg_catalog.pg_get_userbyid(c.relowner) AS owner_role,
                   ds.description AS comment,
                   CASE c.relreplident WHEN 'n' THEN 'nothing' WHEN 'f' THEN 'full'
                        WHEN 'i' THEN 'using index ' || (SELECT ic.relname FROM pg_catalog.pg_index x
                                 JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
                                 WHERE x.indrelid = c.oid AND x.indisreplident) END AS replica_identity,
                   (SELECT ic.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
                     WHERE x.indrelid = c.oid AND x.indisclustered) AS cluster_on,
                   CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partition_key,
                   CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partition_bound,
                   (SELECT string_agg(CASE WHEN pn.oid = n.oid THEN p.relname ELSE pn.nspname || '.' || p.relname END,
                                      ', ' ORDER BY i.inhseqno)
                      FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class p ON p.oid = i.inhparent
                      JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace
                     WHERE i.inhrelid = c.oid) AS parents,
                   c.relispartition,
                   CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS of_type,
                   (SELECT spcname FROM pg_catalog.pg_tablespace WHERE oid = c.reltablespace) AS tablespace,
                   CASE WHEN am.amname <> 'heap' THEN am.amname END AS access_method,
                   %s AS json_options, %s AS json_grants
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
            %s
            WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND %s
            """.formatted(settings("c.reloptions", "option "), grants("c.relacl", "r", "c.relowner"),
            commentJoin("ds", "pg_class", "c.oid"), notExtensionMember("c"));

    private static final String COLUMNS = """
            SELECT c.relname, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
                   CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS "default",
                   CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS generated,
                   CASE a.attidentity WHEN 'a' THEN 'always' WHEN 'd' THEN 'by default' END AS identity,
                   CASE WHEN a.attcollation <> ty.typcollation THEN co.collname END AS collation,
                   CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::text END AS statistics,
                   CASE WHEN a.attstorage <> ty.typstorage THEN CASE a.attstorage WHEN 'p' THEN 'plain'
                        WHEN 'e' THEN 'external' WHEN 'm' THEN 'main' WHEN 'x' THEN 'extended' END END AS storage,
                   CASE a.attcompression WHEN 'p' THEN 'pglz' WHEN 'l' THEN 'lz4' END AS compression,
                   ds.description AS comment,
                   %s AS json_options, %s AS json_grants
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
            LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation
            LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            %s
            WHERE n.nspname = ? AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND %s
            """.formatted(settings("a.attoptions", "option "), grants("a.attacl", null, "c.relowner"),
            commentJoin("ds", "pg_class", "c.oid", "a.attnum"), notExtensionMember("c"));

    // Key columns are named as stored; an expression column is printed by PostgreSQL. INCLUDE columns are apart.
    private static final String INDEXES = """
            SELECT i.relname, t.relname AS table_name, x.indisunique, x.indisprimary, x.indpred IS NOT NULL AS partial,
                   x.indisvalid, am.amname,
                   (SELECT string_agg(CASE WHEN k.attnum = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, k.ord::int, true)
                                           ELSE (SELECT a.attname FROM pg_catalog.pg_attribute a
                                                  WHERE a.attrelid = x.indrelid AND a.attnum = k.attnum) END,
                                      ', ' ORDER BY k.ord)
                      FROM unnest(x.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                     WHERE k.ord <= x.indnkeyatts) AS columns,
                   CASE WHEN x.indnatts > x.indnkeyatts THEN %s END AS include,
                   pg_catalog.pg_get_indexdef(x.indexrelid) AS definition,
                   (SELECT spcname FROM pg_catalog.pg_tablespace WHERE oid = i.reltablespace) AS tablespace,
                   (SELECT p.relname FROM pg_catalog.pg_inherits h JOIN pg_catalog.pg_class p ON p.oid = h.inhparent
                     WHERE h.inhrelid = i.oid) AS attached_to,
                   (SELECT pg_catalog.json_object_agg('statistics of column ' || a.attnum, a.attstattarget::text)
                      FROM pg_catalog.pg_attribute a
                     WHERE a.attrelid = i.oid AND a.attnum > 0 AND a.attstattarget >= 0) AS json_statistics,
                   ds.description AS comment
            FROM pg_catalog.pg_index x
            JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
            JOIN pg_catalog.pg_class t ON t.oid = x.indrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_catalog.pg_am am ON am.oid = i.relam
            %s
            WHERE n.nspname = ? AND %s
            """.formatted(columnNames("x.indkey::int2[]", "x.indrelid", "k.ord > x.indnkeyatts"),
            commentJoin("ds", "pg_class", "i.oid"), notExtensionMember("t"));

    private static final String CONSTRAINTS = """
            SELECT con.conname, t.relname AS table_name,
                   CASE con.contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key' WHEN 'u' THEN 'unique'
                        WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' WHEN 'n' THEN 'not null'
                        WHEN 't' THEN 'trigger' ELSE con.contype::text END AS type,
                   %s AS columns,
                   CASE WHEN rt.oid IS NULL THEN NULL WHEN rn.nspname = n.nspname THEN rt.relname
                        ELSE rn.nspname || '.' || rt.relname END AS "references",
                   con.convalidated, con.condeferrable,
                   pg_catalog.pg_get_constraintdef(con.oid, true) AS definition,
                   ds.description AS comment
            FROM pg_catalog.pg_constraint con
            JOIN pg_catalog.pg_class t ON t.oid = con.conrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            LEFT JOIN pg_catalog.pg_class rt ON rt.oid = con.confrelid
            LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rt.relnamespace
            %s
            WHERE n.nspname = ? AND %s
            """.formatted(columnNames("con.conkey", "con.conrelid", null),
            commentJoin("ds", "pg_constraint", "con.oid"), notExtensionMember("t"));

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
                   CASE tg.tgenabled WHEN 'A' THEN 'always' WHEN 'R' THEN 'replica' END AS fires,
                   pg_catalog.pg_get_triggerdef(tg.oid, true) AS definition,
                   ds.description AS comment
            FROM pg_catalog.pg_trigger tg
            JOIN pg_catalog.pg_class t ON t.oid = tg.tgrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_catalog.pg_proc p ON p.oid = tg.tgfoid
            %s
            WHERE n.nspname = ? AND NOT tg.tgisinternal AND %s
            """.formatted(commentJoin("ds", "pg_trigger", "tg.oid"), notExtensionMember("t"));

    private static final String VIEWS = """
            SELECT c.relname, c.relkind = 'm' AS materialized, pg_catalog.pg_get_viewdef(c.oid, true) AS definition,
                   pg_catalog.pg_get_userbyid(c.relowner) AS owner_role, ds.description AS comment,
                   (SELECT spcname FROM pg_catalog.pg_tablespace WHERE oid = c.reltablespace) AS tablespace,
                   CASE WHEN am.amname <> 'heap' THEN am.amname END AS access_method,
                   (SELECT ic.relname FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
                     WHERE x.indrelid = c.oid AND x.indisclustered) AS cluster_on,
                   (SELECT pg_catalog.json_object_agg(s.key, s.value) FROM pg_catalog.pg_attribute a
                      JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid,
                      LATERAL (VALUES ('statistics of column ' || a.attname,
                                       CASE WHEN a.attstattarget >= 0 THEN a.attstattarget::text END),
                                      ('storage of column ' || a.attname,
                                       CASE WHEN a.attstorage <> ty.typstorage THEN a.attstorage::text END),
                                      ('compression of column ' || a.attname,
                                       CASE WHEN a.attcompression <> '' THEN a.attcompression::text END))
                           AS s(key, value)
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND s.value IS NOT NULL)
                       AS json_column_settings,
                   %s AS json_options, %s AS json_grants,
                   (SELECT pg_catalog.json_object_agg('comment on column ' || a.attname, cd.description)
                      FROM pg_catalog.pg_description cd
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = cd.objsubid
                     WHERE cd.objoid = c.oid AND cd.classoid = 'pg_catalog.pg_class'::regclass
                       AND cd.objsubid > 0) AS json_column_comments,
                   (SELECT pg_catalog.json_object_agg('default of column ' || a.attname,
                                                      pg_catalog.pg_get_expr(d.adbin, d.adrelid))
                      FROM pg_catalog.pg_attrdef d
                      JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.adnum
                     WHERE d.adrelid = c.oid) AS json_column_defaults
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
            %s
            WHERE n.nspname = ? AND c.relkind IN ('v', 'm') AND %s
            """.formatted(settings("c.reloptions", "option "), grants("c.relacl", "r", "c.relowner"),
            commentJoin("ds", "pg_class", "c.oid"), notExtensionMember("c"));

    /*
     * A function's body is prosrc, or for a SQL-standard body (BEGIN ATOMIC, RETURN expr) the parsed prosqlbody,
     * printed by pg_get_function_sqlbody (PostgreSQL 14 and newer). The definition is pg_get_functiondef's
     * CREATE FUNCTION as an md5, its first line (which names the function) replaced by the arguments with their
     * defaults, so that a declared rename is not also a change: it carries every attribute pg_dump writes, so an
     * attribute this query does not name still shows as a change. Aggregates have no pg_get_functiondef; their definition is their pg_aggregate
     * row spelt as CREATE AGGREGATE options.
     */
    private static final String FUNCTIONS = """
            SELECT p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid) AS arguments,
                   pg_catalog.oidvectortypes(p.proargtypes) AS argument_types,
                   pg_catalog.pg_get_function_result(p.oid) AS returns, l.lanname AS language,
                   CASE p.prokind WHEN 'p' THEN 'procedure' WHEN 'a' THEN 'aggregate' WHEN 'w' THEN 'window'
                        ELSE 'function' END AS kind,
                   CASE p.provolatile WHEN 'i' THEN 'immutable' WHEN 's' THEN 'stable' ELSE 'volatile' END AS volatility,
                   CASE WHEN p.prosecdef THEN 'definer' ELSE 'invoker' END AS security,
                   p.proisstrict, p.proleakproof,
                   CASE p.proparallel WHEN 's' THEN 'safe' WHEN 'r' THEN 'restricted' ELSE 'unsafe' END AS parallel,
                   CASE WHEN p.prokind <> 'a' THEN p.procost::text END AS cost,
                   CASE WHEN p.proretset THEN p.prorows::text END AS rows,
                   CASE WHEN p.prokind <> 'a' THEN md5(CASE WHEN p.prosqlbody IS NOT NULL
                        THEN pg_catalog.pg_get_function_sqlbody(p.oid) ELSE p.prosrc END) END AS body,
                   pg_catalog.pg_get_userbyid(p.proowner) AS owner_role, ds.description AS comment,
                   %s AS json_config, %s AS json_grants,
                   CASE WHEN p.prokind = 'a' THEN concat_ws(', ',
                        'SFUNC = ' || ag.aggtransfn::regproc::text,
                        'STYPE = ' || pg_catalog.format_type(ag.aggtranstype, NULL),
                        CASE WHEN ag.aggtransspace <> 0 THEN 'SSPACE = ' || ag.aggtransspace END,
                        CASE WHEN ag.aggfinalfn::oid <> 0 THEN 'FINALFUNC = ' || ag.aggfinalfn::regproc::text END,
                        CASE WHEN ag.aggfinalextra THEN 'FINALFUNC_EXTRA' END,
                        'FINALFUNC_MODIFY = ' || ag.aggfinalmodify::text,
                        CASE WHEN ag.aggcombinefn::oid <> 0 THEN 'COMBINEFUNC = ' || ag.aggcombinefn::regproc::text END,
                        CASE WHEN ag.aggserialfn::oid <> 0 THEN 'SERIALFUNC = ' || ag.aggserialfn::regproc::text END,
                        CASE WHEN ag.aggdeserialfn::oid <> 0 THEN 'DESERIALFUNC = ' || ag.aggdeserialfn::regproc::text END,
                        'INITCOND = ' || quote_literal(ag.agginitval),
                        CASE WHEN ag.aggmtransfn::oid <> 0 THEN 'MSFUNC = ' || ag.aggmtransfn::regproc::text END,
                        CASE WHEN ag.aggminvtransfn::oid <> 0 THEN 'MINVFUNC = ' || ag.aggminvtransfn::regproc::text END,
                        CASE WHEN ag.aggmtranstype <> 0 THEN 'MSTYPE = ' || pg_catalog.format_type(ag.aggmtranstype, NULL) END,
                        CASE WHEN ag.aggmfinalfn::oid <> 0 THEN 'MFINALFUNC = ' || ag.aggmfinalfn::regproc::text END,
                        'MINITCOND = ' || quote_literal(ag.aggminitval),
                        CASE WHEN ag.aggsortop <> 0 THEN 'SORTOP = ' || ag.aggsortop::regoperator::text END,
                        CASE ag.aggkind WHEN 'o' THEN 'ORDERED SET' WHEN 'h' THEN 'HYPOTHETICAL' END)
                   ELSE md5(pg_catalog.pg_get_function_arguments(p.oid)
                            || regexp_replace(pg_catalog.pg_get_functiondef(p.oid), '^[^\n]*\n', '')) END AS definition
            FROM pg_catalog.pg_proc p
            JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
            JOIN pg_catalog.pg_language l ON l.oid = p.prolang
            LEFT JOIN pg_catalog.pg_aggregate ag ON ag.aggfnoid = p.oid
            %s
            WHERE n.nspname = ? AND p.prokind IN ('f', 'p', 'a', 'w')
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_proc'::regclass
                              AND dep.objid = p.oid AND dep.deptype = 'e')
            """.formatted(settings("p.proconfig", "set "), grants("p.proacl", "f", "p.proowner"),
            commentJoin("ds", "pg_proc", "p.oid"));

    // A sequence is owned by a column through an 'a' (serial, OWNED BY) or 'i' (identity) dependency.
    private static final String SEQUENCES = """
            SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL) AS type,
                   (SELECT ot.relname || '.' || oa.attname
                      FROM pg_catalog.pg_depend d
                      JOIN pg_catalog.pg_class ot ON ot.oid = d.refobjid
                      JOIN pg_catalog.pg_attribute oa ON oa.attrelid = d.refobjid AND oa.attnum = d.refobjsubid
                     WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                       AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
                     LIMIT 1) AS owner,
                   s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min_value,
                   s.seqmax::text AS max_value, s.seqcache::text AS cache, s.seqcycle,
                   c.relpersistence = 'u' AS unlogged,
                   pg_catalog.pg_get_userbyid(c.relowner) AS owner_role, ds.description AS comment,
                   %s AS json_grants
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
            %s
            WHERE n.nspname = ? AND c.relkind = 'S' AND %s
            """.formatted(grants("c.relacl", "s", "c.relowner"), commentJoin("ds", "pg_class", "c.oid"),
            notExtensionMember("c"));

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
                       AS definition,
                   ds.description AS comment
            FROM pg_catalog.pg_policy pol
            JOIN pg_catalog.pg_class t ON t.oid = pol.polrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            %s
            WHERE n.nspname = ? AND %s
            """.formatted(commentJoin("ds", "pg_policy", "pol.oid"), notExtensionMember("t"));

    /*
     * Enums, domains, composite types and ranges: the types a schema's DDL creates (array types, table row types
     * and the multirange made with each range come along by themselves). Enum labels are quoted literals in sort
     * order, so a renamed or inserted label shows where it is.
     */
    private static final String TYPES = """
            SELECT t.typname,
                   CASE t.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'c' THEN 'composite'
                        WHEN 'r' THEN 'range' END AS type,
                   CASE WHEN t.typtype = 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', '
                                                                      ORDER BY e.enumsortorder)
                                                     FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid) END AS "values",
                   CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END AS base_type,
                   CASE WHEN t.typtype = 'd' THEN pg_catalog.pg_get_expr(t.typdefaultbin, 0) END AS "default",
                   CASE WHEN t.typtype = 'd' THEN (NOT t.typnotnull)::text END AS nullable,
                   CASE WHEN t.typtype = 'd' AND t.typcollation <> bt.typcollation THEN co.collname END AS collation,
                   CASE WHEN t.typtype = 'c' THEN
                        (SELECT string_agg(quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
                                           || CASE WHEN a.attcollation <> at.typcollation
                                                   THEN ' COLLATE ' || quote_ident(ac.collname) ELSE '' END,
                                           ', ' ORDER BY a.attnum)
                           FROM pg_catalog.pg_attribute a
                           JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
                           LEFT JOIN pg_catalog.pg_collation ac ON ac.oid = a.attcollation
                          WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped) END AS attributes,
                   (SELECT concat_ws(', ', 'SUBTYPE = ' || pg_catalog.format_type(r.rngsubtype, NULL),
                                     'SUBTYPE_OPCLASS = ' || oc.opcname,
                                     CASE WHEN r.rngcollation <> 0 THEN 'COLLATION = ' || rc.collname END,
                                     CASE WHEN r.rngcanonical::oid <> 0 THEN 'CANONICAL = ' || r.rngcanonical::text END,
                                     CASE WHEN r.rngsubdiff::oid <> 0 THEN 'SUBTYPE_DIFF = ' || r.rngsubdiff::text END)
                      FROM pg_catalog.pg_range r
                      JOIN pg_catalog.pg_opclass oc ON oc.oid = r.rngsubopc
                      LEFT JOIN pg_catalog.pg_collation rc ON rc.oid = r.rngcollation
                     WHERE r.rngtypid = t.oid) AS range,
                   pg_catalog.pg_get_userbyid(t.typowner) AS owner_role, ds.description AS comment,
                   (SELECT pg_catalog.json_object_agg('constraint ' || con.conname,
                                                      pg_catalog.pg_get_constraintdef(con.oid, true))
                      FROM pg_catalog.pg_constraint con WHERE con.contypid = t.oid) AS json_constraints,
                   (SELECT pg_catalog.json_object_agg('comment on constraint ' || con.conname, cd.description)
                      FROM pg_catalog.pg_constraint con
                      JOIN pg_catalog.pg_description cd ON cd.objoid = con.oid
                           AND cd.classoid = 'pg_catalog.pg_constraint'::regclass
                     WHERE con.contypid = t.oid) AS json_constraint_comments,
                   %s AS json_grants
            FROM pg_catalog.pg_type t
            JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
            LEFT JOIN pg_catalog.pg_class tc ON tc.oid = t.typrelid
            LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype
            LEFT JOIN pg_catalog.pg_collation co ON co.oid = t.typcollation
            %s
            WHERE n.nspname = ? AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND tc.relkind = 'c'))
              AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = 'pg_catalog.pg_type'::regclass
                              AND dep.objid = t.oid AND dep.deptype = 'e')
            """.formatted(grants("t.typacl", "T", "t.typowner"), commentJoin("ds", "pg_type", "t.oid"));

    // The _RETURN rule of every view is the view itself, read by VIEWS.
    private static final String RULES = """
            SELECT r.rulename, t.relname AS table_name,
                   CASE r.ev_type WHEN '1' THEN 'select' WHEN '2' THEN 'update' WHEN '3' THEN 'insert'
                        WHEN '4' THEN 'delete' END AS event,
                   r.ev_enabled <> 'D' AS enabled,
                   CASE r.ev_enabled WHEN 'A' THEN 'always' WHEN 'R' THEN 'replica' END AS fires,
                   pg_catalog.pg_get_ruledef(r.oid, true) AS definition,
                   ds.description AS comment
            FROM pg_catalog.pg_rewrite r
            JOIN pg_catalog.pg_class t ON t.oid = r.ev_class
            JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
            %s
            WHERE n.nspname = ? AND r.rulename <> '_RETURN' AND %s
            """.formatted(commentJoin("ds", "pg_rewrite", "r.oid"), notExtensionMember("t"));

    private static final String STATISTICS = """
            SELECT s.stxname, t.relname AS table_name, pg_catalog.pg_get_statisticsobjdef(s.oid) AS definition,
                   CASE WHEN s.stxstattarget >= 0 THEN s.stxstattarget::text END AS statistics,
                   pg_catalog.pg_get_userbyid(s.stxowner) AS owner_role, ds.description AS comment
            FROM pg_catalog.pg_statistic_ext s
            JOIN pg_catalog.pg_class t ON t.oid = s.stxrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace
            %s
            WHERE n.nspname = ? AND %s
            """.formatted(commentJoin("ds", "pg_statistic_ext", "s.oid"), notExtensionMember("t"));

    // The schema itself: its owner, privileges and comment are in pg_dump's output too.
    private static final String SCHEMAS = """
            SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) AS owner_role, ds.description AS comment,
                   %s AS json_grants
            FROM pg_catalog.pg_namespace n
            %s
            WHERE n.nspname = ?
            """.formatted(grants("n.nspacl", "n", "n.nspowner"), commentJoin("ds", "pg_namespace", "n.oid"));

    @FunctionalInterface
    private interface RowReader {
        /** @param json the positions of the row's {@code json_*} columns */
        CatalogObject read(ResultSet rs, int[] json) throws SQLException;
    }

    private record Catalog(String sql, RowReader reader) {}

    private static final Map<ObjectKind, Catalog> CATALOGS = new EnumMap<>(ObjectKind.class);

    static {
        CATALOGS.put(ObjectKind.TABLES, new Catalog(TABLES, (rs, json) -> object(rs, json, ObjectKind.TABLES, rs.getString(1), null,
                null, "rls", bool(rs, "relrowsecurity"), "partitioned", bool(rs, "partitioned"),
                "unlogged", bool(rs, "unlogged"), "forceRls", bool(rs, "relforcerowsecurity"),
                "ownerRole", rs.getString("owner_role"), "comment", rs.getString("comment"),
                "replicaIdentity", rs.getString("replica_identity"), "clusterOn", rs.getString("cluster_on"),
                "partitionKey", rs.getString("partition_key"), "partitionBound", rs.getString("partition_bound"),
                rs.getBoolean("relispartition") ? "partitionOf" : "inherits", rs.getString("parents"),
                "tablespace", rs.getString("tablespace"), "accessMethod", rs.getString("access_method"),
                "ofType", rs.getString("of_type"))));
        CATALOGS.put(ObjectKind.COLUMNS, new Catalog(COLUMNS, (rs, json) -> object(rs, json, ObjectKind.COLUMNS, rs.getString(2),
                rs.getString(1), null, "type", rs.getString("type"), "nullable", String.valueOf(!rs.getBoolean("attnotnull")),
                "default", rs.getString("default"), "generated", rs.getString("generated"),
                "identity", rs.getString("identity"), "collation", rs.getString("collation"),
                "statistics", rs.getString("statistics"), "storage", rs.getString("storage"),
                "compression", rs.getString("compression"), "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.INDEXES, new Catalog(INDEXES, (rs, json) -> object(rs, json, ObjectKind.INDEXES, rs.getString(1),
                rs.getString("table_name"), rs.getString("definition"), "table", rs.getString("table_name"),
                "unique", bool(rs, "indisunique"), "primary", bool(rs, "indisprimary"), "partial", bool(rs, "partial"),
                "valid", bool(rs, "indisvalid"), "method", rs.getString("amname"), "columns", rs.getString("columns"),
                "include", rs.getString("include"), "tablespace", rs.getString("tablespace"),
                "attachedTo", rs.getString("attached_to"), "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.CONSTRAINTS, new Catalog(CONSTRAINTS, (rs, json) -> object(rs, json, ObjectKind.CONSTRAINTS,
                rs.getString(1), rs.getString("table_name"), rs.getString("definition"), "table",
                rs.getString("table_name"), "type", rs.getString("type"), "columns", rs.getString("columns"),
                "references", rs.getString("references"), "validated", bool(rs, "convalidated"),
                "deferrable", bool(rs, "condeferrable"), "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.TRIGGERS, new Catalog(TRIGGERS, (rs, json) -> object(rs, json, ObjectKind.TRIGGERS, rs.getString(1),
                rs.getString("table_name"), rs.getString("definition"), "table", rs.getString("table_name"),
                "timing", rs.getString("timing"), "events", rs.getString("events"), "level", rs.getString("level"),
                "function", rs.getString("function"), "enabled", bool(rs, "enabled"), "fires", rs.getString("fires"),
                "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.VIEWS, new Catalog(VIEWS, (rs, json) -> object(rs, json, ObjectKind.VIEWS, rs.getString(1), null,
                rs.getString("definition"), "materialized", bool(rs, "materialized"),
                "ownerRole", rs.getString("owner_role"), "comment", rs.getString("comment"),
                "tablespace", rs.getString("tablespace"), "accessMethod", rs.getString("access_method"),
                "clusterOn", rs.getString("cluster_on"))));
        CATALOGS.put(ObjectKind.FUNCTIONS, new Catalog(FUNCTIONS, (rs, json) -> object(rs, json, ObjectKind.FUNCTIONS,
                rs.getString(1), null, rs.getString("definition"), "arguments", rs.getString("arguments"),
                "argumentTypes", rs.getString("argument_types"), "returns", rs.getString("returns"), "language", rs.getString("language"), "kind",
                rs.getString("kind"), "volatility", rs.getString("volatility"), "security", rs.getString("security"),
                "strict", bool(rs, "proisstrict"), "leakproof", bool(rs, "proleakproof"),
                "parallel", rs.getString("parallel"), "cost", rs.getString("cost"), "rows", rs.getString("rows"),
                "body", rs.getString("body"), "ownerRole", rs.getString("owner_role"),
                "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.SEQUENCES, new Catalog(SEQUENCES, (rs, json) -> object(rs, json, ObjectKind.SEQUENCES,
                rs.getString(1), null, null, "type", rs.getString("type"), "owner", rs.getString("owner"),
                "start", rs.getString("start"), "increment", rs.getString("increment"),
                "minValue", rs.getString("min_value"), "maxValue", rs.getString("max_value"),
                "cache", rs.getString("cache"), "cycle", bool(rs, "seqcycle"), "unlogged", bool(rs, "unlogged"),
                "ownerRole", rs.getString("owner_role"), "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.EXTENSIONS, new Catalog(EXTENSIONS, (rs, json) -> object(rs, json, ObjectKind.EXTENSIONS,
                rs.getString(1), null, null, "version", rs.getString("version"), "schema", rs.getString("schema"))));
        CATALOGS.put(ObjectKind.POLICIES, new Catalog(POLICIES, (rs, json) -> object(rs, json, ObjectKind.POLICIES, rs.getString(1),
                rs.getString("table_name"), emptyToNull(rs.getString("definition")), "table",
                rs.getString("table_name"), "command", rs.getString("command"), "permissive",
                bool(rs, "polpermissive"), "roles", rs.getString("roles"), "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.TYPES, new Catalog(TYPES, (rs, json) -> object(rs, json, ObjectKind.TYPES, rs.getString(1), null,
                null, "type", rs.getString("type"), "values", rs.getString("values"),
                "baseType", rs.getString("base_type"), "default", rs.getString("default"),
                "nullable", rs.getString("nullable"), "collation", rs.getString("collation"),
                "attributes", rs.getString("attributes"), "range", rs.getString("range"),
                "ownerRole", rs.getString("owner_role"), "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.RULES, new Catalog(RULES, (rs, json) -> object(rs, json, ObjectKind.RULES, rs.getString(1),
                rs.getString("table_name"), rs.getString("definition"), "table", rs.getString("table_name"),
                "event", rs.getString("event"), "enabled", bool(rs, "enabled"), "fires", rs.getString("fires"),
                "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.STATISTICS, new Catalog(STATISTICS, (rs, json) -> object(rs, json, ObjectKind.STATISTICS,
                rs.getString(1), rs.getString("table_name"), rs.getString("definition"), "table",
                rs.getString("table_name"), "statistics", rs.getString("statistics"),
                "ownerRole", rs.getString("owner_role"), "comment", rs.getString("comment"))));
        CATALOGS.put(ObjectKind.SCHEMAS, new Catalog(SCHEMAS, (rs, json) -> object(rs, json, ObjectKind.SCHEMAS, rs.getString(1),
                null, null, "ownerRole", rs.getString("owner_role"), "comment", rs.getString("comment"))));
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
        return read(readOnlyConnection, schema, CATALOGS.keySet());
    }

    /**
     * Reads only the given object kinds of {@code schema}, as {@link #read(Connection, String)} otherwise: an object
     * check asks for the one catalog it compares (plus tables and views to find its table), not all fifteen.
     */
    public static SchemaSnapshot read(Connection readOnlyConnection, String schema, Set<ObjectKind> kinds)
            throws SQLException {
        Connection c = readOnlyConnection;
        boolean ownTransaction = c.getAutoCommit();
        int isolation = c.getTransactionIsolation();
        if (ownTransaction) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        }
        try {
            List<CatalogObject> objects = readAll(c, schema, kinds, ownTransaction);
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

    /*
     * The kinds in the groups a parallel read gives each a connection of its own, slowest first (at 2,000 tables:
     * indexes and constraints about a second each on the server, mostly pg_get_indexdef and pg_get_constraintdef;
     * columns and tables about half that; the other ten kinds together less), so the slow ones start at once.
     */
    private static final List<Set<ObjectKind>> PARALLEL_GROUPS = List.of(EnumSet.of(ObjectKind.INDEXES),
            EnumSet.of(ObjectKind.CONSTRAINTS), EnumSet.of(ObjectKind.COLUMNS), EnumSet.of(ObjectKind.TABLES),
            EnumSet.complementOf(EnumSet.of(ObjectKind.INDEXES, ObjectKind.CONSTRAINTS, ObjectKind.COLUMNS,
                    ObjectKind.TABLES)));

    /**
     * Every object kind of {@code schema} as reads to run side by side, each on its own connection inside one
     * exported snapshot ({@link RowCounter}, which also counts rows in it); {@link #merge} makes one snapshot of
     * what they return, the same as {@link #read(Connection, String)} would on one connection. Each read still
     * issues one statement per kind.
     */
    public static List<RowCounter.Read<SchemaSnapshot>> parallelReads(String schema) {
        return PARALLEL_GROUPS.stream().<RowCounter.Read<SchemaSnapshot>>map(kinds -> c -> read(c, schema, kinds))
                .toList();
    }

    /** One snapshot of the parts that {@link #parallelReads} returned. */
    public static SchemaSnapshot merge(String schema, List<SchemaSnapshot> parts) {
        List<CatalogObject> objects = new ArrayList<>();
        for (SchemaSnapshot part : parts) objects.addAll(part.objects());
        // In kind order first, as one connection reads them, so objects with equal keys (if any) keep its order.
        objects.sort(Comparator.comparing(CatalogObject::kind));
        return new SchemaSnapshot(schema, objects);
    }

    /**
     * Every object kind of {@code schema}, read side by side on connections of {@code db}'s read-only pool that
     * share one exported snapshot: a REPEATABLE READ, READ ONLY transaction on each, always rolled back.
     */
    public static SchemaSnapshot read(Database db, String schema, ExecutorService workers, int parallelism,
                                      CancelToken token, Duration timeout) throws SQLException, InterruptedException {
        return merge(schema, RowCounter.count(db, schema, List.of(), List.of(), workers, parallelism, token, timeout,
                parallelReads(schema)).inSnapshot());
    }

    private static List<CatalogObject> readAll(Connection c, String schema, Set<ObjectKind> kinds,
                                               boolean ownTransaction)
            throws SQLException {
        String previousSearchPath;
        try (PreparedStatement ps = c.prepareStatement(PIN_SEARCH_PATH)) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                previousSearchPath = rs.getString(1);
            }
        }
        List<CatalogObject> objects = readPinned(c, schema, kinds);
        if (!ownTransaction) {
            // Inside the caller's transaction the pinned path would outlive this read.
            try (PreparedStatement ps = c.prepareStatement(RESTORE_SEARCH_PATH)) {
                ps.setString(1, previousSearchPath);
                ps.executeQuery().close();
            }
        }
        return objects;
    }

    private static List<CatalogObject> readPinned(Connection c, String schema, Set<ObjectKind> kinds)
            throws SQLException {
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
        for (Map.Entry<ObjectKind, Catalog> e : CATALOGS.entrySet()) {
            if (!kinds.contains(e.getKey())) continue;
            Catalog catalog = e.getValue();
            try (PreparedStatement ps = c.prepareStatement(catalog.sql())) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    int[] json = jsonColumns(rs.getMetaData());
                    while (rs.next()) objects.add(catalog.reader().read(rs, json));
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

    /**
     * Builds an object from named values plus every {@code json_*} column of the row: a JSON object of properties
     * whose names are data (one per storage parameter, per grantee, per SET, per domain constraint).
     */
    private static CatalogObject object(ResultSet rs, int[] jsonColumns, ObjectKind kind, String name, String table,
                                        String definition, String... keyValues) throws SQLException {
        Map<String, String> properties = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) properties.put(keyValues[i], keyValues[i + 1]);
        for (int i : jsonColumns) {
            String json = rs.getString(i);
            if (json == null) continue;
            try {
                JSON.readTree(json).properties().forEach(e -> properties.put(e.getKey(), e.getValue().asText()));
            } catch (JsonProcessingException e) {
                throw new SQLException("unreadable catalog value in " + rs.getMetaData().getColumnLabel(i) + ": "
                        + json, e);
            }
        }
        return new CatalogObject(kind, name, table, properties, definition);
    }

    /** The positions of a result's {@code json_*} columns, found once per query rather than once per row. */
    private static int[] jsonColumns(ResultSetMetaData meta) throws SQLException {
        List<Integer> found = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).startsWith("json_")) found.add(i);
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }
}
