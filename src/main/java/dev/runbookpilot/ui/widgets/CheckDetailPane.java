package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * What the wizard shows for the selected check: status, expected against actual, the error with its SQLSTATE,
 * the SQL (selectable, with a copy button) and the evidence by kind — result rows, catalog differences, the
 * plan with its deciding lines marked, server notices, a snapshot's counts, a row-count diff or a schema diff.
 */
public final class CheckDetailPane extends VBox {

    private final StatusBadge badge = new StatusBadge();
    private final Label title = new Label();
    /** How the title and expectation name workstation files; the title's tooltip keeps the absolute form. */
    private UnaryOperator<String> shownPaths = UnaryOperator.identity();
    private final Label expected = value("check-expected");
    private final Label actual = value("check-actual");
    private final Label duration = value("check-duration");
    private final GridPane facts = new GridPane();
    private final Label error = new Label();
    private final TextArea sql = new TextArea();
    private final VBox sqlBox;
    private final VBox detail = new VBox(6);

    public CheckDetailPane() {
        getStyleClass().add("check-detail");
        setSpacing(8);
        setPadding(new Insets(8));

        title.setId("check-title");
        title.getStyleClass().add("detail-title");
        title.setWrapText(true);
        badge.setId("check-status");
        actual.setId("check-actual");
        badge.setMinWidth(Region.USE_PREF_SIZE);
        HBox header = new HBox(10, badge, title);
        header.setAlignment(Pos.CENTER_LEFT);

        facts.getStyleClass().add("check-facts");
        facts.setHgap(10);
        facts.setVgap(4);
        facts.addRow(0, caption("Expected"), expected);
        facts.addRow(1, caption("Actual"), actual);
        facts.addRow(2, caption("Duration"), duration);
        GridPane.setHgrow(expected, Priority.ALWAYS);

        error.setId("check-error");
        error.getStyleClass().add("check-error");
        error.setWrapText(true);
        error.setMaxWidth(Double.MAX_VALUE);
        // The operator quotes the SQLSTATE and message in tickets: a label cannot be selected, so offer a copy.
        MenuItem copyError = new MenuItem("Copy error");
        copyError.setOnAction(e -> copyToClipboard(error.getText()));
        error.setContextMenu(new ContextMenu(copyError));

        sql.setId("check-sql");
        sql.setEditable(false);
        sql.setWrapText(false);
        sql.getStyleClass().addAll("monospace", "check-sql");
        Button copy = new Button("Copy SQL");
        copy.setId("check-copy-sql");
        copy.setOnAction(e -> copyToClipboard(sql.getText()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox sqlBar = new HBox(8, caption("SQL"), gap, copy);
        sqlBar.setAlignment(Pos.CENTER_LEFT);
        sqlBox = new VBox(4, sqlBar, sql);

        detail.setId("check-evidence");
        VBox.setVgrow(detail, Priority.ALWAYS);
        getChildren().addAll(header, facts, error, sqlBox, detail);
        clear();
    }

    /**
     * Names files in the title and expectation as the given function does (the wizard: relative to the runbook's
     * folder, as the report); the title's tooltip then holds the label with its absolute paths.
     */
    public void setShownPaths(UnaryOperator<String> shownPaths) {
        this.shownPaths = shownPaths;
    }

    /** Nothing selected. */
    public void clear() {
        show(null, "Select a check to see its SQL, result and evidence.", null);
        setShown(badge, false);
        setShown(facts, false);
    }

    /** A check from the runbook, with its result or null when it has not run. */
    public void show(CheckSpec spec, CheckResult result) {
        show(result, spec == null ? null : spec.label(), sqlOf(spec));
    }

    /**
     * A manual item or a sign-off: people, not SQL, so no result to show; its status and what it waits for, or
     * who accepted it.
     */
    public void showPeopleCheck(CheckSpec spec, Status status, String text) {
        show(null, spec.label(), null, text);
        badge.setStatus(status);
    }

    /** A result only: its own label and SQL. */
    public void show(CheckResult result) {
        show(result, null, null);
    }

    /**
     * A result (null = not run yet) with the label and SQL to fall back on; the result's own SQL, as it ran,
     * wins over the runbook's.
     */
    public void show(CheckResult result, String label, String specSql) {
        show(result, label, specSql, "not run yet");
    }

    private void show(CheckResult result, String label, String specSql, String notRunText) {
        Status status = result == null ? Status.PENDING : result.status();
        badge.setStatus(status);
        setShown(badge, true);
        String name = result != null && result.label() != null ? result.label() : label;
        String shownName = name == null ? "" : shownPaths.apply(name);
        title.setText(shownName);
        title.setTooltip(shownName.equals(name == null ? "" : name) ? null : new Tooltip(name));

        boolean ran = result != null;
        setShown(facts, ran || label != null);
        expected.setText(ran && result.expected() != null ? shownPaths.apply(result.expected()) : ran ? "" : "—");
        actual.setText(ran ? nonNull(result.actual()) : notRunText);
        duration.setText(ran && status.isFinished() ? formatDuration(result.durationMillis()) : "—");

        String errorText = ran ? errorText(result) : null;
        error.setText(errorText == null ? "" : errorText);
        setShown(error, errorText != null);

        String shownSql = ran && result.sql() != null && !result.sql().isBlank() ? result.sql() : specSql;
        sql.setText(shownSql == null ? "" : shownSql);
        int rows = shownSql == null ? 0 : (int) shownSql.chars().filter(c -> c == '\n').count() + 1;
        sql.setPrefRowCount(Math.max(1, Math.min(rows, 8)));
        setShown(sqlBox, shownSql != null && !shownSql.isBlank());

        detail.getChildren().setAll(ran && result.detail() != null ? List.of(withCsvCopy(result.detail(),
                evidence(result.detail()))) : List.of());
        setShown(detail, !detail.getChildren().isEmpty());
    }

    /** "could not be evaluated — SQLSTATE 42P01: relation ... does not exist", or null without an error. */
    public static String errorText(CheckResult r) {
        if (r.error() == null && r.sqlState() == null) return null;
        StringBuilder b = new StringBuilder();
        if (r.status() == Status.ERROR) b.append("⚠ Could not be evaluated — never counts as a pass.\n");
        if (r.sqlState() != null) b.append("SQLSTATE ").append(r.sqlState());
        if (r.error() != null) b.append(r.sqlState() != null ? ": " : "").append(r.error());
        return b.toString();
    }

    /** The SQL a check runs as the runbook states it, or its description for kinds that run no SQL of their own. */
    public static String sqlOf(CheckSpec spec) {
        if (spec == null) return null;
        if (spec instanceof CheckSpec.Query q) return q.sql();
        if (spec instanceof CheckSpec.Explain e) return (e.analyze() ? "EXPLAIN ANALYZE " : "EXPLAIN ") + e.sql();
        if (spec instanceof CheckSpec.ExplainCompare c) {
            return c.sql() != null ? "EXPLAIN (ANALYZE, BUFFERS) " + c.sql()
                    : "-- EXPLAIN (ANALYZE, BUFFERS) of hot query '" + c.query() + "' as snapshot '" + c.compareTo()
                    + "' recorded it";
        }
        if (spec instanceof CheckSpec.Statement s) {
            return s.setup() == null || s.setup().isBlank() ? s.sql() : s.setup() + "\n" + s.sql();
        }
        if (spec instanceof CheckSpec.Execute x) return "-- runs " + x.file();
        if (spec instanceof CheckSpec.Program c) return "$ " + c.run().shown() + "\n# in " + c.cwd();
        return null;
    }

    public static String formatDuration(long millis) {
        if (millis < 1000) return millis + " ms";
        if (millis < 60_000) return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
        return String.format(Locale.ROOT, "%d min %02d s", millis / 60_000, (millis / 1000) % 60);
    }

    private Node evidence(CheckDetail d) {
        dev.runbookpilot.db.Locks.Report locks = dev.runbookpilot.report.LockRecord.of(d);
        if (locks == null) return evidenceOnly(d);
        return grow(new VBox(6, evidenceOnly(d), locksView(locks)));
    }

    /**
     * What a writer held, ACCESS EXCLUSIVE on a table said first and marked, and every lock timeout with the
     * sessions it waited for: the same rows as the report.
     */
    private Node locksView(dev.runbookpilot.db.Locks.Report locks) {
        VBox box = new VBox(4);
        box.setId("check-locks-box");
        List<String> exclusive = locks.held().stream().filter(dev.runbookpilot.db.Locks.HeldLock::blocksReaders)
                .map(h -> h.relation() + " for " + dev.runbookpilot.db.Locks.human(h.strongestMillis())).toList();
        if (!exclusive.isEmpty()) {
            Label warn = new Label("⚠ ACCESS EXCLUSIVE (" + dev.runbookpilot.report.LockRecord.BLOCKS_READERS + ") on "
                    + String.join(", ", exclusive));
            warn.setId("check-locks-exclusive");
            warn.setWrapText(true);
            warn.getStyleClass().add("detail-warning");
            box.getChildren().add(warn);
        }
        Label title = new Label(dev.runbookpilot.report.LockRecord.heldTitle(locks));
        title.setId("check-locks-title");
        title.setWrapText(true);
        title.getStyleClass().add("detail-note");
        box.getChildren().add(title);
        if (!locks.held().isEmpty()) {
            List<String[]> rows = dev.runbookpilot.report.LockRecord.heldRows(locks);
            TableView<String[]> table = textTable("check-locks", dev.runbookpilot.report.LockRecord.HELD_HEADINGS,
                    rows);
            table.setRowFactory(t -> new javafx.scene.control.TableRow<>() {
                @Override
                protected void updateItem(String[] item, boolean empty) {
                    super.updateItem(item, empty);
                    getStyleClass().remove("entry-bad");
                    int i = getIndex();
                    if (!empty && item != null && i >= 0 && i < locks.held().size()
                            && locks.held().get(i).blocksReaders()) {
                        getStyleClass().add("entry-bad");
                    }
                }
            });
            box.getChildren().add(table);
        }
        for (dev.runbookpilot.db.Locks.LockWait w : locks.waits()) {
            Label line = new Label(dev.runbookpilot.report.LockRecord.waitLine(w));
            line.setWrapText(true);
            line.getStyleClass().add("detail-warning");
            box.getChildren().add(line);
            if (!w.blockers().isEmpty()) {
                box.getChildren().add(textTable("check-blockers", dev.runbookpilot.report.LockRecord.BLOCKER_HEADINGS,
                        dev.runbookpilot.report.LockRecord.blockerRows(w.blockers())));
            }
        }
        return box;
    }

    private static TableView<String[]> textTable(String id, List<String> headings, List<String[]> rows) {
        TableView<String[]> table = new TableView<>();
        table.setId(id);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        for (int i = 0; i < headings.size(); i++) {
            int index = i;
            TableColumn<String[], String> col = new TableColumn<>(headings.get(i));
            col.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue()[index]));
            col.setSortable(false);
            table.getColumns().add(col);
        }
        table.getItems().setAll(rows);
        table.setPrefHeight(Math.min(200, 36 + 28 * Math.max(1, rows.size())));
        return table;
    }

