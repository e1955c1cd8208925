package dev.runbookpilot.runbook;

import java.util.Objects;

/**
 * What the runbook expects to be connected to.
 *
 * @param database when set, the run refuses any connection whose current database has another name
 * @param schema   the schema object checks look in unless a check names its own
 */
public record Target(Environment environment, String database, String schema) {
    public Target {
        Objects.requireNonNull(environment, "environment");
        schema = schema == null || schema.isBlank() ? "public" : schema;
    }
}
