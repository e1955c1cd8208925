package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.ui.widgets.MarkdownView;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.function.Consumer;

/**
 * The manual items of a step, built afresh after each journaled change: each item's text rendered as Markdown
 * beside its checkbox, one note for the whole step, "Confirm all" for a long imported checklist (each item still
 * journaled on its own), and, until the operator leaves the step, a tick taken back by unticking it and the note of
 * this visit's confirmations changed with "Save note" (both journaled).
 */
final class ManualItemsPane extends VBox {

    /**
     * @param note      the step's note as typed so far (kept by the view across rebuilds, dropped on the next step)
     * @param onNote    hears every change of the note, so it survives the next rebuild
     */
    ManualItemsPane(WizardViewModel vm, List<CheckRow> rows, String note, Consumer<String> onNote) {
        super(6);
        setId("manual-items-pane");
        long confirmed = rows.stream().filter(r -> r.status() == Status.CONFIRMED).count();
        List<CheckRow> open = rows.stream().filter(r -> r.status() == Status.PENDING).toList();
        boolean noteRequired = open.stream().anyMatch(r -> ((CheckSpec.Manual) r.spec()).requireNote());

        TextField noteField = new TextField(note);
        noteField.setId("step-note");
        noteField.getStyleClass().add("manual-note");
        noteField.setPromptText(noteRequired ? "Note for this step's confirmations (required)"
                : "Note for this step's confirmations (optional)");
        noteField.disableProperty().bind(vm.busyProperty());

        Label heading = WizardView.sectionLabel("Manual confirmations — " + confirmed + " of " + rows.size()
                + " confirmed");
        heading.setId("manual-heading");
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        Button all = new Button("✔ Confirm all " + open.size());
        all.setId("confirm-all");
        all.setTooltip(new Tooltip("Confirm every item of this step not confirmed yet, with the note below; each is"
                + " journaled as its own confirmation"));
        all.setVisible(open.size() > 1);
        all.setManaged(all.isVisible());
        all.disableProperty().bind(vm.busyProperty());
        all.setOnAction(e -> vm.confirmAll(noteField.getText()));
        HBox head = new HBox(8, heading, gap, all);
        head.setAlignment(Pos.CENTER_LEFT);
        getChildren().add(head);

        for (CheckRow row : rows) getChildren().add(item(vm, row, noteField));

        Label noteLabel = new Label("Note");
        noteLabel.setLabelFor(noteField);
        noteLabel.setMinWidth(Region.USE_PREF_SIZE);
        Button save = new Button("Save note");
        save.setId("renote");
        save.setTooltip(new Tooltip("Give the confirmations made since you came to this step this note instead;"
                + " the journal keeps both"));
        boolean anyHere = rows.stream().anyMatch(vm::canWithdraw);
        save.setVisible(anyHere);
        save.setManaged(anyHere);
        save.setDisable(vm.renotable(note).isEmpty());
        noteField.textProperty().addListener((o, a, b) -> {
            onNote.accept(b);
            save.setDisable(vm.renotable(b).isEmpty());
        });
        save.setOnAction(e -> vm.renote(noteField.getText()));
        HBox.setHgrow(noteField, Priority.ALWAYS);
        HBox noteLine = new HBox(8, noteLabel, noteField, save);
        noteLine.setAlignment(Pos.CENTER_LEFT);
        getChildren().add(noteLine);
    }

    private static HBox item(WizardViewModel vm, CheckRow row, TextField noteField) {
        CheckSpec.Manual m = (CheckSpec.Manual) row.spec();
        CheckBox done = new CheckBox();
        done.getStyleClass().add("manual-item");
        done.setAccessibleText(m.text());
        boolean confirmed = row.status() == Status.CONFIRMED;
        boolean takeBack = vm.canWithdraw(row);
        done.setSelected(confirmed);
        if (confirmed && !takeBack || row.status() == Status.SKIPPED || row.status() == Status.REHEARSED) {
            done.setDisable(true);
        } else {
            done.disableProperty().bind(vm.busyProperty());
        }
        done.setOnAction(e -> {
            // The tick follows the journal: the rebuild after the confirmation (or its withdrawal) shows it.
            done.setSelected(confirmed);
            if (confirmed) {
                vm.withdraw(row);
            } else {
                if (m.requireNote() && noteField.getText().isBlank()) noteField.requestFocus();
                vm.confirm(row, noteField.getText());
            }
        });
        MarkdownView text = new MarkdownView(m.text());
        text.getStyleClass().add("manual-text");
        // The text is the checkbox's label: a click on it ticks as a click on the box does.
        text.setOnMouseClicked(e -> {
            if (!done.isDisabled()) done.fire();
        });
        HBox.setHgrow(text, Priority.ALWAYS);
        text.setMaxWidth(Double.MAX_VALUE);
        VBox words = new VBox(2, text);
        HBox.setHgrow(words, Priority.ALWAYS);
        if (confirmed) {
            String note = row.acceptedProperty().get();
            Label who = new Label(note + (takeBack
                    ? " — untick to take it back while you are on this step" : ""));
            who.getStyleClass().add("manual-confirmed");
            who.setWrapText(true);
            who.setMnemonicParsing(false);
            words.getChildren().add(who);
        } else if (m.requireNote()) {
            Label needs = new Label("needs a note");
            needs.getStyleClass().add("manual-needs-note");
            words.getChildren().add(needs);
        }
        HBox line = new HBox(8, done, words);
        line.setAlignment(Pos.TOP_LEFT);
        line.setPadding(new Insets(0, 0, 0, 8));
        return line;
    }
}
