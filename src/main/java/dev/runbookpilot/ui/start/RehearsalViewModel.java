package dev.runbookpilot.ui.start;

import dev.runbookpilot.app.Rehearsal;
import dev.runbookpilot.app.RehearsalRun;
import dev.runbookpilot.app.Target;
import dev.runbookpilot.app.Targets;
import dev.runbookpilot.check.TargetCopy;
import dev.runbookpilot.report.ReportExporter;
import dev.runbookpilot.report.ReportFormat;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Journal;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.BooleanBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * "Rehearse on a copy…": where the copy goes and what it holds, then the whole rehearsal ({@link Rehearsal} and
 * {@link RehearsalRun}) on a background thread, its progress as it comes, and the verdict, the step times and the
 * proof at the end. The original target is owned from construction: the rehearsal closes it, and so does
 * {@link #close} when no rehearsal began. Every property changes on the UI executor only.
 */
public final class RehearsalViewModel {
    private static final Logger log = LoggerFactory.getLogger(RehearsalViewModel.class);

    /** Where the copy goes. */
    public enum Place {
        /** A throw-away embedded PostgreSQL, when its version can hold the target's data. */
        EMBEDDED,
        /** Another server the operator names. */
        SERVER,
        /** The target's own server: only with the explicit opt-in and its free-space check. */
        TARGET
    }

    private final Runbook runbook;
    private final String operator;
    private final Path sessionDir;
    private final Targets targets;
    private final Executor ui;
    private final Executor background;
    private Target original;

    private final ObjectProperty<TargetCopy.Data> data = new SimpleObjectProperty<>(TargetCopy.Data.FULL);
    private final ObjectProperty<Place> place = new SimpleObjectProperty<>(Place.EMBEDDED);
    private final StringProperty server = new SimpleStringProperty("");
    private final BooleanProperty targetConfirmed = new SimpleBooleanProperty(false);
    private final BooleanProperty createRoles = new SimpleBooleanProperty(false);
    private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyBooleanWrapper done = new ReadOnlyBooleanWrapper(false);
    private final ReadOnlyStringWrapper progress = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<RehearsalRun.Result> result = new ReadOnlyObjectWrapper<>();
    private final ObservableList<String> lines = FXCollections.observableArrayList();
    private final BooleanBinding canStart;
    /** The finished rehearsal's journal, which its report is read from. */
    private Path finished;

    RehearsalViewModel(Runbook runbook, Target original, String operator, Path sessionDir, Targets targets,
                       Executor ui, Executor background) {
        this.runbook = runbook;
        this.original = original;
        this.operator = operator;
        this.sessionDir = sessionDir;
        this.targets = targets;
        this.ui = ui;
        this.background = background;
        canStart = Bindings.createBooleanBinding(() -> !running.get() && !done.get()
                        && (place.get() != Place.SERVER || !server.get().isBlank())
                        && (place.get() != Place.TARGET || targetConfirmed.get()),
                running, done, place, server, targetConfirmed);
    }

    public Runbook runbook() {
        return runbook;
    }

    /** What the original is, as the dialog names it. */
    public String originalName() {
        return original == null ? "" : original.record().database();
    }

    /**
     * Begins the rehearsal: makes the copy, runs the runbook forward on it, then the way back and the proof, and
     * drops the copy. Nothing of it runs on the calling (FX) thread.
     */
    public void start() {
        if (!canStart.get() || original == null) return;
        Target target = original;
        original = null;
        CheckSpec.Scratch where = switch (place.get()) {
            case EMBEDDED -> CheckSpec.Scratch.EMBEDDED;
            case SERVER -> new CheckSpec.Scratch(CheckSpec.ScratchKind.SERVER, server.get().strip());
            case TARGET -> CheckSpec.Scratch.TARGET;
        };
        Rehearsal.Options options = new Rehearsal.Options(data.get(), where, sessionDir, operator,
                createRoles.get());
        running.set(true);
        error.set("");
        lines.clear();
        Consumer<String> output = line -> ui.execute(() -> lines.add(line));
        background.execute(() -> {
            Rehearsal rehearsal;
            try {
                rehearsal = Rehearsal.start(runbook, target, null, options, targets, RunListener.NONE, output);
            } catch (Rehearsal.Refused e) {
                fail(e.getMessage());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted before the copy was made");
                return;
            } catch (RuntimeException e) {
                log.warn("rehearsal did not begin", e);
                fail("the rehearsal did not begin: " + e);
                return;
            }
            RehearsalRun.Result r = null;
            String problem = null;
            try {
                r = RehearsalRun.run(rehearsal.session(), step -> ui.execute(() -> progress.set(step)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                problem = "interrupted";
            } catch (Exception e) {
                log.warn("rehearsal stopped", e);
                problem = "the rehearsal stopped: " + e.getMessage();
            }
            Path journal = rehearsal.session().journalFile();
            List<String> left;
            try {
                left = rehearsal.finish();
            } catch (Exception e) {
                left = List.of(String.valueOf(e.getMessage()));
            }
            String copy = rehearsal.copyDescription();
            List<String> leftBehind = left;
            RehearsalRun.Result shown = r;
            String why = problem;
            ui.execute(() -> {
                lines.add(leftBehind.isEmpty() ? "The copy " + copy + " was dropped."
                        : "The copy could not be removed: " + String.join("; ", leftBehind)
                        + " (the next rehearsal tries again)");
                finished = journal;
                result.set(shown);
                if (why != null) error.set(why);
                progress.set("");
                running.set(false);
                done.set(true);
            });
        });
    }

    private void fail(String message) {
        ui.execute(() -> {
            error.set(message);
            progress.set("");
            running.set(false);
            done.set(true);
        });
    }

    /** Writes the rehearsal's report (marked REHEARSAL on every page), off the FX thread; {@code then} hears where. */
    public void exportReport(Path file, ReportFormat format, Consumer<String> then) {
        Path journal = finished;
        if (journal == null) return;
        background.execute(() -> {
            String said;
            try {
                ReportExporter.export(Journal.snapshot(journal), format, file, null);
                said = "Report written: " + file;
            } catch (Exception e) {
                said = "The report could not be written: " + e.getMessage();
            }
            String message = said;
            ui.execute(() -> then.accept(message));
        });
    }

    /** Closes the original when no rehearsal took it over (the dialog was closed before Start). */
    public void close() {
        Target t = original;
        original = null;
        if (t != null) background.execute(t::close);
    }

    public ObjectProperty<TargetCopy.Data> dataProperty() {
        return data;
    }

    public ObjectProperty<Place> placeProperty() {
        return place;
    }

    public StringProperty serverProperty() {
        return server;
    }

    public BooleanProperty targetConfirmedProperty() {
        return targetConfirmed;
    }

    public BooleanProperty createRolesProperty() {
        return createRoles;
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return running.getReadOnlyProperty();
    }

    public ReadOnlyBooleanProperty doneProperty() {
        return done.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty progressProperty() {
        return progress.getReadOnlyProperty();
    }

    public ReadOnlyStringProperty errorProperty() {
        return error.getReadOnlyProperty();
    }

    public ReadOnlyObjectProperty<RehearsalRun.Result> resultProperty() {
        return result.getReadOnlyProperty();
    }

    /** What the copy, the rehearsal and the drop said, line by line. */
    public ObservableList<String> lines() {
        return lines;
    }

    public BooleanBinding canStartProperty() {
        return canStart;
    }
}
