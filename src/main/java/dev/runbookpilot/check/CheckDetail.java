package dev.runbookpilot.check;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Map;

/**
 * The evidence behind a check result, shown below the check and kept in the journal and the report.
 * Each kind of check fills in the detail that proves its verdict.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = CheckDetail.Rows.class, name = "rows"),
        @JsonSubTypes.Type(value = CheckDetail.ObjectsDiff.class, name = "objects"),
        @JsonSubTypes.Type(value = CheckDetail.RowCountDiff.class, name = "rowCounts"),
        @JsonSubTypes.Type(value = CheckDetail.SchemaChanges.class, name = "schemaDiff"),
        @JsonSubTypes.Type(value = CheckDetail.Plan.class, name = "plan"),
        @JsonSubTypes.Type(value = CheckDetail.Notices.class, name = "notices"),
        @JsonSubTypes.Type(value = CheckDetail.SnapshotTaken.class, name = "snapshot"),
        @JsonSubTypes.Type(value = CheckDetail.BackupProof.class, name = "backup"),
})
public sealed interface CheckDetail {

    /** Result rows of a query, as text (NULL as null), capped at a display limit. */
    record Rows(List<String> columns, List<List<String>> rows, boolean truncated) implements CheckDetail {
        public Rows {
            columns = List.copyOf(columns);
            rows = List.copyOf(rows);
        }
    }

    /** Catalog objects compared with what the runbook declared. */
    record ObjectsDiff(List<String> found, List<String> missing, List<String> unexpected, List<String> mismatched)
            implements CheckDetail {
        public ObjectsDiff {
            found = List.copyOf(found);
            missing = List.copyOf(missing);
            unexpected = List.copyOf(unexpected);
            mismatched = List.copyOf(mismatched);
        }
    }

    /** One line of a row-count comparison; {@code before} or {@code after} is null where the table is absent. */
    record RowCountLine(String beforeTable, String afterTable, Long before, Long after, Status status, String note) {
        public Long delta() {
            return before == null || after == null ? null : after - before;
        }
    }

    record RowCountDiff(String snapshot, List<RowCountLine> lines) implements CheckDetail {
        public RowCountDiff {
            lines = List.copyOf(lines);
        }
    }

    /**
     * One schema change. {@code expected}: the runbook declared it; a change that happened undeclared or that
     * was declared but did not happen fails the check. {@code what}: for a changed object, each difference in
     * words ("fillfactor 100 → 70; STRICT added"); null otherwise.
     */
    record SchemaChange(String change, String object, String before, String after, boolean expected,
                        boolean happened, String what) {

        public SchemaChange(String change, String object, String before, String after, boolean expected,
                            boolean happened) {
            this(change, object, before, after, expected, happened, null);
        }

        /**
         * The object and, for a change to one, what changed in a DBA's words: "function:f(integer): STRICT added;
         * owner alice → bob".
         */
        public String label() {
            return what == null || what.isEmpty() ? object : object + ": " + what;
        }
    }

    record SchemaChanges(String snapshot, List<SchemaChange> changes) implements CheckDetail {
        public SchemaChanges {
            changes = List.copyOf(changes);
        }
    }

    /** An EXPLAIN plan as PostgreSQL printed it, with the lines that decided the verdict. */
    record Plan(String text, List<String> findings, Double totalCost) implements CheckDetail {
        public Plan {
            findings = List.copyOf(findings);
        }
    }

    /** Server notices raised by a migration and the expected ones that never came. */
    record Notices(List<String> received, List<String> missing, long rowsAffected) implements CheckDetail {
        public Notices {
            received = List.copyOf(received);
            missing = List.copyOf(missing);
        }
    }

    /** What a snapshot recorded: exact row counts and the number of catalog objects. */
    record SnapshotTaken(String name, Map<String, Long> rowCounts, int schemaObjects) implements CheckDetail {
        public SnapshotTaken {
            rowCounts = Map.copyOf(rowCounts);
        }
    }

    /**
     * One table of a restore drill: its exact row count in the snapshot the dump saw, and in the restored copy
     * ({@code restored} null where the table is missing from the restore).
     */
    record RestoredCount(String table, long snapshot, Long restored) {
        public boolean matches() {
            return restored != null && restored == snapshot;
        }
    }

    /**
     * The proof of a backup. {@code sha256} is of the file, or for the directory format of the {@code sha256sum}
     * lines of its files (see docs/runbook-format.md), so an auditor can compute it again. {@code entries} is the
     * number of entries {@code pg_restore --list} read back (null when it was not read); {@code missing} names
     * tables the dump lacks; {@code counts} are per table; {@code restore} says what the drill found, or why it did
     * not run; {@code command} is the pg_dump command line (the connection comes from PG* variables, never a
     * password on it).
     */
    record BackupProof(String file, String format, Long sizeBytes, String sha256, long dumpMillis,
                       String pgDumpVersion, String pgRestoreVersion, String serverVersion, String snapshotId,
                       Integer entries, List<String> missing, String verify, String scratch, String restore,
                       List<RestoredCount> counts, String command) implements CheckDetail {
        public BackupProof {
            missing = missing == null ? List.of() : List.copyOf(missing);
            counts = counts == null ? List.of() : List.copyOf(counts);
        }
    }
}
