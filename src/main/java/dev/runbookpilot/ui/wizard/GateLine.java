package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.session.JournalEvent;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;

import java.util.Map;

/**
 * One role's line of a gate: its answer once given (with the key's fingerprint, or marked a typed name), else who
 * answers and how, a reason (for NO-GO) and the two buttons.
 */
final class GateLine {
    private GateLine() {}

    /** A key's passphrase is asked over the wizard's window, from the background work that signs. */
    private static FxPassphrasePrompt prompt(Node from) {
        return new FxPassphrasePrompt(from.getScene().getWindow());
    }

    static Node of(WizardViewModel vm, String role, Map<String, String> draftNames) {
        // The checks of a step are shown a moment before it becomes current (on a resume, before any is): the lines
        // are built again once it is.
        StepItem at = vm.currentProperty().get();
        JournalEvent.Signed answer = vm.session() == null || at == null ? null
                : vm.session().state().signatures(at.step().id()).get(role);
        Label roleLabel = new Label(role);
        roleLabel.setMinWidth(140);
        if (answer != null) {
            Label who = SignerPicker.signedLabel((answer.noGo() ? "✖ NO-GO" : "✔ GO") + " from "
                    + SignerPicker.signedBy(answer) + " at " + Formats.time(answer.at())
                    + (answer.noGo() ? ": " + answer.reason() : ""), answer);
            who.getStyleClass().add(answer.noGo() ? "verdict-fail" : "verdict-pass");
            return new HBox(10, roleLabel, who);
        }
        SignerPicker picker = new SignerPicker(vm, role, draftNames);
        TextField name = picker.nameField();
        name.setId("gate-name-" + SignerPicker.idOf(role));
        TextField reason = new TextField();
        reason.setId("gate-reason-" + SignerPicker.idOf(role));
        reason.setPromptText("Reason (required for NO-GO)");
        Button go = new Button("GO");
        go.setId("gate-go-" + SignerPicker.idOf(role));
        go.disableProperty().bind(picker.ready().not().or(vm.busyProperty()));
        go.setOnAction(e -> vm.answerGate(role, picker.signer(), true, null, prompt(go)));
        Button noGo = new Button("NO-GO");
        noGo.setId("gate-nogo-" + SignerPicker.idOf(role));
        noGo.getStyleClass().add("danger");
        noGo.disableProperty().bind(picker.ready().not().or(reason.textProperty().isEmpty())
                .or(vm.busyProperty()));
        noGo.setOnAction(e -> vm.answerGate(role, picker.signer(), false, reason.getText(), prompt(noGo)));
        HBox.setHgrow(picker, Priority.ALWAYS);
        HBox.setHgrow(reason, Priority.ALWAYS);
        HBox line = new HBox(10, roleLabel, picker, reason, go, noGo);
        line.setAlignment(Pos.CENTER_LEFT);
        return line;
    }
}
