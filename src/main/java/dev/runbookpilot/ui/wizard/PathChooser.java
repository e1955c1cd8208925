package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.io.ByteSizes;
import atlantafx.base.theme.Styles;
import dev.runbookpilot.ui.FxExecutors;
import dev.runbookpilot.ui.widgets.AppStyles;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseButton;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * The application's own file chooser, in place of the desktop's: the GTK dialog JavaFX opens is 822 pixels high and
 * cannot be sized or placed (it ran off a 768-pixel screen, its Open button below the edge), and tests cannot drive
 * it. This one is fitted to its window like the wizard's other dialogs ({@link DialogFit}), is driven from the
 * keyboard (a path typed or pasted, Enter, Tab completes), and reads folders on a worker thread so a slow mount
 * never freezes the window; what cannot be read is said in the dialog.
 */
public final class PathChooser extends Dialog<Path> {

    /** A choice of files shown by their extensions, e.g. {@code Filter.of("Runbooks", "yaml", "yml")}. */
    public record Filter(String description, List<String> extensions) {
        public static Filter of(String description, String... extensions) {
            return new Filter(description, List.of(extensions));
        }

        static final Filter ALL = new Filter("All files", List.of());

        boolean accepts(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            return extensions.isEmpty() || extensions.stream().anyMatch(x -> lower.endsWith("." + x));
        }

        @Override
        public String toString() {
            return extensions.isEmpty() ? description + " (*)" : description + " ("
                    + String.join(", ", extensions.stream().map(x -> "*." + x).toList()) + ")";
        }
    }

    private enum Mode { OPEN, SAVE }

    private static final DateTimeFormatter MODIFIED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
            .withZone(ZoneId.systemDefault());
    private static final int RECENT_PLACES = 8;
    private static final double PREF_WIDTH = 760;
    /** Folders files were chosen in during this run of the application, newest first. */
    private static final LinkedHashSet<Path> recent = new LinkedHashSet<>();

    private final Mode mode;
    private final Path base;
    private final Path home = Path.of(System.getProperty("user.home")).toAbsolutePath();
    private final ExecutorService disk = FxExecutors.background();
    private final TextField path = new TextField();
    private final Label folderLabel = new Label();
    private final Label error = new Label();
    private final Label placeholder = new Label();
    private final TableView<FolderListing.Entry> table = new TableView<>();
    private final ComboBox<Filter> filter = new ComboBox<>();
    private final CheckBox hidden = new CheckBox("Hidden files");
    private final MenuButton recentPlaces = new MenuButton("Recent");
    private final Button choose;
    private final ObservableList<FolderListing.Entry> shown = FXCollections.observableArrayList();
    /** The folder listed (or being read) and what it held; a listing that arrives for an older request is dropped. */
    private FolderListing listing;
    private Path folder;
    private long listed;
    private long checked;

    private PathChooser(Mode mode, String title, Path base, Path start, String proposedName, List<Filter> filters) {
        this.mode = mode;
        this.base = (base == null ? home : base).toAbsolutePath().normalize();
        setTitle(title);
        setHeaderText(null);
        setResizable(true);
        ButtonType chooseType = new ButtonType(mode == Mode.SAVE ? "Save" : "Open", ButtonBar.ButtonData.OK_DONE);
        getDialogPane().getButtonTypes().setAll(chooseType, ButtonType.CANCEL);
        choose = (Button) getDialogPane().lookupButton(chooseType);
        choose.setId("chooser-choose");
        getDialogPane().lookupButton(ButtonType.CANCEL).setId("chooser-cancel");
        // The dialog closes only once the typed path has been checked on disk (off the FX thread).
        choose.addEventFilter(ActionEvent.ACTION, e -> {
            e.consume();
            accept(path.getText());
        });
        setResultConverter(b -> null);
        getDialogPane().getStylesheets().add(AppStyles.STYLESHEET);
        getDialogPane().getStyleClass().add("path-chooser");
        getDialogPane().setContent(content(filters));
        getDialogPane().setPrefSize(PREF_WIDTH, 520);
        getDialogPane().setMinHeight(300);
        setOnHidden(e -> disk.shutdown());
        Path first = (start == null ? this.base : start).toAbsolutePath().normalize();
        path.setText(proposedName == null ? withSeparator(first) : first.resolve(proposedName).toString());
        if (proposedName != null) {
            filters.stream().filter(f -> f.accepts(proposedName)).findFirst().ifPresent(filter::setValue);
        }
        setOnShown(e -> {
            path.requestFocus();
            // A proposed name is selected without its extension, so typing replaces the name and keeps the type.
            int dot = path.getText().lastIndexOf('.');
            int slash = path.getText().lastIndexOf('/');
            if (proposedName != null && dot > slash) path.selectRange(slash + 1, dot);
            else path.positionCaret(path.getText().length());
        });
        list(first, null);
    }