    /** Evidence with rows (a query's, a diff's) gets a button that copies them as CSV, as journaled. */
    private static Node withCsvCopy(CheckDetail d, Node evidence) {
        var csv = ResultCsv.of(d);
        if (csv.isEmpty()) return evidence;
        Button copy = new Button("Copy as CSV");
        copy.setId("copy-csv");
        copy.setTooltip(new javafx.scene.control.Tooltip("Copy every row of this evidence as CSV (RFC 4180;"
                + " NULL is an empty field, an empty string \"\") for a spreadsheet or a ticket"));
        copy.setOnAction(e -> copyToClipboard(csv.get()));
        HBox bar = new HBox(copy);
        bar.setAlignment(Pos.CENTER_RIGHT);
        return grow(new VBox(4, bar, evidence));
    }

    private Node evidenceOnly(CheckDetail d) {
        if (d instanceof CheckDetail.Rows rows) return rowsView(rows);
        if (d instanceof CheckDetail.ObjectsDiff diff) return objectsView(diff);
        if (d instanceof CheckDetail.RowCountDiff diff) return grow(new RowCountDiffView(diff));
        if (d instanceof CheckDetail.SchemaChanges changes) return grow(new SchemaDiffTree(changes));
        if (d instanceof CheckDetail.Plan plan) return planView(plan);
        if (d instanceof CheckDetail.Notices notices) return noticesView(notices);
        if (d instanceof CheckDetail.SnapshotTaken snap) return snapshotView(snap);
        if (d instanceof CheckDetail.PlanComparison pc) return planComparisonView(pc);
        if (d instanceof CheckDetail.CommandRun run) return commandView(run);
        if (d instanceof CheckDetail.BackupProof proof) return backupView(proof);
        if (d instanceof CheckDetail.RestoredProof proof) return restoredView(proof);
        return new Label(String.valueOf(d));
    }

