package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.report.ExportResult;
import dev.runbookpilot.report.PassphrasePrompt;
import dev.runbookpilot.report.ReportExporter;
import dev.runbookpilot.report.ReportFormat;
import dev.runbookpilot.report.SigningIdentity;
import dev.runbookpilot.report.Verification;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.SessionState;
import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.stage.Window;

import java.nio.file.Path;
import java.util.concurrent.Executor;

/**
 * Exports the sign-off report: format, signing identity, where to write. The export runs in the background and
 * the dialog shows the verification of what was written, so the operator sees at once that the file checks out.
 */
public final class ExportDialog extends Dialog<Void> {
    private final SessionState state;
    private final Path journal;
    private final Workspace workspace;
    private final Executor background;

    private final ToggleGroup format = new ToggleGroup();
    private final RadioButton pdf = new RadioButton("PDF");
    private final RadioButton markdown = new RadioButton("Markdown");
    private final ToggleGroup signing = new ToggleGroup();
    private final RadioButton unsigned = new RadioButton("Do not sign");
    private final RadioButton generated = new RadioButton("Sign with this workstation's Runbook Pilot identity");
    private final RadioButton keyFile = new RadioButton("Sign with a key file (PKCS#12 for PDF, SSH key for Markdown)");
    private final TextField keyPath = new TextField();
    private final TextField out = new TextField();
    private final TextArea result = new TextArea();
    private final Button export = new Button("Export");

    /** @param journal the session's journal, read once when the report is exported */
    public ExportDialog(SessionState state, Path journal, Workspace workspace, Executor background) {
        this.state = state;
        this.journal = journal;
        this.workspace = workspace;
        this.background = background;
        setTitle("Export the sign-off report");
        setHeaderText("Write the report from the journal of session " + state.started().sessionId());
        pdf.setToggleGroup(format);
        markdown.setToggleGroup(format);
        pdf.setId("format-pdf");
        markdown.setId("format-md");
        pdf.setSelected(true);
        unsigned.setToggleGroup(signing);
        generated.setToggleGroup(signing);
        keyFile.setToggleGroup(signing);
        unsigned.setId("sign-none");
        generated.setId("sign-generated");
        keyFile.setId("sign-key");
        generated.setSelected(true);
        keyPath.setId("key-path");
        keyPath.disableProperty().bind(keyFile.selectedProperty().not());
        out.setId("report-path");
        result.setId("export-result");
        result.setEditable(false);
        result.setWrapText(true);
        result.setPrefRowCount(7);
        result.setMinHeight(60);
        GridPane.setVgrow(result, Priority.ALWAYS);
        format.selectedToggleProperty().addListener((o, a, b) -> out.setText(defaultPath().toString()));
        out.setText(defaultPath().toString());

        Button browse = new Button("Browse…");
        browse.setId("browse-report");
        browse.setOnAction(e -> browse());
        HBox outRow = new HBox(6, out, browse);
        HBox.setHgrow(out, Priority.ALWAYS);
        GridPane grid = new GridPane();
        grid.setHgap(10);
        grid.setVgap(8);
        grid.setPadding(new Insets(4));
        grid.addRow(0, new Label("Format"), new HBox(12, pdf, markdown));
        grid.addRow(1, new Label("Signature"), unsigned);
        grid.add(generated, 1, 2);
        grid.add(keyFile, 1, 3);
        keyPath.setPromptText("key file; its passphrase, if it has one, is asked when signing");
        Button browseKey = new Button("Browse…");
        browseKey.setId("browse-key");
        browseKey.disableProperty().bind(keyPath.disableProperty());
        browseKey.setOnAction(e -> browseKey());
        HBox keyRow = new HBox(6, keyPath, browseKey);
        HBox.setHgrow(keyPath, Priority.ALWAYS);
        grid.add(keyRow, 1, 4);
        grid.addRow(5, new Label("Write to"), outRow);
        grid.add(result, 0, 6, 2, 1);
        GridPane.setHgrow(outRow, Priority.ALWAYS);
        getDialogPane().setContent(grid);
        getDialogPane().setPrefWidth(720);

        export.setId("do-export");
        export.setDefaultButton(true);
        export.setOnAction(e -> runExport());
        getDialogPane().getButtonTypes().setAll(new ButtonType("Close", ButtonBar.ButtonData.CANCEL_CLOSE));
        ((ButtonBar) getDialogPane().lookup(".button-bar")).getButtons().add(0, export);
    }