    /** A chooser of a file to open; relative paths are read from {@code base}, the runbook's folder. */
    public static PathChooser open(String title, Path base, Filter... filters) {
        return new PathChooser(Mode.OPEN, title, base, base, null, Arrays.asList(filters));
    }

    /**
     * A chooser of a file to write, proposing {@code proposed} (its folder is where the chooser opens); relative
     * paths are read from {@code base}, the runbook's folder. Writing over a file is confirmed first.
     */
    public static PathChooser save(String title, Path base, Path proposed, Filter... filters) {
        Path p = proposed.toAbsolutePath();
        return new PathChooser(Mode.SAVE, title, base, p.getParent(), p.getFileName().toString(),
                Arrays.asList(filters));
    }

    /**
     * Shows the chooser over {@code owner}, fitted to the application's window it belongs to (the owner's owner when
     * the owner is a dialog); {@code chosen} gets the path if one is chosen.
     */
    public void show(Window owner, Consumer<Path> chosen) {
        Window area = owner;
        while (area instanceof Stage s && s.getOwner() != null) area = s.getOwner();
        // The theme caps a dialog at 600 pixels across, over the pane's preferred width; a minimum width is what
        // gives the listing's dates their room, never wider than the window.
        getDialogPane().setMinWidth(Math.min(PREF_WIDTH, area.getWidth()));
        DialogFit.own(this, owner, area);
        resultProperty().addListener((o, was, is) -> {
            if (is != null) chosen.accept(is);
        });
        show();
    }

