package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.Status;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.transformation.FilteredList;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

import java.util.Collections;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/**
 * One filter by status for the outline and the checks table ("show only what failed", "what is still pending"):
 * the view lists {@link #steps()} and {@link #checks()} instead of the model's lists. The current step always stays
 * in the outline, so the operator never loses their place; the model's lists and everything it decides stay whole.
 */
final class StatusFilter {

    /** What the operator can ask to see. */
    enum Show {
        ALL("All steps and checks", EnumSet.allOf(Status.class)),
        OPEN("Not settled yet", EnumSet.of(Status.PENDING, Status.RUNNING, Status.FAILED, Status.ERROR)),
        FAILED("Failed or error", EnumSet.of(Status.FAILED, Status.ERROR)),
        WAIVED("Waived or skipped", EnumSet.of(Status.WAIVED, Status.SKIPPED)),
        PENDING("Pending", EnumSet.of(Status.PENDING, Status.RUNNING));

        private final String words;
        private final Set<Status> statuses;

        Show(String words, Set<Status> statuses) {
            this.words = words;
            this.statuses = statuses;
        }

        boolean keeps(Status s) {
            return statuses.contains(s);
        }

        @Override
        public String toString() {
            return words;
        }
    }

    private final WizardViewModel vm;
    private final ObjectProperty<Show> show = new SimpleObjectProperty<>(this, "show", Show.ALL);
    private final FilteredList<StepItem> steps;
    private final FilteredList<CheckRow> checks;

    StatusFilter(WizardViewModel vm) {
        this.vm = vm;
        steps = new FilteredList<>(vm.steps());
        checks = new FilteredList<>(vm.checks());
        show.addListener((o, a, b) -> reapply());
        // Statuses change in place: the lists do not see it, so the predicates are re-applied when they do.
        vm.steps().forEach(s -> s.statusProperty().addListener((o, a, b) -> reapplySteps(false)));
        vm.currentProperty().addListener((o, a, b) -> reapplySteps(true));
        // A new step's rows are filtered as they come; their statuses arrive with the revision bumped after.
        vm.revisionProperty().addListener((o, a, b) -> reapplyChecks(false));
        reapply();
    }

    ObjectProperty<Show> showProperty() {
        return show;
    }

    FilteredList<StepItem> steps() {
        return steps;
    }

    FilteredList<CheckRow> checks() {
        return checks;
    }

    /** "Show [All steps and checks ▾]", for the head of the outline. */
    HBox control() {
        ComboBox<Show> choice = new ComboBox<>(FXCollections.observableArrayList(Show.values()));
        choice.setId("status-filter");
        choice.valueProperty().bindBidirectional(show);
        choice.setMaxWidth(Double.MAX_VALUE);
        choice.setTooltip(new Tooltip("Show only the steps and checks with this status (the current step always"
                + " stays in the list)"));
        HBox.setHgrow(choice, Priority.ALWAYS);
        Label label = new Label("Show");
        label.setLabelFor(choice);
        label.setMinWidth(Region.USE_PREF_SIZE);
        HBox box = new HBox(6, label, choice);
        box.setAlignment(Pos.CENTER_LEFT);
        return box;
    }

    /** What the checks table says when the filter hides every check of the step. */
    String placeholder() {
        return vm.checks().isEmpty() ? "This step has no checks."
                : "No check of this step is " + show.get().toString().toLowerCase(java.util.Locale.ROOT)
                + " (Show: " + Show.ALL + " lists them all).";
    }

    private void reapply() {
        reapplySteps(true);
        reapplyChecks(true);
    }

    /**
     * A new predicate makes the filtered list replace every item (and the control showing it lays out all its
     * cells again and remaps its selection), so a status change that keeps every item where it was does not set
     * one: once per result, that froze the window while 500 results streamed in (WizardPulseBenchmark).
     *
     * @param force set the predicate even if it keeps the same items: what it depends on besides statuses changed
     */
    private void reapplySteps(boolean force) {
        Show s = show.get();
        StepItem current = vm.currentProperty().get();
        Predicate<StepItem> keep = item -> item == current || s.keeps(item.status());
        if (force || !keepsTheSame(steps, keep)) steps.setPredicate(keep);
    }

    private void reapplyChecks(boolean force) {
        Show s = show.get();
        Predicate<CheckRow> keep = row -> s.keeps(row.status());
        if (force || !keepsTheSame(checks, keep)) checks.setPredicate(keep);
    }

    /** Whether {@code keep} keeps exactly the items the list shows now. */
    private static <T> boolean keepsTheSame(FilteredList<T> list, Predicate<T> keep) {
        Set<T> shown = Collections.newSetFromMap(new IdentityHashMap<>());
        shown.addAll(list);
        for (T item : list.getSource()) {
            if (keep.test(item) != shown.contains(item)) return false;
        }
        return true;
    }
}
