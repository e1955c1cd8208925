package dev.runbookpilot.ui.start;

import atlantafx.base.theme.Styles;
import dev.runbookpilot.app.ConnectionProfile;
import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.ui.FxExecutors;
import javafx.application.Platform;
import javafx.beans.binding.Bindings;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.PasswordField;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.RadioButton;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import org.controlsfx.validation.ValidationSupport;
import org.controlsfx.validation.Validator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;

/**
 * Connects the chosen runbook's target: a saved profile, host and port, a URI, a service name, or the embedded
 * demo. Non-modal work: the dialog stays responsive while the background connects, and Cancel abandons the
 * attempt. The result is the connected {@link Target} (owned by the caller), or null when cancelled.
 *
 * <pre>{@code
 * ConnectionDialog d = new ConnectionDialog(startViewModel.connectionViewModel(), window);
 * d.setOnHidden(e -> { if (d.getResult() != null) use(d.getResult()); });
 * d.show();
 * }</pre>
 */
public final class ConnectionDialog extends Dialog<Target> {
    private static final Logger log = LoggerFactory.getLogger(ConnectionDialog.class);

    public static final ButtonType CONNECT = new ButtonType("Connect", ButtonBar.ButtonData.OK_DONE);
    private static final String[] SSLMODES = {"", "disable", "allow", "prefer", "require", "verify-ca",
        "verify-full"};

    /** The message area's height: a test result's three lines, or a server error's first lines, without scrolling. */
    static final double MESSAGES_HEIGHT = 96;

    private final ConnectionViewModel vm;
    /** Under the message area, not the Test button: the result is read whole, however long the server's version. */
    private final Label testResult = new Label();

    public ConnectionDialog(ConnectionViewModel vm, Window owner) {
        this.vm = vm;
        if (owner != null) initOwner(owner);
        setTitle("Connect — " + vm.runbook().title());
        setResizable(true);
        getDialogPane().getStylesheets().add(StartView.STYLESHEET);
        getDialogPane().getStyleClass().add("connection-dialog");
        getDialogPane().getButtonTypes().addAll(CONNECT, ButtonType.CANCEL);
        testResult.setId("testResult");
        testResult.setWrapText(true);
        testResult.textProperty().bind(Bindings.createStringBinding(() -> describe(vm.testResultProperty().get()),
                vm.testResultProperty()));
        testResult.managedProperty().bind(vm.testResultProperty().isNotNull());
        testResult.visibleProperty().bind(testResult.managedProperty());
        vm.testResultProperty().addListener((obs, was, is) -> {
            testResult.getStyleClass().removeAll(Styles.SUCCESS, Styles.WARNING);
            if (is != null) testResult.getStyleClass().add(is.databaseMatches() ? Styles.SUCCESS : Styles.WARNING);
        });
        getDialogPane().setContent(content());
        setResultConverter(button -> null);

        Button connect = (Button) getDialogPane().lookupButton(CONNECT);
        connect.setId("connectTarget");
        connect.disableProperty().bind(vm.canConnectProperty().not());
        connect.addEventFilter(ActionEvent.ACTION, e -> {
            // The dialog closes only once the target is open; until then it shows progress.
            e.consume();
            // Setting the result closes the dialog; a further close() would report it hidden a second time.
            vm.connect(this::setResult);
        });
        Button cancel = (Button) getDialogPane().lookupButton(ButtonType.CANCEL);
        cancel.setId("cancelConnect");
        setOnCloseRequest(e -> {
            if (getResult() == null) vm.cancel();
        });
        // However it closed, the password typed in it is wiped.
        showingProperty().addListener((o, was, is) -> {
            if (!is) vm.forgetPassword();
        });
        vm.setPasswordPrompt(passwordPrompt(owner));
        vm.load();
    }

