package dev.runbookpilot.ui;

import dev.runbookpilot.app.Targets;
import javafx.application.Platform;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.PasswordField;
import javafx.stage.Window;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Asks for a password in a dialog. Called on a worker thread: it hops to the FX thread and waits there for the
 * answer, so only the worker waits, never the UI.
 */
public final class FxPasswordPrompt implements Targets.PasswordPrompt {
    private final Window owner;

    public FxPasswordPrompt(Window owner) {
        this.owner = owner;
    }

    @Override
    public char[] ask(String target) {
        CompletableFuture<char[]> answer = new CompletableFuture<>();
        Platform.runLater(() -> {
            Dialog<char[]> dialog = new Dialog<>();
            dialog.initOwner(owner);
            dialog.setTitle("Password");
            dialog.setHeaderText("Password for " + target);
            PasswordField field = new PasswordField();
            field.setId("password");
            dialog.getDialogPane().setContent(field);
            dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
            dialog.setResultConverter(b -> b == ButtonType.OK ? field.getText().toCharArray() : null);
            dialog.setOnShown(e -> field.requestFocus());
            answer.complete(dialog.showAndWait().orElse(null));
            field.clear();
        });
        try {
            return answer.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException e) {
            return null;
        }
    }
}
