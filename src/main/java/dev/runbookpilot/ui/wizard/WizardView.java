package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.ui.widgets.CheckDetailPane;
import dev.runbookpilot.ui.widgets.EnvironmentBanner;
import dev.runbookpilot.ui.widgets.LogConsole;
import dev.runbookpilot.ui.widgets.MarkdownView;
import dev.runbookpilot.ui.widgets.StatusBadge;
import dev.runbookpilot.ui.widgets.UiLogAppender;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.Duration;
import org.controlsfx.control.StatusBar;

import java.util.ArrayList;
import java.util.List;

/**
 * The wizard screen: the runbook's outline on the left, the current step in the centre with its checks filling in
 * live, the run controls below. Binds to {@link WizardViewModel}; holds no state of its own that matters.
 */
public final class WizardView extends BorderPane {
    private final WizardViewModel vm;
    private final String operator;
    private final Runnable onExport;
    /** Back to the start screen, set by the window that shows this view; null until then. */
    private Runnable onHome;

    private final Label stepTitle = new Label();
    private final Label stepPhase = new Label();
    private final MarkdownView description = new MarkdownView();
    private StepIntro intro;
    private ScrollPane descriptionScroll;
    private SplitPane split;
    private VBox top;
    private static final double TABLE_HEADER = 40;
    private static final double TABLE_ROW = 38;
    private final TableView<CheckRow> table = new TableView<>();
    /** Who waived or confirmed what; shown only on a step where something was, so the text columns get room. */
    private final TableColumn<CheckRow, String> accepted = new TableColumn<>("Accepted");
    private final CheckDetailPane detail = new CheckDetailPane();
    private final VBox manualBox = new VBox(8);
    private final VBox signoffBox = new VBox(8);
    private final VBox migrationBox = new VBox(6);
    private final ListView<String> migrationLog = new ListView<>();
    private final Label migrationProgress = new Label();
    /** What ran, when and by whom, once the step's migration is applied. */
    private final Label migrationApplied = new Label();
    /** What is known of a migration whose outcome must be settled by a person. */
    private final Label migrationUnsettled = new Label();
    /** What became of an interrupted attempt of a migration that is pending again. */
    private final Label migrationPrevious = new Label();
    /** The sign-off screen, made the first time the session reaches it (most of a window is spent before it). */
    private SummaryPane summary;
    private StackPane centre;
    /**
     * What the operator typed but has not confirmed or signed yet survives the extras being rebuilt: the step's one
     * note for its manual items, each role's name; dropped when another step's checks are shown.
     */
    private String draftNote = "";
    private final java.util.Map<String, String> draftNames = new java.util.HashMap<>();
    private final Timeline clock;
    private final LogConsole logConsole = new LogConsole(UiLogAppender.install());
    /** What the outline and the checks table show, by status; made before either. */
    private final StatusFilter filter;
    private final Toasts toasts = new Toasts();

    final Button back = new Button("◀ Back");
    final Button run = new Button("▶ Run checks");
    final Button rerun = new Button("↻ Re-run failed");
    final Button cancel = new Button("■ Cancel");
    final Button waive = new Button("Waive…");
    final Button skip = new Button("Skip…");
    final Button settle = new Button("Settle…");
    final Button stopBlocker = new Button("Stop blocker…");
    final Button next = new Button("Next ▶");
    final Button rollBack = new Button("↩ Roll back…");
    /** Past a point of no return, or once a rollback began: where the way back stands. */
    private final Label rollbackNotice = new Label();
    /** Why Run or Next is disabled by a gate, above the buttons: a disabled button shows no tooltip. */
    private final Label closedReason = new Label();

