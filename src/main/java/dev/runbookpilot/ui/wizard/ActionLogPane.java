package dev.runbookpilot.ui.wizard;

import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * The log panel: the session's actions (results, approvals, waivers, confirmations, sign-offs, migrations) as they
 * are journaled, filtered by kind and by words. Collapsed at first; its title counts the actions and the failures,
 * so both show while it is closed.
 */
final class ActionLogPane extends TitledPane {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    private final ObservableList<ActionLog.Entry> all;
    private final FilteredList<ActionLog.Entry> shown;
    private final TableView<ActionLog.Entry> table = new TableView<>();
    private final ComboBox<ActionLog.Filter> filter =
            new ComboBox<>(FXCollections.observableArrayList(ActionLog.Filter.values()));
    private final TextField search = new TextField();

    ActionLogPane(ObservableList<ActionLog.Entry> entries) {
        this.all = entries;
        this.shown = new FilteredList<>(entries);
        setId("session-log");
        getStyleClass().add("session-log");
        setExpanded(false);
        setAnimated(false);

        filter.setId("session-log-filter");
        filter.setValue(ActionLog.Filter.ALL);
        filter.valueProperty().addListener((o, a, b) -> applyFilter());
        search.setId("session-log-search");
        search.setPromptText("Find: step, check, name, words");
        search.textProperty().addListener((o, a, b) -> applyFilter());
        HBox.setHgrow(search, Priority.ALWAYS);
        Label count = new Label();
        count.setId("session-log-count");
        count.setMinWidth(Region.USE_PREF_SIZE);
        Label show = new Label("Show");
        show.setLabelFor(filter);
        show.setMinWidth(Region.USE_PREF_SIZE);
        HBox bar = new HBox(8, show, filter, search, count);
        bar.setAlignment(Pos.CENTER_LEFT);

        table.setId("session-log-table");
        table.setItems(shown);
        table.setPlaceholder(new Label("No action of this kind yet"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.setPrefHeight(200);
        table.getColumns().setAll(java.util.List.of(
                column("Time", e -> TIME.format(e.at()), 80, 80, 80),
                column("Step", ActionLog.Entry::step, 120, 220, 300),
                column("Action", ActionLog.Entry::text, 200, 700, Double.MAX_VALUE),
                column("By", ActionLog.Entry::by, 100, 140, 200)));
        table.setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(ActionLog.Entry e, boolean empty) {
                super.updateItem(e, empty);
                getStyleClass().remove("action-failure");
                if (!empty && e != null && e.status() != null && e.status().isBlocking()) {
                    getStyleClass().add("action-failure");
                }
            }
        });
        VBox body = new VBox(6, bar, table);
        VBox.setVgrow(table, Priority.ALWAYS);
        // In the scene only once opened: a collapsed pane's table, combo box and field still had their skins made
        // and styled in the wizard's first CSS pass, for a panel most sessions never open.
        if (isExpanded()) setContent(body);

        shown.addListener((ListChangeListener<ActionLog.Entry>) c -> count.setText(shown.size() == all.size()
                ? "" : shown.size() + " of " + all.size()));
        all.addListener((ListChangeListener<ActionLog.Entry>) c -> {
            updateTitle();
            if (isExpanded()) followNewest();
        });
        // Scrolling a closed panel's table costs a layout of its cells per action: it follows when opened instead.
        expandedProperty().addListener((o, a, open) -> {
            if (open && getContent() == null) setContent(body);
            if (open) followNewest();
        });
        updateTitle();
    }

    /** Follows the newest action unless the operator has selected one to read. */
    private void followNewest() {
        if (table.getSelectionModel().isEmpty() && !shown.isEmpty()) table.scrollTo(shown.size() - 1);
    }

    /** The actions the filter and the words keep, oldest first. */
    ObservableList<ActionLog.Entry> shownEntries() {
        return shown;
    }

    private void applyFilter() {
        ActionLog.Filter f = filter.getValue() == null ? ActionLog.Filter.ALL : filter.getValue();
        String words = search.getText();
        shown.setPredicate(e -> f.keeps(e) && e.mentions(words));
    }

    private void updateTitle() {
        long failures = all.stream().filter(ActionLog.Filter.FAILURES::keeps).count();
        setText("Session log — " + all.size() + (all.size() == 1 ? " action" : " actions")
                + (failures == 0 ? "" : ", ✖ " + failures + (failures == 1 ? " failure" : " failures")));
    }

    private static TableColumn<ActionLog.Entry, String> column(String title,
                                                              java.util.function.Function<ActionLog.Entry, String> value,
                                                              double min, double pref, double max) {
        TableColumn<ActionLog.Entry, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(value.apply(d.getValue())));
        c.setMinWidth(min);
        c.setPrefWidth(pref);
        c.setMaxWidth(max);
        c.setSortable(false);
        // A long action (a lock wait with its blockers) is cut in the column; its tooltip has all of it. One tooltip
        // per cell, its text replaced: a new one per update cost a fifth of the FX thread while results streamed in.
        c.setCellFactory(col -> new TableCell<>() {
            private final Tooltip tip = new Tooltip();

            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
                boolean none = empty || text == null || text.isEmpty();
                tip.setText(none ? null : text);
                setTooltip(none ? null : tip);
            }
        });
        return c;
    }
}
