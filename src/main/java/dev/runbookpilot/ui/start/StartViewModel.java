package dev.runbookpilot.ui.start;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbookpilot.io.AtomicWrite;
import dev.runbookpilot.app.SessionCatalog;
import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.TargetException;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.importer.ChecklistImporter;
import dev.runbookpilot.importer.ImportException;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.ui.Launch;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The start screen: recent sessions (resume an unfinished one), a runbook to open (file, sample or imported
 * Markdown checklist), the operator's name, and the hand-over to the wizard as a {@link Launch}.
 */
public final class StartViewModel {
    private static final Logger log = LoggerFactory.getLogger(StartViewModel.class);
    /** Jackson's ~400 classes load with the first preferences read, in the background, not on the first screen. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }
    private static final int SUMMARY_CHARS = 240;

    private final Workspace workspace;
    private final Targets targets;
    private final List<Path> sampleRoots;
    private final Executor ui;
    private final Executor background;
    private final Consumer<Launch> onLaunch;
    private final Path preferences;

    private final ObservableList<SessionCatalog.Entry> sessions = FXCollections.observableArrayList();
    private final ObservableList<Sample> samples = FXCollections.observableArrayList();
    private final ReadOnlyObjectWrapper<Path> samplesDir = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyObjectWrapper<Runbook> runbook = new ReadOnlyObjectWrapper<>();
    private final String loginName = System.getProperty("user.name", "");
    private final StringProperty operator = new SimpleStringProperty(loginName);
    /** A name given on the command line outranks the one remembered from the last session. */
    private boolean operatorGiven;
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper listedOnce = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper progress = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final BooleanBinding canConnect;

    /**
     * @param sampleRoots folders to look for sample runbooks in, in order; the first that exists is used
     * @param onLaunch    receives the runbook and the connected target on the UI executor, and owns the target
     */
    public StartViewModel(Workspace workspace, Targets targets, List<Path> sampleRoots, Executor ui,
                          Executor background, Consumer<Launch> onLaunch) {
        this.workspace = Objects.requireNonNull(workspace, "workspace");
        this.targets = Objects.requireNonNull(targets, "targets");
        this.sampleRoots = List.copyOf(sampleRoots);
        this.ui = ui;
        this.background = background;
        this.onLaunch = Objects.requireNonNull(onLaunch, "onLaunch");
        this.preferences = workspace.config().resolve("preferences.json");
        canConnect = Bindings.createBooleanBinding(() -> runbook.get() != null && !operator.get().isBlank()
                && !busy.get(), runbook, operator, busy);
    }

    /** The operator named on the command line: offered instead of the remembered name. */
    public void giveOperator(String name) {
        operator.set(name);
        operatorGiven = true;
    }

    /** Reads sessions, samples and the remembered operator name. */
    public void refresh() {
        background.execute(() -> {
            List<SessionCatalog.Entry> found;
            String problem = "";
            try {
                found = SessionCatalog.list(workspace.sessions());
            } catch (IOException e) {
                found = List.of();
                problem = "cannot list the sessions in " + workspace.sessions() + ": " + e.getMessage();
            }
            Path dir = sampleRoots.stream().filter(Files::isDirectory).findFirst().orElse(null);
            List<Sample> listed = dir == null ? List.of() : samplesIn(dir);
            String remembered = readOperator();
            List<SessionCatalog.Entry> entries = found;
            String failure = problem;
            ui.execute(() -> {
                sessions.setAll(entries);
                samplesDir.set(dir);
                samples.setAll(listed);
                // The listing may arrive after the window shows: a name typed meanwhile is kept.
                if (remembered != null && !operatorGiven && operator.get().equals(loginName)) {
                    operator.set(remembered);
                }
                if (!failure.isEmpty()) error.set(failure);
                listedOnce.set(true);
            });
        });
    }

    /** Loads a runbook file; problems are shown with file:line:column as the loader gives them. */
    public void openRunbook(Path file) {
        if (!begin("Loading " + file.getFileName() + "…")) return;
        background.execute(() -> {
            try {
                Runbook loaded = RunbookLoader.load(file);
                done(() -> runbook.set(loaded));
            } catch (RunbookException e) {
                failed("cannot use " + file + ":\n" + e.getMessage());
            }
        });
    }

    /** What an import produced: the importer's summary, and the runbook when it can be used (else null). */
    public record Imported(String summary, Runbook runbook) {}

