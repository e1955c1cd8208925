package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.ContentChecksum;
import dev.runbookpilot.db.RowCounter;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.db.Sql;
import dev.runbookpilot.runbook.CheckSpec;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** snapshot and rowCounts: exact counts taken in one consistent snapshot, compared by name across the window. */
final class SnapshotChecks {

    /** A snapshot's verdict plus the data the session must keep for later comparisons. */
    record Taken(CheckOutcome outcome, Snapshots.Data data) {}

    private SnapshotChecks() {}

    static Taken snapshot(CheckSpec.Snapshot spec, EvalContext ctx) throws SQLException, InterruptedException {
        String schema = spec.schema() != null ? spec.schema() : ctx.defaultSchema();
        RowCounter.Counts<SchemaSnapshot> counts = countBesideCatalog(ctx, schema,
                spec.allTables() ? null : spec.tables(), spec.checksums(), spec.meta().timeout());
        Set<String> absentSet = new LinkedHashSet<>();
        counts.counts().forEach((t, n) -> {
            if (n == null) absentSet.add(t);
        });
        counts.checksums().forEach((t, sum) -> {
            if (sum == null) absentSet.add(t);
        });
        List<String> absent = List.copyOf(absentSet);
        long total = counts.counts().values().stream().filter(v -> v != null).mapToLong(Long::longValue).sum();
        // Timed after the counts, one at a time, so no count competes with a timed run.
        Map<String, CheckDetail.Measurement> queries = QueryBaselines.baseline(spec, ctx);
        Snapshots.Data data = new Snapshots.Data(spec.name(), schema, counts.counts(), counts.inSnapshot(),
                Instant.now(), queries, counts.checksums());
        Map<String, String> checksums = new LinkedHashMap<>();
        counts.checksums().forEach((t, sum) -> {
            if (sum != null) checksums.put(t, sum);
        });
        CheckDetail detail = new CheckDetail.SnapshotTaken(spec.name(), withoutNulls(counts.counts()),
                counts.inSnapshot().objects().size(), List.copyOf(queries.values()), checksums);
        String sql = "SELECT count(*) FROM <each table> -- in one exported snapshot"
                + (spec.checksums().isEmpty() ? "" : "\n-- content checksum of each of "
                + String.join(", ", spec.checksums()) + ", in the same snapshot:\n"
                + ContentChecksum.sql(schema, "<table>"));
        if (!absent.isEmpty()) {
            // A table named for counting that does not exist means the runbook and the database disagree.
            return new Taken(new CheckOutcome(Status.FAILED, "all listed tables exist",
                    "missing: " + String.join(", ", absent), sql, detail), data);
        }
        return new Taken(new CheckOutcome(Status.PASSED, "record counts of " + counts.counts().size() + " tables",
                counts.counts().size() + " tables, " + total + " rows, "
                        + counts.inSnapshot().objects().size() + " schema objects"
                        + (checksums.isEmpty() ? "" : ", " + checksums.size() + " content checksum"
                        + (checksums.size() == 1 ? "" : "s"))
                        + (queries.isEmpty() ? "" : ", " + queries.size() + " hot queries timed: "
                        + queries.values().stream().map(m -> m.name() + " " + m.summary())
                        .collect(java.util.stream.Collectors.joining("; "))), sql, detail), data);
    }

    private static Map<String, Long> withoutNulls(Map<String, Long> counts) {
        Map<String, Long> out = new LinkedHashMap<>();
        counts.forEach((k, v) -> {
            if (v != null) out.put(k, v);
        });
        return out;
    }