    private Node content() {
        ToggleGroup modes = new ToggleGroup();
        RadioButton fields = mode("Host and port", "modeFields", ConnectionViewModel.Mode.FIELDS, modes);
        RadioButton uri = mode("URI or connection string", "modeUri", ConnectionViewModel.Mode.URI, modes);
        RadioButton service = mode("Service name", "modeService", ConnectionViewModel.Mode.SERVICE, modes);
        RadioButton demo = mode("Demo database (embedded)", "modeDemo", ConnectionViewModel.Mode.DEMO, modes);
        demo.disableProperty().bind(vm.demoAvailableProperty().not());
        modes.selectToggle(modes.getToggles().stream().filter(t -> t.getUserData() == vm.modeProperty().get())
                .findFirst().orElse(fields));
        modes.selectedToggleProperty().addListener((obs, was, is) -> {
            if (is != null) vm.modeProperty().set((ConnectionViewModel.Mode) is.getUserData());
        });
        vm.modeProperty().addListener((obs, was, is) -> modes.getToggles().stream()
                .filter(t -> t.getUserData() == is).findFirst().ifPresent(modes::selectToggle));
        GridPane modeRow = new GridPane();
        modeRow.setHgap(24);
        modeRow.setVgap(6);
        modeRow.addRow(0, fields, uri);
        modeRow.addRow(1, service, demo);

        Label target = new Label("Runbook target: " + vm.runbook().target().environment().yamlName()
                + (vm.runbook().target().database() == null ? "" : ", database " + vm.runbook().target().database()));
        target.getStyleClass().addAll("target-line", "env-" + vm.runbook().target().environment().yamlName());

        VBox server = new VBox(8, profileRow(), fieldsGrid(), singleField("URI", "uri", vm.uriProperty(),
                ConnectionViewModel.Mode.URI, "postgresql://user@host:5432/db?sslmode=require"),
                singleField("Service", "service", vm.serviceProperty(), ConnectionViewModel.Mode.SERVICE,
                        "a [section] of ~/.pg_service.conf"), testRow());
        showWhen(server, vm.modeProperty().isNotEqualTo(ConnectionViewModel.Mode.DEMO));

        Label demoText = new Label("Starts PostgreSQL 15 on this machine and loads this runbook's demo before-state"
                + " (takes a few seconds). Nothing is sent anywhere; the server stops when the session closes.");
        demoText.setWrapText(true);
        showWhen(demoText, vm.modeProperty().isEqualTo(ConnectionViewModel.Mode.DEMO));

        Label passwords = new Label("Passwords are never saved: Runbook Pilot reads ~/.pgpass, PGPASSWORD and"
                + " service files like psql, and asks when the server wants one.");
        passwords.setWrapText(true);
        passwords.getStyleClass().add(Styles.TEXT_MUTED);

        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setId("connectProgress");
        spinner.setPrefSize(24, 24);
        Label progress = new Label();
        progress.textProperty().bind(vm.progressProperty());
        progress.setWrapText(true);
        HBox busyRow = new HBox(8, spinner, progress);
        showWhen(busyRow, vm.busyProperty());

        Label error = messageLabel("connectError", Styles.DANGER);
        error.textProperty().bind(Bindings.when(vm.errorProperty().isEmpty())
                .then(vm.validationProperty()).otherwise(vm.errorProperty()));
        Label notice = messageLabel("connectNotice", Styles.SUCCESS);
        notice.textProperty().bind(vm.noticeProperty());
        Label uriPassword = messageLabel("uriPasswordNote", Styles.WARNING);
        uriPassword.textProperty().bind(vm.uriPasswordNoteProperty());

        for (Label l : List.of(demoText, passwords, progress, error, notice, uriPassword, testResult)) {
            l.setMinHeight(Region.USE_PREF_SIZE);
        }
        VBox box = new VBox(12, target, modeRow, server, demoText, passwords,
                messages(busyRow, testResult, uriPassword, error, notice));
        box.setPrefWidth(660);
        box.setPadding(new Insets(8, 0, 0, 0));
        return box;
    }