    /**
     * Imports a Markdown checklist into {@code <name>.runbook.yaml} next to it (or into the workspace when that
     * folder is read-only), makes the new runbook the chosen one, then hands the importer's summary to
     * {@code showSummary} so the view can offer to connect it.
     */
    public void importChecklist(Path markdown, Consumer<Imported> showSummary) {
        if (!begin("Importing " + markdown.getFileName() + "…")) return;
        background.execute(() -> {
            try {
                Path first = importedRunbookPath(markdown);
                Path written = firstFree(first);
                ImportResult result = ChecklistImporter.importFile(markdown, written);
                String summary = result.summary().render() + "\nRunbook written to " + written
                        + (written.equals(first) ? "" : "\n(" + first.getFileName() + " already exists and was "
                        + "left as it was)");
                Runbook loaded;
                try {
                    loaded = RunbookLoader.load(written);
                } catch (RunbookException e) {
                    done(() -> showSummary.accept(new Imported(summary, null)));
                    failed("the runbook imported from " + markdown + " cannot be used:\n" + e.getMessage());
                    return;
                }
                done(() -> {
                    runbook.set(loaded);
                    showSummary.accept(new Imported(summary, loaded));
                });
            } catch (IOException e) {
                failed("cannot import " + markdown + ": " + e.getMessage());
            } catch (ImportException e) {
                failed("cannot import " + markdown + ": " + e.getMessage());
            }
        });
    }

    /** Next to the checklist when that folder is writable, else in the workspace. */
    private Path importedRunbookPath(Path markdown) {
        String base = markdown.getFileName().toString().replaceFirst("(?i)\\.(md|markdown)$", "");
        String name = base + ".runbook.yaml";
        Path dir = markdown.toAbsolutePath().getParent();
        if (dir != null && Files.isWritable(dir)) return dir.resolve(name);
        return workspace.home().resolve("imported").resolve(name);
    }

    /**
     * The runbook path, or the first of {@code name.runbook-2.yaml}, {@code -3}, ... that does not exist: an
     * earlier import may have been edited by the DBA since, and importing again must not overwrite that work.
     */
    private static Path firstFree(Path path) {
        if (!Files.exists(path)) return path;
        String name = path.getFileName().toString();
        String stem = name.substring(0, name.length() - ".yaml".length());
        for (int n = 2; ; n++) {
            Path candidate = path.resolveSibling(stem + "-" + n + ".yaml");
            if (!Files.exists(candidate)) return candidate;
        }
    }

    /** The dialog model for connecting the chosen runbook's target. */
    public ConnectionViewModel connectionViewModel() {
        Runbook chosen = runbook.get();
        if (chosen == null) throw new IllegalStateException("open a runbook first");
        return new ConnectionViewModel(workspace, targets, chosen, ui, background);
    }

    /**
     * The "Rehearse on a copy…" dialog's model for the chosen runbook and a target the connection dialog opened,
     * which it owns from here; null (the target closed) when no runbook or operator is chosen.
     */
    public RehearsalViewModel rehearsal(Target target) {
        Runbook chosen = runbook.get();
        String name = operator.get().strip();
        if (chosen == null || name.isEmpty()) {
            background.execute(target::close);
            error.set(chosen == null ? "open a runbook first" : "enter the operator's name");
            return null;
        }
        rememberOperator(name);
        return new RehearsalViewModel(chosen, target, name, workspace.sessions(), targets, ui, background);
    }

    /** Starts a new session of the chosen runbook on a target the connection dialog opened. */
    public void launch(Target target) {
        Runbook chosen = runbook.get();
        String name = operator.get().strip();
        if (chosen == null || name.isEmpty()) {
            background.execute(target::close);
            error.set(chosen == null ? "open a runbook first" : "enter the operator's name");
            return;
        }
        rememberOperator(name);
        onLaunch.accept(new Launch(chosen, target, name, null));
    }

    /**
     * Resumes an unfinished session: loads its runbook (which must be unchanged), reconnects the way the session
     * did (a demo restarts its embedded server) and launches with the journal to resume.
     */
    public void resume(SessionCatalog.Entry entry, Targets.PasswordPrompt prompt) {
        String name = operator.get().strip();
        if (name.isEmpty()) {
            error.set("enter the operator's name");
            return;
        }
        if (!begin(entry.demo() ? "Restarting the embedded PostgreSQL…" : "Reconnecting…")) return;
        background.execute(() -> {
            JournalEvent.Started st;
            try {
                SessionState state = SessionState.replay(Journal.read(entry.journal()));
                if (state.ended().isPresent()) {
                    failed("this session has already ended; open its report instead");
                    return;
                }
                st = state.started();
            } catch (IOException | RuntimeException e) {
                failed("cannot read the session journal " + entry.journal() + ": " + e.getMessage());
                return;
            }
            Runbook loaded;
            try {
                loaded = RunbookLoader.load(Path.of(st.runbookFile()));
            } catch (RunbookException e) {
                failed("the session's runbook cannot be loaded:\n" + e.getMessage());
                return;
            }
            if (!st.runbookSha256().equals(loaded.sha256())) {
                failed("the runbook " + st.runbookFile() + " changed since this session began; a session only"
                        + " resumes with the runbook it started with. Restore that file, or start a new session");
                return;
            }
            try {
                Target target = targets.reopen(st.connection(), st.server().database(), prompt);
                rememberOperator(name);
                done(() -> onLaunch.accept(new Launch(loaded, target, name, entry.journal())));
            } catch (TargetException e) {
                failed(e.getMessage());
            }
        });
    }

