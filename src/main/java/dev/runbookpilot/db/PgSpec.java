package dev.runbookpilot.db;

import java.util.Map;

/**
 * A connection spec as typed, before the service file, the PG* environment and the defaults are applied.
 *
 * @param values         libpq keyword -> value, in the order given; later duplicates have replaced earlier ones
 * @param jdbcExtras     pgjdbc properties from a {@code jdbc:postgresql:} URL that have no libpq keyword, passed on
 * @param passwordSource how to describe a password taken from this spec ({@code "URI"} or {@code "connection string"})
 */
record PgSpec(Map<String, PgValue> values, Map<String, String> jdbcExtras, String passwordSource) {
}
