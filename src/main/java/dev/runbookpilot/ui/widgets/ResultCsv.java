package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.io.Csv;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The rows of a check's evidence as CSV, for the "Copy as CSV" button: a query's actual rows (NULL kept apart from
 * an empty string), a row-count diff, a schema diff, a catalog comparison. Numbers are written plain (no thousands
 * separators) so a spreadsheet reads them as numbers; an absent side is empty.
 */
public final class ResultCsv {
    private ResultCsv() {}

    /** The CSV of this evidence, or empty when it has no rows to copy (a plan, a command's output, ...). */
    public static Optional<String> of(CheckDetail detail) {
        if (detail instanceof CheckDetail.Rows r) {
            // A row narrower than the header (never from the server, but a journal is text) is padded with NULLs.
            List<List<String>> rows = new ArrayList<>();
            for (List<String> row : r.rows()) {
                List<String> full = new ArrayList<>(row);
                while (full.size() < r.columns().size()) full.add(null);
                rows.add(full);
            }
            return Optional.of(Csv.table(r.columns(), rows));
        }
        if (detail instanceof CheckDetail.RowCountDiff d) {
            List<List<String>> rows = new ArrayList<>();
            for (CheckDetail.RowCountLine l : d.lines()) {
                rows.add(Arrays.asList(RowCountDiffView.tableName(l), plain(l.before()), plain(l.after()),
                        plain(l.delta()), l.status() == null ? null : l.status().name(), l.note()));
            }
            return Optional.of(Csv.table(List.of("table", "before", "after", "delta", "status", "note"), rows));
        }
        if (detail instanceof CheckDetail.SchemaChanges s) {
            List<List<String>> rows = new ArrayList<>();
            for (CheckDetail.SchemaChange c : s.changes()) {
                rows.add(Arrays.asList(c.change(), c.object(), c.what(), c.before(), c.after(),
                        c.expected() ? "yes" : "no", c.happened() ? "yes" : "no",
                        SchemaDiffTree.isProblem(c) ? "problem" : "ok"));
            }
            return Optional.of(Csv.table(List.of("change", "object", "what", "before", "after", "declared",
                    "happened", "verdict"), rows));
        }
        if (detail instanceof CheckDetail.ObjectsDiff o) {
            List<List<String>> rows = new ArrayList<>();
            o.missing().forEach(n -> rows.add(List.of("missing", n)));
            o.unexpected().forEach(n -> rows.add(List.of("unexpected", n)));
            o.mismatched().forEach(n -> rows.add(List.of("mismatched", n)));
            o.found().forEach(n -> rows.add(List.of("found", n)));
            return Optional.of(Csv.table(List.of("category", "object"), rows));
        }
        return Optional.empty();
    }

    private static String plain(Long n) {
        return n == null ? null : Long.toString(n);
    }
}
