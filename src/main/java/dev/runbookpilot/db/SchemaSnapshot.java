package dev.runbookpilot.db;

import dev.runbookpilot.runbook.ObjectKind;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The catalog objects of one schema at one moment (plus the database's extensions, which belong to no schema),
 * ordered by key. Plain records without cycles, so the session journal stores it as JSON and reads it back equal.
 */
public record SchemaSnapshot(String schema, List<CatalogObject> objects) {

    public SchemaSnapshot {
        Objects.requireNonNull(schema, "schema");
        objects = objects.stream().sorted(Comparator.comparing(CatalogObject::key)).toList();
    }

    public List<CatalogObject> of(ObjectKind kind) {
        return objects.stream().filter(o -> o.kind() == kind).toList();
    }

    /** Objects of a kind that belong to a table (its columns, indexes, ...); names compare exactly. */
    public List<CatalogObject> of(ObjectKind kind, String table) {
        return objects.stream().filter(o -> o.kind() == kind && Objects.equals(o.table(), table)).toList();
    }

    public Optional<CatalogObject> find(String key) {
        return objects.stream().filter(o -> o.key().equals(key)).findFirst();
    }
}
