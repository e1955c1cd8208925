package dev.runbookpilot.check;

import dev.runbookpilot.db.SchemaSnapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Snapshots taken earlier in the session, by name; the session keeps them in its journal. */
public interface Snapshots {

    /**
     * What a snapshot recorded: exact row counts (null for an absent table) and the schema, at one instant, the
     * baseline of each hot query by name ({@code queries}; empty in journals written before snapshots timed
     * queries), and the content checksum of each table it was asked to checksum ({@code checksums}, a
     * {@link dev.runbookpilot.db.ContentChecksum} value, null for an absent table; empty in journals written before
     * snapshots took checksums).
     */
    record Data(String name, String schema, Map<String, Long> rowCounts, SchemaSnapshot catalog, Instant takenAt,
                Map<String, CheckDetail.Measurement> queries, Map<String, String> checksums) {
        public Data {
            queries = queries == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(queries));
            checksums = checksums == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(checksums));
        }

        public Data(String name, String schema, Map<String, Long> rowCounts, SchemaSnapshot catalog, Instant takenAt,
                    Map<String, CheckDetail.Measurement> queries) {
            this(name, schema, rowCounts, catalog, takenAt, queries, Map.of());
        }

        public Data(String name, String schema, Map<String, Long> rowCounts, SchemaSnapshot catalog,
                    Instant takenAt) {
            this(name, schema, rowCounts, catalog, takenAt, Map.of(), Map.of());
        }
    }

    Optional<Data> get(String name);
}