    private boolean begin(String what) {
        if (busy.get()) return false;
        error.set("");
        busy.set(true);
        progress.set(what);
        return true;
    }

    private void done(Runnable update) {
        ui.execute(() -> {
            busy.set(false);
            progress.set("");
            update.run();
        });
    }

    private void failed(String message) {
        log.info("start screen: {}", message);
        done(() -> error.set(message));
    }

    // ---- samples ---------------------------------------------------------------------------------------------

    /** Each sub-folder's runbook.yaml (or .yml), and loose *.yaml / *.yml files, sorted by path. */
    static List<Sample> samplesIn(Path dir) {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            children.sorted().forEach(child -> {
                if (Files.isDirectory(child)) {
                    Stream.of("runbook.yaml", "runbook.yml").map(child::resolve).filter(Files::isRegularFile)
                            .findFirst().ifPresent(files::add);
                } else if (child.getFileName().toString().matches("(?i).*\\.ya?ml")) {
                    files.add(child);
                }
            });
        } catch (IOException e) {
            log.warn("cannot list the samples in {}: {}", dir, e.getMessage());
        }
        List<Sample> samples = new ArrayList<>();
        for (Path f : files) {
            try {
                Runbook r = RunbookLoader.load(f);
                samples.add(new Sample(f, r.title(), r.target().environment().yamlName(), summary(r.description()),
                        null));
            } catch (RunbookException e) {
                samples.add(new Sample(f, f.getParent().getFileName() + "/" + f.getFileName(), "", "",
                        e.getMessage()));
            }
        }
        samples.sort(Comparator.comparing(Sample::title, String.CASE_INSENSITIVE_ORDER));
        return samples;
    }

    /** The description's first paragraph without Markdown emphasis, short enough for a list row. */
    static String summary(String markdown) {
        if (markdown == null) return "";
        String first = markdown.strip().split("\\R\\s*\\R", 2)[0];
        // Emphasis markers go; underscores inside names (app_prod) stay.
        String plain = first.replace("**", "").replace("`", "")
                .replaceAll("(?<=\\s|^)[*_]|[*_](?=\\s|$|[.,;:])", "").replaceAll("\\s+", " ").strip();
        return plain.length() <= SUMMARY_CHARS ? plain : plain.substring(0, SUMMARY_CHARS - 1).stripTrailing() + "…";
    }

    // ---- preferences -----------------------------------------------------------------------------------------

    private String readOperator() {
        if (!Files.isRegularFile(preferences)) return null;
        try {
            Object name = Json.MAPPER.readValue(preferences.toFile(), Map.class).get("operator");
            return name instanceof String && !((String) name).isBlank() ? (String) name : null;
        } catch (IOException e) {
            log.warn("ignoring unreadable preferences {}: {}", preferences, e.getMessage());
            return null;
        }
    }

    private void rememberOperator(String name) {
        background.execute(() -> {
            try {
                Map<String, Object> prefs = new LinkedHashMap<>();
                prefs.put("operator", name);
                AtomicWrite.writeString(preferences,
                        Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(prefs));
            } catch (IOException e) {
                log.warn("cannot remember the operator name in {}: {}", preferences, e.getMessage());
            }
        });
    }

    // ---- properties ------------------------------------------------------------------------------------------

    public ObservableList<SessionCatalog.Entry> sessions() {
        return sessions;
    }

    public ObservableList<Sample> samples() {
        return samples;
    }

    /** The folder the samples came from, null when none was found. */
    public ReadOnlyObjectProperty<Path> samplesDirProperty() {
        return samplesDir.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<Runbook> runbookProperty() {
        return runbook.getReadOnlyProperty();
    }

    public StringProperty operatorProperty() {
        return operator;
    }

    /** False until the first {@link #refresh()} has listed the sessions and samples (found or not). */
    public ReadOnlyBooleanProperty listedProperty() {
        return listedOnce.getReadOnlyProperty();
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

    public BooleanBinding canConnectProperty() {
        return canConnect;
    }
}