    static CheckOutcome rowCounts(CheckSpec.RowCounts spec, EvalContext ctx) throws SQLException,
            InterruptedException {
        Snapshots.Data before = ctx.snapshots().get(spec.compareTo()).orElse(null);
        if (before == null) {
            return new CheckOutcome(Status.ERROR, "counts as in '" + spec.compareTo() + "'",
                    "snapshot '" + spec.compareTo() + "' has not been taken in this session", null, null);
        }
        List<String> compared = spec.tables().isEmpty() ? new ArrayList<>(before.rowCounts().keySet())
                : spec.tables();
        if (compared.isEmpty()) {
            // "0 tables match" would be a PASS that looked at nothing: a schema-only snapshot, or one of a schema
            // with no tables, leaves nothing to compare.
            return new CheckOutcome(Status.ERROR, "counts as in '" + spec.compareTo() + "'", "snapshot '"
                    + spec.compareTo() + "' counted no table, so there is nothing to compare: name the tables to"
                    + " count in the snapshot (its rowCounts), or compare the schema with schemaDiff", null, null);
        }
        Set<String> now = new LinkedHashSet<>();
        for (String t : compared) {
            if (spec.dropped().contains(t)) now.add(t);
            else now.addAll(spec.map().getOrDefault(t, List.of(t)));
        }
        Map<String, Long> after = RowCounter.count(ctx.db(), before.schema(), new ArrayList<>(now), List.of(),
                ctx.countWorkers(), ctx.countParallelism(), ctx.token(), spec.meta().timeout(),
                List.<RowCounter.Read<Void>>of(), progress(ctx)).counts();
        List<CheckDetail.RowCountLine> lines = new ArrayList<>();
        int failed = 0;
        for (String t : compared) {
            Long b = before.rowCounts().get(t);
            if (!before.rowCounts().containsKey(t)) {
                lines.add(new CheckDetail.RowCountLine(t, null, null, null, Status.ERROR,
                        "not counted by snapshot '" + spec.compareTo() + "'"));
                failed++;
                continue;
            }
            if (spec.dropped().contains(t)) {
                boolean gone = after.get(t) == null;
                lines.add(new CheckDetail.RowCountLine(t, null, b, after.get(t), gone ? Status.PASSED : Status.FAILED,
                        gone ? "dropped as planned" : "still exists"));
                if (!gone) failed++;
                continue;
            }
            List<String> targets = spec.map().getOrDefault(t, List.of(t));
            List<String> missing = targets.stream().filter(x -> after.get(x) == null).toList();
            String shownAfter = String.join(" + ", targets);
            if (!missing.isEmpty()) {
                lines.add(new CheckDetail.RowCountLine(t, shownAfter, b, null, Status.FAILED,
                        "missing: " + String.join(", ", missing)));
                failed++;
                continue;
            }
            long a = targets.stream().mapToLong(after::get).sum();
            boolean ok = b != null && spec.tolerance().accepts(b, a);
            lines.add(new CheckDetail.RowCountLine(t, shownAfter, b, a, ok ? Status.PASSED : Status.FAILED,
                    ok ? "" : b == null ? "absent in the snapshot" : "delta " + (a - b)));
            if (!ok) failed++;
        }
        String sql = "SELECT count(*) FROM " + now.stream().map(t -> Sql.qualified(before.schema(), t))
                .reduce((x, y) -> x + ", " + y).orElse("(no tables)") + " -- one exported snapshot";
        return CheckOutcome.of(failed == 0, "counts match '" + spec.compareTo() + "' " + spec.tolerance().describe(),
                failed == 0 ? lines.size() + " tables match" : failed + " of " + lines.size() + " tables differ",
                sql, new CheckDetail.RowCountDiff(spec.compareTo(), lines));
    }

    /**
     * Counts (and checksums) the tables while the schema's catalog is read, all in one exported snapshot: the
     * catalog kinds on connections of their own side by side with the counting ones ({@link
     * CatalogReader#parallelReads}), so a big schema's slow kinds do not wait for each other.
     *
     * @param tables null for every table of the schema
     */
    static RowCounter.Counts<SchemaSnapshot> countBesideCatalog(EvalContext ctx, String schema, List<String> tables,
                                                                List<String> checksums, java.time.Duration timeout)
            throws SQLException, InterruptedException {
        List<RowCounter.Read<SchemaSnapshot>> reads = CatalogReader.parallelReads(schema).stream()
                .<RowCounter.Read<SchemaSnapshot>>map(read -> c -> {
                    try {
                        return read.read(c);
                    } catch (SQLException e) {
                        throw new CatalogReadFailure(e);
                    }
                }).toList();
        RowCounter.Counts<List<SchemaSnapshot>> counts = RowCounter.count(ctx.db(), schema, tables, checksums,
                ctx.countWorkers(), ctx.countParallelism(), ctx.token(), timeout, reads, progress(ctx));
        return new RowCounter.Counts<>(counts.counts(), CatalogReader.merge(schema, counts.inSnapshot()),
                counts.checksums());
    }

    /** The counts' progress, told to whoever hears the running check. */
    private static RowCounter.Progress progress(EvalContext ctx) {
        return new RowCounter.Progress() {
            @Override
            public void countStarted(List<String> tables, long estimatedRows) {
                ctx.listener().countStarted(tables, estimatedRows);
            }

            @Override
            public void countEnded(List<String> tables) {
                ctx.listener().countEnded(tables);
            }
        };
    }

    /** Carries a catalog read failure out of the reads beside the counts. */
    static final class CatalogReadFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogReadFailure(SQLException cause) {
            super(cause);
        }

        SQLException sqlException() {
            return (SQLException) getCause();
        }
    }
}
