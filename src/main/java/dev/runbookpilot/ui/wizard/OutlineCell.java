package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.ui.widgets.StatusBadge;
import javafx.beans.value.ChangeListener;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.OverrunStyle;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * One step of the outline on one line: the status glyph (with its word in the tooltip, colour never alone), or a
 * lock when a gate holds the step closed, and the numbered title, cut with an ellipsis at the list's width; the
 * tooltip has the full title and the status (or why the step is closed). The first step of a phase carries the
 * phase's name above it.
 */
final class OutlineCell extends ListCell<StepItem> {
    /** The glyph of a step a gate holds closed. */
    static final String LOCK = "🔒";
    private final Predicate<StepItem> reachable;
    private StepItem shown;
    private final ChangeListener<Status> onStatus = (o, was, is) -> render();
    private final ChangeListener<String> onClosed = (o, was, is) -> render();

    /** @param reachable whether the operator may go to an item (every step before it settled) */
    OutlineCell(Predicate<StepItem> reachable) {
        this.reachable = reachable;
        getStyleClass().add("outline-cell");
    }

    @Override
    protected void updateItem(StepItem item, boolean empty) {
        super.updateItem(item, empty);
        if (shown != null) {
            shown.statusProperty().removeListener(onStatus);
            shown.closedByProperty().removeListener(onClosed);
        }
        shown = empty ? null : item;
        if (shown != null) {
            shown.statusProperty().addListener(onStatus);
            shown.closedByProperty().addListener(onClosed);
        }
        render();
    }

    private void render() {
        setText(null);
        if (shown == null) {
            setGraphic(null);
            setTooltip(null);
            setDisable(false);
            return;
        }
        StepItem item = shown;
        Status status = item.status();
        // A step a gate holds closed shows a lock instead of its status: it cannot be worked on, whatever it says.
        Label glyph = new Label(item.closed() ? LOCK : StatusBadge.glyph(status));
        glyph.getStyleClass().addAll("outline-status",
                item.closed() ? "outline-closed" : StatusBadge.styleClass(status));
        glyph.setMinWidth(Region.USE_PREF_SIZE);
        String numbered = (item.position() + 1) + ". " + item.step().title();
        Label title = new Label(numbered);
        title.getStyleClass().add("outline-title");
        title.setMnemonicParsing(false);
        title.setWrapText(false);
        title.setTextOverrun(OverrunStyle.ELLIPSIS);
        title.setMinWidth(0);
        title.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(title, Priority.ALWAYS);
        HBox line = new HBox(6, glyph, title);
        line.setAlignment(Pos.CENTER_LEFT);
        line.setMinWidth(0);
        // Held to the list's width, so a long title is cut, not the cell widened under a scroll bar.
        if (getListView() != null) line.prefWidthProperty().bind(getListView().widthProperty().subtract(24));
        boolean firstOfPhase = item.position() == 0 || getListView() == null
                || !getListView().getItems().get(item.position() - 1).phase().equals(item.phase());
        if (firstOfPhase) {
            Label phase = new Label(item.phase().toUpperCase(Locale.ROOT));
            phase.getStyleClass().add("phase-caption");
            phase.setMnemonicParsing(false);
            setGraphic(new VBox(2, phase, line));
        } else {
            setGraphic(line);
        }
        Tooltip tip = new Tooltip(numbered + "\n" + (item.closed() ? item.closedBy().substring(0, 1)
                .toUpperCase(Locale.ROOT) + item.closedBy().substring(1) : StatusBadge.cellText(status))
                + " · phase " + item.phase());
        tip.setShowDelay(Duration.millis(300));
        tip.setWrapText(true);
        tip.setMaxWidth(420);
        setTooltip(tip);
        setDisable(!reachable.test(item));
    }
}
