package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeItem;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class SchemaDiffTreeTest {

    private static final CheckDetail.SchemaChanges CHANGES = new CheckDetail.SchemaChanges("before", List.of(
            new CheckDetail.SchemaChange("renamed", "table:addr -> table:addresses", "table:addr", "table:addresses",
                    true, true),
            new CheckDetail.SchemaChange("added", "column:users.email", null, "type text", true, true),
            new CheckDetail.SchemaChange("added", "index:users_email_idx", null, null, true, false),
            new CheckDetail.SchemaChange("removed", "table:sessions", "columns id, user_id", null, false, true),
            new CheckDetail.SchemaChange("changed", "column:orders.total", "type integer", "type numeric", true,
                    true)));

    // Built in @Start: controls need the toolkit, which the extension starts.
    private SchemaDiffTree view;

    @Start
    void start(Stage stage) {
        view = new SchemaDiffTree();
        WidgetStage.show(stage, view);
    }

    @Test
    void groupsByChangeKindThenObjectKind(FxRobot robot) {
        robot.interact(() -> view.setChanges(CHANGES));
        List<TreeItem<SchemaDiffTree.Item>> kinds = view.getTree().getRoot().getChildren();
        assertThat(kinds).extracting(k -> k.getValue().text()).containsExactly("renamed (1)",
                "added (2) — ✖ 1 not as declared", "removed (1) — ✖ 1 not as declared", "changed (1)");
        assertThat(kinds.get(1).getChildren()).extracting(k -> k.getValue().text())
                .containsExactly("column (1)", "index (1) — ✖ 1 not as declared");
        assertThat(leaf(0, 0, 0)).isEqualTo("✔ table:addr -> table:addresses");
        assertThat(leaf(1, 1, 0)).isEqualTo("✖ DID NOT HAPPEN — index:users_email_idx");
    }

    @Test
    void anUndeclaredDropStandsOutInWordsAndShowsItsDetail(FxRobot robot) {
        robot.interact(() -> view.setChanges(CHANGES));
        TreeItem<SchemaDiffTree.Item> drop = view.getTree().getRoot().getChildren().get(2).getChildren().get(0)
                .getChildren().get(0);
        assertThat(drop.getValue().text()).isEqualTo("✖ UNEXPECTED — table:sessions");
        assertThat(drop.getParent().isExpanded()).isTrue();
        assertThat(robot.lookup("#schema-summary").queryAs(Label.class).getText())
                .contains("5 changes").contains("2 not as declared");

        robot.interact(() -> view.getTree().getSelectionModel().select(drop));
        assertThat(robot.lookup("#schema-detail-title").queryAs(Label.class).getText())
                .isEqualTo("removed table:sessions");
        Label verdict = robot.lookup("#schema-detail-verdict").queryAs(Label.class);
        assertThat(verdict.getText()).startsWith("✖ UNEXPECTED").contains("did not declare");
        assertThat(verdict.getStyleClass()).contains("schema-problem");
        assertThat(robot.lookup("#schema-before").queryAs(TextArea.class).getText()).isEqualTo("columns id, user_id");
        assertThat(robot.lookup("#schema-after").queryAs(TextArea.class).getText()).isEqualTo("(nothing)");
    }

    @Test
    void anUndeclaredChangeSaysWhatChangedInWords(FxRobot robot) {
        CheckDetail.SchemaChange strict = new CheckDetail.SchemaChange("changed",
                "function:film_in_stock(integer, integer)", "strict false", "strict true", false, true,
                "STRICT added");
        robot.interact(() -> view.setChanges(new CheckDetail.SchemaChanges("before", List.of(strict))));
        assertThat(leaf(0, 0, 0)).isEqualTo("✖ UNEXPECTED — function:film_in_stock(integer, integer): STRICT added");
        robot.interact(() -> view.getTree().getSelectionModel().select(view.getTree().getRoot().getChildren().get(0)
                .getChildren().get(0).getChildren().get(0)));
        assertThat(robot.lookup("#schema-detail-title").queryAs(Label.class).getText())
                .isEqualTo("changed function:film_in_stock(integer, integer): STRICT added");
    }

    @Test
    void anEmptyDiffSaysSo(FxRobot robot) {
        robot.interact(() -> view.setChanges(new CheckDetail.SchemaChanges("before", List.of())));
        assertThat(view.getTree().getRoot().getChildren()).isEmpty();
        assertThat(robot.lookup("#schema-summary").queryAs(Label.class).getText())
                .isEqualTo("No schema changes since snapshot 'before'.");
    }

    private String leaf(int kind, int object, int change) {
        return view.getTree().getRoot().getChildren().get(kind).getChildren().get(object).getChildren().get(change)
                .getValue().text();
    }
}
