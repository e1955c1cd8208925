package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.session.JournalEvent;
import javafx.beans.binding.Bindings;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextArea;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.VBox;

/**
 * Asks what became of a migration whose outcome the tool cannot know, after showing what ran: applied, not
 * applied, or run again, with a note. The answer is journaled as a settle decision, never as a waiver.
 */
final class SettleDialog extends Dialog<SettleDialog.Decision> {
    static final ButtonType SETTLE = new ButtonType("Settle", ButtonBar.ButtonData.OK_DONE);

    record Decision(JournalEvent.Settlement settlement, String note) {}

    SettleDialog(String stepTitle, String whatRan, String operator) {
        setTitle("Settle the migration");
        setHeaderText("What became of '" + stepTitle + "'?");
        Label evidence = new Label(whatRan);
        evidence.setId("settle-evidence");
        evidence.setWrapText(true);
        ToggleGroup group = new ToggleGroup();
        RadioButton applied = option(group, "Applied — it took effect; never run it again", "settle-applied",
                JournalEvent.Settlement.APPLIED);
        RadioButton notApplied = option(group, "Not applied — nothing of it is in the database; run it when"
                + " approved", "settle-not-applied", JournalEvent.Settlement.NOT_APPLIED);
        RadioButton again = option(group, "Run again — running the whole file or command again is safe; run it"
                + " when approved",
                "settle-run-again", JournalEvent.Settlement.RUN_AGAIN);
        TextArea note = new TextArea();
        note.setId("settle-note");
        note.setPromptText("What you found in the database (required; goes into the journal and the report)");
        note.setWrapText(true);
        note.setPrefRowCount(3);
        Label by = new Label("Recorded as settled by " + operator + ". This is not a waiver.");
        VBox box = new VBox(10, evidence, applied, notApplied, again, note, by);
        box.setPrefWidth(600);
        getDialogPane().setContent(box);
        getDialogPane().getButtonTypes().setAll(SETTLE, ButtonType.CANCEL);
        getDialogPane().lookupButton(SETTLE).disableProperty().bind(Bindings.createBooleanBinding(
                () -> group.getSelectedToggle() == null || note.getText().isBlank(),
                group.selectedToggleProperty(), note.textProperty()));
        setResultConverter(b -> b == SETTLE && group.getSelectedToggle() != null
                ? new Decision((JournalEvent.Settlement) group.getSelectedToggle().getUserData(), note.getText().strip())
                : null);
    }

    private static RadioButton option(ToggleGroup group, String text, String id, JournalEvent.Settlement value) {
        RadioButton b = new RadioButton(text);
        b.setId(id);
        b.setMnemonicParsing(false);
        b.setWrapText(true);
        b.setUserData(value);
        b.setToggleGroup(group);
        return b;
    }
}