    public WizardView(WizardViewModel vm, String operator, Runnable onExport, Runnable onToggleTheme) {
        this.vm = vm;
        this.operator = operator;
        this.onExport = onExport;
        getStyleClass().add("wizard");
        this.filter = new StatusFilter(vm);

        EnvironmentBanner banner = new EnvironmentBanner();
        var rec = vm.target().record();
        banner.show(vm.runbook().target().environment(), rec.host(), rec.port(), rec.database(), rec.demo());
        var privileges = vm.target().db().checkPrivileges();
        banner.showCheckPrivileges(privileges.shortText(), privileges.describe());
        // No header row of its own: at 700 px every line of height goes to the step. The runbook's title heads the
        // outline, the theme switch sits in the status bar.
        setTop(banner);

        setLeft(outline());
        Node step = stepPane();
        StackPane.setAlignment(toasts, Pos.TOP_RIGHT);
        centre = new StackPane(step, toasts);
        setCenter(centre);
        setBottom(bottom(onToggleTheme));

        step.visibleProperty().bind(vm.onSummaryProperty().not());
        if (vm.onSummaryProperty().get()) showSummary();
        vm.onSummaryProperty().addListener((o, was, on) -> {
            if (on && summary == null) showSummary();
        });
        vm.currentProperty().addListener((o, a, b) -> showStep());
        vm.checks().addListener((ListChangeListener<CheckRow>) c -> {
            draftNote = "";
            draftNames.clear();
            rebuildStepExtras();
        });
        vm.revisionProperty().addListener((o, a, b) -> refreshAfterChange());
        vm.announcements().addListener((ListChangeListener<WizardViewModel.Announcement>) c -> {
            while (c.next()) {
                if (c.wasAdded()) c.getAddedSubList().forEach(this::announce);
            }
        });
        clock = new Timeline(new KeyFrame(Duration.seconds(1), e -> vm.tick()));
        clock.setCycleCount(Timeline.INDEFINITE);
        clock.play();
        sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) installShortcuts();
        });
    }

    /** Puts the sign-off screen over the step, where the step's toasts still show above it. */
    private void showSummary() {
        summary = new SummaryPane(vm, onExport);
        summary.visibleProperty().bind(vm.onSummaryProperty());
        centre.getChildren().add(1, summary);
    }

    public WizardViewModel viewModel() {
        return vm;
    }

    /** What "Start screen" does: the window closes this session and shows its start screen. */
    public void setOnHome(Runnable onHome) {
        this.onHome = onHome;
    }

    /** Stops the clock and detaches the log console; the model is closed by the window. */
    public void dispose() {
        clock.stop();
        logConsole.dispose();
    }

    /** A notification in the step area's top corner: clear of the banner and of Next (see {@link Toasts}). */
    private void announce(WizardViewModel.Announcement a) {
        toasts.show(a);
    }

    // ---------------------------------------------------------------- left: the outline

    private Node outline() {
        ListView<StepItem> steps = new ListView<>(filter.steps());
        steps.setId("steps");
        steps.setCellFactory(lv -> new OutlineCell(item -> vm.canGoTo(item) || item == vm.currentProperty().get()));
        steps.getSelectionModel().setSelectionMode(SelectionMode.SINGLE);
        vm.currentProperty().addListener((o, a, b) -> {
            steps.getSelectionModel().select(b);
            if (b != null) keepInView(steps, steps.getItems().indexOf(b));
        });
        // The filter changes which steps are listed; the current one stays selected.
        filter.steps().addListener((ListChangeListener<StepItem>) c -> {
            StepItem at = vm.currentProperty().get();
            if (at != null && steps.getSelectionModel().getSelectedItem() != at) {
                steps.getSelectionModel().select(at);
            }
        });
        // Whether a later step is reachable changes when an earlier one settles: re-render every cell then.
        vm.progressProperty().addListener((o, a, b) -> steps.refresh());
        steps.setOnMouseClicked(e -> {
            StepItem picked = steps.getSelectionModel().getSelectedItem();
            if (picked != null && picked != vm.currentProperty().get()) {
                if (vm.canGoTo(picked)) vm.goTo(picked);
                else steps.getSelectionModel().select(vm.currentProperty().get());
            }
        });
        VBox.setVgrow(steps, Priority.ALWAYS);
        ProgressBar progress = new ProgressBar();
        progress.progressProperty().bind(vm.progressProperty());
        progress.setMaxWidth(Double.MAX_VALUE);
        Label progressText = new Label();
        progressText.textProperty().bind(Bindings.createStringBinding(() -> {
            long done = vm.steps().stream().filter(s -> s.status().isSatisfied()).count();
            return done + " of " + vm.steps().size() + " steps settled";
        }, vm.progressProperty()));
        Label elapsed = new Label();
        elapsed.setId("elapsed");
        elapsed.textProperty().bind(Bindings.concat("Window open ", vm.elapsedProperty()));
        elapsed.setTooltip(new Tooltip("Time since the session started (until it ended)"));
        Label title = new Label(vm.runbook().title());
        title.getStyleClass().add("runbook-title");
        title.setWrapText(true);
        title.setMinHeight(Region.USE_PREF_SIZE);
        String about = vm.runbook().description();
        if (about != null && !about.isBlank()) {
            // The runbook's whole description heads the first step; from any other, it is a hover away here.
            Tooltip whole = new Tooltip();
            whole.setGraphic(new MarkdownView(about));
            whole.setMaxWidth(520);
            whole.setShowDuration(Duration.INDEFINITE);
            title.setTooltip(whole);
        }
        VBox box = new VBox(8, title, filter.control(), steps, progress, progressText, elapsed,
                new ClockStrip(vm.clockStrip()));
        box.setPadding(new Insets(8));
        box.setPrefWidth(300);
        box.setMinWidth(220);
        return box;
    }

    /**
     * Scrolls the outline so the current step shows with a step of context above it, but only when it is out of
     * view: a list that jumps on every Next loses the operator's place.
     */
    private static void keepInView(ListView<StepItem> steps, int index) {
        Platform.runLater(() -> {
            var flow = (javafx.scene.control.skin.VirtualFlow<?>) steps.lookup(".virtual-flow");
            if (flow == null || flow.getFirstVisibleCell() == null || flow.getLastVisibleCell() == null) {
                steps.scrollTo(Math.max(0, index - 1));
                return;
            }
            int first = flow.getFirstVisibleCell().getIndex();
            int last = flow.getLastVisibleCell().getIndex();
            if (index <= first || index >= last) steps.scrollTo(Math.max(0, index - 1));
        });
    }

    // ---------------------------------------------------------------- centre: the step

    private Node stepPane() {
        stepTitle.getStyleClass().add("step-title");
        stepTitle.setId("step-title");
        stepTitle.setWrapText(true);
        stepPhase.getStyleClass().add("phase-caption");
        buildTable();
        migrationLog.setId("migration-log");
        migrationLog.setPrefHeight(110);
        migrationProgress.textProperty().bind(vm.migrationProgressProperty());
        migrationLog.setItems(vm.migrationLog());
        migrationApplied.setId("migration-applied");
        migrationApplied.setWrapText(true);
        migrationApplied.textProperty().bind(vm.appliedProperty());
        migrationApplied.visibleProperty().bind(vm.appliedProperty().isNotEmpty());
        migrationApplied.managedProperty().bind(migrationApplied.visibleProperty());
        migrationUnsettled.setId("migration-unsettled");
        migrationUnsettled.setWrapText(true);
        migrationUnsettled.textProperty().bind(Bindings.concat("⚠ Outcome unknown — settle it (Settle…): ",
                vm.unsettledProperty()));
        migrationUnsettled.visibleProperty().bind(vm.unsettledProperty().isNotEmpty());
        migrationUnsettled.managedProperty().bind(migrationUnsettled.visibleProperty());
        migrationPrevious.setId("migration-previous");
        migrationPrevious.setWrapText(true);
        migrationPrevious.textProperty().bind(vm.previousAttemptProperty());
        migrationPrevious.visibleProperty().bind(vm.previousAttemptProperty().isNotEmpty());
        migrationPrevious.managedProperty().bind(migrationPrevious.visibleProperty());
        migrationBox.getChildren().addAll(sectionLabel("Progress and output"), migrationApplied,
                migrationUnsettled, migrationPrevious, migrationProgress, migrationLog);
        manualBox.setId("manual-items");
        signoffBox.setId("signoff-entries");
        descriptionScroll = new ScrollPane(description);
        descriptionScroll.setFitToWidth(true);
        // A short description shows whole; a long one gets up to 140 px and scrolls, so the checks stay in view.
        description.heightProperty().addListener((o, a, h) -> {
            double shown = Math.min(h.doubleValue() + 4, 140);
            descriptionScroll.setMinViewportHeight(shown);
            descriptionScroll.setPrefViewportHeight(shown);
        });
        intro = new StepIntro(vm.runbook());
        // The migration's progress and output join the step the first time a step mutates: elsewhere they were
        // hidden but still had their list's skin made and styled in the wizard's first CSS pass.
        top = new VBox(6, intro, stepPhase, stepTitle, descriptionScroll, table, manualBox, signoffBox);
        top.setPadding(new Insets(8, 12, 8, 12));
        table.setFixedCellSize(TABLE_ROW);
        table.setMinHeight(TABLE_HEADER + TABLE_ROW + 4);
        // Only as tall as its rows: the room left goes to the manual items, sign-offs and evidence, not to blank rows.
        table.setMaxHeight(Region.USE_PREF_SIZE);
        // On a small window nothing is squeezed to a clipped line: the step scrolls instead.
        for (Region r : List.of(stepTitle, descriptionScroll, manualBox, signoffBox, migrationBox)) {
            r.setMinHeight(Region.USE_PREF_SIZE);
        }
        ScrollPane topScroll = new ScrollPane(top);
        topScroll.setFitToWidth(true);
        topScroll.setFitToHeight(true);
        topScroll.getStyleClass().add("edge-to-edge");
        detail.setId("check-detail");
        detail.setShownPaths(vm::shownPath);
        detail.setPadding(new Insets(0, 12, 8, 12));
        ScrollPane detailScroll = new ScrollPane(new VBox(runState(), countProgress(), detail));
        detailScroll.setFitToWidth(true);
        // The evidence (rows, row-count diff and chart, schema tree) needs the room more than the description.
        split = new SplitPane(topScroll, detailScroll);
        split.setOrientation(javafx.geometry.Orientation.VERTICAL);
        split.setDividerPositions(0.5);
        return split;
    }

    /**
     * While checks or a migration run, the evidence pane says so with a live elapsed time instead of showing the
     * previous result as if it were current; the result comes back when the run has been journaled.
     */
    private Node runState() {
        Label state = new Label();
        state.setId("run-state");
        state.getStyleClass().add("run-state");
        state.setWrapText(true);
        state.setPadding(new Insets(12));
        state.textProperty().bind(vm.runStateProperty());
        state.visibleProperty().bind(vm.runStateProperty().isNotEmpty());
        state.managedProperty().bind(state.visibleProperty());
        detail.visibleProperty().bind(vm.runStateProperty().isEmpty());
        detail.managedProperty().bind(detail.visibleProperty());
        return state;
    }

    /** Under the running state: what is being counted, for how long so far, and how big the planner thinks it is. */
    private Node countProgress() {
        Label counting = new Label();
        counting.setId("count-progress");
        counting.setWrapText(true);
        counting.setPadding(new Insets(0, 12, 12, 12));
        counting.textProperty().bind(vm.countProgressProperty());
        counting.visibleProperty().bind(vm.countProgressProperty().isNotEmpty()
                .and(vm.runStateProperty().isNotEmpty()));
        counting.managedProperty().bind(counting.visibleProperty());
        return counting;
    }

    private void buildTable() {
        table.setId("checks");
        table.setItems(filter.checks());
        Label placeholder = new Label();
        placeholder.setId("checks-placeholder");
        placeholder.setWrapText(true);
        placeholder.textProperty().bind(Bindings.createStringBinding(filter::placeholder, filter.showProperty(),
                vm.checks()));
        table.setPlaceholder(placeholder);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        TableColumn<CheckRow, String> check = new TableColumn<>("Check");
        // An unnamed check's label is its description, which already starts with the kind.
        check.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(
                c.getValue().label().startsWith(c.getValue().kind()) ? c.getValue().label()
                        : c.getValue().kind() + " · " + c.getValue().label()));
        // The label names files relative to the runbook's folder; the tooltip has them absolute, as they run.
        check.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(String text, boolean empty) {
                super.updateItem(text, empty);
                setText(empty ? null : text);
                int i = getIndex();
                CheckRow row = empty || i < 0 || i >= getTableView().getItems().size() ? null
                        : getTableView().getItems().get(i);
                setTooltip(row == null ? null : new Tooltip(row.fullLabel()));
            }
        });
        check.setPrefWidth(300);
        check.setMinWidth(160);
        TableColumn<CheckRow, String> expected = new TableColumn<>("Expected");
        expected.setCellValueFactory(c -> c.getValue().expectedProperty());
        TableColumn<CheckRow, String> actual = new TableColumn<>("Actual");
        actual.setCellValueFactory(c -> c.getValue().actualProperty());
        TableColumn<CheckRow, Status> status = new TableColumn<>("Status");
        status.setCellValueFactory(c -> c.getValue().statusProperty());
        status.setCellFactory(col -> new TableCell<>() {
            @Override
            protected void updateItem(Status s, boolean empty) {
                super.updateItem(s, empty);
                setText(null);
                setGraphic(empty || s == null ? null : new StatusBadge(s));
            }
        });
        // Fixed-width columns keep the badge and the duration whole at 1024 px; text columns share the rest.
        // Room for the longest badge, "☑ CONFIRMED", whole: a cut "CONFI…" is a status nobody can read.
        status.setMinWidth(150);
        status.setMaxWidth(160);
        TableColumn<CheckRow, String> duration = new TableColumn<>("Duration");
        duration.setCellValueFactory(c -> c.getValue().durationProperty());
        duration.setMinWidth(92);
        duration.setMaxWidth(100);
        accepted.setCellValueFactory(c -> c.getValue().acceptedProperty());
        accepted.setVisible(false);
        table.getColumns().setAll(List.of(check, expected, actual, status, duration, accepted));
        table.getSelectionModel().selectedItemProperty().addListener((o, a, row) -> showDetail(row));
    }

    private void showDetail(CheckRow row) {
        if (row == null) {
            detail.clear();
            return;
        }
        if (row.resultProperty().get() == null && !row.isAutomated()) {
            String accepted = row.acceptedProperty().get();
            detail.showPeopleCheck(row.spec(), row.status(), !accepted.isEmpty() ? accepted
                    : row.status() == Status.CONFIRMED ? "signed in every role (see above)"
                    : row.spec() instanceof CheckSpec.Signoff ? "awaiting a signature in every role (above)"
                    : "awaiting confirmation (tick it above)");
            return;
        }
        detail.show(row.spec(), row.resultProperty().get());
    }

    private void showStep() {
        StepItem item = vm.currentProperty().get();
        if (item == null) return;
        stepPhase.setText(item.phase() + " · step " + (item.position() + 1) + " of " + vm.steps().size());
        stepTitle.setText(item.step().title());
        intro.show(item);
        fitSplitToStep();
        String text = item.step().description();
        description.setMarkdown(text == null ? "" : text);
        boolean described = text != null && !text.isBlank();
        descriptionScroll.setVisible(described);
        descriptionScroll.setManaged(described);
        rebuildStepExtras();
        if (!table.getItems().isEmpty()) table.getSelectionModel().clearAndSelect(0);
        else showDetail(null);
    }

    /**
     * The checks table is as tall as its rows (up to six, then it scrolls) and the evidence below gets the rest: a
     * one-check step shows its row-count diff or plan, not an empty table. A step of manual items and sign-offs
     * has no evidence, so its instructions get the room instead.
     */
    private void fitSplitToStep() {
        int rows = Math.max(1, Math.min(6, vm.checks().size()));
        table.setPrefHeight(TABLE_HEADER + rows * TABLE_ROW + 4);
        if (vm.checks().stream().noneMatch(CheckRow::isAutomated)) {
            split.setDividerPositions(0.8);
            return;
        }
        // The wanted height is known only once the new description, items and fields have their CSS and layout:
        // measured earlier, a step of manual items came out short and hid them below the divider.
        Platform.runLater(() -> {
            double height = split.getHeight();
            if (height <= 0) return;
            top.applyCss();
            top.layout();
            double wanted = top.prefHeight(split.getWidth()) + 14;
            split.setDividerPositions(Math.max(0.25, Math.min(0.6, wanted / height)));
        });
    }

    /** Manual items get a checkbox and a note field, sign-offs a signer per role, migrations their log. */
    private void rebuildStepExtras() {
        accepted.setVisible(vm.checks().stream().anyMatch(r -> !r.acceptedProperty().get().isEmpty()));
        manualBox.getChildren().clear();
        signoffBox.getChildren().clear();
        StepItem item = vm.currentProperty().get();
        // A backup streams pg_dump's lines here as a migration streams its notices.
        boolean mutates = item != null && (item.step().mutates() || item.step().checks().stream()
                .anyMatch(c -> c instanceof dev.runbookpilot.runbook.CheckSpec.Backup));
        if (mutates && migrationBox.getParent() == null) top.getChildren().add(migrationBox);
        migrationBox.setVisible(mutates);
        migrationBox.setManaged(mutates);
        List<CheckRow> manual = vm.checks().stream().filter(r -> r.spec() instanceof CheckSpec.Manual).toList();
        if (!manual.isEmpty()) {
            manualBox.getChildren().add(new ManualItemsPane(vm, manual, draftNote, typed -> draftNote = typed));
        }
        for (CheckRow row : vm.checks()) {
            if (row.spec() instanceof CheckSpec.Signoff so) {
                signoffBox.getChildren().add(sectionLabel("Sign-off"));
                for (String role : so.roles()) signoffBox.getChildren().add(signoffLine(row, role));
            }
            if (row.spec() instanceof CheckSpec.Gate gate) {
                signoffBox.getChildren().add(sectionLabel("Go / no-go: " + gate.question()));
                for (String role : gate.roles()) signoffBox.getChildren().add(GateLine.of(vm, role, draftNames));
            }
        }
        manualBox.setManaged(!manualBox.getChildren().isEmpty());
        signoffBox.setManaged(!signoffBox.getChildren().isEmpty());
    }

    /** After each journaled change: the extras follow the session, and the selected check's detail too. */
    private void refreshAfterChange() {
        rebuildStepExtras();
        CheckRow selected = table.getSelectionModel().getSelectedItem();
        if (selected != null) showDetail(selected);
    }

    /** A role's sign-off: who signed (with the key's fingerprint, or marked a typed name), else who will and how. */
    private Node signoffLine(CheckRow row, String role) {
        var signed = vm.session() == null ? null
                : vm.session().state().signatures(vm.currentProperty().get().step().id()).get(role);
        Label roleLabel = new Label(role);
        roleLabel.setMinWidth(140);
        if (signed != null) {
            return new HBox(10, roleLabel, SignerPicker.signedLabel("✔ signed by " + SignerPicker.signedBy(signed)
                    + " at " + Formats.time(signed.at()), signed));
        }
        SignerPicker picker = new SignerPicker(vm, role, draftNames);
        TextField name = picker.nameField();
        name.getStyleClass().add("signoff-name");
        Button sign = new Button("Sign as " + role);
        sign.setId("sign-" + SignerPicker.idOf(role));
        sign.setMnemonicParsing(false);
        sign.disableProperty().bind(picker.ready().not().or(vm.busyProperty()));
        sign.setOnAction(e -> vm.sign(role, picker.signer(), new FxPassphrasePrompt(getScene().getWindow())));
        // Enter in the name signs, as the button does (not while it is disabled: no name yet, or work running).
        name.setOnAction(e -> {
            if (!sign.isDisabled()) sign.fire();
        });
        HBox.setHgrow(picker, Priority.ALWAYS);
        HBox line = new HBox(10, roleLabel, picker, sign);
        line.setAlignment(Pos.CENTER_LEFT);
        return line;
    }

    // ---------------------------------------------------------------- bottom: controls and status

    private Node bottom(Runnable onToggleTheme) {
        back.setId("back");
        run.setId("run");
        rerun.setId("rerun");
        cancel.setId("cancel");
        waive.setId("waive");
        skip.setId("skip");
        skip.visibleProperty().bind(vm.canSkipProperty());
        skip.managedProperty().bind(skip.visibleProperty());
        skip.setOnAction(e -> skipCurrent());
        skip.setTooltip(new Tooltip("Skip this optional step with a written reason; it is reported as SKIPPED,"
                + " never as passed"));
        settle.setId("settle");
        settle.disableProperty().bind(vm.canSettleProperty().not());
        settle.setOnAction(e -> settleCurrent());
        settle.setTooltip(new Tooltip("Say what became of a migration whose outcome is unknown"));
        stopBlocker.setId("stop-blocker");
        stopBlocker.visibleProperty().bind(vm.canStopBlockerProperty());
        stopBlocker.managedProperty().bind(stopBlocker.visibleProperty());
        stopBlocker.setOnAction(e -> stopBlockerOfCurrent());
        stopBlocker.setTooltip(new Tooltip("Cancel or terminate a session the migration timed out waiting for,"
                + " with its own approval; then run the step again"));
        next.setId("next");
        rollBack.setId("roll-back");
        rollBack.visibleProperty().bind(vm.canRollBackProperty());
        rollBack.managedProperty().bind(rollBack.visibleProperty());
        rollBack.getStyleClass().add("danger");
        rollBack.setOnAction(e -> rollBackWindow());
        rollBack.setTooltip(new Tooltip("Undo the applied migrations in reverse order, each approved, then prove the"
                + " database is back at its baseline"));
        vm.rollbackApprovalProperty().addListener((o, was, ask) -> {
            if (ask != null) approveRollback(ask);
        });
        closedReason.setId("closed-reason");
        closedReason.setWrapText(true);
        closedReason.textProperty().bind(vm.closedReasonProperty());
        closedReason.visibleProperty().bind(vm.closedReasonProperty().isNotEmpty());
        closedReason.managedProperty().bind(closedReason.visibleProperty());
        closedReason.setPadding(new Insets(0, 12, 0, 12));
        rollbackNotice.setId("rollback-notice");
        rollbackNotice.setWrapText(true);
        rollbackNotice.getStyleClass().add("production-warning");
        rollbackNotice.textProperty().bind(vm.rollbackNoticeProperty());
        rollbackNotice.visibleProperty().bind(vm.rollbackNoticeProperty().isNotEmpty());
        rollbackNotice.managedProperty().bind(rollbackNotice.visibleProperty());
        back.disableProperty().bind(vm.canBackProperty().not());
        run.disableProperty().bind(vm.canRunProperty().not());
        run.textProperty().bind(vm.runActionProperty());
        rerun.disableProperty().bind(vm.canRerunFailedProperty().not());
        cancel.disableProperty().bind(vm.runningProperty().not());
        waive.disableProperty().bind(vm.canWaiveProperty().not());
        next.disableProperty().bind(vm.canNextProperty().not());
        next.getStyleClass().add("accent");
        run.getStyleClass().add("success");
        cancel.getStyleClass().add("danger");
        back.setOnAction(e -> vm.back());
        run.setOnAction(e -> runCurrent());
        rerun.setOnAction(e -> vm.rerunFailed());
        cancel.setOnAction(e -> vm.cancel());
        waive.setOnAction(e -> waiveSelected());
        next.setOnAction(e -> vm.next());
        back.setTooltip(new Tooltip("Previous step (Alt+Left)"));
        run.setTooltip(new Tooltip("Run this step's checks against the database (F5)"));
        rerun.setTooltip(new Tooltip("Run again only the checks that failed or could not run (Shift+F5)"));
        cancel.setTooltip(new Tooltip("Cancel the running checks on the server (Esc)"));
        waive.setTooltip(new Tooltip("Accept failed checks with a written reason (Ctrl+Shift+W)"));
        next.setTooltip(new Tooltip("Next step; disabled until this one passed, was confirmed or waived (Alt+Right)"));
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox buttons = new HBox(8, back, rollBack, spacer, run, rerun, cancel, settle, stopBlocker, skip, waive, next);
        buttons.setPadding(new Insets(8, 12, 8, 12));
        buttons.setAlignment(Pos.CENTER_RIGHT);

        StatusBar status = new StatusBar();
        status.setId("status-bar");
        status.textProperty().bind(Bindings.createStringBinding(
                () -> vm.errorProperty().get().isEmpty() ? vm.infoProperty().get() : "⚠ " + vm.errorProperty().get(),
                vm.errorProperty(), vm.infoProperty()));
        javafx.scene.control.ProgressIndicator spinner = new javafx.scene.control.ProgressIndicator();
        spinner.setPrefSize(16, 16);
        spinner.visibleProperty().bind(vm.busyProperty());
        Button theme = new Button("◐ Theme");
        theme.setTooltip(new Tooltip("Switch between the light and the dark theme"));
        theme.getStyleClass().addAll(atlantafx.base.theme.Styles.FLAT, atlantafx.base.theme.Styles.SMALL);
        theme.setOnAction(e -> onToggleTheme.run());
        theme.setMinWidth(Region.USE_PREF_SIZE);
        Button home = new Button("⌂ Start screen");
        home.setId("to-start");
        home.setTooltip(new Tooltip("Close this session (everything is journaled; it resumes from the start"
                + " screen's Recent sessions) and go back to the start screen"));
        home.getStyleClass().addAll(atlantafx.base.theme.Styles.FLAT, atlantafx.base.theme.Styles.SMALL);
        home.setMinWidth(Region.USE_PREF_SIZE);
        // Not while work runs: leaving would cancel it half-way without the operator asking for that.
        home.disableProperty().bind(vm.busyProperty().and(vm.openedProperty()));
        home.setOnAction(e -> {
            if (onHome != null) onHome.run();
        });
        status.getRightItems().addAll(spinner, home, theme);
        rollbackNotice.setPadding(new Insets(0, 12, 0, 12));
        return new VBox(rollbackNotice, closedReason, buttons, new ActionLogPane(vm.actions()), logConsole, status);
    }

    private void runCurrent() {
        StepItem item = vm.currentProperty().get();
        if (item == null) return;
        if (!vm.unsettledProperty().get().isEmpty()) {
            settleCurrent();
            return;
        }
        // An applied migration is never offered for approval again; the step's other checks run as usual.
        if (!vm.migrationToRun()) {
            vm.run();
            return;
        }
        MigrationDialog dialog = new MigrationDialog(vm.approval(), item.step().title(), vm.databaseName(),
                vm.requiresTypedDatabaseName());
        DialogFit.own(dialog, getScene().getWindow());
        dialog.showFullPaths(vm.filesApproved(item.step()));
        vm.loadMigrationSql(item.step(), dialog::showSql, dialog::showLoadFailure);
        dialog.showAndWait().ifPresent(vm::runMigration);
    }

    private void skipCurrent() {
        StepItem item = vm.currentProperty().get();
        if (item == null) return;
        javafx.scene.control.TextInputDialog dialog = new javafx.scene.control.TextInputDialog();
        DialogFit.own(dialog, getScene().getWindow());
        dialog.setTitle("Skip an optional step");
        dialog.setHeaderText("Skip '" + item.step().title() + "'? It is reported as SKIPPED, recorded as skipped by "
                + operator + ", never counted as passed.");
        dialog.setContentText("Why is it not done? (required)");
        dialog.getEditor().setId("skip-reason");
        dialog.showAndWait().filter(r -> !r.isBlank()).ifPresent(vm::skip);
    }

    private void stopBlockerOfCurrent() {
        StepItem item = vm.currentProperty().get();
        if (item == null || !vm.canStopBlockerProperty().get()) return;
        StopBlockerDialog dialog = new StopBlockerDialog(item.step().title(), List.copyOf(vm.blockers()),
                vm.databaseName(), vm.stopBlockerNeedsTypedName(), operator);
        DialogFit.own(dialog, getScene().getWindow());
        dialog.showAndWait().ifPresent(d -> vm.stopBlocker(d.pid(), d.terminate(), d.reason(), d.typedDatabase()));
    }

    private void settleCurrent() {
        StepItem item = vm.currentProperty().get();
        if (item == null || !vm.canSettleProperty().get()) return;
        SettleDialog dialog = new SettleDialog(item.step().title(), vm.unsettledProperty().get(), operator);
        DialogFit.own(dialog, getScene().getWindow());
        dialog.showAndWait().ifPresent(d -> vm.settle(d.settlement(), d.note()));
    }

    /** Asks why, then starts the rollback; each rollback is approved in its own dialog as it comes. */
    private void rollBackWindow() {
        javafx.scene.control.TextInputDialog dialog = new javafx.scene.control.TextInputDialog();
        DialogFit.own(dialog, getScene().getWindow());
        dialog.setTitle("Roll back the window");
        dialog.setHeaderText("Undo every applied migration of this window, last first? Each rollback is shown and"
                + " approved like a migration; then the database is compared with its baseline. No migration of"
                + " this window runs forward again afterwards.");
        dialog.setContentText("Why is the window rolled back? (required)");
        dialog.getEditor().setId("rollback-reason");
        dialog.showAndWait().filter(r -> !r.isBlank()).ifPresent(vm::rollBack);
    }

    private void approveRollback(WizardViewModel.RollbackApproval ask) {
        MigrationDialog dialog = new MigrationDialog(WizardViewModel.Approval.ROLLBACK, ask.title(), ask.database(),
                ask.production());
        DialogFit.own(dialog, getScene().getWindow());
        dialog.showSql(ask.preview());
        vm.answerRollback(dialog.showAndWait().orElse(null));
    }

    private void waiveSelected() {
        List<CheckRow> rows = new ArrayList<>(table.getSelectionModel().getSelectedItems());
        rows.removeIf(r -> !r.status().isBlocking());
        if (rows.isEmpty()) rows = vm.checks().stream().filter(r -> r.status().isBlocking()).toList();
        if (rows.isEmpty()) return;
        WaiveDialog dialog = new WaiveDialog(operator, rows);
        DialogFit.own(dialog, getScene().getWindow());
        List<CheckRow> chosen = rows;
        dialog.showAndWait().ifPresent(reason -> vm.waive(chosen, reason));
    }

    private void installShortcuts() {
        var acc = getScene().getAccelerators();
        acc.put(new KeyCodeCombination(KeyCode.F5), () -> fire(run));
        acc.put(new KeyCodeCombination(KeyCode.F5, KeyCombination.SHIFT_DOWN), () -> fire(rerun));
        acc.put(new KeyCodeCombination(KeyCode.RIGHT, KeyCombination.ALT_DOWN), () -> fire(next));
        acc.put(new KeyCodeCombination(KeyCode.LEFT, KeyCombination.ALT_DOWN), () -> fire(back));
        acc.put(new KeyCodeCombination(KeyCode.W, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                () -> fire(waive));
        acc.put(new KeyCodeCombination(KeyCode.ESCAPE), () -> fire(cancel));
    }

    private static void fire(Button b) {
        if (!b.isDisabled()) b.fire();
    }

    static Label sectionLabel(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("section-label");
        return l;
    }
}
