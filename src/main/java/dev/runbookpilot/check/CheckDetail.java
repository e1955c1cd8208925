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
        @JsonSubTypes.Type(value = CheckDetail.PlanComparison.class, name = "planComparison"),
        @JsonSubTypes.Type(value = CheckDetail.CommandRun.class, name = "command"),
        @JsonSubTypes.Type(value = CheckDetail.BackupProof.class, name = "backup"),
        @JsonSubTypes.Type(value = CheckDetail.RestoredProof.class, name = "restored"),
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

    /**
     * Server notices raised by a migration and the expected ones that never came; {@code locks}: what it held and
     * waited for (null in journals written before locks were recorded).
     */
    record Notices(List<String> received, List<String> missing, long rowsAffected,
                   dev.runbookpilot.db.Locks.Report locks) implements CheckDetail {
        public Notices {
            received = List.copyOf(received);
            missing = List.copyOf(missing);
        }

        public Notices(List<String> received, List<String> missing, long rowsAffected) {
            this(received, missing, rowsAffected, null);
        }
    }

    /**
     * What a snapshot recorded: exact row counts, the number of catalog objects, the baseline of each hot query
     * (none in journals written before snapshots timed queries) and the content checksum of each table it was asked
     * to checksum (none before snapshots took checksums).
     */
    record SnapshotTaken(String name, Map<String, Long> rowCounts, int schemaObjects, List<Measurement> queries,
                         Map<String, String> checksums) implements CheckDetail {
        public SnapshotTaken {
            rowCounts = Map.copyOf(rowCounts);
            queries = queries == null ? List.of() : List.copyOf(queries);
            checksums = checksums == null ? Map.of() : Map.copyOf(checksums);
        }

        public SnapshotTaken(String name, Map<String, Long> rowCounts, int schemaObjects, List<Measurement> queries) {
            this(name, rowCounts, schemaObjects, queries, Map.of());
        }

        public SnapshotTaken(String name, Map<String, Long> rowCounts, int schemaObjects) {
            this(name, rowCounts, schemaObjects, List.of(), Map.of());
        }
    }

    /** One node of a plan, as far as its shape goes: what it does, to which relation, with which index. */
    record PlanNode(int depth, String type, String relation, String index) {}

    /**
     * A hot query measured with EXPLAIN (ANALYZE, BUFFERS): the server's execution time of each timed run (the
     * warm-up run is not among them), in the order they ran, and the plan of the run with the median time.
     *
     * @param indexOids the catalog's oids of each index the plan used, so an index renamed by the migration is still
     *                  recognised as the same index
     */
    record Measurement(String name, String sql, List<Double> runsMs, String planText, List<PlanNode> nodes,
                       Map<String, List<Long>> indexOids) {
        public Measurement {
            runsMs = List.copyOf(runsMs);
            nodes = List.copyOf(nodes);
            indexOids = indexOids == null ? Map.of() : Map.copyOf(indexOids);
        }

        /** The runs' times, fastest first. */
        public List<Double> sortedMs() {
            return runsMs.stream().sorted().toList();
        }

        /** The median run's time (the mean of the two middle ones for an even number of runs). */
        public double medianMs() {
            List<Double> s = sortedMs();
            int n = s.size();
            return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
        }

        public double minMs() {
            return sortedMs().get(0);
        }

        public double maxMs() {
            return sortedMs().get(runsMs.size() - 1);
        }

        /** Index names the plan used, in plan order, each once. */
        public List<String> indexes() {
            return nodes.stream().map(PlanNode::index).filter(java.util.Objects::nonNull).distinct().toList();
        }

        /** "median 4.210 ms (3.980–4.650 ms over 5 runs)". */
        public String summary() {
            return String.format(java.util.Locale.ROOT, "median %.3f ms (%.3f–%.3f ms over %d runs)", medianMs(),
                    minMs(), maxMs(), runsMs.size());
        }
    }

    /**
     * A hot query now against its baseline: both measurements side by side, the indexes the plan no longer uses,
     * and how the times were judged ({@code timing}: the rule's verdict in words).
     */
    record PlanComparison(String snapshot, Measurement before, Measurement after, double slowerByPercent,
                          List<String> lostIndexes, String timing) implements CheckDetail {
        public PlanComparison {
            lostIndexes = List.copyOf(lostIndexes);
        }
    }

    /**
     * One line a command printed, masked: its number across both streams (from 1), when it ended, {@code OUT} or
     * {@code ERR}, and the text.
     */
    record OutputLine(long number, java.time.Instant at, String stream, String text) {}

    /** An {@code expectOutput} or {@code rejectOutput} pattern and the first line it matched; null when none did. */
    record PatternMatch(String pattern, OutputLine line) {}

    /**
     * What a command step ran and what came of it.
     *
     * @param command     the command line as the operator approved it
     * @param cwd         the working directory
     * @param variables   the names of the variables set for it (values are not kept: some are secrets)
     * @param started     whether the process started at all (false: nothing ran)
     * @param exitCode    null when it did not exit by itself (stopped, or not started)
     * @param ending      EXITED, TIMED_OUT or CANCELLED; null when it did not start
     * @param expected    every {@code expectOutput} pattern with the line that matched it, or none
     * @param rejected    every {@code rejectOutput} pattern that matched, with the first line it matched
     * @param head        the first lines of output
     * @param tail        the last lines after the head
     * @param omitted     lines between head and tail that were not kept
     * @param leftRunning a process it started was still running when it exited, and was not waited for
     * @param locks       the locks its database sessions were seen holding and waiting for (sampled); null when it
     *                    did not start, and in journals written before locks were recorded
     */
    record CommandRun(String command, String cwd, List<String> variables, boolean started, Integer exitCode,
                      String ending, long durationMillis, List<PatternMatch> expected, List<PatternMatch> rejected,
                      List<OutputLine> head, List<OutputLine> tail, long omitted, boolean leftRunning,
                      dev.runbookpilot.db.Locks.Report locks)
            implements CheckDetail {
        public CommandRun {
            variables = List.copyOf(variables);
            expected = List.copyOf(expected);
            rejected = List.copyOf(rejected);
            head = List.copyOf(head);
            tail = List.copyOf(tail);
        }

        public CommandRun(String command, String cwd, List<String> variables, boolean started, Integer exitCode,
                          String ending, long durationMillis, List<PatternMatch> expected, List<PatternMatch> rejected,
                          List<OutputLine> head, List<OutputLine> tail, long omitted, boolean leftRunning) {
            this(command, cwd, variables, started, exitCode, ending, durationMillis, expected, rejected, head, tail,
                    omitted, leftRunning, null);
        }

        public long lines() {
            return head.size() + omitted + tail.size();
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

    /**
     * One table's content against the checksum a snapshot recorded; {@code now} is null where the table is gone.
     * {@code status} is PASSED when equal, FAILED when the contents differ, ERROR when there was nothing to compare.
     */
    record ChecksumLine(String table, String before, String now, Status status, String note) {}

    /**
     * The proof that the database is back at a snapshot ({@code restored}): every schema change since it (none when
     * restored), the row count of every table it counted against now (tables allowed to differ are marked in the
     * note), each checksummed table's contents, and what could not be compared at all ({@code missing}: the reason the
     * check is ERROR).
     */
    record RestoredProof(String snapshot, List<SchemaChange> schema, List<RowCountLine> counts,
                         List<ChecksumLine> checksums, List<String> missing) implements CheckDetail {
        public RestoredProof {
            schema = List.copyOf(schema);
            counts = List.copyOf(counts);
            checksums = List.copyOf(checksums);
            missing = List.copyOf(missing);
        }

        /** The schema part alone, as a schemaDiff shows it. */
        public SchemaChanges schemaChanges() {
            return new SchemaChanges(snapshot, schema);
        }

        /** The count part alone, as a rowCounts check shows it. */
        public RowCountDiff countDiff() {
            return new RowCountDiff(snapshot, counts);
        }
    }
}