    private Node profileRow() {
        ComboBox<ConnectionProfile> profiles = new ComboBox<>(vm.profiles());
        profiles.setId("profiles");
        profiles.setPromptText("Saved profiles");
        profiles.setCellFactory(l -> new ProfileCell());
        profiles.setButtonCell(new ProfileCell());
        profiles.valueProperty().bindBidirectional(vm.selectedProfileProperty());
        TextField name = field("profileName", vm.profileNameProperty(), "profile name");
        Button save = new Button("Save profile");
        save.setId("saveProfile");
        save.setOnAction(e -> vm.saveProfile());
        Button delete = new Button("Delete");
        delete.setId("deleteProfile");
        delete.getStyleClass().add(Styles.DANGER);
        delete.disableProperty().bind(vm.selectedProfileProperty().isNull());
        delete.setOnAction(e -> vm.deleteSelectedProfile());
        HBox row = new HBox(8, profiles, name, save, delete);
        HBox.setHgrow(name, Priority.ALWAYS);
        return row;
    }

    private Node fieldsGrid() {
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(8);
        TextField host = field("host", vm.hostProperty(), "localhost, or PGHOST");
        TextField port = field("port", vm.portProperty(), "5432, or PGPORT");
        port.setPrefColumnCount(6);
        TextField database = field("database", vm.databaseProperty(), "as the user, or PGDATABASE");
        TextField user = field("user", vm.userProperty(), "your OS user, or PGUSER");
        ComboBox<String> sslmode = new ComboBox<>();
        sslmode.setId("sslmode");
        sslmode.getItems().addAll(SSLMODES);
        sslmode.valueProperty().bindBidirectional(vm.sslmodeProperty());
        sslmode.setPromptText("prefer, or PGSSLMODE");
        grid.addRow(0, label("Host", host), host, label("Port", port), port);
        grid.addRow(1, label("Database", database), database, label("User", user), user);
        grid.addRow(2, label("SSL mode", sslmode), sslmode);
        GridPane.setHgrow(host, Priority.ALWAYS);
        GridPane.setHgrow(database, Priority.ALWAYS);
        showWhen(grid, vm.modeProperty().isEqualTo(ConnectionViewModel.Mode.FIELDS));

        ValidationSupport validation = new ValidationSupport();
        validation.registerValidator(port, false, Validator.createPredicateValidator(
                (String p) -> p == null || p.isBlank() || p.strip().matches("[0-9]{1,5}")
                        && Integer.parseInt(p.strip()) >= 1 && Integer.parseInt(p.strip()) <= 65535,
                "a number between 1 and 65535"));
        return grid;
    }

    private Node singleField(String caption, String id, javafx.beans.property.StringProperty property,
                             ConnectionViewModel.Mode mode, String prompt) {
        TextField f = field(id, property, prompt);
        HBox row = new HBox(8, label(caption, f), f);
        HBox.setHgrow(f, Priority.ALWAYS);
        showWhen(row, vm.modeProperty().isEqualTo(mode));
        ValidationSupport validation = new ValidationSupport();
        validation.registerValidator(f, false, Validator.createEmptyValidator(caption + " is required"));
        return row;
    }

    /**
     * Progress, the test result and every message share one area of fixed height: the dialog never grows after it
     * is shown (a long server error once pushed Connect and Cancel out of it), and what does not fit scrolls.
     */
    private static Node messages(Node... shown) {
        VBox box = new VBox(8, shown);
        box.setPadding(new Insets(0, 4, 0, 0));
        ScrollPane scroll = new ScrollPane(box);
        scroll.setId("connectMessages");
        scroll.setFitToWidth(true);
        scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
        scroll.getStyleClass().add("edge-to-edge");
        scroll.setPrefViewportHeight(MESSAGES_HEIGHT);
        scroll.setMinViewportHeight(MESSAGES_HEIGHT);
        scroll.setMaxHeight(Region.USE_PREF_SIZE);
        // A new message shows from its first line.
        box.heightProperty().addListener((o, a, b) -> scroll.setVvalue(0));
        return scroll;
    }

