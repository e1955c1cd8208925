package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.report.PassphrasePrompt;
import dev.runbookpilot.ui.FxExecutors;
import javafx.application.Platform;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.PasswordField;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Answers the core's {@link PassphrasePrompt} with a password dialog, asked only when a key turns out to need a
 * passphrase. The export runs in the background and asks from there; the dialog is shown with
 * {@code Platform.runLater} and answers a future the background thread waits on. The JavaFX thread never waits:
 * it shows the dialog (not {@code showAndWait}) and completes the future when the dialog closes.
 */
final class FxPassphrasePrompt implements PassphrasePrompt {
    private final Window owner;

    FxPassphrasePrompt(Window owner) {
        this.owner = owner;
    }

    @Override
    public char[] ask(String what) {
        if (Platform.isFxApplicationThread()) {
            throw new IllegalStateException("a passphrase was asked for on the JavaFX thread; sign in the background");
        }
        try {
            return FxExecutors.askFromBackground(answer -> fxShow(what, answer));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while waiting for the passphrase of " + what);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the passphrase dialog failed: " + e.getCause().getMessage(),
                    e.getCause());
        }
    }

    private void fxShow(String what, CompletableFuture<char[]> answer) {
        PasswordField field = new PasswordField();
        field.setId("passphrase-prompt");
        Dialog<char[]> dialog = new Dialog<>();
        dialog.initOwner(owner);
        dialog.setTitle("Passphrase");
        dialog.setHeaderText("Signing needs the passphrase of " + what);
        dialog.getDialogPane().setContent(new VBox(8, new Label("Passphrase"), field));
        dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        dialog.getDialogPane().lookupButton(ButtonType.OK).setId("passphrase-ok");
        dialog.getDialogPane().lookupButton(ButtonType.CANCEL).setId("passphrase-cancel");
        dialog.setResultConverter(button -> button == ButtonType.OK ? field.getText().toCharArray() : null);
        // Closed any way at all (OK, Cancel, the window's close box): the background thread gets its answer.
        dialog.setOnHidden(e -> {
            answer.complete(dialog.getResult());
            field.clear();
        });
        dialog.show();
        field.requestFocus();
    }
}
