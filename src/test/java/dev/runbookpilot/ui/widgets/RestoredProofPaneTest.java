package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The wizard's detail pane shows the whole diff of a way back that did not reach its baseline. */
@ExtendWith(ApplicationExtension.class)
class RestoredProofPaneTest {

    private CheckDetailPane pane;

    @Start
    void start(Stage stage) {
        pane = new CheckDetailPane();
        WidgetStage.show(stage, pane);
    }

    private static CheckResult result(Status status, CheckDetail detail) {
        return new CheckResult("proof", 0, "restored", "back at before", status, "back at 'before'", "differs",
                "SELECT 1", 12, null, null, detail, Instant.now(), Instant.now());
    }

    @Test
    void aFailedProofShowsSchemaChangesCountDeltasAndTablesWhoseContentsDiffer(FxRobot robot) {
        robot.interact(() -> pane.show(result(Status.FAILED, new CheckDetail.RestoredProof("before", List.of(
                new CheckDetail.SchemaChange("added", "index:orders_email_idx", null, "CREATE INDEX ...", false,
                        true)), List.of(
                new CheckDetail.RowCountLine("orders", "orders", 50L, 51L, Status.FAILED, "delta 1"),
                new CheckDetail.RowCountLine("audit_log", "audit_log", 0L, 1L, Status.PASSED, "may differ")),
                List.of(new CheckDetail.ChecksumLine("orders", "md5-row-sum/1:50:1:2", "md5-row-sum/1:51:3:4",
                        Status.FAILED, "contents differ")), List.of()))));
        assertThat(robot.lookup("#check-restored-schema").queryAs(Label.class).getText())
                .isEqualTo("Schema against snapshot 'before': 1 change");
        assertThat(robot.lookup(".schema-diff").queryAs(SchemaDiffTree.class).getTree().getRoot().getChildren())
                .hasSize(1);
        assertThat(robot.lookup(".row-count-diff").queryAs(RowCountDiffView.class).getTable().getItems())
                .hasSize(2);
        @SuppressWarnings("unchecked")
        TableView<CheckDetail.ChecksumLine> sums = robot.lookup("#check-restored-checksums").queryAs(TableView.class);
        assertThat(sums.getItems()).extracting(CheckDetail.ChecksumLine::table).containsExactly("orders");
        assertThat(sums.getColumns().get(3).getCellData(0)).isEqualTo("FAILED contents differ");
        assertThat(robot.lookup("#check-restored-missing").tryQuery()).isEmpty();
    }

    @Test
    void aSnapshotSaysWhichTablesItChecksummed(FxRobot robot) {
        robot.interact(() -> pane.show(result(Status.PASSED, new CheckDetail.SnapshotTaken("before",
                java.util.Map.of("orders", 50L), 12, List.of(), java.util.Map.of("orders", "md5-row-sum/1:50:1:2",
                "lines", "md5-row-sum/1:0:0:0")))));
        assertThat(robot.lookup("#check-snapshot-checksums").queryAs(Label.class).getText())
                .isEqualTo("Content checksums recorded: lines, orders");
    }

    @Test
    void anErrorSaysWhatCouldNotBeComparedAndAPassShowsNoSchemaChange(FxRobot robot) {
        robot.interact(() -> pane.show(result(Status.ERROR, new CheckDetail.RestoredProof("before", List.of(),
                List.of(new CheckDetail.RowCountLine("orders", "orders", 50L, null, Status.ERROR, "gone")),
                List.of(new CheckDetail.ChecksumLine("orders", "md5-row-sum/1:50:1:2", null, Status.ERROR, "gone")),
                List.of("table orders is gone")))));
        assertThat(robot.lookup("#check-restored-missing").queryAs(Label.class).getText())
                .isEqualTo("⚠ Could not compare: table orders is gone");
        @SuppressWarnings("unchecked")
        TableView<CheckDetail.ChecksumLine> sums = robot.lookup("#check-restored-checksums").queryAs(TableView.class);
        assertThat(sums.getColumns().get(2).getCellData(0)).isEqualTo("gone");

        robot.interact(() -> pane.show(result(Status.PASSED, new CheckDetail.RestoredProof("before", List.of(),
                List.of(new CheckDetail.RowCountLine("orders", "orders", 50L, 50L, Status.PASSED, "")), List.of(),
                List.of()))));
        assertThat(robot.lookup("#check-restored-schema").queryAs(Label.class).getText())
                .isEqualTo("Schema against snapshot 'before': no change");
        assertThat(robot.lookup(".schema-diff").tryQuery()).isEmpty();
        assertThat(robot.lookup("#check-restored-checksums").tryQuery()).isEmpty();
    }
}
