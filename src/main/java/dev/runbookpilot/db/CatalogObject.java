package dev.runbookpilot.db;

import dev.runbookpilot.runbook.ObjectKind;
import java.util.Map;

/** Placeholder until the catalog branch lands (same signature). */
public record CatalogObject(ObjectKind kind, String name, String table, Map<String, String> properties, String definition) {}
