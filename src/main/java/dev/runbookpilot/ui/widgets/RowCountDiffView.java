package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * A row-count comparison: a table of every line (table, before, after, signed delta, status, note) and a
 * horizontal bar chart of before against after. The chart shows at most {@link #CHART_LIMIT} tables — failing
 * ones first, then the largest changes — and says so when it leaves tables out.
 */
public final class RowCountDiffView extends VBox {

    public static final int CHART_LIMIT = 30;
    private static final double BAR_ROW_HEIGHT = 34;

    private final Label summary = new Label();
    private final TableView<CheckDetail.RowCountLine> table = new TableView<>();
    private final NumberAxis countAxis = new NumberAxis();
    private final CategoryAxis tableAxis = new CategoryAxis();
    private final BarChart<Number, String> chart = new BarChart<>(countAxis, tableAxis);
    private final Label chartNote = new Label();

    public RowCountDiffView() {
        getStyleClass().add("row-count-diff");
        summary.getStyleClass().add("detail-summary");
        summary.setWrapText(true);
        summary.setId("row-count-summary");
        buildTable();
        chart.setAnimated(false);
        chart.setLegendVisible(true);
        chart.setCategoryGap(8);
        chart.setBarGap(1);
        chart.setMinHeight(220);
        countAxis.setLabel("rows");
        countAxis.setForceZeroInRange(true);
        chart.getStyleClass().add("row-count-chart");
        chartNote.getStyleClass().add("detail-note");
        chartNote.setWrapText(true);
        chartNote.setId("row-count-chart-note");
        ScrollPane chartScroll = new ScrollPane(chart);
        chartScroll.setFitToWidth(true);
        chartScroll.setFitToHeight(true);
        chartScroll.getStyleClass().add("edge-to-edge");
        VBox chartBox = new VBox(chartNote, chartScroll);
        VBox.setVgrow(chartScroll, Priority.ALWAYS);
        // Stacked, not side by side: table names like "a → b + c" need the full width in the table and on the
        // chart's axis alike.
        table.setPrefHeight(200);
        VBox.setVgrow(chartBox, Priority.ALWAYS);
        getChildren().addAll(summary, table, chartBox);
        setSpacing(6);
    }

    public RowCountDiffView(CheckDetail.RowCountDiff diff) {
        this();
        setDiff(diff);
    }

    /** Shows a comparison; null clears the view. */
    public void setDiff(CheckDetail.RowCountDiff diff) {
        List<CheckDetail.RowCountLine> lines = diff == null ? List.of() : diff.lines();
        table.getItems().setAll(lines);
        long bad = lines.stream().filter(l -> l.status() != null && l.status().isBlocking()).count();
        summary.setText(diff == null ? "" : lines.size() + " table" + (lines.size() == 1 ? "" : "s")
                + " compared with snapshot '" + diff.snapshot() + "'"
                + (bad == 0 ? "" : " — " + bad + " not as expected"));
        fillChart(lines);
    }

    public TableView<CheckDetail.RowCountLine> getTable() {
        return table;
    }

    public BarChart<Number, String> getChart() {
        return chart;
    }

    /** The note above the chart: empty, or how many tables it leaves out. */
    public String getChartNote() {
        return chartNote.getText();
    }

    /** "orders", or "orders → orders_v2" when the comparison follows a rename or split. */
    public static String tableName(CheckDetail.RowCountLine line) {
        String before = line.beforeTable();
        String after = line.afterTable();
        if (before == null) return after == null ? "?" : after;
        if (after == null || after.equals(before)) return before;
        return before + " → " + after;
    }

    /** A count with thousands separators, or "absent" when the table does not exist on that side. */
    public static String formatCount(Long n) {
        return n == null ? "absent" : String.format(Locale.ROOT, "%,d", n);
    }

    /** A signed delta: "+1,200", "-3", "0"; empty when one side is absent. */
    public static String formatDelta(Long delta) {
        if (delta == null) return "";
        return delta == 0 ? "0" : String.format(Locale.ROOT, "%+,d", delta);
    }

    private void buildTable() {
        table.setId("row-count-table");
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setPlaceholder(new Label("No tables compared"));
        // Numbers and badges have a natural width; the rest goes to the table name ("old → new" can be long).
        table.getColumns().add(textColumn("Table", 320, 160, RowCountDiffView::tableName));
        table.getColumns().add(countColumn("Before", 85, 70, CheckDetail.RowCountLine::before,
                RowCountDiffView::formatCount));
        table.getColumns().add(countColumn("After", 85, 70, CheckDetail.RowCountLine::after,
                RowCountDiffView::formatCount));
        table.getColumns().add(countColumn("Delta", 80, 65, CheckDetail.RowCountLine::delta,
                RowCountDiffView::formatDelta));
        TableColumn<CheckDetail.RowCountLine, Status> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue().status()));
        status.setCellFactory(c -> new StatusCell<>());
        // Wide enough for the longest badge, "☑ CONFIRMED": the word must never be cut.
        status.setMinWidth(125);
        status.setPrefWidth(125);
        status.setMaxWidth(140);
        table.getColumns().add(status);
        table.getColumns().add(textColumn("Note", 160, 80, l -> Objects.toString(l.note(), "")));
    }

    private static TableColumn<CheckDetail.RowCountLine, String> textColumn(
            String title, double width, double minWidth, Function<CheckDetail.RowCountLine, String> value) {
        TableColumn<CheckDetail.RowCountLine, String> col = new TableColumn<>(title);
        col.setCellValueFactory(c -> new ReadOnlyStringWrapper(value.apply(c.getValue())));
        col.setPrefWidth(width);
        col.setMinWidth(minWidth);
        return col;
    }

    /** A number column: sorts by value (absent first), shows the formatted text, right-aligned. */
    private static TableColumn<CheckDetail.RowCountLine, Long> countColumn(
            String title, double width, double minWidth, Function<CheckDetail.RowCountLine, Long> value,
            Function<Long, String> format) {
        TableColumn<CheckDetail.RowCountLine, Long> col = new TableColumn<>(title);
        col.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(value.apply(c.getValue())));
        col.setComparator(Comparator.nullsFirst(Comparator.naturalOrder()));
        col.setMaxWidth(width * 1.5);
        col.setCellFactory(c -> new TableCell<>() {
            @Override
            protected void updateItem(Long item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : format.apply(item));
            }
        });
        col.setPrefWidth(width);
        col.setMinWidth(minWidth);
        col.getStyleClass().add("numeric-column");
        return col;
    }

    private void fillChart(List<CheckDetail.RowCountLine> lines) {
        List<CheckDetail.RowCountLine> shown = new ArrayList<>(lines);
        if (shown.size() > CHART_LIMIT) {
            shown.sort(Comparator
                    .comparing((CheckDetail.RowCountLine l) -> l.status() == null || !l.status().isBlocking())
                    .thenComparing(l -> -magnitude(l)));
            shown = new ArrayList<>(shown.subList(0, CHART_LIMIT));
            chartNote.setText("The chart shows " + CHART_LIMIT + " of " + lines.size()
                    + " tables (those not as expected first, then the largest changes); the table lists all.");
        } else {
            chartNote.setText("");
        }
        chartNote.setVisible(!chartNote.getText().isEmpty());
        chartNote.setManaged(chartNote.isVisible());
        XYChart.Series<Number, String> before = new XYChart.Series<>();
        before.setName("before");
        XYChart.Series<Number, String> after = new XYChart.Series<>();
        after.setName("after");
        List<String> categories = new ArrayList<>();
        // The category axis draws its first category at the bottom: reverse so the chart reads top-down like the table.
        for (int i = shown.size() - 1; i >= 0; i--) {
            CheckDetail.RowCountLine l = shown.get(i);
            String name = tableName(l);
            if (categories.contains(name)) continue;
            categories.add(name);
            if (l.before() != null) before.getData().add(new XYChart.Data<>(l.before(), name));
            if (l.after() != null) after.getData().add(new XYChart.Data<>(l.after(), name));
        }
        tableAxis.getCategories().setAll(categories);
        chart.getData().setAll(List.of(before, after));
        chart.setPrefHeight(Math.max(220, 80 + categories.size() * BAR_ROW_HEIGHT));
    }

    private static long magnitude(CheckDetail.RowCountLine l) {
        Long d = l.delta();
        if (d != null) return Math.abs(d);
        return Math.max(l.before() == null ? 0 : l.before(), l.after() == null ? 0 : l.after());
    }

    /** Shows a status as glyph and word with its style class, in any table. */
    static final class StatusCell<S> extends TableCell<S, Status> {
        private final StatusBadge badge = new StatusBadge();

        @Override
        protected void updateItem(Status item, boolean empty) {
            super.updateItem(item, empty);
            if (empty || item == null) {
                setGraphic(null);
                setText(null);
            } else {
                badge.setStatus(item);
                setGraphic(badge);
                setText(null);
            }
        }
    }
}
