package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.ContentChecksum;
import dev.runbookpilot.db.RowCounter;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.db.Sql;
import dev.runbookpilot.runbook.CheckSpec;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * restored: the proof that the way back reached the baseline. Schema, row counts and content checksums are read now
 * in one exported snapshot (as the baseline was), then compared with what the baseline recorded. Nothing is declared
 * away except the counts of {@code countsMayDiffer}: any schema change, any other count delta, any checksum
 * difference FAILS; anything that cannot be compared is ERROR, and the diff is kept either way.
 */
final class RestoredChecks {

    private RestoredChecks() {}

    static CheckOutcome evaluate(CheckSpec.Restored spec, EvalContext ctx) throws SQLException, InterruptedException {
        String expected = "back at '" + spec.baseline() + "': " + "no schema change, every row count equal"
                + (spec.countsMayDiffer().isEmpty() ? "" : " except " + String.join(", ", spec.countsMayDiffer()))
                + (spec.checksums().isEmpty() ? "" : ", contents of " + String.join(", ", spec.checksums())
                + " equal") + (spec.ignore().isEmpty() ? "" : " (" + ignored(spec) + " not compared)");
        Snapshots.Data before = ctx.snapshots().get(spec.baseline()).orElse(null);
        if (before == null) {
            return new CheckOutcome(Status.ERROR, expected, "snapshot '" + spec.baseline()
                    + "' has not been taken in this session: there is no baseline to prove the database is back at",
                    null, null);
        }
        List<String> notRecorded = spec.checksums().stream().filter(t -> before.checksums().get(t) == null).toList();
        if (!notRecorded.isEmpty()) {
            return new CheckOutcome(Status.ERROR, expected, "snapshot '" + spec.baseline()
                    + "' recorded no content checksum of " + String.join(", ", notRecorded)
                    + ": add them to its checksums to compare contents", null, null);
        }
        List<String> counted = new ArrayList<>(before.rowCounts().keySet());
        RowCounter.Counts<SchemaSnapshot> now = SnapshotChecks.countBesideCatalog(ctx, before.schema(), counted,
                spec.checksums(), spec.meta().timeout());

        List<String> missing = new ArrayList<>();
        CheckOutcome schema = SchemaDiffs.evaluate(new CheckSpec.SchemaDiff(spec.meta(), spec.baseline(), List.of(),
                List.of(), List.of(), Map.of(), spec.ignore()), before.catalog(), now.inSnapshot());
        List<CheckDetail.SchemaChange> changes = schema.detail() instanceof CheckDetail.SchemaChanges sc
                ? sc.changes() : List.of();
        if (schema.status() == Status.ERROR) missing.add(schema.actual());

        List<CheckDetail.RowCountLine> counts = new ArrayList<>();
        int countsDiffer = 0;
        for (String t : counted) {
            Long b = before.rowCounts().get(t);
            Long a = now.counts().get(t);
            boolean mayDiffer = spec.countsMayDiffer().contains(t);
            if (b == null && a == null) {
                counts.add(new CheckDetail.RowCountLine(t, t, null, null, Status.PASSED,
                        "absent in the snapshot and now"));
            } else if (a == null) {
                missing.add("table " + t + " is gone");
                counts.add(new CheckDetail.RowCountLine(t, t, b, null, Status.ERROR, "gone"));
            } else if (b == null) {
                countsDiffer++;
                counts.add(new CheckDetail.RowCountLine(t, t, null, a, Status.FAILED,
                        "absent in the snapshot, exists now"));
            } else if (b.equals(a)) {
                counts.add(new CheckDetail.RowCountLine(t, t, b, a, Status.PASSED, ""));
            } else if (mayDiffer) {
                counts.add(new CheckDetail.RowCountLine(t, t, b, a, Status.PASSED,
                        "may differ (countsMayDiffer), delta " + (a - b)));
            } else {
                countsDiffer++;
                counts.add(new CheckDetail.RowCountLine(t, t, b, a, Status.FAILED, "delta " + (a - b)));
            }
        }

        List<CheckDetail.ChecksumLine> sums = new ArrayList<>();
        int contentsDiffer = 0;
        for (String t : spec.checksums()) {
            String b = before.checksums().get(t);
            String a = now.checksums().get(t);
            if (a == null) {
                missing.add("table " + t + " is gone, its contents cannot be compared");
                sums.add(new CheckDetail.ChecksumLine(t, b, null, Status.ERROR, "gone"));
            } else if (!sameMethod(b, a)) {
                missing.add("the checksum of " + t + " was recorded by another method");
                sums.add(new CheckDetail.ChecksumLine(t, b, a, Status.ERROR, "recorded by another method"));
            } else if (b.equals(a)) {
                sums.add(new CheckDetail.ChecksumLine(t, b, a, Status.PASSED, "same contents"));
            } else {
                contentsDiffer++;
                sums.add(new CheckDetail.ChecksumLine(t, b, a, Status.FAILED, "contents differ"));
            }
        }

        List<String> unexpected = changes.stream().filter(c -> !c.expected() || !c.happened())
                .map(c -> c.change() + " " + c.label()).toList();
        List<String> parts = new ArrayList<>();
        if (!missing.isEmpty()) parts.add("could not compare: " + String.join("; ", missing));
        if (!unexpected.isEmpty()) {
            parts.add(unexpected.size() + " schema change" + (unexpected.size() == 1 ? "" : "s") + ": "
                    + String.join(", ", unexpected));
        }
        if (countsDiffer > 0) {
            parts.add(countsDiffer + " of " + counted.size() + " row counts differ: " + counts.stream()
                    .filter(l -> l.status() == Status.FAILED).map(l -> l.beforeTable() + " " + l.note())
                    .reduce((x, y) -> x + ", " + y).orElse(""));
        }
        if (contentsDiffer > 0) {
            parts.add("contents differ: " + sums.stream().filter(l -> l.status() == Status.FAILED)
                    .map(CheckDetail.ChecksumLine::table).reduce((x, y) -> x + ", " + y).orElse(""));
        }
        Status status = !missing.isEmpty() ? Status.ERROR
                : unexpected.isEmpty() && schema.status() == Status.PASSED && countsDiffer == 0 && contentsDiffer == 0
                ? Status.PASSED : Status.FAILED;
        String actual = status == Status.PASSED ? "no schema change, " + counted.size() + " row counts equal"
                + (spec.countsMayDiffer().isEmpty() ? "" : " (as allowed)")
                + (sums.isEmpty() ? "" : ", contents of " + sums.size() + " table" + (sums.size() == 1 ? "" : "s")
                + " equal") : String.join("; ", parts);
        String sql = "-- in one exported snapshot of schema " + before.schema() + ": the catalog, and\n"
                + "SELECT count(*) FROM " + counted.stream().map(t -> Sql.qualified(before.schema(), t))
                .reduce((x, y) -> x + ", " + y).orElse("(no tables)")
                + spec.checksums().stream().map(t -> ";\n" + ContentChecksum.sql(before.schema(), t))
                .reduce("", String::concat);
        return new CheckOutcome(status, expected, actual, sql,
                new CheckDetail.RestoredProof(spec.baseline(), changes, counts, sums, missing));
    }

    private static String ignored(CheckSpec.Restored spec) {
        return spec.ignore().stream().map(CheckSpec.Ignorable::yamlName).sorted()
                .reduce((x, y) -> x + " and " + y).orElse("");
    }

    /** Both values name the same checksum method, so equal contents give equal values. */
    private static boolean sameMethod(String before, String now) {
        return before.startsWith(ContentChecksum.METHOD + ":") && now.startsWith(ContentChecksum.METHOD + ":");
    }
}