    private Node rowsView(CheckDetail.Rows rows) {
        TableView<List<String>> table = new TableView<>();
        table.setId("check-rows");
        table.setPlaceholder(new Label("The query returned no rows"));
        for (int i = 0; i < rows.columns().size(); i++) {
            int index = i;
            TableColumn<List<String>, String> col = new TableColumn<>(rows.columns().get(i));
            col.setCellValueFactory(c -> new ReadOnlyStringWrapper(
                    index < c.getValue().size() ? c.getValue().get(index) : null));
            col.setCellFactory(c -> new NullAwareCell());
            col.setSortable(false);
            col.setPrefWidth(columnWidth(rows.columns().get(i), rows.rows(), index));
            table.getColumns().add(col);
        }
        table.getItems().setAll(rows.rows());
        table.setPrefHeight(listHeight(rows.rows().size()));
        VBox.setVgrow(table, Priority.ALWAYS);
        Label count = new Label(rows.rows().size() + " row" + (rows.rows().size() == 1 ? "" : "s")
                + (rows.truncated() ? " shown — truncated: the query returned more rows than are kept" : ""));
        count.setId("check-rows-note");
        count.getStyleClass().add(rows.truncated() ? "detail-warning" : "detail-note");
        return grow(new VBox(4, count, table));
    }

