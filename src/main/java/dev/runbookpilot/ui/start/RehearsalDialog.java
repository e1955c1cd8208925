package dev.runbookpilot.ui.start;

import atlantafx.base.theme.Styles;
import dev.runbookpilot.app.RehearsalRun;
import dev.runbookpilot.check.TargetCopy;
import dev.runbookpilot.db.Locks;
import dev.runbookpilot.report.ReportFormat;
import dev.runbookpilot.ui.wizard.PathChooser;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.nio.file.Path;

/**
 * "Rehearse on a copy…": schema only or full, where the copy goes (the embedded server, another server, or the
 * target's own server only when the operator ticks that it may carry a second copy), then the rehearsal's progress
 * as it runs, its verdict, the step times and the proof, and the report. Closing it before Start closes the target;
 * while a rehearsal runs it cannot be closed (the copy must be dropped first).
 */
public final class RehearsalDialog extends Stage {
    private final RehearsalViewModel vm;

    public RehearsalDialog(RehearsalViewModel vm, Window owner) {
        this.vm = vm;
        initOwner(owner);
        initModality(Modality.WINDOW_MODAL);
        setTitle("Rehearse on a copy — " + vm.runbook().title());
        VBox root = new VBox(12, choices(), runArea(), resultArea(), buttons());
        root.setPadding(new Insets(16));
        root.setId("rehearsalDialog");
        Scene scene = new Scene(root, 760, 640);
        scene.getStylesheets().add(StartView.STYLESHEET);
        setScene(scene);
        setOnCloseRequest(e -> {
            if (vm.runningProperty().get()) e.consume();
        });
        setOnHidden(e -> vm.close());
    }

    /** The model behind the dialog (tests export the report through it; a file chooser cannot be driven). */
    RehearsalViewModel viewModel() {
        return vm;
    }

    private VBox choices() {
        Label intro = new Label("Rehearse '" + vm.runbook().title() + "' on a copy of " + vm.originalName()
                + ": forward with every check, then the rollbacks and the proof that the copy is back at its"
                + " baseline. The original is only read; the copy is dropped at the end.");
        intro.setWrapText(true);

        ToggleGroup data = new ToggleGroup();
        RadioButton schema = radio("Schema only (fast; no rows, so blind to failures on data)", "dataSchema", data);
        RadioButton full = radio("Schema and data (the migration meets the data of the window)", "dataFull", data);
        data.selectToggle(vm.dataProperty().get() == TargetCopy.Data.FULL ? full : schema);
        data.selectedToggleProperty().addListener((o, was, is) -> vm.dataProperty().set(is == full
                ? TargetCopy.Data.FULL : TargetCopy.Data.SCHEMA));

        ToggleGroup where = new ToggleGroup();
        RadioButton embedded = radio("A throw-away embedded PostgreSQL on this machine (when its version allows)",
                "copyEmbedded", where);
        RadioButton server = radio("Another server:", "copyServer", where);
        TextField spec = new TextField();
        spec.setId("copyServerSpec");
        spec.setPromptText("postgresql://host:5432/postgres or service=NAME");
        spec.textProperty().bindBidirectional(vm.serverProperty());
        spec.disableProperty().bind(server.selectedProperty().not());
        HBox.setHgrow(spec, Priority.ALWAYS);
        CheckBox roles = new CheckBox("create the roles the original names that it lacks (NOLOGIN, dropped with"
                + " the copy)");
        roles.setId("createRoles");
        roles.selectedProperty().bindBidirectional(vm.createRolesProperty());
        roles.disableProperty().bind(server.selectedProperty().not());
        RadioButton onTarget = radio("The target's own server", "copyOnTarget", where);
        CheckBox confirm = new CheckBox("I accept a second copy on the target's server: it needs twice the"
                + " database's size free (checked first) and loads that server while the copy is made");
        confirm.setId("confirmOnTarget");
        confirm.setWrapText(true);
        confirm.selectedProperty().bindBidirectional(vm.targetConfirmedProperty());
        confirm.disableProperty().bind(onTarget.selectedProperty().not());
        where.selectToggle(embedded);
        where.selectedToggleProperty().addListener((o, was, is) -> vm.placeProperty().set(is == server
                ? RehearsalViewModel.Place.SERVER : is == onTarget ? RehearsalViewModel.Place.TARGET
                : RehearsalViewModel.Place.EMBEDDED));

        VBox box = new VBox(6, intro, heading("What the copy holds"), schema, full, heading("Where the copy goes"),
                embedded, new HBox(8, server, spec), indent(roles), onTarget, indent(confirm));
        box.disableProperty().bind(vm.runningProperty().or(vm.doneProperty()));
        return box;
    }

