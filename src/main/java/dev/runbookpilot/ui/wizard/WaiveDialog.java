package dev.runbookpilot.ui.wizard;

import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.VBox;

import java.util.List;

/** Asks why failed checks are acceptable; the reason is journaled with the operator's name. */
final class WaiveDialog extends Dialog<String> {
    static final ButtonType WAIVE = new ButtonType("Waive", ButtonBar.ButtonData.OK_DONE);

    WaiveDialog(String operator, List<CheckRow> rows) {
        setTitle("Waive failed checks");
        setHeaderText("Accept " + (rows.size() == 1 ? "this failed check" : rows.size() + " failed checks")
                + " and move on");
        TextArea reason = new TextArea();
        reason.setId("waiver-reason");
        reason.setPromptText("Why is this acceptable? (required; goes into the journal and the report)");
        reason.setWrapText(true);
        reason.setPrefRowCount(4);
        StringBuilder which = new StringBuilder();
        for (CheckRow r : rows) {
            which.append("• ").append(r.label()).append(" — ").append(r.status()).append(": expected ")
                    .append(r.expectedProperty().get()).append(", actual ").append(r.actualProperty().get())
                    .append('\n');
        }
        Label checks = new Label(which.toString().strip());
        checks.setWrapText(true);
        Label by = new Label("Recorded as waived by " + operator + ".");
        VBox box = new VBox(10, checks, reason, by);
        box.setPrefWidth(560);
        getDialogPane().setContent(box);
        getDialogPane().getButtonTypes().setAll(WAIVE, ButtonType.CANCEL);
        getDialogPane().lookupButton(WAIVE).disableProperty().bind(reason.textProperty().isEmpty()
                .or(javafx.beans.binding.Bindings.createBooleanBinding(() -> reason.getText().isBlank(),
                        reason.textProperty())));
        setResultConverter(b -> b == WAIVE ? reason.getText().strip() : null);
        setOnShown(e -> reason.requestFocus());
    }
}
