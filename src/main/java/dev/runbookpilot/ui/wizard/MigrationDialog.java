package dev.runbookpilot.ui.wizard;

import javafx.beans.binding.Bindings;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.VBox;

/**
 * Shows the SQL a step will run and asks for approval. Against production the operator types the database name;
 * the view model checks it again, so this dialog is a convenience, not the guard.
 */
final class MigrationDialog extends Dialog<String> {
    private final ButtonType run;

    private final TextArea sql = new TextArea("Loading the SQL…");
    /** Nothing is approved unseen: Run stays disabled until the SQL is on screen. */
    private final BooleanProperty shown = new SimpleBooleanProperty(false);

    MigrationDialog(WizardViewModel.Approval approval, String stepTitle, String database, boolean production) {
        // Titled for what it approves: a backup or probes are not a migration, and the operator reads the title.
        run = new ButtonType("Run " + approval.noun(), ButtonBar.ButtonData.OK_DONE);
        setTitle("Approve " + approval.noun());
        setHeaderText("'" + stepTitle + "' " + approval.does() + " " + database);
        sql.setId("migration-sql");
        sql.setEditable(false);
        sql.setPrefRowCount(18);
        sql.setStyle("-fx-font-family: monospace;");
        VBox box = new VBox(10, new Label("What will run, exactly (SQL, or a command with its folder and variables):"), sql);
        box.setPrefWidth(760);
        getDialogPane().getButtonTypes().setAll(run, ButtonType.CANCEL);
        if (production) {
            Label warn = new Label("PRODUCTION: type the database name (" + database + ") to approve.");
            warn.getStyleClass().add("production-warning");
            TextField typed = new TextField();
            typed.setId("typed-database");
            typed.setPromptText(database);
            box.getChildren().addAll(warn, typed);
            getDialogPane().lookupButton(run).disableProperty().bind(Bindings.createBooleanBinding(
                    () -> !shown.get() || !typed.getText().strip().equals(database), shown, typed.textProperty()));
            setResultConverter(b -> b == run ? typed.getText().strip() : null);
            setOnShown(e -> typed.requestFocus());
        } else {
            getDialogPane().lookupButton(run).disableProperty().bind(shown.not());
            setResultConverter(b -> b == run ? "" : null);
        }
        getDialogPane().setContent(box);
    }

    /**
     * The SQL names its files relative to the runbook's folder; the tooltip names each by its absolute path, so the
     * operator can see exactly which file runs.
     */
    void showFullPaths(String files) {
        sql.setTooltip(files == null || files.isEmpty() ? null : new Tooltip("Files, in full:\n" + files));
    }

    void showSql(String text) {
        sql.setText(text);
        shown.set(true);
    }

    void showLoadFailure(String reason) {
        sql.setText("Cannot show the SQL, so it cannot be approved:\n" + reason);
        shown.set(false);
    }
}
