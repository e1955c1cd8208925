package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.session.Outcome;
import javafx.beans.property.SimpleStringProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.List;

/** The sign-off screen: what the window proved, who signed, and the report export. */
final class SummaryPane extends VBox {
    private final Label verdict = new Label();
    private final GridPane counts = new GridPane();
    private final Label journal = new Label();
    /** The waivers and skips the verdict rests on, each with its reason, who and when. */
    private final VBox acceptances = new VBox(2);

    SummaryPane(WizardViewModel vm, Runnable onExport) {
        super(12);
        setId("summary");
        getStyleClass().add("summary-pane");
        setPadding(new Insets(16, 20, 16, 20));
        Label title = new Label("Sign-off");
        title.getStyleClass().add("step-title");
        verdict.setId("verdict");
        verdict.getStyleClass().add("verdict");
        counts.setHgap(24);
        counts.setVgap(4);
        counts.setId("summary-counts");

        TableView<WizardViewModel.SignoffEntry> signoffs = new TableView<>(vm.signoffs());
        signoffs.setId("signoffs");
        signoffs.setPlaceholder(new Label("This runbook has no sign-off step."));
        signoffs.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        TableColumn<WizardViewModel.SignoffEntry, String> role = new TableColumn<>("Role");
        role.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().role()));
        TableColumn<WizardViewModel.SignoffEntry, String> name = new TableColumn<>("Signed by");
        name.setCellValueFactory(c -> new SimpleStringProperty(
                c.getValue().name() == null ? "— not signed —" : c.getValue().name()));
        TableColumn<WizardViewModel.SignoffEntry, String> at = new TableColumn<>("Recorded at");
        at.setCellValueFactory(c -> new SimpleStringProperty(Formats.time(c.getValue().at())));
        TableColumn<WizardViewModel.SignoffEntry, String> key = new TableColumn<>("Key (SHA-256)");
        key.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().name() == null ? ""
                : c.getValue().fingerprint() == null ? dev.runbookpilot.report.SignoffSignatures.TYPED
                : c.getValue().fingerprint()));
        signoffs.getColumns().setAll(List.of(role, name, key, at));
        signoffs.setPrefHeight(160);
        VBox.setVgrow(signoffs, Priority.SOMETIMES);

        Button export = new Button("Export report…");
        export.setId("export");
        export.getStyleClass().add("accent");
        export.setOnAction(e -> onExport.run());
        journal.setWrapText(true);
        journal.getStyleClass().add("muted");

        acceptances.setId("acceptances");
        getChildren().addAll(title, verdict, acceptances, counts, WizardView.sectionLabel("Sign-offs"), signoffs, export, journal);
        vm.summaryProperty().addListener((o, a, s) -> {
            if (s != null) show(s);
            if (vm.session() != null) journal.setText("Journal: " + vm.session().journalFile());
        });
    }

    private void show(WizardViewModel.Summary s) {
        boolean clean = s.verdict() == Outcome.Verdict.PASSED;
        verdict.setText((clean ? "✔" : s.verdict() == Outcome.Verdict.PASSED_WITH_WAIVERS ? "⚠"
                : s.verdict() == Outcome.Verdict.ROLLED_BACK ? "↩" : "✖") + " Verdict: "
                + s.verdict() + switch (s.verdict()) {
            case PASSED -> " · every check passed or was confirmed";
            case PASSED_WITH_WAIVERS -> " · " + s.waived() + " accepted by a waiver, listed below";
            case FAILED -> " · " + s.failed() + " failed, " + s.errors() + " could not run";
            case INCOMPLETE -> " · " + s.pending() + " pending";
            case ROLLED_BACK -> " · every applied change was rolled back and the proof passed";
            case ROLLBACK_FAILED -> " · the database is NOT proven back at the baseline";
            case ROLLBACK_INCOMPLETE -> " · the rollback has not finished";
            case ABORTED -> " · a gate was answered NO-GO; the window ended there";
        });
        verdict.getStyleClass().removeAll("verdict-pass", "verdict-fail");
        verdict.getStyleClass().add(clean ? "verdict-pass" : "verdict-fail");
        acceptances.getChildren().setAll(s.acceptances().stream().map(text -> {
            Label l = new Label(text);
            l.setWrapText(true);
            return l;
        }).toList());
        counts.getChildren().clear();
        String[][] rows = {
                {"Checks", String.valueOf(s.checks())}, {"Passed", String.valueOf(s.passed())},
                {"Failed", String.valueOf(s.failed())}, {"Could not run (error)", String.valueOf(s.errors())},
                {"Waived", String.valueOf(s.waived())}, {"Confirmed / signed", String.valueOf(s.confirmed())},
                {"Pending", String.valueOf(s.pending())}, {"Skipped (not passed)", String.valueOf(s.skipped())}};
        for (int i = 0; i < rows.length; i++) {
            Label k = new Label(rows[i][0]);
            Label v = new Label(rows[i][1]);
            v.setId("count-" + rows[i][0].split(" ")[0].toLowerCase(java.util.Locale.ROOT));
            counts.addRow(i, k, v);
        }
    }
}
