package dev.runbookpilot.ui.start;

import dev.runbookpilot.app.ConnectionProfile;
import dev.runbookpilot.app.LastConnections;
import dev.runbookpilot.app.ProfileStore;
import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.TargetException;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.runbook.Runbook;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.StringBinding;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The connection dialog's state: a saved profile or fields / URI / service typed in, or the embedded demo;
 * "Test connection" and "Connect" run on the background executor, their outcome lands on the UI executor.
 * Cancelling abandons the running attempt; whatever it opens afterwards is closed at once, so nothing is left
 * running.
 */
public final class ConnectionViewModel {
    private static final Logger log = LoggerFactory.getLogger(ConnectionViewModel.class);
    private static final DateTimeFormatter DEMO_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    /** How to reach the server. */
    public enum Mode { FIELDS, URI, SERVICE, DEMO }

    /** What "Test connection" found. */
    public record TestResult(ServerInfo server, String environment, String expectedDatabase) {
        public boolean databaseMatches() {
            return expectedDatabase == null || expectedDatabase.equals(server.database());
        }

        /** Null when the connected database is the one the runbook names. */
        public String warning() {
            return databaseMatches() ? null : "connected to database '" + server.database()
                    + "', but the runbook targets '" + expectedDatabase + "': the session will refuse to start";
        }
    }

    private final Workspace workspace;
    private final Targets targets;
    private final Runbook runbook;
    private final Executor ui;
    private final Executor background;
    private final ProfileStore store;
    private final LastConnections last;
    /**
     * The password the operator typed in this dialog and the connection it was typed for: Test then Connect asks
     * once. Kept only while the dialog is open and the connection unchanged; forgotten after a failure (it may be the
     * wrong one), on Connect, on Cancel. Touched on background threads, so guarded by this model.
     */
    private char[] typedPassword;
    private String typedFor;
    private final AtomicLong generation = new AtomicLong();
    private volatile Targets.PasswordPrompt passwordPrompt = Targets.PasswordPrompt.NONE;

    private final ObjectProperty<Mode> mode = new SimpleObjectProperty<>(Mode.FIELDS);
    private final ObservableList<ConnectionProfile> profiles = FXCollections.observableArrayList();
    private final ObjectProperty<ConnectionProfile> selectedProfile = new SimpleObjectProperty<>();
    private final StringProperty profileName = new SimpleStringProperty("");
    private final StringProperty host = new SimpleStringProperty("");
    private final StringProperty port = new SimpleStringProperty("");
    private final StringProperty database = new SimpleStringProperty("");
    private final StringProperty user = new SimpleStringProperty("");
    private final StringProperty sslmode = new SimpleStringProperty("");
    private final StringProperty uri = new SimpleStringProperty("");
    private final StringProperty service = new SimpleStringProperty("");
    private final ReadOnlyBooleanWrapper demoAvailable = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper progress = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper notice = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<TestResult> testResult = new ReadOnlyObjectWrapper<>();
    private final StringBinding validation;
    private final StringBinding uriPasswordNote;
    private final BooleanBinding canConnect;

