package dev.runbookpilot.check;

import dev.runbookpilot.db.SchemaSnapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Snapshots taken earlier in the session, by name; the session keeps them in its journal. */
public interface Snapshots {

    /**
     * What a snapshot recorded: exact row counts (null for an absent table) and the schema, at one instant, and the
     * baseline of each hot query by name ({@code queries}; empty in journals written before snapshots timed
     * queries).
     */
    record Data(String name, String schema, Map<String, Long> rowCounts, SchemaSnapshot catalog, Instant takenAt,
                Map<String, CheckDetail.Measurement> queries) {
        public Data {
            queries = queries == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(queries));
        }

        public Data(String name, String schema, Map<String, Long> rowCounts, SchemaSnapshot catalog,
                    Instant takenAt) {
            this(name, schema, rowCounts, catalog, takenAt, Map.of());
        }
    }

    Optional<Data> get(String name);
}
