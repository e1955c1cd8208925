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
        checks.setMnemonicParsing(false);
        // Dozens of failed checks scroll here; the reason and the buttons stay on a 768-pixel screen.
        javafx.scene.control.ScrollPane list = new javafx.scene.control.ScrollPane(checks);
        list.setId("waived-checks");
        list.setFitToWidth(true);
        list.setPrefViewportHeight(Math.min(220, 22.0 * rows.size() + 4));
        list.setMinViewportHeight(Math.min(44, 22.0 * rows.size() + 4));
        Label reasonLabel = new Label("Reason (required):");
        reasonLabel.setLabelFor(reason);
        // Tab leaves the reason as it leaves a text field (to Waive, or Cancel while there is no reason yet),
        // Shift+Tab goes back to the list: a tab character in a waiver helps no auditor.
        reason.addEventFilter(javafx.scene.input.KeyEvent.KEY_PRESSED, e -> {
            if (e.getCode() != javafx.scene.input.KeyCode.TAB || e.isControlDown()) return;
            e.consume();
            if (e.isShiftDown()) {
                list.requestFocus();
                return;
            }
            javafx.scene.Node waive = getDialogPane().lookupButton(WAIVE);
            (waive.isDisabled() ? getDialogPane().lookupButton(ButtonType.CANCEL) : waive).requestFocus();
        });
        Label by = new Label("Recorded as waived by " + operator + ".");
        VBox box = new VBox(10, list, reasonLabel, reason, by);
        VBox.setVgrow(list, javafx.scene.layout.Priority.SOMETIMES);
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
