package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.Status;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.util.Duration;

import java.util.Locale;

/**
 * A check or step status as glyph and word, never colour alone ("✔ PASSED", "✖ FAILED"), with a style class
 * per status ({@code status-passed}, ...) and a tooltip saying what the status means. The static helpers give
 * the same text to table and tree cells.
 */
public final class StatusBadge extends Label {

    private final ObjectProperty<Status> status = new SimpleObjectProperty<>(this, "status");
    private final Tooltip tooltip = new Tooltip();

    public StatusBadge() {
        this(Status.PENDING);
    }

    public StatusBadge(Status initial) {
        getStyleClass().add("status-badge");
        tooltip.setShowDelay(Duration.millis(300));
        tooltip.setWrapText(true);
        tooltip.setMaxWidth(360);
        setTooltip(tooltip);
        status.addListener((obs, was, now) -> refresh(was, now));
        status.set(initial);
        if (initial == null) refresh(null, null);
    }

    public ObjectProperty<Status> statusProperty() {
        return status;
    }

    public Status getStatus() {
        return status.get();
    }

    /** Null shows "○ PENDING": a check without a result has not run. */
    public void setStatus(Status value) {
        status.set(value);
    }

    private void refresh(Status was, Status now) {
        if (was != null) getStyleClass().remove(styleClass(was));
        Status shown = now == null ? Status.PENDING : now;
        if (!getStyleClass().contains(styleClass(shown))) getStyleClass().add(styleClass(shown));
        setText(cellText(shown));
        tooltip.setText(tooltipText(shown));
    }

    /** The glyph alone, chosen from characters the default fonts (DejaVu, Segoe UI, SF) all carry. */
    public static String glyph(Status s) {
        switch (orPending(s)) {
            case PASSED: return "✔";
            case FAILED: return "✖";
            case ERROR: return "⚠";
            case RUNNING: return "⟳";
            case WAIVED: return "≈";
            case CONFIRMED: return "☑";
            case SKIPPED: return "–";
            case REHEARSED: return "◇";
            case PENDING:
            default: return "○";
        }
    }

    /** Glyph and status word, e.g. "✖ FAILED": what a table or tree cell shows. */
    public static String cellText(Status s) {
        Status shown = orPending(s);
        return glyph(shown) + " " + shown.name();
    }

    /** What the status means for the operator. */
    public static String tooltipText(Status s) {
        switch (orPending(s)) {
            case PASSED: return "Passed: the check ran and its expectation was met.";
            case FAILED: return "Failed: the check ran and its expectation was not met. "
                    + "The wizard stops here until it is fixed and re-run, or waived with a written reason.";
            case ERROR: return "Error: the check could not be evaluated (the database refused, timed out or the "
                    + "check could not look) — never counts as a pass. Re-run it or waive it with a written reason.";
            case RUNNING: return "Running: the check is being evaluated now.";
            case WAIVED: return "Waived: a failure or error accepted by a named operator with a written reason.";
            case CONFIRMED: return "Confirmed: an operator confirmed this manual item.";
            case SKIPPED: return "Skipped: not evaluated because it does not apply to this run.";
            case REHEARSED: return "Rehearsed: walked through in a rehearsal on a copy; nobody confirmed or signed it.";
            case PENDING:
            default: return "Pending: not run yet.";
        }
    }

    /** The style class for a status: {@code status-passed}, {@code status-failed}, ... */
    public static String styleClass(Status s) {
        return "status-" + orPending(s).name().toLowerCase(Locale.ROOT);
    }

    private static Status orPending(Status s) {
        return s == null ? Status.PENDING : s;
    }
}
