package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A schema comparison as a tree: change kind (renamed, added, removed, changed), then object kind (table,
 * column, index...), then each change, marked in words as declared or not and as happened or not. The two ways
 * to fail — a change nobody declared, a declared change that did not happen — are spelled out and styled to
 * stand out. Selecting a change shows its before and after on the right.
 */
public final class SchemaDiffTree extends SplitPane {

    /** What a tree node shows: a group (change null) or one change. */
    public record Item(String text, CheckDetail.SchemaChange change) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A short diff opens fully; a long one opens only where something failed. */
    private static final int EXPAND_ALL_UP_TO = 25;
    private static final List<String> KIND_ORDER = List.of("renamed", "added", "removed", "changed");

    private final TreeView<Item> tree = new TreeView<>();
    private final Label summary = new Label();
    private final Label title = new Label();
    private final Label verdict = new Label();
    private final TextArea before = detailArea("schema-before");
    private final TextArea after = detailArea("schema-after");

    public SchemaDiffTree() {
        getStyleClass().add("schema-diff");
        setOrientation(Orientation.HORIZONTAL);
        tree.setId("schema-tree");
        tree.setShowRoot(false);
        tree.setCellFactory(t -> new ChangeCell());
        tree.getSelectionModel().selectedItemProperty().addListener((obs, was, now) -> showDetail(now));
        summary.setId("schema-summary");
        summary.getStyleClass().add("detail-summary");
        summary.setWrapText(true);
        VBox left = new VBox(6, summary, tree);
        left.setPadding(new Insets(4, 4, 0, 4));
        VBox.setVgrow(tree, Priority.ALWAYS);

        title.setId("schema-detail-title");
        title.getStyleClass().add("detail-title");
        title.setWrapText(true);
        verdict.setId("schema-detail-verdict");
        verdict.setWrapText(true);
        Label beforeLabel = new Label("Before");
        Label afterLabel = new Label("After");
        beforeLabel.getStyleClass().add("detail-caption");
        afterLabel.getStyleClass().add("detail-caption");
        VBox right = new VBox(6, title, verdict, beforeLabel, before, afterLabel, after);
        right.getStyleClass().add("schema-detail");
        VBox.setVgrow(before, Priority.ALWAYS);
        VBox.setVgrow(after, Priority.ALWAYS);
        getItems().addAll(left, right);
        setDividerPositions(0.55);
        showDetail(null);
    }

    public SchemaDiffTree(CheckDetail.SchemaChanges changes) {
        this();
        setChanges(changes);
    }

    public TreeView<Item> getTree() {
        return tree;
    }

    /** Shows a comparison; null clears it. Groups holding a failing change start expanded. */
    public void setChanges(CheckDetail.SchemaChanges changes) {
        TreeItem<Item> root = new TreeItem<>(new Item("schema changes", null));
        List<CheckDetail.SchemaChange> all = changes == null ? List.of() : changes.changes();
        Map<String, List<CheckDetail.SchemaChange>> byKind = new LinkedHashMap<>();
        for (String k : KIND_ORDER) byKind.put(k, new ArrayList<>());
        for (CheckDetail.SchemaChange c : all) {
            byKind.computeIfAbsent(c.change() == null ? "other" : c.change(), k -> new ArrayList<>()).add(c);
        }
        int problems = 0;
        for (Map.Entry<String, List<CheckDetail.SchemaChange>> kind : byKind.entrySet()) {
            if (kind.getValue().isEmpty()) continue;
            int kindProblems = 0;
            TreeItem<Item> kindItem = new TreeItem<>();
            Map<String, List<CheckDetail.SchemaChange>> byObject = new TreeMap<>();
            for (CheckDetail.SchemaChange c : kind.getValue()) {
                byObject.computeIfAbsent(objectKind(c.object()), k -> new ArrayList<>()).add(c);
            }
            for (Map.Entry<String, List<CheckDetail.SchemaChange>> object : byObject.entrySet()) {
                TreeItem<Item> objectItem = new TreeItem<>();
                int objectProblems = 0;
                for (CheckDetail.SchemaChange c : object.getValue()) {
                    if (isProblem(c)) objectProblems++;
                    objectItem.getChildren().add(new TreeItem<>(new Item(leafText(c), c)));
                }
                objectItem.setValue(new Item(groupText(object.getKey(), object.getValue().size(), objectProblems),
                        null));
                objectItem.setExpanded(objectProblems > 0 || all.size() <= EXPAND_ALL_UP_TO);
                kindItem.getChildren().add(objectItem);
                kindProblems += objectProblems;
            }
            kindItem.setValue(new Item(groupText(kind.getKey(), kind.getValue().size(), kindProblems), null));
            kindItem.setExpanded(kindProblems > 0 || byObject.size() == 1);
            root.getChildren().add(kindItem);
            problems += kindProblems;
        }
        tree.setRoot(root);
        if (changes == null) {
            summary.setText("");
        } else if (all.isEmpty()) {
            summary.setText("No schema changes since snapshot '" + changes.snapshot() + "'.");
        } else {
            summary.setText(all.size() + " change" + (all.size() == 1 ? "" : "s") + " since snapshot '"
                    + changes.snapshot() + "'" + (problems == 0 ? ", all as declared."
                    : " — " + problems + " not as declared (marked ✖)."));
        }
        summary.getStyleClass().remove("schema-problem");
        if (problems > 0) summary.getStyleClass().add("schema-problem");
        showDetail(null);
    }

