package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;
import javafx.scene.chart.XYChart;
import javafx.scene.control.TableCell;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class RowCountDiffViewTest {

    // Built in @Start: controls need the toolkit, which the extension starts.
    private RowCountDiffView view;

    @Start
    void start(Stage stage) {
        view = new RowCountDiffView();
        WidgetStage.show(stage, view);
    }

    @Test
    void showsSignedDeltasAndBothSeries(FxRobot robot) {
        List<CheckDetail.RowCountLine> lines = List.of(
                new CheckDetail.RowCountLine("orders", "orders", 10_000L, 11_200L, Status.FAILED, "too many"),
                new CheckDetail.RowCountLine("users", "users", 500L, 480L, Status.PASSED, null),
                new CheckDetail.RowCountLine("addr", "addresses", 800L, 800L, Status.PASSED, "renamed"),
                new CheckDetail.RowCountLine("sessions", null, 3_000L, null, Status.PASSED, "dropped as declared"));
        robot.interact(() -> view.setDiff(new CheckDetail.RowCountDiff("before", lines)));

        assertThat(view.getTable().getItems()).hasSize(4);
        assertThat(cell(robot, "Table", 0)).isEqualTo("orders");
        assertThat(cell(robot, "Before", 0)).isEqualTo("10,000");
        assertThat(cell(robot, "After", 0)).isEqualTo("11,200");
        assertThat(cell(robot, "Delta", 0)).isEqualTo("+1,200");
        assertThat(cell(robot, "Delta", 1)).isEqualTo("-20");
        assertThat(cell(robot, "Table", 2)).isEqualTo("addr → addresses");
        assertThat(cell(robot, "Delta", 2)).isEqualTo("0");
        assertThat(cell(robot, "After", 3)).isEqualTo("absent");
        assertThat(cell(robot, "Delta", 3)).isEmpty();
        assertThat(view.getTable().getColumns().get(4).getCellData(0)).isEqualTo(Status.FAILED);

        List<XYChart.Series<Number, String>> series = view.getChart().getData();
        assertThat(series).extracting(XYChart.Series::getName).containsExactly("before", "after");
        assertThat(series.get(0).getData()).extracting(d -> d.getYValue() + "=" + d.getXValue())
                .containsExactlyInAnyOrder("orders=10000", "users=500", "addr → addresses=800", "sessions=3000");
        // A dropped table has no bar after, rather than a bar of zero.
        assertThat(series.get(1).getData()).extracting(d -> d.getYValue() + "=" + d.getXValue())
                .containsExactlyInAnyOrder("orders=11200", "users=480", "addr → addresses=800");
        assertThat(view.getChartNote()).isEmpty();
    }

    @Test
    void capsTheChartAndSaysSoWhileTheTableListsEveryTable(FxRobot robot) {
        List<CheckDetail.RowCountLine> lines = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            lines.add(new CheckDetail.RowCountLine("t" + i, "t" + i, 100L * i, 100L * i + i, Status.PASSED, null));
        }
        lines.add(new CheckDetail.RowCountLine("bad", "bad", 5L, 6L, Status.FAILED, "one extra"));
        robot.interact(() -> view.setDiff(new CheckDetail.RowCountDiff("before", lines)));

        assertThat(view.getTable().getItems()).hasSize(46);
        List<String> charted = view.getChart().getData().get(0).getData().stream().map(XYChart.Data::getYValue)
                .toList();
        assertThat(charted).hasSize(RowCountDiffView.CHART_LIMIT).contains("bad", "t44").doesNotContain("t1");
        assertThat(view.getChartNote()).contains("30 of 46 tables");
    }

    /** The text a cell shows, as rendered. */
    private static String cell(FxRobot robot, String column, int row) {
        return robot.lookup("#row-count-table .table-cell").queryAllAs(TableCell.class).stream()
                .filter(c -> c.getIndex() == row && c.getTableColumn().getText().equals(column))
                .map(c -> c.getText() == null ? "" : c.getText()).findFirst().orElseThrow();
    }
}