    /**
     * Shows the dialog over the wizard's window, fitted to it like the wizard's other dialogs: never taller than the
     * window or its screen (768 pixels on a laptop), so Export and Close stay on screen; the result area gives up
     * height first.
     */
    public void showOver(Window owner) {
        DialogFit.own(this, owner);
        show();
    }

    private ReportFormat selectedFormat() {
        return markdown.isSelected() ? ReportFormat.MARKDOWN : ReportFormat.PDF;
    }

    private Path defaultPath() {
        String ext = selectedFormat() == ReportFormat.MARKDOWN ? ".md" : ".pdf";
        return workspace.home().resolve("reports").resolve(state.started().sessionId() + ext).toAbsolutePath();
    }

    private void browse() {
        Path current = Path.of(out.getText().strip()).toAbsolutePath();
        Path runbookFolder = Path.of(state.started().runbookFile()).toAbsolutePath().getParent();
        PathChooser.save("Save the report", runbookFolder, current, PathChooser.Filter.of("PDF", "pdf"),
                        PathChooser.Filter.of("Markdown", "md"))
                .show(getDialogPane().getScene().getWindow(), file -> out.setText(file.toString()));
    }

    private void browseKey() {
        Path runbookFolder = Path.of(state.started().runbookFile()).toAbsolutePath().getParent();
        // An SSH key has no extension to filter on: a Markdown report's key is looked for among all files.
        PathChooser chooser = selectedFormat() == ReportFormat.PDF
                ? PathChooser.open("Signing key (PKCS#12)", runbookFolder,
                        PathChooser.Filter.of("PKCS#12", "p12", "pfx"))
                : PathChooser.open("Signing key (SSH)", runbookFolder);
        chooser.show(getDialogPane().getScene().getWindow(), file -> keyPath.setText(file.toString()));
    }

    private void runExport() {
        ReportFormat f = selectedFormat();
        Path target = Path.of(out.getText().strip());
        boolean useKey = keyFile.isSelected();
        boolean useGenerated = generated.isSelected();
        String key = keyPath.getText().strip();
        PassphrasePrompt prompt = new FxPassphrasePrompt(getDialogPane().getScene().getWindow());
        export.setDisable(true);
        result.setText("Writing " + target + " …");
        background.execute(() -> {
            String text;
            try {
                SigningIdentity identity = useGenerated
                        ? SigningIdentity.generated(workspace.config(), f, state.started().operator())
                        : !useKey ? null
                        : f == ReportFormat.PDF ? SigningIdentity.pkcs12(Path.of(key), prompt)
                        : SigningIdentity.sshKey(Path.of(key), prompt);
                ExportResult r = ReportExporter.export(Journal.snapshot(journal), f, target, identity,
                        workspace.sessions());
                text = describe(r);
            } catch (Exception e) {
                text = "Not exported: " + e.getMessage();
            }
            String shown = text;
            Platform.runLater(() -> {
                result.setText(shown);
                export.setDisable(false);
            });
        });
    }

    static String describe(ExportResult r) {
        StringBuilder b = new StringBuilder("Report written to ").append(r.report());
        if (r.signature() != null) b.append("\nSignature written to ").append(r.signature());
        Verification v = r.verification();
        if (v == null) {
            b.append("\nNot signed.");
        } else {
            b.append(v.valid() ? "\n✔ Verified: signature is valid" : "\n✖ Verification FAILED: ")
                    .append(v.valid() ? "" : v.reason());
            if (v.signer() != null) b.append("\nSigner: ").append(v.signer());
            if (v.fingerprint() != null) b.append("\nFingerprint (SHA-256): ").append(v.fingerprint());
            if (v.allowedSignersLine() != null) {
                b.append("\nallowed_signers line for ssh-keygen -Y verify:\n").append(v.allowedSignersLine());
            }
        }
        return b.toString();
    }
}