    /** Wide enough for the header and the longest of the first rows, in approximate character widths. */
    private static double columnWidth(String header, List<List<String>> rows, int index) {
        int chars = header == null ? 4 : header.length() + 2;
        for (int r = 0; r < Math.min(rows.size(), 200); r++) {
            List<String> row = rows.get(r);
            String v = index < row.size() ? row.get(index) : null;
            chars = Math.max(chars, v == null ? 4 : v.length());
        }
        return Math.min(420, 24 + chars * 8.5);
    }

    /** One entry of a catalog comparison, its category spelled out. */
    private record ObjectEntry(String category, String name) {}

    private Node objectsView(CheckDetail.ObjectsDiff diff) {
        List<ObjectEntry> entries = new ArrayList<>();
        diff.missing().forEach(n -> entries.add(new ObjectEntry("missing", n)));
        diff.unexpected().forEach(n -> entries.add(new ObjectEntry("unexpected", n)));
        diff.mismatched().forEach(n -> entries.add(new ObjectEntry("mismatched", n)));
        diff.found().forEach(n -> entries.add(new ObjectEntry("found", n)));
        ListView<ObjectEntry> list = new ListView<>();
        list.setId("check-objects");
        list.getItems().setAll(entries);
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(ObjectEntry item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().removeAll("entry-bad", "entry-ok");
                if (empty || item == null) {
                    setText(null);
                    return;
                }
                setText(objectEntryText(item.category(), item.name()));
                getStyleClass().add(item.category().equals("found") ? "entry-ok" : "entry-bad");
            }
        });
        list.setPrefHeight(listHeight(entries.size()));
        VBox.setVgrow(list, Priority.ALWAYS);
        Label counts = new Label(diff.found().size() + " found, " + diff.missing().size() + " missing, "
                + diff.unexpected().size() + " unexpected, " + diff.mismatched().size() + " mismatched");
        counts.setId("check-objects-summary");
        counts.getStyleClass().add("detail-note");
        return grow(new VBox(4, counts, list));
    }

    /** "✖ missing: index:users_email_idx", "✔ found: table:users". */
    public static String objectEntryText(String category, String name) {
        return (category.equals("found") ? "✔ " : "✖ ") + category + ": " + name;
    }

    private Node planView(CheckDetail.Plan plan) {
        ListView<String> lines = new ListView<>();
        lines.setId("check-plan");
        lines.getStyleClass().add("monospace");
        lines.getItems().setAll(plan.text() == null ? List.of() : List.of(plan.text().split("\\R", -1)));
        lines.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("plan-finding");
                if (empty || item == null) {
                    setText(null);
                    return;
                }
                boolean finding = isFinding(item, plan.findings());
                setText((finding ? "▶ " : "  ") + item);
                if (finding) getStyleClass().add("plan-finding");
            }
        });
        lines.setPrefHeight(listHeight(lines.getItems().size()));
        VBox.setVgrow(lines, Priority.ALWAYS);
        Label cost = new Label("Total cost: " + (plan.totalCost() == null ? "unknown"
                : String.format(Locale.ROOT, "%,.2f", plan.totalCost()))
                + (plan.findings().isEmpty() ? "" : " · ▶ marks the lines that decided the verdict"));
        cost.setId("check-plan-cost");
        cost.getStyleClass().add("detail-note");
        Button copy = new Button("Copy plan");
        copy.setOnAction(e -> copyToClipboard(plan.text() == null ? "" : plan.text()));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox bar = new HBox(8, cost, gap, copy);
        bar.setAlignment(Pos.CENTER_LEFT);
        return grow(new VBox(4, bar, lines));
    }

    private static boolean isFinding(String line, List<String> findings) {
        String trimmed = line.strip();
        if (trimmed.isEmpty()) return false;
        for (String f : findings) {
            String finding = f.strip();
            if (!finding.isEmpty() && (trimmed.contains(finding) || finding.contains(trimmed))) return true;
        }
        return false;
    }

    private Node noticesView(CheckDetail.Notices notices) {
        List<String> items = new ArrayList<>();
        notices.missing().forEach(n -> items.add("✖ expected but not received: " + n));
        notices.received().forEach(n -> items.add("✔ received: " + n));
        ListView<String> list = new ListView<>();
        list.setId("check-notices");
        list.getItems().setAll(items);
        list.setPlaceholder(new Label("No notices"));
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                getStyleClass().remove("entry-bad");
                setText(empty ? null : item);
                if (!empty && item != null && item.startsWith("✖")) getStyleClass().add("entry-bad");
            }
        });
        list.setPrefHeight(listHeight(items.size()));
        VBox.setVgrow(list, Priority.ALWAYS);
        Label summary = new Label(String.format(Locale.ROOT, "%,d row%s affected · %d notice%s received",
                notices.rowsAffected(), notices.rowsAffected() == 1 ? "" : "s", notices.received().size(),
                notices.received().size() == 1 ? "" : "s")
                + (notices.missing().isEmpty() ? "" : " · ✖ " + notices.missing().size() + " expected missing"));
        summary.setId("check-notices-summary");
        summary.getStyleClass().add(notices.missing().isEmpty() ? "detail-note" : "detail-warning");
        return grow(new VBox(4, summary, list));
    }

    /** What the command ran and how it ended, then its output as the report prints it. */
    private Node commandView(CheckDetail.CommandRun run) {
        StringBuilder facts = new StringBuilder();
        dev.runbookpilot.report.CommandRecord.facts(run).forEach((k, v) -> facts.append(k).append(": ").append(v)
                .append('\n'));
        Label summary = new Label(facts.toString().strip());
        summary.setId("check-command-summary");
        summary.setWrapText(true);
        summary.getStyleClass().add(run.rejected().isEmpty() && run.expected().stream().allMatch(m -> m.line() != null)
                ? "detail-note" : "detail-warning");
        javafx.scene.control.TextArea output = new javafx.scene.control.TextArea(
                dev.runbookpilot.report.CommandRecord.outputTitle(run) + "\n"
                        + dev.runbookpilot.report.CommandRecord.outputText(run));
        output.setId("check-command-output");
        output.setEditable(false);
        output.setStyle("-fx-font-family: monospace;");
        VBox.setVgrow(output, Priority.ALWAYS);
        return grow(new VBox(4, summary, output));
    }

    private record CountRow(String table, Long rows) {}

    private Node snapshotView(CheckDetail.SnapshotTaken snap) {
        TableView<CountRow> table = new TableView<>();
        table.setId("check-snapshot");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        TableColumn<CountRow, String> name = new TableColumn<>("Table");
        name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().table()));
        TableColumn<CountRow, Long> rows = new TableColumn<>("Rows");
        rows.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().rows()));
        rows.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Long item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : RowCountDiffView.formatCount(item));
            }
        });
        rows.getStyleClass().add("numeric-column");
        table.getColumns().add(name);
        table.getColumns().add(rows);
        Map<String, Long> sorted = new TreeMap<>(snap.rowCounts());
        sorted.forEach((t, n) -> table.getItems().add(new CountRow(t, n)));
        table.setPrefHeight(listHeight(sorted.size()));
        VBox.setVgrow(table, Priority.ALWAYS);
        Label summary = new Label("Snapshot '" + snap.name() + "': " + sorted.size() + " table"
                + (sorted.size() == 1 ? "" : "s") + " counted, " + snap.schemaObjects() + " schema objects recorded");
        summary.setId("check-snapshot-summary");
        summary.getStyleClass().add("detail-note");
        VBox box = new VBox(4, summary, table);
        if (!snap.queries().isEmpty()) {
            Label timed = new Label("Hot queries timed: " + snap.queries().stream()
                    .map(m -> m.name() + " " + m.summary()).collect(java.util.stream.Collectors.joining("; ")));
            timed.setId("check-snapshot-queries");
            timed.setWrapText(true);
            timed.getStyleClass().add("detail-note");
            box.getChildren().add(timed);
        }
        if (!snap.checksums().isEmpty()) {
            Label sums = new Label("Content checksums recorded: " + String.join(", ",
                    new java.util.TreeSet<>(snap.checksums().keySet())));
            sums.setId("check-snapshot-checksums");
            sums.setWrapText(true);
            sums.getStyleClass().add("detail-note");
            box.getChildren().add(sums);
        }
        return grow(box);
    }

    /**
     * The proof of the way back: what could not be compared, the schema changes since the baseline (none when back),
     * every row count against it, and each checksummed table's contents.
     */
    private Node restoredView(CheckDetail.RestoredProof proof) {
        VBox box = new VBox(6);
        if (!proof.missing().isEmpty()) {
            Label missing = new Label("⚠ Could not compare: " + String.join("; ", proof.missing()));
            missing.setId("check-restored-missing");
            missing.setWrapText(true);
            missing.getStyleClass().add("detail-warning");
            box.getChildren().add(missing);
        }
        int n = proof.schema().size();
        Label schema = new Label("Schema against snapshot '" + proof.snapshot() + "': "
                + (n == 0 ? "no change" : n + " change" + (n == 1 ? "" : "s")));
        schema.setId("check-restored-schema");
        schema.getStyleClass().add(n == 0 ? "detail-note" : "detail-warning");
        box.getChildren().add(schema);
        if (n > 0) box.getChildren().add(grow(new SchemaDiffTree(proof.schemaChanges())));
        box.getChildren().add(grow(new RowCountDiffView(proof.countDiff())));
        if (!proof.checksums().isEmpty()) {
            TableView<CheckDetail.ChecksumLine> table = new TableView<>();
            table.setId("check-restored-checksums");
            table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
            table.getColumns().add(checksumColumn("Table", CheckDetail.ChecksumLine::table));
            table.getColumns().add(checksumColumn("In the snapshot", CheckDetail.ChecksumLine::before));
            table.getColumns().add(checksumColumn("Now", l -> l.now() == null ? "gone" : l.now()));
            table.getColumns().add(checksumColumn("Contents", l -> l.status() + " " + l.note()));
            table.getItems().setAll(proof.checksums());
            table.setPrefHeight(listHeight(proof.checksums().size()));
            box.getChildren().add(grow(table));
        }
        return grow(box);
    }

    private static TableColumn<CheckDetail.ChecksumLine, String> checksumColumn(
            String title, java.util.function.Function<CheckDetail.ChecksumLine, String> value) {
        TableColumn<CheckDetail.ChecksumLine, String> col = new TableColumn<>(title);
        col.setCellValueFactory(c -> new ReadOnlyStringWrapper(value.apply(c.getValue())));
        col.setSortable(false);
        return col;
    }

    /** A hot query now against its baseline: the verdict on time and indexes, then the two plans side by side. */
    private Node planComparisonView(CheckDetail.PlanComparison pc) {
        Label timing = new Label(pc.timing());
        timing.setId("check-comparison-timing");
        timing.setWrapText(true);
        timing.getStyleClass().add("detail-note");
        Label indexes = new Label(pc.lostIndexes().isEmpty()
                ? "Indexes kept: " + (pc.before().indexes().isEmpty() ? "(the plan used none before)"
                : String.join(", ", pc.before().indexes()))
                : "✖ Indexes no longer used: " + String.join(", ", pc.lostIndexes()));
        indexes.setId("check-comparison-indexes");
        indexes.getStyleClass().add(pc.lostIndexes().isEmpty() ? "detail-note" : "detail-warning");
        HBox plans = new HBox(8, planColumn("check-plan-before", "Before (snapshot '" + pc.snapshot() + "'): "
                + pc.before().summary(), pc.before().planText()), planColumn("check-plan-after", "Now: "
                + pc.after().summary(), pc.after().planText()));
        VBox.setVgrow(plans, Priority.ALWAYS);
        return grow(new VBox(4, timing, indexes, plans));
    }

    private static Node planColumn(String id, String title, String plan) {
        TextArea text = new TextArea(plan);
        text.setId(id);
        text.setEditable(false);
        text.getStyleClass().add("monospace");
        VBox.setVgrow(text, Priority.ALWAYS);
        Label heading = new Label(title);
        heading.setWrapText(true);
        VBox column = new VBox(4, heading, text);
        HBox.setHgrow(column, Priority.ALWAYS);
        return column;
    }

    private record RestoredRow(String table, Long snapshot, Long restored, boolean matches) {}

    /** A backup's proof: what an auditor re-hashes, what was read back, and the drill's counts per table. */
    private Node backupView(CheckDetail.BackupProof proof) {
        javafx.scene.layout.GridPane facts = new javafx.scene.layout.GridPane();
        facts.setId("check-backup-proof");
        facts.setHgap(12);
        facts.setVgap(2);
        int row = 0;
        for (String[] fact : dev.runbookpilot.report.BackupEvidence.rows(proof)) {
            Label label = new Label(fact[0]);
            label.getStyleClass().add("detail-note");
            Label value = new Label(fact[1]);
            value.setWrapText(true);
            value.setId("backup-" + fact[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                    .replaceAll("-$", ""));
            facts.addRow(row++, label, value);
        }
        VBox box = new VBox(6, facts);
        if (!proof.missing().isEmpty()) {
            Label missing = new Label("Missing from the dump: " + String.join(", ", proof.missing()));
            missing.setId("check-backup-missing");
            missing.setWrapText(true);
            box.getChildren().add(missing);
        }
        if (!proof.counts().isEmpty()) {
            TableView<RestoredRow> table = new TableView<>();
            table.setId("check-backup-counts");
            table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
            TableColumn<RestoredRow, String> name = new TableColumn<>("Table");
            name.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().table()));
            table.getColumns().add(name);
            table.getColumns().add(countColumn("In the dump's snapshot", RestoredRow::snapshot));
            table.getColumns().add(countColumn("Restored", RestoredRow::restored));
            TableColumn<RestoredRow, String> same = new TableColumn<>("");
            same.setCellValueFactory(c -> new ReadOnlyStringWrapper(c.getValue().matches() ? "=" : "differs"));
            table.getColumns().add(same);
            proof.counts().forEach(c -> table.getItems().add(new RestoredRow(c.table(), c.snapshot(), c.restored(),
                    c.matches())));
            table.setPrefHeight(listHeight(proof.counts().size()));
            box.getChildren().add(grow(table));
        }
        return grow(box);
    }

    private static TableColumn<RestoredRow, Long> countColumn(String title,
                                                             java.util.function.Function<RestoredRow, Long> value) {
        TableColumn<RestoredRow, Long> col = new TableColumn<>(title);
        col.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        col.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Long item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? "missing" : RowCountDiffView.formatCount(item));
            }
        });
        col.getStyleClass().add("numeric-column");
        return col;
    }

    /** Room for a few rows of a themed list or table (about 40 px a row with its header), growing with space. */
    private static double listHeight(int rows) {
        return Math.min(360, 48 + 40 * Math.max(3, rows));
    }

    private static void copyToClipboard(String text) {
        ClipboardContent content = new ClipboardContent();
        content.putString(text);
        Clipboard.getSystemClipboard().setContent(content);
    }

    private static <T extends Node> T grow(T node) {
        VBox.setVgrow(node, Priority.ALWAYS);
        return node;
    }

    private static void setShown(Node node, boolean shown) {
        node.setVisible(shown);
        node.setManaged(shown);
    }

    private static Label caption(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("detail-caption");
        l.setMinWidth(Region.USE_PREF_SIZE);
        return l;
    }

    private static Label value(String id) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        return l;
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** Shows NULL for a null value, styled apart from the text "NULL". */
    private static final class NullAwareCell extends TableCell<List<String>, String> {
        @Override
        protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().remove("null-value");
            if (empty) {
                setText(null);
            } else if (item == null) {
                setText("NULL");
                getStyleClass().add("null-value");
            } else {
                setText(item);
            }
        }
    }
}