    private Node testRow() {
        Button test = new Button("Test connection");
        test.setId("testConnection");
        test.disableProperty().bind(vm.canConnectProperty().not());
        test.setOnAction(e -> vm.testConnection());
        Label hint = new Label("Connects, shows who and what the server is, disconnects.");
        hint.getStyleClass().add(Styles.TEXT_MUTED);
        HBox row = new HBox(12, test, hint);
        row.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return row;
    }

    static String describe(ConnectionViewModel.TestResult r) {
        if (r == null) return "";
        ServerInfo s = r.server();
        String who = s.user() + (s.superuser() ? " (superuser)" : " (not a superuser)");
        String text = "PostgreSQL " + s.serverVersion() + " · connected as " + who + " · database " + s.database()
                + "\nRunbook environment: " + r.environment().toUpperCase(Locale.ROOT);
        return r.warning() == null ? text + " · database matches the runbook" : text + "\n⚠ " + r.warning();
    }

    private RadioButton mode(String text, String id, ConnectionViewModel.Mode mode, ToggleGroup group) {
        RadioButton b = new RadioButton(text);
        b.setId(id);
        b.setUserData(mode);
        b.setToggleGroup(group);
        b.setMnemonicParsing(false);
        return b;
    }

    private static TextField field(String id, javafx.beans.property.StringProperty property, String prompt) {
        TextField f = new TextField();
        f.setId(id);
        f.setPromptText(prompt);
        f.textProperty().bindBidirectional(property);
        return f;
    }

    private static Label label(String text, Node target) {
        Label l = new Label(text);
        l.setLabelFor(target);
        l.setMinWidth(Label.USE_PREF_SIZE);
        return l;
    }

    private static Label messageLabel(String id, String style) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.getStyleClass().add(style);
        l.managedProperty().bind(l.textProperty().isNotEmpty());
        l.visibleProperty().bind(l.managedProperty());
        return l;
    }

    private static void showWhen(Node node, javafx.beans.value.ObservableBooleanValue condition) {
        node.visibleProperty().bind(condition);
        node.managedProperty().bind(condition);
    }

    /**
     * Asks for a password in a dialog. Called on a background thread: it hops to the FX thread and waits there
     * for the answer (a background thread waiting on the UI, never the reverse).
     */
    public static Targets.PasswordPrompt passwordPrompt(Window owner) {
        return target -> {
            if (Platform.isFxApplicationThread()) return askPassword(owner, target);
            try {
                return FxExecutors.askFromBackground(answer -> answer.complete(askPassword(owner, target)));
            } catch (InterruptedException e) {
                // As if the operator cancelled (null, the prompt's contract); the caller still sees the interrupt.
                Thread.currentThread().interrupt();
                return null;
            } catch (ExecutionException e) {
                // Connecting goes on without a password and the server's refusal says so; the cause is logged.
                log.warn("the password dialog failed: {}", e.getCause().toString());
                return null;
            }
        };
    }

    private static char[] askPassword(Window owner, String target) {
        Dialog<char[]> d = new Dialog<>();
        if (owner != null) d.initOwner(owner);
        d.setTitle("Password");
        d.setHeaderText("The server wants a password for " + target);
        PasswordField field = new PasswordField();
        field.setId("password");
        Label hint = new Label("Used for this connection only, never saved. To skip this question, put it in"
                + " ~/.pgpass.");
        hint.setWrapText(true);
        hint.getStyleClass().add(Styles.TEXT_MUTED);
        d.getDialogPane().setContent(new VBox(8, field, hint));
        d.getDialogPane().getButtonTypes().addAll(ButtonType.OK, ButtonType.CANCEL);
        d.setResultConverter(b -> b == ButtonType.OK ? field.getText().toCharArray() : null);
        Platform.runLater(field::requestFocus);
        char[] pw = d.showAndWait().orElse(null);
        field.clear();
        return pw;
    }

    private static final class ProfileCell extends ListCell<ConnectionProfile> {
        @Override
        protected void updateItem(ConnectionProfile p, boolean empty) {
            super.updateItem(p, empty);
            setText(empty || p == null ? null : p.name());
        }
    }
}