    private VBox runArea() {
        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setPrefSize(18, 18);
        spinner.visibleProperty().bind(vm.runningProperty());
        Label progress = new Label();
        progress.setId("rehearsalProgress");
        progress.textProperty().bind(vm.progressProperty());
        ListView<String> lines = new ListView<>(vm.lines());
        lines.setId("rehearsalLog");
        lines.setPrefHeight(140);
        vm.lines().addListener((javafx.collections.ListChangeListener<String>) c -> {
            if (!vm.lines().isEmpty()) lines.scrollTo(vm.lines().size() - 1);
        });
        Label error = new Label();
        error.setId("rehearsalError");
        error.setWrapText(true);
        error.getStyleClass().add(Styles.DANGER);
        error.textProperty().bind(vm.errorProperty());
        error.managedProperty().bind(vm.errorProperty().isNotEmpty());
        VBox box = new VBox(6, new HBox(8, spinner, progress), lines, error);
        VBox.setVgrow(lines, Priority.ALWAYS);
        return box;
    }

    private VBox resultArea() {
        Label verdict = new Label();
        verdict.setId("rehearsalVerdict");
        verdict.setWrapText(true);
        verdict.getStyleClass().add(Styles.TEXT_BOLD);
        Label wayBack = new Label();
        wayBack.setId("rehearsalWayBack");
        wayBack.setWrapText(true);
        Label proof = new Label();
        proof.setId("rehearsalProof");
        proof.setWrapText(true);
        TableView<RehearsalRun.StepTime> times = new TableView<>();
        times.setId("rehearsalTimes");
        times.setPrefHeight(150);
        times.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        TableColumn<RehearsalRun.StepTime, String> step = new TableColumn<>("Step");
        step.setCellValueFactory(d -> Bindings.createStringBinding(() -> d.getValue().title()
                + " [" + d.getValue().stepId() + "]"));
        TableColumn<RehearsalRun.StepTime, String> took = new TableColumn<>("Rehearsed");
        took.setCellValueFactory(d -> Bindings.createStringBinding(() -> Locks.human(d.getValue().rehearsedMillis())));
        TableColumn<RehearsalRun.StepTime, String> planned = new TableColumn<>("Planned for the window");
        planned.setCellValueFactory(d -> Bindings.createStringBinding(() -> Locks.human(d.getValue().plannedMillis())));
        times.getColumns().add(step);
        times.getColumns().add(took);
        times.getColumns().add(planned);
        vm.resultProperty().addListener((o, was, r) -> {
            if (r == null) return;
            verdict.setText((r.green() ? "GREEN — " : "NOT GREEN — ") + "forward run: " + r.forward()
                    + "; verdict " + r.verdict() + " (REHEARSAL on a copy, not the real window)");
            verdict.getStyleClass().add(r.green() ? Styles.SUCCESS : Styles.DANGER);
            wayBack.setText("Way back: " + r.wayBack());
            proof.setText(r.proof() == null ? "" : "Proof: " + r.proof().status() + " — expected "
                    + r.proof().expected() + "; actual " + r.proof().actual());
            times.getItems().setAll(r.times());
        });
        VBox box = new VBox(6, verdict, wayBack, proof, times);
        box.visibleProperty().bind(vm.resultProperty().isNotNull());
        box.managedProperty().bind(box.visibleProperty());
        return box;
    }

    private HBox buttons() {
        Label saved = new Label();
        saved.setId("rehearsalSaved");
        saved.setWrapText(true);
        HBox.setHgrow(saved, Priority.ALWAYS);
        saved.setMaxWidth(Double.MAX_VALUE);
        Button report = new Button("Save report…");
        report.setId("rehearsalReport");
        report.disableProperty().bind(vm.resultProperty().isNull());
        report.setOnAction(e -> {
            Path folder = vm.runbook().baseDir();
            PathChooser.save("Save the rehearsal's report", folder, folder.resolve("rehearsal.pdf"),
                    PathChooser.Filter.of("PDF", "pdf"), PathChooser.Filter.of("Markdown", "md")).show(this, file -> {
                ReportFormat format = file.toString().endsWith(".md") ? ReportFormat.MARKDOWN : ReportFormat.PDF;
                vm.exportReport(file, format, saved::setText);
            });
        });
        Button start = new Button("Start rehearsal");
        start.setId("startRehearsal");
        start.getStyleClass().add(Styles.ACCENT);
        start.setDefaultButton(true);
        start.disableProperty().bind(vm.canStartProperty().not());
        start.setOnAction(e -> vm.start());
        Button close = new Button("Close");
        close.setId("closeRehearsal");
        close.disableProperty().bind(vm.runningProperty());
        close.setOnAction(e -> hide());
        HBox box = new HBox(8, saved, report, start, close);
        box.setAlignment(Pos.CENTER_RIGHT);
        return box;
    }

    private static RadioButton radio(String text, String id, ToggleGroup group) {
        RadioButton b = new RadioButton(text);
        b.setId(id);
        b.setToggleGroup(group);
        b.setWrapText(true);
        return b;
    }

    private static Label heading(String text) {
        Label l = new Label(text);
        l.getStyleClass().add(Styles.TITLE_4);
        return l;
    }

    private static HBox indent(javafx.scene.Node n) {
        HBox box = new HBox(n);
        box.setPadding(new Insets(0, 0, 0, 24));
        return box;
    }
}
