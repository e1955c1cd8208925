package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Step;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

/** One step in the wizard's outline, with its live status. */
public final class StepItem {
    private final String phase;
    private final Step step;
    private final int position;
    private final ObjectProperty<Status> status = new SimpleObjectProperty<>(this, "status", Status.PENDING);

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

    @Override
    public String toString() {
        return step.title();
    }
}
