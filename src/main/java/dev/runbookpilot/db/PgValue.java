package dev.runbookpilot.db;

/**
 * One libpq connection parameter value and where it came from, so that an error can say "port "54x2" (from
 * environment variable PGPORT)" instead of just "bad port".
 *
 * @param value  the decoded value
 * @param origin a human-readable origin, e.g. {@code position 12 of the connection string}
 */
record PgValue(String value, String origin) {
    boolean isBlank() {
        return value == null || value.isBlank();
    }
}
