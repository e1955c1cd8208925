package dev.runbookpilot.check;

import dev.runbookpilot.db.SchemaSnapshot;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/** Snapshots taken earlier in the session, by name; the session keeps them in its journal. */
public interface Snapshots {

    /** What a snapshot recorded: exact row counts (null for an absent table) and the schema, at one instant. */
    record Data(String name, String schema, Map<String, Long> rowCounts, SchemaSnapshot catalog, Instant takenAt) {}

    Optional<Data> get(String name);
}
