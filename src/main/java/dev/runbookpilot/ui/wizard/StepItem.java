package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Step;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/** One step in the wizard's outline, with its live status and whether a gate holds it closed. */
public final class StepItem {
    private final String phase;
    private final Step step;
    private final int position;
    private final ObjectProperty<Status> status = new SimpleObjectProperty<>(this, "status", Status.PENDING);
    /** Why a gate holds this step closed ("closed until ... is answered GO by ..."); empty while it is open. */
    private final StringProperty closedBy = new SimpleStringProperty(this, "closedBy", "");

    StepItem(String phase, Step step, int position) {
        this.phase = phase;
        this.step = step;
        this.position = position;
    }

    public String phase() {
        return phase;
    }

    public Step step() {
        return step;
    }

    /** Zero-based position in the whole runbook. */
    public int position() {
        return position;
    }

    public ReadOnlyObjectProperty<Status> statusProperty() {
        return status;
    }

    public Status status() {
        return status.get();
    }

    void setStatus(Status s) {
        status.set(s);
    }

    public ReadOnlyStringProperty closedByProperty() {
        return closedBy;
    }

    public String closedBy() {
        return closedBy.get();
    }

    /** A gate before it holds it closed: nothing of it may be run, confirmed or signed now. */
    public boolean closed() {
        return !closedBy.get().isEmpty();
    }

    void setClosedBy(String why) {
        closedBy.set(why == null ? "" : why);
    }

    @Override
    public String toString() {
        return step.title();
    }
}
