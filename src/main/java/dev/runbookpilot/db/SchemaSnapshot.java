package dev.runbookpilot.db;

import java.util.List;

/** Placeholder until the catalog branch lands (same signature). */
public record SchemaSnapshot(String schema, List<CatalogObject> objects) {}
