package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.report.SignoffSignatures;
import dev.runbookpilot.session.JournalEvent;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

import java.nio.file.Path;
import java.util.Map;

/**
 * Who signs for a role, before a sign-off or a gate answer: the key made for a typed name on this workstation (the
 * default), the person's own SSH key or PKCS#12 file (the name is the key's), or, outside production only, a typed
 * name marked unsigned. What is chosen survives the step's extras being rebuilt, in {@code drafts}.
 */
final class SignerPicker extends HBox {
    private final ChoiceBox<WizardViewModel.SignerKind> kind = new ChoiceBox<>();
    private final TextField name = new TextField();
    private final TextField keyFile = new TextField();
    private final BooleanBinding ready;

    SignerPicker(WizardViewModel vm, String role, Map<String, String> drafts) {
        super(6);
        setAlignment(Pos.CENTER_LEFT);
        kind.setId("signer-kind-" + idOf(role));
        kind.getItems().addAll(WizardViewModel.SignerKind.GENERATED, WizardViewModel.SignerKind.KEY_FILE);
        if (vm.typedNamesAllowed()) kind.getItems().add(WizardViewModel.SignerKind.TYPED);
        kind.setConverter(new StringConverter<>() {
            @Override
            public String toString(WizardViewModel.SignerKind k) {
                return k == null ? "" : switch (k) {
                    case GENERATED -> "Key made for this name here";
                    case KEY_FILE -> "My SSH key or PKCS#12 file";
                    case TYPED -> "Typed name only — " + SignoffSignatures.TYPED;
                };
            }

            @Override
            public WizardViewModel.SignerKind fromString(String s) {
                return null;
            }
        });
        String draftKind = drafts.get("kind:" + role);
        WizardViewModel.SignerKind chosen = draftKind == null ? WizardViewModel.SignerKind.GENERATED
                : WizardViewModel.SignerKind.valueOf(draftKind);
        kind.setValue(kind.getItems().contains(chosen) ? chosen : WizardViewModel.SignerKind.GENERATED);
        kind.valueProperty().addListener((o, a, b) -> drafts.put("kind:" + role, b.name()));

        name.setId("signer-name-" + idOf(role));
        name.setPromptText("Full name of the " + role);
        name.setText(drafts.getOrDefault(role, ""));
        name.textProperty().addListener((o, a, b) -> drafts.put(role, b));
        keyFile.setId("signer-key-" + idOf(role));
        keyFile.setPromptText("SSH private key or .p12 file; its passphrase is asked when signing");
        keyFile.setText(drafts.getOrDefault("key:" + role, ""));
        keyFile.textProperty().addListener((o, a, b) -> drafts.put("key:" + role, b));
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle("The key " + role + " signs with");
            var file = chooser.showOpenDialog(getScene().getWindow());
            if (file != null) keyFile.setText(file.getAbsolutePath());
        });
        BooleanBinding byFile = kind.valueProperty().isEqualTo(WizardViewModel.SignerKind.KEY_FILE);
        for (var n : new javafx.scene.Node[]{keyFile, browse}) {
            n.visibleProperty().bind(byFile);
            n.managedProperty().bind(byFile);
        }
        name.visibleProperty().bind(byFile.not());
        name.managedProperty().bind(byFile.not());
        HBox.setHgrow(name, Priority.ALWAYS);
        HBox.setHgrow(keyFile, Priority.ALWAYS);
        ready = Bindings.createBooleanBinding(() -> byFile.get() ? !keyFile.getText().isBlank()
                : !name.getText().isBlank(), byFile, keyFile.textProperty(), name.textProperty());
        getChildren().addAll(kind, name, keyFile, browse);
    }

    /** A role as part of a node id a CSS selector can name: "Backend lead" is {@code Backend_lead}. */
    static String idOf(String role) {
        return role.replaceAll("[^A-Za-z0-9_-]", "_");
    }

    /** The field the name is typed in (not shown while a key file is chosen: the name is then the key's). */
    TextField nameField() {
        return name;
    }

    /** A signer is fully chosen: a name typed, or a key file given. */
    BooleanBinding ready() {
        return ready;
    }

    WizardViewModel.Signer signer() {
        WizardViewModel.SignerKind k = kind.getValue();
        return new WizardViewModel.Signer(k, k == WizardViewModel.SignerKind.KEY_FILE ? null : name.getText().strip(),
                k == WizardViewModel.SignerKind.KEY_FILE ? Path.of(keyFile.getText().strip()) : null);
    }

    /** How a recorded signature reads: the name with its key's fingerprint, or that it is a typed name. */
    static String signedBy(JournalEvent.Signed sg) {
        return sg.name() + (sg.keyed() ? " · key " + sg.fingerprint() : " · " + SignoffSignatures.TYPED);
    }

    /** A recorded signature's line, marked when it is only a typed name. */
    static Label signedLabel(String text, JournalEvent.Signed sg) {
        Label who = new Label(text);
        who.setWrapText(true);
        if (!sg.keyed()) who.getStyleClass().add("unsigned-name");
        return who;
    }
}
