package dev.runbookpilot.runbook;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/** Catalog object kinds that object checks and schema snapshots know, with the properties a runbook may pin. */
public enum ObjectKind {
    TABLES("tables", "table", Set.of("rls")),
    COLUMNS("columns", "column", Set.of("type", "nullable", "default")),
    INDEXES("indexes", "index", Set.of("unique", "columns", "partial", "method", "table", "primary")),
    CONSTRAINTS("constraints", "constraint", Set.of("type", "columns", "references", "definition", "table")),
    TRIGGERS("triggers", "trigger", Set.of("table", "timing", "events", "function", "enabled")),
    VIEWS("views", "view", Set.of("materialized")),
    FUNCTIONS("functions", "function", Set.of("arguments", "returns", "language")),
    SEQUENCES("sequences", "sequence", Set.of("owner")),
    EXTENSIONS("extensions", "extension", Set.of("version")),
    POLICIES("policies", "policy", Set.of("table", "command", "permissive", "roles")),
    TYPES("types", "type", Set.of("type")),
    RULES("rules", "rule", Set.of("table", "event")),
    STATISTICS("statistics", "statistics", Set.of("table")),
    SCHEMAS("schemas", "schema", Set.of());

    private final String yamlKey;
    private final String singular;
    private final Set<String> properties;

    ObjectKind(String yamlKey, String singular, Set<String> properties) {
        this.yamlKey = yamlKey;
        this.singular = singular;
        this.properties = properties;
    }

    public String yamlKey() { return yamlKey; }

    /** The prefix used in schema-diff entries: {@code index:users_email_key}. */
    public String singular() { return singular; }

    public Set<String> properties() { return properties; }

    /**
     * Whether runbooks may use the kind as an object check. A snapshot holds only its own schema, so a
     * {@code schemas} check could only ever see that one and "absent" would pass without having looked; the schema
     * is in snapshots for schemaDiff (its owner, privileges and comment).
     */
    public boolean checkable() { return this != SCHEMAS; }

    public static Optional<ObjectKind> ofYamlKey(String key) {
        return Arrays.stream(values()).filter(k -> k.yamlKey.equals(key)).findFirst();
    }

    public static Optional<ObjectKind> ofSingular(String singular) {
        return Arrays.stream(values()).filter(k -> k.singular.equals(singular)).findFirst();
    }
}
