package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.session.JournalEvent;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.function.UnaryOperator;

/** One check of the current step as the table shows it: filled in live as results are journaled. */
public final class CheckRow {
    private final int index;
    private final CheckSpec spec;
    /** Names workstation files as the report does; the row's texts from the runbook pass through it. */
    private final UnaryOperator<String> shownPaths;
    private final ObjectProperty<Status> status = new SimpleObjectProperty<>(this, "status", Status.PENDING);
    private final StringProperty expected = new SimpleStringProperty(this, "expected");
    private final StringProperty actual = new SimpleStringProperty(this, "actual");
    private final StringProperty duration = new SimpleStringProperty(this, "duration", "");
    private final ObjectProperty<CheckResult> result = new SimpleObjectProperty<>(this, "result");
    private final StringProperty accepted = new SimpleStringProperty(this, "accepted", "");

    CheckRow(int index, CheckSpec spec, UnaryOperator<String> shownPaths) {
        this.index = index;
        this.spec = spec;
        this.shownPaths = shownPaths;
        // The Check column already names the kind; a query's expectation alone reads as the engine will report it.
        expected.set(shownPaths.apply(spec instanceof CheckSpec.Query q ? q.expect().describe() : spec.describe()));
    }

    public int index() {
        return index;
    }

    public CheckSpec spec() {
        return spec;
    }

    public String kind() {
        return spec.kind();
    }

    /** The label as the wizard shows it: files relative to the runbook's folder, the home folder as {@code ~}. */
    public String label() {
        return shownPaths.apply(spec.label());
    }

    /** The label as the runbook gives it, files by their absolute paths: what the tooltip shows. */
    public String fullLabel() {
        return spec.label();
    }


    public ReadOnlyObjectProperty<Status> statusProperty() {
        return status;
    }

    public Status status() {
        return status.get();
    }

    public ReadOnlyStringProperty expectedProperty() {
        return expected;
    }

    public ReadOnlyStringProperty actualProperty() {
        return actual;
    }

    public ReadOnlyStringProperty durationProperty() {
        return duration;
    }

    /** The latest journaled result (waiver applied), or null before the check has run. */
    public ReadOnlyObjectProperty<CheckResult> resultProperty() {
        return result;
    }

    public CheckResult result() {
        return result.get();
    }

    /** Who accepted this check and why: a waiver's reason or a confirmation's note; empty otherwise. */
    public ReadOnlyStringProperty acceptedProperty() {
        return accepted;
    }

    boolean isAutomated() {
        return !(spec instanceof CheckSpec.Manual) && !(spec instanceof CheckSpec.Signoff)
                && !(spec instanceof CheckSpec.Gate);
    }

    void markRunning() {
        status.set(Status.RUNNING);
        actual.set("running…");
        duration.set("");
    }

    void show(Status s, CheckResult r, JournalEvent.Waived waiver, JournalEvent.Confirmed confirmation) {
        status.set(s);
        result.set(r);
        if (r != null) {
            if (r.expected() != null) expected.set(shownPaths.apply(r.expected()));
            actual.set(r.actual() == null ? "" : r.actual());
            duration.set(formatMillis(r.durationMillis()));
        } else {
            actual.set(s == Status.PENDING ? "" : actual.get());
        }
        if (waiver != null && s == Status.WAIVED) {
            accepted.set("waived by " + waiver.operator() + ": " + waiver.reason());
        } else if (confirmation != null) {
            accepted.set("confirmed by " + confirmation.operator()
                    + (confirmation.note().isBlank() ? "" : ": " + confirmation.note()));
        } else {
            accepted.set("");
        }
    }

    static String formatMillis(long ms) {
        if (ms < 1000) return ms + " ms";
        if (ms < 60_000) return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
        return String.format(java.util.Locale.ROOT, "%d min %02d s", ms / 60_000, (ms / 1000) % 60);
    }
}
