package dev.runbookpilot.db;

import dev.runbookpilot.runbook.ObjectKind;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One object of a schema as the catalog describes it. Names are exactly as PostgreSQL stores them (case
 * preserved, never quoted). Properties are text; a property without a value (a column without a default) is
 * absent rather than null. They are kept sorted so that a snapshot serialises the same way every time.
 *
 * @param table      the table (or view) the object belongs to, for columns, indexes, constraints, triggers,
 *                   policies, rules and extended statistics; null for schema-level objects
 * @param definition the object's SQL as PostgreSQL prints it (for functions an md5 of pg_get_functiondef, for
 *                   aggregates their CREATE AGGREGATE options), or null
 */
public record CatalogObject(ObjectKind kind, String name, String table, Map<String, String> properties,
                            String definition) {

    public CatalogObject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        TreeMap<String, String> sorted = new TreeMap<>();
        if (properties != null) {
            properties.forEach((k, v) -> {
                if (v != null) sorted.put(k, v);
            });
        }
        properties = Collections.unmodifiableMap(sorted);
    }

    /**
     * The identity used to diff snapshots and to name objects in schema-diff declarations:
     * {@code table:users}, {@code column:users.email}, {@code index:users_email_key},
     * {@code constraint:users.users_pkey}, {@code function:f(integer, text)}, {@code extension:pgcrypto},
     * {@code type:mpaa_rating}, {@code rule:film_list.film_list_delete}, {@code statistics:film_stats},
     * {@code schema:app}. Extended statistics, like indexes, are named without their table.
     * Index names are unique within a schema, so an index key does not name its table. A function is keyed by
     * its argument types, as PostgreSQL tells overloads apart; parameter names are in property {@code arguments}.
     */
    public String key() {
        return kind.singular() + ":" + qualifiedName();
    }

    /** The name as it appears in a key, without the kind: {@code users.email}, {@code f(integer, text)}. */
    public String qualifiedName() {
        if (kind == ObjectKind.FUNCTIONS) return name + "(" + properties.getOrDefault("argumentTypes", "") + ")";
        if (table != null && kind != ObjectKind.INDEXES && kind != ObjectKind.STATISTICS) return table + "." + name;
        return name;
    }

    public String property(String key) {
        return properties.get(key);
    }
}
