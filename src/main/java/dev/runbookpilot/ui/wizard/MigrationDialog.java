package dev.runbookpilot.ui.wizard;

import javafx.beans.binding.Bindings;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.VBox;

/**
 * Shows the SQL a step will run and asks for approval. Against production the operator types the database name;
 * the view model checks it again, so this dialog is a convenience, not the guard.
 */
final class MigrationDialog extends Dialog<String> {
    static final ButtonType RUN = new ButtonType("Run migration", ButtonBar.ButtonData.OK_DONE);

    private final TextArea sql = new TextArea("Loading the SQL…");

    MigrationDialog(String stepTitle, String database, boolean production) {
        setTitle("Approve migration");
        setHeaderText("'" + stepTitle + "' will change database " + database);
        sql.setId("migration-sql");
        sql.setEditable(false);
        sql.setPrefRowCount(18);
        sql.setStyle("-fx-font-family: monospace;");
        VBox box = new VBox(10, new Label("The SQL that will run, exactly:"), sql);
        box.setPrefWidth(760);
        getDialogPane().getButtonTypes().setAll(RUN, ButtonType.CANCEL);
        if (production) {
            Label warn = new Label("PRODUCTION: type the database name (" + database + ") to approve.");
            warn.getStyleClass().add("production-warning");
            TextField typed = new TextField();
            typed.setId("typed-database");
            typed.setPromptText(database);
            box.getChildren().addAll(warn, typed);
            getDialogPane().lookupButton(RUN).disableProperty().bind(Bindings.createBooleanBinding(
                    () -> !typed.getText().strip().equals(database), typed.textProperty()));
            setResultConverter(b -> b == RUN ? typed.getText().strip() : null);
            setOnShown(e -> typed.requestFocus());
        } else {
            setResultConverter(b -> b == RUN ? "" : null);
        }
        getDialogPane().setContent(box);
    }

    void showSql(String text) {
        sql.setText(text);
    }
}
