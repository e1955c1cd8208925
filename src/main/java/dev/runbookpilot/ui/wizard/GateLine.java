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

/** One role's line of a gate: its answer once given, else a name, a reason (for NO-GO) and the two buttons. */
final class GateLine {
    private GateLine() {}

    static Node of(WizardViewModel vm, String role, Map<String, String> draftNames) {
        // The checks of a step are shown a moment before it becomes current (on a resume, before any is): the lines
        // are built again once it is.
        StepItem at = vm.currentProperty().get();
        JournalEvent.Signed answer = vm.session() == null || at == null ? null
                : vm.session().state().signatures(at.step().id()).get(role);
        Label roleLabel = new Label(role);
        roleLabel.setMinWidth(140);
        if (answer != null) {
            Label who = new Label((answer.noGo() ? "✖ NO-GO" : "✔ GO") + " from " + answer.name() + " at "
                    + Formats.time(answer.at()) + (answer.noGo() ? ": " + answer.reason() : ""));
            who.setWrapText(true);
            who.getStyleClass().add(answer.noGo() ? "verdict-fail" : "verdict-pass");
            return new HBox(10, roleLabel, who);
        }
        TextField name = new TextField();
        name.setId("gate-name-" + role);
        name.setPromptText("Full name of the " + role);
        name.setText(draftNames.getOrDefault(role, ""));
        name.textProperty().addListener((o, a, b) -> draftNames.put(role, b));
        TextField reason = new TextField();
        reason.setId("gate-reason-" + role);
        reason.setPromptText("Reason (required for NO-GO)");
        Button go = new Button("GO");
        go.setId("gate-go-" + role);
        go.disableProperty().bind(name.textProperty().isEmpty().or(vm.busyProperty()));
        go.setOnAction(e -> vm.answerGate(role, name.getText(), true, null));
        Button noGo = new Button("NO-GO");
        noGo.setId("gate-nogo-" + role);
        noGo.getStyleClass().add("danger");
        noGo.disableProperty().bind(name.textProperty().isEmpty().or(reason.textProperty().isEmpty())
                .or(vm.busyProperty()));
        noGo.setOnAction(e -> vm.answerGate(role, name.getText(), false, reason.getText()));
        HBox.setHgrow(name, Priority.ALWAYS);
        HBox.setHgrow(reason, Priority.ALWAYS);
        HBox line = new HBox(10, roleLabel, name, reason, go, noGo);
        line.setAlignment(Pos.CENTER_LEFT);
        return line;
    }
}