    private VBox content(List<Filter> filters) {
        Button up = toolButton("Up", "chooser-up", "The folder above (Alt+Up)");
        up.setOnAction(e -> {
            if (folder.getParent() != null) goTo(folder.getParent());
        });
        Button homeButton = toolButton("Home", "chooser-home", home.toString());
        homeButton.setOnAction(e -> goTo(home));
        Button runbook = toolButton("Runbook's folder", "chooser-runbook",
                "Relative paths start here: " + base);
        runbook.setOnAction(e -> goTo(base));
        recentPlaces.setId("chooser-recent");
        recentPlaces.getStyleClass().add(Styles.FLAT);
        recentPlaces.setOnShowing(e -> recentPlaces.getItems().setAll(recent.stream().map(p -> {
            MenuItem item = new MenuItem(p.toString());
            item.setMnemonicParsing(false);
            item.setOnAction(a -> goTo(p));
            return item;
        }).toList()));
        recentPlaces.setDisable(recent.isEmpty());
        hidden.setId("chooser-hidden");
        hidden.selectedProperty().addListener((o, was, is) -> show(listing));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox places = new HBox(4, up, homeButton, runbook, recentPlaces, gap, hidden);
        places.setAlignment(Pos.CENTER_LEFT);

        Label pathLabel = new Label("_Path");
        pathLabel.setMnemonicParsing(true);
        pathLabel.setLabelFor(path);
        path.setId("chooser-path");
        path.setPromptText("Type or paste a path: /absolute, ~/in/home, or relative to the runbook's folder");
        path.setOnAction(e -> accept(path.getText()));
        path.addEventFilter(KeyEvent.KEY_PRESSED, this::completeOnTab);
        HBox.setHgrow(path, Priority.ALWAYS);
        HBox pathRow = new HBox(6, pathLabel, path);
        pathRow.setAlignment(Pos.CENTER_LEFT);

        folderLabel.setId("chooser-folder");
        folderLabel.getStyleClass().add(Styles.TEXT_MUTED);
        folderLabel.setMinWidth(0);
        error.setId("chooser-error");
        error.getStyleClass().add(Styles.DANGER);
        error.setWrapText(true);
        error.setMinHeight(Region.USE_PREF_SIZE);
        error.managedProperty().bind(error.visibleProperty());
        error.setVisible(false);

        table.setId("chooser-listing");
        table.setItems(shown);
        table.setPlaceholder(placeholder);
        table.getStyleClass().add(Styles.DENSE);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
        TableColumn<FolderListing.Entry, String> name = column("Name", 360,
                e -> e.folder() ? e.name() + "/" : e.name());
        TableColumn<FolderListing.Entry, String> size = column("Size", 90, e -> ByteSizes.human(e.size()));
        size.setStyle("-fx-alignment: CENTER-RIGHT;");
        size.setMaxWidth(110);
        size.setMinWidth(70);
        TableColumn<FolderListing.Entry, String> modified = column("Modified", 140,
                e -> e.modified() == null ? "" : MODIFIED.format(e.modified()));
        modified.setMinWidth(150);
        modified.setMaxWidth(180);
        table.getColumns().setAll(List.of(name, size, modified));
        table.getSelectionModel().selectedItemProperty().addListener((o, was, is) -> {
            // Picking a file puts its path in the field: Enter or Open then takes it, and it can still be edited.
            if (is != null && !is.folder()) path.setText(is.path().toString());
        });
        table.setRowFactory(t -> {
            TableRow<FolderListing.Entry> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getButton() == MouseButton.PRIMARY && e.getClickCount() == 2 && row.getItem() != null) {
                    enter(row.getItem());
                }
            });
            return row;
        });
        table.addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            FolderListing.Entry selected = table.getSelectionModel().getSelectedItem();
            if (e.getCode() == KeyCode.ENTER && selected != null) {
                e.consume();
                enter(selected);
            } else if (e.getCode() == KeyCode.BACK_SPACE && folder.getParent() != null) {
                e.consume();
                goTo(folder.getParent());
            }
        });
        VBox.setVgrow(table, Priority.ALWAYS);
        table.setMinHeight(80);

        List<Filter> all = new ArrayList<>(filters);
        all.add(Filter.ALL);
        filter.setId("chooser-filter");
        filter.getItems().setAll(all);
        filter.getSelectionModel().selectFirst();
        filter.valueProperty().addListener((o, was, is) -> {
            show(listing);
            if (mode == Mode.SAVE) retype(was, is);
        });
        Label filterLabel = new Label("_Type");
        filterLabel.setMnemonicParsing(true);
        filterLabel.setLabelFor(filter);
        HBox filterRow = new HBox(6, filterLabel, filter);
        filterRow.setAlignment(Pos.CENTER_LEFT);

        getDialogPane().addEventFilter(KeyEvent.KEY_PRESSED, e -> {
            if (e.isAltDown() && e.getCode() == KeyCode.UP && folder.getParent() != null) {
                e.consume();
                goTo(folder.getParent());
            }
        });
        VBox box = new VBox(8, places, pathRow, folderLabel, error, table, filterRow);
        // Without a header the theme leaves the content's edges unpadded.
        box.setPadding(new Insets(0, 14, 0, 14));
        return box;
    }

    private static Button toolButton(String text, String id, String tip) {
        Button b = new Button(text);
        b.setId(id);
        b.getStyleClass().add(Styles.FLAT);
        b.setTooltip(new Tooltip(tip));
        b.setFocusTraversable(false);
        return b;
    }

    private static TableColumn<FolderListing.Entry, String> column(String title, double width,
                                                                   java.util.function.Function<FolderListing.Entry,
                                                                           String> text) {
        TableColumn<FolderListing.Entry, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setSortable(false);
        c.setCellValueFactory(d -> new ReadOnlyStringWrapper(text.apply(d.getValue())));
        return c;
    }

    /** Opens a folder of the listing, or takes a file of it. */
    private void enter(FolderListing.Entry entry) {
        if (entry.folder()) goTo(entry.path());
        else accept(entry.path().toString());
    }

    /** Lists {@code dir} and shows it in the field: its path to go on typing in, or the name being saved there. */
    private void goTo(Path dir) {
        if (mode == Mode.SAVE) {
            Path typed = FolderListing.resolve(path.getText(), base, home);
            String name = typed == null || path.getText().strip().endsWith("/") ? "" : typed.getFileName().toString();
            path.setText(dir.resolve(name).toString());
        } else {
            path.setText(withSeparator(dir));
        }
        path.positionCaret(path.getText().length());
        list(dir, null);
    }

    private static String withSeparator(Path dir) {
        String s = dir.toString();
        return s.endsWith("/") ? s : s + "/";
    }

    /**
     * Reads {@code dir} on a worker thread, then shows it and runs {@code then}; a folder on a slow mount leaves the
     * window responsive, saying it is being read, and a later request wins over an earlier one still reading.
     */
    private void list(Path dir, Runnable then) {
        long request = ++listed;
        folder = dir;
        folderLabel.setText("In " + dir);
        error.setVisible(false);
        shown.clear();
        listing = null;
        placeholder.setText("Reading " + dir + " …");
        disk.execute(() -> {
            FolderListing read = FolderListing.read(dir);
            Platform.runLater(() -> {
                if (request != listed) return;
                listing = read;
                show(read);
                if (then != null) then.run();
            });
        });
    }

    private void show(FolderListing l) {
        if (l == null) return;
        if (l.error() != null) {
            problem(l.error());
            placeholder.setText("Nothing to show: see above.");
            shown.clear();
            return;
        }
        Filter f = filter.getValue();
        shown.setAll(l.entries().stream().filter(e -> hidden.isSelected() || !e.hidden())
                .filter(e -> e.folder() || f == null || f.accepts(e.name())).toList());
        placeholder.setText(l.entries().isEmpty() ? "This folder is empty." : "No folders, and no files of type "
                + f + " here.");
    }

    private void problem(String message) {
        error.setText(message);
        error.setVisible(true);
    }

    /** Saving as another type changes the proposed name's extension to that type's. */
    private void retype(Filter was, Filter is) {
        if (was == null || is == null || is.extensions().isEmpty()) return;
        String text = path.getText();
        for (String x : was.extensions()) {
            if (text.toLowerCase(Locale.ROOT).endsWith("." + x)) {
                path.setText(text.substring(0, text.length() - x.length()) + is.extensions().get(0));
                return;
            }
        }
    }

    /** Tab adds to the typed path what every matching name of its folder shares, and opens a lone folder. */
    private void completeOnTab(KeyEvent e) {
        if (e.getCode() != KeyCode.TAB || e.isShiftDown() || e.isControlDown() || e.isAltDown()) return;
        String typed = path.getText();
        if (typed.isBlank()) return;
        Path dir = FolderListing.completionFolder(typed, base, home);
        if (listing == null || !dir.equals(folder)) {
            // Another folder than the one listed: list it, then complete with what it holds.
            e.consume();
            list(dir, () -> complete(typed));
            return;
        }
        if (complete(typed)) e.consume();
    }

    /** Completes {@code typed} from the listed folder; false when nothing there matches (Tab then moves on). */
    private boolean complete(String typed) {
        if (!typed.equals(path.getText()) || listing == null || listing.error() != null) return false;
        String prefix = FolderListing.completionPrefix(typed);
        // A name typed with its dot (~/.ssh) is completed even while hidden files are not listed.
        boolean dotted = prefix.startsWith(".");
        Filter type = filter.getValue();
        List<FolderListing.Entry> candidates = FolderListing.candidates(listing.entries().stream()
                .filter(e -> dotted || hidden.isSelected() || !e.hidden())
                .filter(e -> e.folder() || type.accepts(e.name())).toList(), prefix);
        if (candidates.isEmpty()) return false;
        String stem = typed.strip().substring(0, typed.strip().length() - prefix.length());
        if (candidates.size() == 1) {
            FolderListing.Entry only = candidates.get(0);
            path.setText(stem + only.name() + (only.folder() ? "/" : ""));
            if (only.folder()) list(only.path(), null);
            else table.getSelectionModel().select(only);
        } else {
            path.setText(stem + FolderListing.commonStart(candidates));
            table.getSelectionModel().clearSelection();
            table.scrollTo(candidates.get(0));
        }
        path.positionCaret(path.getText().length());
        return true;
    }

    private sealed interface Verdict {
        record Go(Path folder) implements Verdict {}
        record Take(Path file) implements Verdict {}
        record Overwrite(Path file) implements Verdict {}
        record Refuse(String why) implements Verdict {}
    }

    /**
     * Takes the typed path: a folder is opened; a file is checked on a worker thread (exists and readable to open;
     * a writable folder to save into, and a confirmation before replacing a file), then chosen.
     */
    private void accept(String typed) {
        Path p = FolderListing.resolve(typed, base, home);
        if (p == null) {
            problem(mode == Mode.SAVE ? "Type a file name to save as." : "Type a path, or pick a file below.");
            return;
        }
        long request = ++checked;
        boolean wantsFolder = typed.strip().endsWith("/");
        choose.setDisable(true);
        disk.execute(() -> {
            Verdict v = judge(p, wantsFolder);
            Platform.runLater(() -> {
                // Cancelled while the disk answered: what was typed is no longer wanted.
                if (request != checked || !isShowing()) return;
                choose.setDisable(false);
                if (v instanceof Verdict.Go go) list(go.folder(), null);
                else if (v instanceof Verdict.Take take) take(take.file());
                else if (v instanceof Verdict.Overwrite o) confirmOverwrite(o.file());
                else if (v instanceof Verdict.Refuse r) problem(r.why());
            });
        });
    }

    private Verdict judge(Path p, boolean wantsFolder) {
        if (Files.isDirectory(p)) return new Verdict.Go(p);
        if (wantsFolder) return new Verdict.Refuse(p + " is not a folder.");
        if (mode == Mode.OPEN) {
            if (!Files.exists(p)) return new Verdict.Refuse(p + " does not exist.");
            if (!Files.isReadable(p)) return new Verdict.Refuse("Cannot read " + p + ": permission denied.");
            return new Verdict.Take(p);
        }
        Path parent = p.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            return new Verdict.Refuse("Cannot save: the folder " + parent + " does not exist.");
        }
        if (!Files.isWritable(parent)) {
            return new Verdict.Refuse("Cannot save in " + parent + ": that folder is not writable for you."
                    + " Choose another folder (your home folder is).");
        }
        if (Files.exists(p)) {
            if (!Files.isWritable(p)) return new Verdict.Refuse(p + " exists and is read-only: choose another name.");
            return new Verdict.Overwrite(p);
        }
        return new Verdict.Take(p);
    }

    private void confirmOverwrite(Path file) {
        ButtonType replace = new ButtonType("Replace", ButtonBar.ButtonData.OK_DONE);
        Alert ask = new Alert(Alert.AlertType.CONFIRMATION, "", replace, ButtonType.CANCEL);
        ask.setTitle("Replace file?");
        ask.setHeaderText(file.getFileName() + " already exists in " + file.getParent() + ".");
        ask.setContentText("Replace it? What it holds now is lost.");
        ask.getDialogPane().setId("chooser-overwrite");
        ((Button) ask.getDialogPane().lookupButton(replace)).setDefaultButton(false);
        ((Button) ask.getDialogPane().lookupButton(ButtonType.CANCEL)).setDefaultButton(true);
        ask.getDialogPane().lookupButton(replace).setId("chooser-replace");
        DialogFit.own(ask, getDialogPane().getScene().getWindow());
        ask.setOnHidden(e -> {
            if (ask.getResult() == replace) take(file);
            else path.requestFocus();
        });
        ask.show();
    }

    private void take(Path file) {
        Path where = file.getParent();
        if (where != null) {
            recent.remove(where);
            List<Path> newestFirst = new ArrayList<>(recent);
            newestFirst.add(0, where);
            recent.clear();
            recent.addAll(newestFirst.subList(0, Math.min(RECENT_PLACES, newestFirst.size())));
        }
        setResult(file);
        close();
    }
}
