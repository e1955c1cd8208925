package dev.runbookpilot.ui.start;

import atlantafx.base.theme.Styles;
import atlantafx.base.theme.Tweaks;
import dev.runbookpilot.app.SessionCatalog;
import dev.runbookpilot.demo.SampleFolders;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.ui.widgets.FirstFrameTextFieldSkin;
import dev.runbookpilot.ui.widgets.MarkdownView;
import dev.runbookpilot.ui.wizard.PathChooser;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.beans.value.ChangeListener;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.skin.TextFieldSkin;
import javafx.scene.input.KeyCode;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The first screen: recent sessions (resume an unfinished one), open a runbook or a Markdown checklist, the
 * samples, the operator's name, and "Connect…", which opens the {@link ConnectionDialog}. Embed it as the scene
 * root (or any region); the launch goes to the {@code Consumer<Launch>} given to the {@link StartViewModel}.
 */
public final class StartView extends BorderPane {
    /** This view's stylesheet; the dialogs it opens use it too. */
    public static final String STYLESHEET = StartView.class.getResource("/dev/runbookpilot/ui/start.css")
            .toExternalForm();
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());

    /** The most height the chosen runbook's description takes before it scrolls. */
    static final double DESCRIPTION_HEIGHT = 130;

    /** The sessions table's height, and the height of what stands in for it in the first frame. */
    private static final double SESSIONS_HEIGHT = 170;
    private static final double SESSIONS_MIN_HEIGHT = 110;
    private static final double SAMPLES_HEIGHT = 240;
    private static final double SAMPLES_MIN_HEIGHT = 120;

    private final StartViewModel vm;
    /** Built after the first frame ({@link #completeAfterFirstFrame}); null until then. */
    private TableView<SessionCatalog.Entry> sessions;
    /** Where the sessions table and the samples list go: until then each holds a stand-in with the same text. */
    private final VBox sessionsBox = new VBox(8);
    private final VBox samplesBox = new VBox(6);
    private final Button resume = new Button("Resume");
    /** The operator's name: its first frame has the look of a text field, its behaviour comes after (ADR 0053). */
    private final TextField operator = new TextField();
    /** The first control that takes the focus while the table is not there yet. */
    private final Button openRunbook = new Button("Open runbook…");

    public StartView(StartViewModel vm) {
        this.vm = vm;
        setId("startView");
        getStylesheets().add(STYLESHEET);
        getStyleClass().add("start-view");
        setTop(header());
        setCenter(areas());
        setBottom(footer());
        listAfterFirstFrame();
    }

    /**
     * Starts the listing of sessions and samples (Jackson, SnakeYAML and every sample runbook parsed) once this view
     * has been laid out in a showing window, not while its first frame is being styled and laid out: on two cores
     * the listing competed with that frame for the CPU (ADR 0047). The sessions table and the samples list are built
     * then too, while the listing runs: in the first frame a plain box of the same size says "Looking for
     * sessions…" and "Looking for samples…", as the table and the list would until the listing arrives, without
     * their skins (the table's seven column headers, two virtual flows, four scroll bars), which cost the first
     * frame about a fifth of the FX thread's work; the operator's field gets its behaviour then as well (ADR 0053).
     */
    private void listAfterFirstFrame() {
        ChangeListener<Scene> inScene = new ChangeListener<>() {
            @Override
            public void changed(ObservableValue<? extends Scene> o, Scene was, Scene scene) {
                if (scene == null) return;
                sceneProperty().removeListener(this);
                // A scene is laid out in a pulse only while its window shows: the first one is the first frame.
                Runnable afterLayout = new Runnable() {
                    private boolean done;

                    @Override
                    public void run() {
                        if (done) return;
                        done = true;
                        // After this pulse, which renders the frame, not inside it; the listener goes then too, not
                        // while the scene runs its listeners.
                        Platform.runLater(() -> {
                            scene.removePostLayoutPulseListener(this);
                            // The listing first: its worker runs while this thread builds the lists it fills.
                            vm.refresh();
                            completeAfterFirstFrame();
                        });
                    }
                };
                scene.addPostLayoutPulseListener(afterLayout);
            }
        };
        sceneProperty().addListener(inScene);
        inScene.changed(sceneProperty(), null, getScene());
    }

    /** A list's placeholder: looking until the first listing arrives, then what it says when nothing was found. */
    private Label placeholder(String whenNone, String whileLooking) {
        Label label = new Label();
        label.textProperty().bind(Bindings.when(vm.listedProperty()).then(whenNone).otherwise(whileLooking));
        return label;
    }

    /** Where samples are looked for: {@code runbooks/} in the working directory, then beside the app. */
    public static List<Path> defaultSampleRoots() {
        return SampleFolders.roots();
    }

    private Node header() {
        Label title = new Label("Runbook Pilot");
        title.getStyleClass().addAll(Styles.TITLE_1, "start-title");
        Label subtitle = new Label("Walk a PostgreSQL migration runbook live: every check runs against the"
                + " database, every result is journaled.");
        subtitle.getStyleClass().add(Styles.TEXT_MUTED);
        subtitle.setWrapText(true);
        VBox box = new VBox(4, title, subtitle);
        box.getStyleClass().add("start-header");
        return box;
    }

    private Node areas() {
        VBox recent = card("Recent sessions", sessionsArea());
        VBox open = card("Open", openArea());
        VBox sampleCard = card("Samples", samplesArea());
        HBox lower = new HBox(16, open, sampleCard);
        HBox.setHgrow(sampleCard, Priority.ALWAYS);
        open.setPrefWidth(300);
        open.setMinWidth(260);
        VBox.setVgrow(recent, Priority.SOMETIMES);
        VBox.setVgrow(lower, Priority.ALWAYS);
        VBox.setVgrow(sampleCard, Priority.ALWAYS);
        VBox box = new VBox(16, recent, lower);
        box.setPadding(new Insets(16, 0, 16, 0));
        return box;
    }

    /** The sessions card in the first frame: a stand-in for the table, the Resume button and its hint. */
    private Node sessionsArea() {
        resume.setId("resume");
        resume.getStyleClass().add(Styles.ACCENT);
        // Nothing to resume before the table exists: the table binds this when it is built.
        resume.setDisable(true);
        resume.setOnAction(e -> resumeSelected());
        Label hint = new Label("Unfinished sessions resume on the step where they stopped.");
        hint.getStyleClass().add(Styles.TEXT_MUTED);
        HBox actions = new HBox(12, resume, hint);
        actions.setAlignment(Pos.CENTER_LEFT);
        // The table's header row, empty: its column titles come with the table.
        Region header = new Region();
        header.getStyleClass().add("stand-in-header");
        VBox standIn = new VBox(header, standIn("Looking for sessions…", "sessions-stand-in"));
        standIn.setPrefHeight(SESSIONS_HEIGHT);
        standIn.setMinHeight(SESSIONS_MIN_HEIGHT);
        VBox.setVgrow(standIn, Priority.ALWAYS);
        sessionsBox.getChildren().setAll(standIn, actions);
        return sessionsBox;
    }

    /**
     * What a table or list looks like before its listing arrives, without being one: its border, its background and
     * its "looking" text, at its size, so the card does not move when the real one takes its place.
     */
    private static StackPane standIn(String looking, String styleClass) {
        StackPane box = new StackPane(new Label(looking));
        box.getStyleClass().addAll("list-stand-in", styleClass);
        VBox.setVgrow(box, Priority.ALWAYS);
        return box;
    }

    /**
     * The sessions table and the samples list in place of their stand-ins, and the operator's field with its real
     * skin; once, right after the first frame.
     */
    private void completeAfterFirstFrame() {
        if (sessions != null) return;
        operator.setSkin(new TextFieldSkin(operator));
        sessions = sessionsTable();
        sessionsBox.getChildren().set(0, sessions);
        samplesBox.getChildren().set(0, samplesList());
        // The window gave the focus to the first control it found, the Open button, because the table was not
        // there: the table, first in the window, takes it as it did when it was built with the view.
        if (getScene() != null && getScene().getFocusOwner() == openRunbook) sessions.requestFocus();
    }

    private TableView<SessionCatalog.Entry> sessionsTable() {
        TableView<SessionCatalog.Entry> table = new TableView<>();
        table.setId("sessions");
        table.setItems(vm.sessions());
        table.getStyleClass().addAll(Tweaks.EDGE_TO_EDGE, Styles.STRIPED);
        table.setPlaceholder(placeholder("No sessions yet: open a runbook below and connect.",
                "Looking for sessions…"));
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        table.getColumns().add(column("Runbook", SessionCatalog.Entry::title, 260));
        table.getColumns().add(column("Database", e -> e.database() + (e.demo() ? " (demo)" : ""), 120));
        table.getColumns().add(column("Environment", SessionCatalog.Entry::environment, 90));
        table.getColumns().add(column("Operator", SessionCatalog.Entry::operator, 80));
        table.getColumns().add(column("Started", e -> WHEN.format(e.started()), 120));
        table.getColumns().add(column("Last activity", e -> WHEN.format(e.lastActivity()), 120));
        table.getColumns().add(column("State", e -> e.ended() ? "finished" : "unfinished", 80));
        table.setPrefHeight(SESSIONS_HEIGHT);
        table.setMinHeight(SESSIONS_MIN_HEIGHT);
        VBox.setVgrow(table, Priority.ALWAYS);

        resume.disableProperty().bind(Bindings.createBooleanBinding(() -> {
            SessionCatalog.Entry e = table.getSelectionModel().getSelectedItem();
            return e == null || e.ended() || vm.busyProperty().get() || vm.operatorProperty().get().isBlank();
        }, table.getSelectionModel().selectedItemProperty(), vm.busyProperty(), vm.operatorProperty()));
        table.setOnKeyPressed(e -> {
            if (e.getCode() == KeyCode.ENTER && !resume.isDisabled()) resumeSelected();
        });
        table.setOnMouseClicked(e -> {
            if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && !resume.isDisabled()) {
                resumeSelected();
            }
        });
        return table;
    }

    private static TableColumn<SessionCatalog.Entry, String> column(String title,
                                                                   Function<SessionCatalog.Entry, String> value,
                                                                   double width) {
        TableColumn<SessionCatalog.Entry, String> c = new TableColumn<>(title);
        c.setCellValueFactory(d -> Bindings.createStringBinding(() -> value.apply(d.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private void resumeSelected() {
        SessionCatalog.Entry entry = sessions == null ? null : sessions.getSelectionModel().getSelectedItem();
        if (entry != null) vm.resume(entry, ConnectionDialog.passwordPrompt(window()));
    }

    private Node openArea() {
        Button runbook = openRunbook;
        runbook.setId("openRunbook");
        runbook.setMaxWidth(Double.MAX_VALUE);
        runbook.setOnAction(e -> chooseRunbook());
        Button checklist = new Button("Open Markdown checklist…");
        checklist.setId("openChecklist");
        checklist.setMaxWidth(Double.MAX_VALUE);
        checklist.setOnAction(e -> chooseChecklist());
        Label checklistHint = new Label("A checklist is turned into a runbook: SQL with an expected result becomes"
                + " an automated check, everything else a manual confirmation.");
        checklistHint.setWrapText(true);
        checklistHint.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        for (Button b : List.of(runbook, checklist)) b.disableProperty().bind(vm.busyProperty());
        return new VBox(10, runbook, checklist, checklistHint);
    }

    /** The samples card in the first frame: a stand-in for the list, and where the samples come from. */
    private Node samplesArea() {
        Label where = new Label();
        where.getStyleClass().addAll(Styles.TEXT_MUTED, Styles.TEXT_SMALL);
        where.textProperty().bind(Bindings.createStringBinding(() -> vm.samplesDirProperty().get() == null ? ""
                : "from " + vm.samplesDirProperty().get(), vm.samplesDirProperty()));
        StackPane standIn = standIn("Looking for samples…", "samples-stand-in");
        standIn.setPrefHeight(SAMPLES_HEIGHT);
        standIn.setMinHeight(SAMPLES_MIN_HEIGHT);
        samplesBox.getChildren().setAll(standIn, where);
        VBox.setVgrow(samplesBox, Priority.ALWAYS);
        return samplesBox;
    }

    private ListView<Sample> samplesList() {
        ListView<Sample> list = new ListView<>();
        list.setId("samples");
        list.setItems(vm.samples());
        list.setCellFactory(l -> new SampleCell());
        list.setPlaceholder(placeholder("No runbooks/ folder found next to the program or in the working"
                + " directory. Use \"Open runbook…\".", "Looking for samples…"));
        list.getSelectionModel().selectedItemProperty().addListener((obs, was, is) -> {
            if (is != null && is.problem() == null) vm.openRunbook(is.file());
        });
        list.setMinHeight(SAMPLES_MIN_HEIGHT);
        list.setPrefHeight(SAMPLES_HEIGHT);
        VBox.setVgrow(list, Priority.ALWAYS);
        return list;
    }

    private Node footer() {
        Label chosen = new Label();
        chosen.setId("chosenRunbook");
        chosen.getStyleClass().add(Styles.TEXT_BOLD);
        chosen.textProperty().bind(Bindings.createStringBinding(() -> {
            Runbook r = vm.runbookProperty().get();
            return r == null ? "No runbook chosen" : r.title() + " — "
                    + r.target().environment().yamlName().toUpperCase(Locale.ROOT);
        }, vm.runbookProperty()));
        chosen.setMinWidth(0);
        HBox.setHgrow(chosen, Priority.ALWAYS);
        chosen.setMaxWidth(Double.MAX_VALUE);

        operator.setId("operator");
        // Its behaviour comes right after the first frame, with the lists (completeAfterFirstFrame).
        operator.setSkin(new FirstFrameTextFieldSkin(operator));
        operator.setPromptText("your name");
        operator.setPrefColumnCount(14);
        operator.textProperty().bindBidirectional(vm.operatorProperty());
        Label operatorLabel = new Label("Operator");
        operatorLabel.setLabelFor(operator);

        // The spinner and its text take the place of this empty box the first time the view is busy: an idle start
        // screen (most first frames) styles no spinner skin and starts no animation.
        HBox busy = new HBox(6);
        busy.setAlignment(Pos.CENTER_LEFT);
        busy.visibleProperty().bind(vm.busyProperty());
        busy.managedProperty().bind(vm.busyProperty());
        ChangeListener<Boolean> firstBusy = new ChangeListener<>() {
            @Override
            public void changed(ObservableValue<? extends Boolean> o, Boolean was, Boolean is) {
                if (!is) return;
                vm.busyProperty().removeListener(this);
                ProgressIndicator spinner = new ProgressIndicator();
                spinner.setPrefSize(20, 20);
                Label progress = new Label();
                progress.textProperty().bind(vm.progressProperty());
                busy.getChildren().setAll(spinner, progress);
            }
        };
        vm.busyProperty().addListener(firstBusy);
        firstBusy.changed(vm.busyProperty(), false, vm.busyProperty().get());

        Button connect = new Button("Connect…");
        connect.setId("connect");
        connect.setDefaultButton(true);
        connect.getStyleClass().add(Styles.ACCENT);
        connect.disableProperty().bind(vm.canConnectProperty().not());
        connect.setOnAction(e -> openConnectionDialog());

        // A rehearsal connects the same way, then makes its copy instead of starting the window.
        Button rehearse = new Button("Rehearse on a copy…");
        rehearse.setId("rehearse");
        rehearse.disableProperty().bind(vm.canConnectProperty().not());
        rehearse.setOnAction(e -> openConnectionDialog(true));

        operatorLabel.setMinWidth(Region.USE_PREF_SIZE);
        connect.setMinWidth(Region.USE_PREF_SIZE);
        rehearse.setMinWidth(Region.USE_PREF_SIZE);
        operator.setMinWidth(Region.USE_PREF_SIZE);
        HBox bar = new HBox(12, chosen, busy, operatorLabel, operator, rehearse, connect);
        bar.setAlignment(Pos.CENTER_LEFT);

        VBox box = new VBox(8, bar);
        box.getStyleClass().add("start-footer");
        // The error area and the description (a text area, a Markdown view) are built when first needed, not
        // before the first window: most launches show neither.
        vm.errorProperty().addListener((o, was, is) -> {
            if (!is.isEmpty() && box.lookup("#startError") == null) box.getChildren().add(0, errorArea());
        });
        vm.runbookProperty().addListener((o, was, is) -> {
            if (is != null && is.description() != null && !is.description().isBlank()
                    && box.lookup("#chosenDescriptionScroll") == null) {
                box.getChildren().add(box.getChildren().size() - 1, chosenDescription());
            }
        });
        return box;
    }

    private TextArea errorArea() {
        TextArea error = new TextArea();
        error.setId("startError");
        error.setEditable(false);
        error.setWrapText(true);
        error.setPrefRowCount(3);
        error.getStyleClass().add("start-error");
        error.textProperty().bind(vm.errorProperty());
        error.visibleProperty().bind(vm.errorProperty().isNotEmpty());
        error.managedProperty().bind(error.visibleProperty());
        return error;
    }

    /**
     * The chosen runbook's whole description (its ticket, window and rollback plan), read before connecting; a long
     * one scrolls in a bounded area so the Connect bar stays on screen. Built when the first runbook with a
     * description is chosen.
     */
    private Node chosenDescription() {
        MarkdownView text = new MarkdownView();
        text.setId("chosenDescription");
        ScrollPane scroll = new ScrollPane(text);
        scroll.setId("chosenDescriptionScroll");
        scroll.setFitToWidth(true);
        text.heightProperty().addListener((o, a, h) -> {
            double shown = Math.min(h.doubleValue() + 4, DESCRIPTION_HEIGHT);
            scroll.setMinViewportHeight(shown);
            scroll.setPrefViewportHeight(shown);
        });
        javafx.beans.value.ChangeListener<Runbook> show = (o, was, is) -> {
            String description = is == null ? null : is.description();
            boolean shown = description != null && !description.isBlank();
            text.setMarkdown(shown ? description : "");
            scroll.setVisible(shown);
            scroll.setManaged(shown);
            scroll.setVvalue(0);
        };
        vm.runbookProperty().addListener(show);
        show.changed(vm.runbookProperty(), null, vm.runbookProperty().get());
        return scroll;
    }

    private void openConnectionDialog() {
        openConnectionDialog(false);
    }

    private void openConnectionDialog(boolean rehearse) {
        ConnectionDialog dialog = new ConnectionDialog(vm.connectionViewModel(), window());
        dialog.setOnHidden(e -> {
            // The target is handed over exactly once: two wizards on one target would close it under each other.
            dialog.setOnHidden(null);
            if (dialog.getResult() == null) return;
            if (!rehearse) {
                vm.launch(dialog.getResult());
                return;
            }
            RehearsalViewModel rehearsal = vm.rehearsal(dialog.getResult());
            if (rehearsal != null) new RehearsalDialog(rehearsal, window()).show();
        });
        dialog.show();
    }

    private void chooseRunbook() {
        PathChooser.open("Open runbook", chooserBase(), PathChooser.Filter.of("Runbooks", "yaml", "yml"))
                .show(window(), vm::openRunbook);
    }

    private void chooseChecklist() {
        PathChooser.open("Open Markdown checklist", chooserBase(),
                PathChooser.Filter.of("Markdown", "md", "markdown")).show(window(), this::importChecklist);
    }

    /** Imports a checklist, shows what became automated, and offers to connect the new runbook. */
    void importChecklist(Path markdown) {
        vm.importChecklist(markdown, this::showImportSummary);
    }

    /** The chosen runbook's folder, else the samples' folder: where the chooser opens and relative paths start. */
    private Path chooserBase() {
        Runbook chosen = vm.runbookProperty().get();
        return chosen != null ? chosen.baseDir() : vm.samplesDirProperty().get();
    }

    private void showImportSummary(StartViewModel.Imported imported) {
        ButtonType connect = new ButtonType("Connect…", ButtonBar.ButtonData.OK_DONE);
        Alert alert = imported.runbook() == null ? new Alert(Alert.AlertType.WARNING, "", ButtonType.CLOSE)
                : new Alert(Alert.AlertType.INFORMATION, "", connect, ButtonType.CLOSE);
        alert.initOwner(window());
        alert.setTitle("Checklist imported");
        alert.setHeaderText(imported.runbook() == null ? "The imported runbook cannot be used yet (see below)"
                : "Review what became automated and what stays manual, then connect to run it");
        TextArea text = new TextArea(imported.summary());
        text.setId("importSummary");
        text.setEditable(false);
        text.setWrapText(false);
        text.getStyleClass().add("import-summary");
        text.setPrefSize(640, 320);
        alert.getDialogPane().setContent(text);
        alert.getDialogPane().getStylesheets().add(STYLESHEET);
        if (imported.runbook() != null) {
            Button connectButton = (Button) alert.getDialogPane().lookupButton(connect);
            connectButton.setId("connectImported");
            // The operator's name is asked on this screen; without it the wizard could not start.
            connectButton.disableProperty().bind(vm.canConnectProperty().not());
        }
        alert.setOnHidden(e -> {
            if (alert.getResult() == connect && vm.runbookProperty().get() == imported.runbook()) {
                openConnectionDialog();
            }
        });
        alert.show();
    }

    private Window window() {
        return getScene() == null ? null : getScene().getWindow();
    }

    private static VBox card(String title, Node body) {
        Label heading = new Label(title);
        heading.getStyleClass().add(Styles.TITLE_4);
        VBox card = new VBox(10, heading, body);
        card.getStyleClass().add("start-card");
        card.setMinHeight(0);
        if (body instanceof VBox) VBox.setVgrow(body, Priority.ALWAYS);
        return card;
    }

    private static final class SampleCell extends ListCell<Sample> {
        @Override
        protected void updateItem(Sample s, boolean empty) {
            super.updateItem(s, empty);
            if (empty || s == null) {
                setGraphic(null);
                setText(null);
                return;
            }
            Label title = new Label(s.title());
            title.getStyleClass().addAll(Styles.TEXT_BOLD, "sample-title");
            title.setMinWidth(0);
            Label env = new Label(s.problem() != null ? "cannot load" : s.environment().toUpperCase(Locale.ROOT));
            env.getStyleClass().addAll("env-tag", s.problem() != null ? "env-broken" : "env-" + s.environment());
            env.setMinWidth(Region.USE_PREF_SIZE);
            HBox top = new HBox(8, env, title);
            top.setAlignment(Pos.CENTER_LEFT);
            Label summary = new Label(s.problem() != null ? s.problem() : s.summary());
            // One line with an ellipsis: a ListView cell does not grow for wrapped text, so wrapping overlapped
            // the next sample. A load problem keeps its full text in the tooltip.
            summary.setWrapText(false);
            summary.getStyleClass().add(s.problem() != null ? Styles.DANGER : Styles.TEXT_MUTED);
            summary.setMaxWidth(Double.MAX_VALUE);
            summary.setTooltip(new javafx.scene.control.Tooltip(summary.getText()));
            VBox box = new VBox(4, top, summary);
            // Sized to the list, so long titles and summaries end in an ellipsis instead of scrolling sideways.
            box.prefWidthProperty().bind(getListView().widthProperty().subtract(36));
            box.maxWidthProperty().bind(box.prefWidthProperty());
            setText(null);
            setGraphic(box);
            setAccessibleText(s.title() + ", " + s.environment());
        }
    }
}
