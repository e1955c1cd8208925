package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.db.Locks;
import javafx.beans.binding.Bindings;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.VBox;

import java.util.List;

/**
 * Its own approval for stopping a session a migration waited for: which one (only those its failure named), cancel
 * its statement or terminate it, why, and on production the database name typed. The session checks it all again.
 */
final class StopBlockerDialog extends Dialog<StopBlockerDialog.Decision> {
    static final ButtonType STOP = new ButtonType("Stop it", ButtonBar.ButtonData.OK_DONE);

    record Decision(int pid, boolean terminate, String reason, String typedDatabase) {}

    StopBlockerDialog(String stepTitle, List<Locks.Blocker> blockers, String database, boolean typeName,
                      String operator) {
        setTitle("Stop a blocking session");
        setHeaderText("'" + stepTitle + "' timed out waiting for a lock held by another session");
        ComboBox<Locks.Blocker> which = new ComboBox<>();
        which.setId("blocker-choice");
        which.getItems().setAll(blockers);
        which.getSelectionModel().selectFirst();
        which.setMaxWidth(Double.MAX_VALUE);
        which.setButtonCell(new BlockerCell());
        which.setCellFactory(v -> new BlockerCell());
        ToggleGroup group = new ToggleGroup();
        RadioButton cancel = option(group, "Cancel its running statement (pg_cancel_backend): an idle session in a"
                + " transaction keeps its locks", "blocker-cancel");
        RadioButton terminate = option(group, "Terminate the session (pg_terminate_backend): its open transaction"
                + " rolls back and its client is disconnected", "blocker-terminate");
        terminate.setSelected(true);
        TextArea reason = new TextArea();
        reason.setId("blocker-reason");
        reason.setPromptText("Why (required; journaled and reported with your name)");
        reason.setWrapText(true);
        reason.setPrefRowCount(2);
        TextField typed = new TextField();
        typed.setId("blocker-typed-name");
        typed.setPromptText("type " + database);
        Label typeLabel = new Label("PRODUCTION: type the database name (" + database + ") to approve");
        typeLabel.setLabelFor(typed);
        VBox box = new VBox(10, which, cancel, terminate, reason);
        if (typeName) box.getChildren().addAll(typeLabel, typed);
        box.getChildren().add(new Label("Recorded as done by " + operator + ". Then run the step again."));
        box.setPrefWidth(640);
        getDialogPane().setContent(box);
        getDialogPane().getButtonTypes().setAll(STOP, ButtonType.CANCEL);
        getDialogPane().lookupButton(STOP).disableProperty().bind(Bindings.createBooleanBinding(
                () -> which.getValue() == null || reason.getText().isBlank()
                        || typeName && !database.equals(typed.getText().strip()),
                which.valueProperty(), reason.textProperty(), typed.textProperty()));
        setResultConverter(b -> b == STOP && which.getValue() != null
                ? new Decision(which.getValue().pid(), terminate.isSelected(), reason.getText().strip(),
                typed.getText().strip()) : null);
    }

    private static RadioButton option(ToggleGroup group, String text, String id) {
        RadioButton b = new RadioButton(text);
        b.setId(id);
        b.setMnemonicParsing(false);
        b.setWrapText(true);
        b.setToggleGroup(group);
        return b;
    }

    private static final class BlockerCell extends javafx.scene.control.ListCell<Locks.Blocker> {
        @Override
        protected void updateItem(Locks.Blocker item, boolean empty) {
            super.updateItem(item, empty);
            setText(empty || item == null ? null : item.describe());
        }
    }
}