    /** A change that fails the check: it happened undeclared, or it was declared and did not happen. */
    public static boolean isProblem(CheckDetail.SchemaChange c) {
        return !c.expected() || !c.happened();
    }

    /** The words for a change's standing, e.g. "✖ UNEXPECTED: happened but not declared". */
    public static String verdictText(CheckDetail.SchemaChange c) {
        if (!c.expected() && c.happened()) return "✖ UNEXPECTED: happened but the runbook did not declare it";
        if (c.expected() && !c.happened()) return "✖ DID NOT HAPPEN: declared in the runbook but not found";
        if (!c.expected()) return "✖ NOT DECLARED";
        return "✔ as declared: declared and happened";
    }

    /** A leaf's label: "✖ UNEXPECTED — table:users" or "✔ table:users". */
    public static String leafText(CheckDetail.SchemaChange c) {
        if (!c.expected() && c.happened()) return "✖ UNEXPECTED — " + c.label();
        if (!c.happened()) return "✖ DID NOT HAPPEN — " + c.label();
        return "✔ " + c.label();
    }

    private static String groupText(String name, int count, int problems) {
        return name + " (" + count + ")" + (problems == 0 ? "" : " — ✖ " + problems + " not as declared");
    }

    /** "column:users.email" → "column"; a rename "table:a -> table:b" groups under its first kind. */
    private static String objectKind(String object) {
        if (object == null) return "other";
        int colon = object.indexOf(':');
        return colon > 0 ? object.substring(0, colon) : "other";
    }

    private void showDetail(TreeItem<Item> selected) {
        CheckDetail.SchemaChange c = selected == null || selected.getValue() == null ? null
                : selected.getValue().change();
        verdict.getStyleClass().removeAll("schema-problem", "schema-ok");
        if (c == null) {
            title.setText(selected == null ? "Select a change to see its detail." : selected.getValue().text());
            verdict.setText("");
            before.setText("");
            after.setText("");
            return;
        }
        title.setText(c.change() + " " + c.label());
        verdict.setText(verdictText(c));
        verdict.getStyleClass().add(isProblem(c) ? "schema-problem" : "schema-ok");
        before.setText(c.before() == null ? "(nothing)" : c.before());
        after.setText(c.after() == null ? "(nothing)" : c.after());
    }

    private static TextArea detailArea(String id) {
        TextArea area = new TextArea();
        area.setId(id);
        area.setEditable(false);
        area.setWrapText(true);
        area.setPrefRowCount(4);
        area.getStyleClass().add("monospace");
        return area;
    }

    private static final class ChangeCell extends TreeCell<Item> {
        @Override
        protected void updateItem(Item item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("schema-problem", "schema-ok", "schema-group");
            if (empty || item == null) {
                setText(null);
                return;
            }
            setText(item.text());
            if (item.change() == null) {
                getStyleClass().add("schema-group");
                if (item.text().contains("✖")) getStyleClass().add("schema-problem");
            } else {
                getStyleClass().add(isProblem(item.change()) ? "schema-problem" : "schema-ok");
            }
        }
    }
}
