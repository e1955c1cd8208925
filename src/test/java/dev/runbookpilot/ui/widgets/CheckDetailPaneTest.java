package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Expectation;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class CheckDetailPaneTest {

    private static final String SQL = "SELECT count(*) FROM orders o\n WHERE o.customer_id IS NULL";

    private CheckDetailPane pane;

    @Start
    void start(Stage stage) {
        pane = new CheckDetailPane();
        WidgetStage.show(stage, pane);
    }

    @Test
    void anErrorShowsItsSqlstateAndNeverLooksLikeAPass(FxRobot robot) {
        robot.interact(() -> pane.show(result(Status.ERROR, null, "42P01",
                "relation \"orders\" does not exist")));
        assertThat(label(robot, "#check-status").getText()).isEqualTo("⚠ ERROR");
        Label error = label(robot, "#check-error");
        assertThat(error.isVisible()).isTrue();
        assertThat(error.getText()).contains("never counts as a pass")
                .contains("SQLSTATE 42P01: relation \"orders\" does not exist");
        TextArea sql = robot.lookup("#check-sql").queryAs(TextArea.class);
        assertThat(sql.getText()).isEqualTo(SQL);
        assertThat(sql.isEditable()).isFalse();
    }

    @Test
    void nothingSelectedShowsOnlyAPrompt(FxRobot robot) {
        robot.interact(() -> pane.show(result(Status.PASSED, null, null, null)));
        robot.interact(pane::clear);
        assertThat(label(robot, "#check-title").getText()).startsWith("Select a check");
        assertThat(label(robot, "#check-status").isVisible()).isFalse();
        assertThat(robot.lookup("#check-sql").query().getParent().isVisible()).isFalse();
        assertThat(label(robot, "#check-actual").getParent().isVisible()).isFalse();
    }

    @Test
    void resultRowsFillATableWithNullSetApart(FxRobot robot) throws Exception {
        CheckDetail.Rows rows = new CheckDetail.Rows(List.of("id", "email"),
                List.of(Arrays.asList("1", null), Arrays.asList("2", "NULL")), true);
        robot.interact(() -> pane.show(result(Status.FAILED, rows, null, null)));
        assertThat(label(robot, "#check-error").isVisible()).isFalse();
        assertThat(label(robot, "#check-expected").getText()).isEqualTo("= 0");
        assertThat(label(robot, "#check-actual").getText()).isEqualTo("2");
        @SuppressWarnings("unchecked")
        TableView<List<String>> table = robot.lookup("#check-rows").queryAs(TableView.class);
        assertThat(table.getColumns()).extracting(c -> c.getText()).containsExactly("id", "email");
        assertThat(table.getItems()).hasSize(2);
        assertThat(table.getColumns().get(1).getCellData(0)).isNull();
        awaitLayout(() -> robot.from(table).lookup(".table-row-cell").queryAllAs(TableRow.class).stream()
                .filter(row -> !row.isEmpty()).count() == 2);
        assertThat(robot.lookup(".null-value").queryAll()).hasSize(1);
        assertThat(label(robot, "#check-rows-note").getText()).contains("truncated");
    }

    @Test
    void aCheckNotRunYetShowsTheRunbookSql(FxRobot robot) {
        CheckSpec.Query spec = new CheckSpec.Query(new CheckSpec.Meta("no orphans", null, null), SQL,
                new Expectation.Compare(Expectation.Op.EQ, java.math.BigDecimal.ZERO));
        robot.interact(() -> pane.show(spec, null));
        assertThat(label(robot, "#check-status").getText()).isEqualTo("○ PENDING");
        assertThat(label(robot, "#check-title").getText()).isEqualTo("no orphans");
        assertThat(label(robot, "#check-actual").getText()).isEqualTo("not run yet");
        assertThat(robot.lookup("#check-sql").queryAs(TextArea.class).getText()).isEqualTo(SQL);
        assertThat(robot.lookup("#check-evidence").query().isVisible()).isFalse();
    }

    @Test
    void objectDifferencesNameEachCategoryInWords(FxRobot robot) throws Exception {
        CheckDetail.ObjectsDiff diff = new CheckDetail.ObjectsDiff(List.of("table:users"),
                List.of("index:users_email_idx"), List.of("index:tmp"), List.of());
        robot.interact(() -> pane.show(result(Status.FAILED, diff, null, null)));
        @SuppressWarnings("unchecked")
        ListView<Object> list = robot.lookup("#check-objects").queryAs(ListView.class);
        assertThat(list.getItems()).hasSize(3);
        awaitLayout(() -> cellTexts(robot, "#check-objects .list-cell").size() == 3);
        assertThat(cellTexts(robot, "#check-objects .list-cell")).containsExactly(
                "✖ missing: index:users_email_idx", "✖ unexpected: index:tmp", "✔ found: table:users");
    }

    @Test
    void aPlanMarksTheLinesThatDecidedAndShowsTheCost(FxRobot robot) throws Exception {
        CheckDetail.Plan plan = new CheckDetail.Plan("Seq Scan on orders  (cost=0.00..1234.00 rows=1 width=8)\n"
                + "  Filter: (customer_id = 3)", List.of("Seq Scan on orders"), 1234.0);
        robot.interact(() -> pane.show(result(Status.FAILED, plan, null, null)));
        assertThat(label(robot, "#check-plan-cost").getText()).startsWith("Total cost: 1,234.00");
        awaitLayout(() -> cellTexts(robot, "#check-plan .list-cell").size() == 2);
        assertThat(cellTexts(robot, "#check-plan .plan-finding")).hasSize(1)
                .allSatisfy(text -> assertThat(text).startsWith("▶ Seq Scan on orders"));
        assertThat(cellTexts(robot, "#check-plan .list-cell")).element(1).asString()
                .startsWith("    Filter");
    }

    @Test
    void noticesSnapshotsAndDiffsShowTheirEvidence(FxRobot robot) {
        robot.interact(() -> pane.show(result(Status.FAILED, new CheckDetail.Notices(
                List.of("NOTICE: backfilled"), List.of("done"), 1200), null, null)));
        assertThat(label(robot, "#check-notices-summary").getText())
                .isEqualTo("1,200 rows affected · 1 notice received · ✖ 1 expected missing");
        @SuppressWarnings("unchecked")
        ListView<String> notices = robot.lookup("#check-notices").queryAs(ListView.class);
        assertThat(notices.getItems()).containsExactly("✖ expected but not received: done",
                "✔ received: NOTICE: backfilled");

        robot.interact(() -> pane.show(result(Status.PASSED, new CheckDetail.SnapshotTaken("before",
                Map.of("users", 33L, "orders", 1200L), 57), null, null)));
        assertThat(label(robot, "#check-snapshot-summary").getText()).contains("2 tables").contains("57 schema");
        assertThat(robot.lookup("#check-snapshot").queryAs(TableView.class).getItems()).hasSize(2);

        robot.interact(() -> pane.show(result(Status.PASSED, new CheckDetail.RowCountDiff("before", List.of(
                new CheckDetail.RowCountLine("orders", "orders", 1L, 2L, Status.PASSED, null))), null, null)));
        assertThat(robot.lookup(".row-count-diff").queryAs(RowCountDiffView.class).getTable().getItems())
                .hasSize(1);

        robot.interact(() -> pane.show(result(Status.PASSED, new CheckDetail.SchemaChanges("before", List.of(
                new CheckDetail.SchemaChange("added", "table:x", null, "", true, true))), null, null)));
        assertThat(robot.lookup(".schema-diff").queryAs(SchemaDiffTree.class).getTree().getRoot().getChildren())
                .hasSize(1);
        assertThat(robot.lookup(".row-count-diff").tryQuery()).isEmpty();
    }

    @Test
    void aComparisonShowsItsTimingVerdictTheLostIndexAndBothPlansSideBySide(FxRobot robot) throws Exception {
        CheckDetail.Measurement before = new CheckDetail.Measurement("by_customer", SQL, List.of(4.0, 4.2, 4.1),
                "Index Scan using orders_customer_idx on orders", List.of(new CheckDetail.PlanNode(0, "Index Scan",
                "orders", "orders_customer_idx")), Map.of("orders_customer_idx", List.of(16390L)));
        CheckDetail.Measurement after = new CheckDetail.Measurement("by_customer", SQL, List.of(9.0, 9.5, 9.1),
                "Seq Scan on orders", List.of(new CheckDetail.PlanNode(0, "Seq Scan", "orders", null)), Map.of());
        robot.interact(() -> pane.show(result(Status.FAILED, new CheckDetail.PlanComparison("before", before, after,
                10, List.of("orders_customer_idx"), "slower: median 9.100 ms against 4.100 ms"), null, null)));

        assertThat(label(robot, "#check-comparison-timing").getText()).startsWith("slower: median 9.100 ms");
        assertThat(label(robot, "#check-comparison-indexes").getText())
                .isEqualTo("✖ Indexes no longer used: orders_customer_idx");
        TextArea planBefore = robot.lookup("#check-plan-before").queryAs(TextArea.class);
        TextArea planNow = robot.lookup("#check-plan-after").queryAs(TextArea.class);
        assertThat(planBefore.getText()).contains("orders_customer_idx");
        assertThat(planNow.getText()).isEqualTo("Seq Scan on orders");
        awaitLayout(() -> planBefore.getWidth() > 0 && planNow.getWidth() > 0);
        assertThat(planBefore.localToScene(0, 0).getY()).as("side by side").isEqualTo(planNow.localToScene(0, 0).getY());
        assertThat(planBefore.localToScene(0, 0).getX()).isLessThan(planNow.localToScene(0, 0).getX());
    }

    /**
     * Waits, on the FX thread, for what the layout pulse after a change makes: cells and positions. interact returns
     * after a few rounds of FX events, and on a loaded machine the pulse can come later than that.
     */
    private static void awaitLayout(Callable<Boolean> laidOut) throws Exception {
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> WaitForAsyncUtils.asyncFx(laidOut).get());
    }

    /** The texts of the filled cells matching a query, in row order. */
    private static List<String> cellTexts(FxRobot robot, String query) {
        return robot.lookup(query).queryAllAs(ListCell.class).stream().filter(c -> !c.isEmpty())
                .sorted(Comparator.comparingInt(ListCell::getIndex)).map(c -> c.getText()).toList();
    }

    private static Label label(FxRobot robot, String query) {
        return robot.lookup(query).queryAs(Label.class);
    }

    private static CheckResult result(Status status, CheckDetail detail, String sqlState, String error) {
        return new CheckResult("orders", 0, "query", "no orphans", status, "= 0", "2", SQL, 1234, sqlState, error,
                detail, Instant.now(), Instant.now());
    }
}