    public ConnectionViewModel(Workspace workspace, Targets targets, Runbook runbook, Executor ui,
                               Executor background) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.runbook = Objects.requireNonNull(runbook, "runbook");
        this.ui = ui;
        this.background = background;
        this.store = new ProfileStore(workspace);
        this.last = new LastConnections(workspace);
        validation = Bindings.createStringBinding(this::validate, mode, host, port, database, user, sslmode, uri,
                service, demoAvailable);
        canConnect = validation.isEmpty().and(busy.not());
        uriPasswordNote = Bindings.createStringBinding(() -> mode.get() == Mode.URI
                && ConnectionProfile.containsPassword(uri.get()) ? URI_PASSWORD_NOTE : "", mode, uri);
        selectedProfile.addListener((obs, was, is) -> {
            if (is != null) apply(is);
        });
        mode.addListener((obs, was, is) -> testResult.set(null));
    }

    /**
     * Reads the saved profiles, whether the runbook has a demo and how it was last connected (offered again); call
     * once after construction.
     */
    public void load() {
        background.execute(() -> {
            boolean demo = Files.isRegularFile(DemoDatabase.setupScript(runbook));
            LastConnections.Entry previous = runbook.file() == null ? null : last.get(runbook.file()).orElse(null);
            List<ConnectionProfile> saved;
            String problem = "";
            try {
                saved = store.list();
            } catch (IOException e) {
                saved = List.of();
                problem = e.getMessage();
            }
            List<ConnectionProfile> found = saved;
            String failure = problem;
            ui.execute(() -> {
                demoAvailable.set(demo);
                profiles.setAll(found);
                error.set(failure);
                if (previous != null && previous.demo() && demo) {
                    mode.set(Mode.DEMO);
                } else if (previous != null && previous.profile() != null) {
                    apply(previous.profile());
                    // A remembered connection is not a saved profile: Save profile asks for a name of its own.
                    profileName.set(profiles.stream().anyMatch(p -> p.name().equals(previous.profile().name()))
                            ? previous.profile().name() : "");
                } else if (demo && found.isEmpty()) {
                    // A sample with a demo opens on the demo: a newcomer reaches a running wizard without a server.
                    mode.set(Mode.DEMO);
                }
            });
        });
    }

    public void setPasswordPrompt(Targets.PasswordPrompt prompt) {
        this.passwordPrompt = prompt == null ? Targets.PasswordPrompt.NONE : prompt;
    }

    /** Empty when the input can be used; otherwise what to fix, for the operator. */
    private String validate() {
        switch (mode.get()) {
            case DEMO:
                return demoAvailable.get() ? "" : "this runbook has no demo (no demo/setup.sql next to it)";
            case URI:
                return uri.get().isBlank() ? "enter a URI or connection string" : "";
            case SERVICE:
                return service.get().isBlank() ? "enter a service name (a [section] of pg_service.conf)" : "";
            default:
                return portProblem();
        }
    }

    private String portProblem() {
        String p = port.get().strip();
        if (p.isEmpty()) return "";
        if (!p.matches("[0-9]{1,5}") || Integer.parseInt(p) < 1 || Integer.parseInt(p) > 65535) {
            return "port must be a number between 1 and 65535 (usually 5432)";
        }
        return "";
    }

    /**
     * What to connect to, as {@link Targets#resolve} takes it: a URI as typed, password included (used for this
     * connection only, like the CLI's {@code --db}), the other modes as their profile spells them.
     */
    private String currentSpec() {
        return mode.get() == Mode.URI ? uri.get().strip() : currentProfile().spec();
    }

    /** Said under a URI that carries a password: one rule for the GUI and the CLI, and what becomes of it. */
    public static final String URI_PASSWORD_NOTE = "The password in this URI is used for this connection only: it"
            + " is never saved in a profile, remembered, journaled or reported.";

    /** {@link #URI_PASSWORD_NOTE} when the URI typed carries a password, else empty. */
    public StringBinding uriPasswordNoteProperty() {
        return uriPasswordNote;
    }

    /** The typed-in connection as a profile named by the name field (or "unsaved"). */
    public ConnectionProfile currentProfile() {
        String name = profileName.get().isBlank() ? "unsaved" : profileName.get();
        switch (mode.get()) {
            case URI:
                return ConnectionProfile.ofUri(name, uri.get());
            case SERVICE:
                return ConnectionProfile.ofService(name, service.get());
            case FIELDS:
                String p = port.get().strip();
                return ConnectionProfile.ofFields(name, host.get(), p.isEmpty() ? null : Integer.valueOf(p),
                        database.get(), user.get(), sslmode.get());
            default:
                throw new IllegalStateException("the demo has no profile");
        }
    }

    private void apply(ConnectionProfile p) {
        profileName.set(p.name());
        host.set(orEmpty(p.host()));
        port.set(p.port() == null ? "" : p.port().toString());
        database.set(orEmpty(p.database()));
        user.set(orEmpty(p.user()));
        sslmode.set(orEmpty(p.sslmode()));
        uri.set(orEmpty(p.uri()));
        service.set(orEmpty(p.service()));
        mode.set(p.kind() == ConnectionProfile.Kind.URI ? Mode.URI
                : p.kind() == ConnectionProfile.Kind.SERVICE ? Mode.SERVICE : Mode.FIELDS);
    }

    public void saveProfile() {
        error.set("");
        ConnectionProfile profile;
        try {
            if (profileName.get().isBlank()) throw new IllegalArgumentException("give the profile a name to save it");
            if (!validation.get().isEmpty()) throw new IllegalArgumentException(validation.get());
            profile = currentProfile();
        } catch (IllegalArgumentException | IllegalStateException e) {
            error.set(e.getMessage());
            return;
        }
        background.execute(() -> {
            try {
                List<ConnectionProfile> saved = store.save(profile);
                ui.execute(() -> {
                    profiles.setAll(saved);
                    selectedProfile.set(profile);
                    notice.set("Saved profile \"" + profile.name() + "\" (without any password)");
                });
            } catch (IOException e) {
                ui.execute(() -> error.set(e.getMessage()));
            }
        });
    }

    public void deleteSelectedProfile() {
        ConnectionProfile p = selectedProfile.get();
        if (p == null) return;
        error.set("");
        background.execute(() -> {
            try {
                List<ConnectionProfile> left = store.delete(p.name());
                ui.execute(() -> {
                    selectedProfile.set(null);
                    profiles.setAll(left);
                    notice.set("Deleted profile \"" + p.name() + "\"");
                });
            } catch (IOException e) {
                ui.execute(() -> error.set(e.getMessage()));
            }
        });
    }

    /** Connects, reads who and what the server is, disconnects. Not offered for the demo. */
    public void testConnection() {
        if (mode.get() == Mode.DEMO || !begin("Connecting…")) return;
        String spec = currentSpec();
        long gen = generation.get();
        Targets.PasswordPrompt prompt = askingOnce(spec);
        background.execute(() -> {
            try (Target t = targets.connect(spec, prompt)) {
                ServerInfo info = t.db().serverInfo();
                TestResult result = new TestResult(info, runbook.target().environment().yamlName(),
                        runbook.target().database());
                finish(gen, () -> testResult.set(result));
            } catch (TargetException | SQLException | RuntimeException e) {
                fail(gen, e);
            }
        });
    }

    /**
     * Opens the target and hands it to {@code onConnected} on the UI executor; the receiver owns it from then on.
     * A connection to a database other than the runbook's is closed and reported instead.
     */
    public void connect(Consumer<Target> onConnected) {
        boolean demo = mode.get() == Mode.DEMO;
        if (!begin(demo ? "Starting the embedded PostgreSQL and loading the demo's before-state…" : "Connecting…")) {
            return;
        }
        String spec = demo ? null : currentSpec();
        ConnectionProfile remembered = demo ? null : rememberable();
        long gen = generation.get();
        Targets.PasswordPrompt prompt = askingOnce(spec);
        Path dataDir = demo ? workspace.home().resolve("demo-" + LocalDateTime.now().format(DEMO_STAMP)) : null;
        background.execute(() -> {
            Target target = null;
            try {
                target = demo ? targets.startDemo(runbook, dataDir) : targets.connect(spec, prompt);
                ServerInfo info = target.db().serverInfo();
                String expected = runbook.target().database();
                if (expected != null && !expected.equals(info.database())) {
                    throw new TargetException(TargetException.Kind.BAD_SPEC, "connected to database '"
                            + info.database() + "', but the runbook targets '" + expected
                            + "': connect to that database (or fix target.database in the runbook)", null);
                }
                Target connected = target;
                target = null;
                forgetPassword();
                ui.execute(() -> {
                    if (generation.get() != gen) {
                        background.execute(() -> discard(connected, dataDir));
                        return;
                    }
                    background.execute(() -> remember(demo, remembered));
                    busy.set(false);
                    progress.set("");
                    onConnected.accept(connected);
                });
            } catch (TargetException | SQLException | RuntimeException e) {
                if (target != null) discard(target, dataDir);
                else if (dataDir != null) deleteQuietly(dataDir);
                fail(gen, e);
            }
        });
    }

    /**
     * The prompt for one attempt on {@code spec}: the password typed earlier in this dialog for the same
     * connection, else the operator is asked (and the answer kept for the next attempt). The caller wipes what it
     * is handed, so each answer is a copy.
     */
    private Targets.PasswordPrompt askingOnce(String spec) {
        Targets.PasswordPrompt ask = passwordPrompt;
        return target -> {
            synchronized (this) {
                if (typedPassword != null && spec.equals(typedFor)) return typedPassword.clone();
            }
            char[] answer = ask.ask(target);
            if (answer != null) {
                synchronized (this) {
                    forgetPassword();
                    typedPassword = answer.clone();
                    typedFor = spec;
                }
            }
            return answer;
        };
    }

    /** Wipes the password typed in this dialog; called when the dialog closes, whatever its outcome. */
    public synchronized void forgetPassword() {
        if (typedPassword != null) java.util.Arrays.fill(typedPassword, '\0');
        typedPassword = null;
        typedFor = null;
    }

    /** The connection as the dialog offers it next time: a profile cannot hold a password, so none is kept. */
    private ConnectionProfile rememberable() {
        try {
            ConnectionProfile p = currentProfile();
            return ConnectionProfile.containsPassword(p.spec()) ? null : p;
        } catch (IllegalArgumentException | IllegalStateException e) {
            // A URI with a password: not remembered at all (the password is in it).
            return null;
        }
    }

    private void remember(boolean demo, ConnectionProfile profile) {
        if (runbook.file() == null || !demo && profile == null) return;
        try {
            last.remember(runbook.file(), new LastConnections.Entry(demo, profile));
        } catch (IOException e) {
            log.warn("cannot remember the connection of {}: {}", runbook.file(), e.getMessage());
        }
    }

    /** Abandons a running test or connect; a target it still opens is closed (and a demo's data removed). */
    public void cancel() {
        forgetPassword();
        if (!busy.get()) return;
        generation.incrementAndGet();
        busy.set(false);
        progress.set("");
        notice.set("Cancelled");
    }

    private boolean begin(String what) {
        if (busy.get()) return false;
        if (!validation.get().isEmpty()) {
            error.set(validation.get());
            return false;
        }
        error.set("");
        notice.set("");
        testResult.set(null);
        busy.set(true);
        progress.set(what);
        return true;
    }

    private void finish(long gen, Runnable update) {
        ui.execute(() -> {
            if (generation.get() != gen) return;
            busy.set(false);
            progress.set("");
            update.run();
        });
    }

    private void fail(long gen, Exception e) {
        // The password typed may be the wrong one: the next attempt asks again.
        forgetPassword();
        log.info("connection attempt failed: {}", e.getMessage());
        String message = e instanceof SQLException ? "cannot read the server's identity: " + e.getMessage()
                : e.getMessage() == null ? e.toString() : e.getMessage();
        finish(gen, () -> error.set(message));
    }

    private static void discard(Target target, Path demoDataDir) {
        target.close();
        if (demoDataDir != null) deleteQuietly(demoDataDir);
    }

    /** A cancelled or refused demo never ran a session, so its data directory has nothing worth keeping. */
    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.warn("could not remove the abandoned demo data directory {}: {}", dir, e.getMessage());
        }
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    public Runbook runbook() {
        return runbook;
    }

    public ObjectProperty<Mode> modeProperty() {
        return mode;
    }

    public ObservableList<ConnectionProfile> profiles() {
        return profiles;
    }

    public ObjectProperty<ConnectionProfile> selectedProfileProperty() {
        return selectedProfile;
    }

    public StringProperty profileNameProperty() {
        return profileName;
    }

    public StringProperty hostProperty() {
        return host;
    }

    public StringProperty portProperty() {
        return port;
    }

    public StringProperty databaseProperty() {
        return database;
    }

    public StringProperty userProperty() {
        return user;
    }

    public StringProperty sslmodeProperty() {
        return sslmode;
    }

    public StringProperty uriProperty() {
        return uri;
    }

    public StringProperty serviceProperty() {
        return service;
    }

    public ReadOnlyBooleanProperty demoAvailableProperty() {
        return demoAvailable.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty busyProperty() {
        return busy.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty noticeProperty() {
        return notice.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<TestResult> testResultProperty() {
        return testResult.getReadOnlyProperty();
    }

    /** Empty when the input is usable, else what to fix. */
    public StringBinding validationProperty() {
        return validation;
    }

    public BooleanBinding canConnectProperty() {
        return canConnect;
    }
}
