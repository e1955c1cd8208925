package dev.runbookpilot.ui.widgets;

import ch.qos.logback.classic.Level;
import javafx.application.Platform;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TitledPane;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * The log console: a collapsible pane (collapsed at first) listing what {@link UiLogAppender} caught, filtered
 * by level. However many threads log, at most one refresh waits on the FX queue; it takes every line that
 * arrived since the last one. The title counts warnings and errors so they show while the pane is collapsed.
 */
public final class LogConsole extends TitledPane {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS")
            .withZone(ZoneId.systemDefault());
    private static final List<Level> LEVELS = List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR);

    private final UiLogAppender appender;
    private final ObservableList<UiLogAppender.Line> lines = FXCollections.observableArrayList();
    private final FilteredList<UiLogAppender.Line> shown = new FilteredList<>(lines);
    private final ListView<UiLogAppender.Line> list = new ListView<>(shown);
    private final ComboBox<Level> level = new ComboBox<>(FXCollections.observableArrayList(LEVELS));
    private final AtomicBoolean refreshQueued = new AtomicBoolean();
    private final Runnable onLines = this::scheduleRefresh;
    private long lastSeq;
    private int refreshes;
    private int warnings;
    private int errors;

    public LogConsole(UiLogAppender appender) {
        this.appender = appender;
        getStyleClass().add("log-console");
        setId("log-console");
        setExpanded(false);
        setAnimated(false);

        list.setId("log-list");
        list.getStyleClass().add("log-list");
        list.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        list.setCellFactory(v -> new LineCell());
        list.setPrefHeight(180);
        list.setPlaceholder(new Label("No log lines at this level yet"));

        level.setId("log-level");
        level.setValue(Level.INFO);
        level.valueProperty().addListener((obs, was, now) -> applyFilter());
        Button copy = new Button("Copy");
        copy.setOnAction(e -> copySelection());
        Button clear = new Button("Clear");
        clear.setOnAction(e -> clearLines());
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox bar = new HBox(8, new Label("Show"), level, new Label("and above"), gap, copy, clear);
        bar.setAlignment(Pos.CENTER_LEFT);
        VBox body = new VBox(6, bar, list);
        VBox.setVgrow(list, Priority.ALWAYS);
        // In the scene only once opened: collapsed, its list and combo box still had their skins made and styled in
        // the wizard's first CSS pass. The lines are kept (and counted in the title) either way.
        expandedProperty().addListener((o, was, open) -> {
            if (open && getContent() == null) setContent(body);
        });

        applyFilter();
        updateTitle();
        appender.addListener(onLines);
        // Lines logged before the console existed (start-up, connection) are shown too.
        scheduleRefresh();
    }

    /** Stops listening to the appender; the lines shown stay. */
    public void dispose() {
        appender.removeListener(onLines);
    }

    /** All lines held (before level filtering), oldest first. For tests and copy. */
    public List<UiLogAppender.Line> getLines() {
        return List.copyOf(lines);
    }

    public ListView<UiLogAppender.Line> getListView() {
        return list;
    }

    /** How many refreshes have run on the FX thread: tests check a burst of logging costs few. */
    int refreshCount() {
        return refreshes;
    }

    /** Lines at this level and above are shown. */
    public void setLevel(Level minimum) {
        level.setValue(minimum);
    }

    /** The one-line form shown in the list and copied: "12:03:04.123 WARN  [thread] logger — message". */
    public static String format(UiLogAppender.Line l) {
        String logger = l.logger() == null ? "" : l.logger().substring(l.logger().lastIndexOf('.') + 1);
        return TIME.format(l.time()) + " " + String.format("%-5s", l.level()) + " [" + l.thread() + "] " + logger
                + " — " + l.message();
    }

    private void scheduleRefresh() {
        if (refreshQueued.compareAndSet(false, true)) Platform.runLater(this::refresh);
    }

    private void refresh() {
        // Cleared before reading, so lines arriving during this refresh queue the next one.
        refreshQueued.set(false);
        refreshes++;
        List<UiLogAppender.Line> fresh = appender.linesAfter(lastSeq);
        if (fresh.isEmpty()) return;
        lastSeq = fresh.get(fresh.size() - 1).seq();
        boolean atEnd = isNearEnd();
        for (UiLogAppender.Line l : fresh) {
            if (l.level().isGreaterOrEqual(Level.ERROR)) errors++;
            else if (l.level().isGreaterOrEqual(Level.WARN)) warnings++;
        }
        lines.addAll(fresh);
        int excess = lines.size() - appender.capacity();
        if (excess > 0) lines.remove(0, excess);
        updateTitle();
        if (atEnd && !shown.isEmpty()) list.scrollTo(shown.size() - 1);
    }

    private boolean isNearEnd() {
        // Follow the newest lines unless the operator has selected something to read.
        return list.getSelectionModel().isEmpty();
    }

    private void applyFilter() {
        Level min = level.getValue() == null ? Level.TRACE : level.getValue();
        shown.setPredicate(l -> l.level().isGreaterOrEqual(min));
    }

    private void clearLines() {
        lines.clear();
        warnings = 0;
        errors = 0;
        updateTitle();
    }

    private void copySelection() {
        List<UiLogAppender.Line> selected = list.getSelectionModel().getSelectedItems();
        List<UiLogAppender.Line> source = selected.isEmpty() ? shown : selected;
        ClipboardContent content = new ClipboardContent();
        content.putString(source.stream().map(LogConsole::format).collect(Collectors.joining("\n")));
        Clipboard.getSystemClipboard().setContent(content);
    }

    private void updateTitle() {
        StringBuilder b = new StringBuilder("Log");
        if (errors > 0) b.append(" — ✖ ").append(errors).append(errors == 1 ? " error" : " errors");
        if (warnings > 0) b.append(errors > 0 ? ", " : " — ").append("⚠ ").append(warnings)
                .append(warnings == 1 ? " warning" : " warnings");
        setText(b.toString());
        getStyleClass().remove("log-has-errors");
        if (errors > 0) getStyleClass().add("log-has-errors");
    }

    private static final class LineCell extends ListCell<UiLogAppender.Line> {
        @Override
        protected void updateItem(UiLogAppender.Line item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("log-error", "log-warn", "log-info", "log-debug");
            if (empty || item == null) {
                setText(null);
                return;
            }
            setText(format(item));
            Level l = item.level();
            getStyleClass().add(l.isGreaterOrEqual(Level.ERROR) ? "log-error" : l.isGreaterOrEqual(Level.WARN)
                    ? "log-warn" : l.isGreaterOrEqual(Level.INFO) ? "log-info" : "log-debug");
        }
    }
}
