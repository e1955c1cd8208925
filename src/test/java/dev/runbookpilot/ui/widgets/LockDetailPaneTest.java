package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.Locks;
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

/** A migration's check detail shows the locks it held, ACCESS EXCLUSIVE on a table first and called out, and whom it waited for. */
@ExtendWith(ApplicationExtension.class)
class LockDetailPaneTest {
    private static final Instant T0 = Instant.parse("2026-12-01T22:00:00Z");
    private CheckDetailPane pane;

    @Start
    void start(Stage stage) {
        pane = new CheckDetailPane();
        WidgetStage.show(stage, pane);
    }

    @Test
    void accessExclusiveOnATableIsCalledOutAndTheBlockersAreListed(FxRobot robot) {
        Locks.Blocker blocker = new Locks.Blocker(4711, "report", "nightly-report", "idle in transaction",
                "SELECT * FROM orders", 93_000L, T0);
        Locks.Report locks = new Locks.Report("read exactly", List.of(
                new Locks.HeldLock("orders", false, "ACCESS EXCLUSIVE", T0, 2400, 2100),
                new Locks.HeldLock("orders_pkey", true, "ACCESS EXCLUSIVE", T0, 2100, 2100),
                new Locks.HeldLock("customers", false, "ACCESS SHARE", T0, 2400, 2400)),
                List.of(new Locks.LockWait(1, 1, 3, 5000, List.of(blocker), 1000L, T0)));
        CheckResult r = new CheckResult("migrate", 0, "execute", "Migrate", Status.PASSED, "runs without error",
                "committed", "ALTER TABLE orders ...", 2500, null, null,
                new CheckDetail.Notices(List.of(), List.of(), 0, locks), T0, T0.plusSeconds(3));
        robot.interact(() -> pane.show(r));

        Label exclusive = robot.lookup("#check-locks-exclusive").queryAs(Label.class);
        assertThat(exclusive.getText()).contains("ACCESS EXCLUSIVE", "blocks every reader", "orders for 2.1 s")
                .doesNotContain("orders_pkey");
        @SuppressWarnings("unchecked")
        TableView<String[]> held = robot.lookup("#check-locks").queryAs(TableView.class);
        assertThat(held.getItems()).extracting(row -> row[0]).containsExactly("orders", "orders_pkey (index)",
                "customers");
        assertThat(held.getItems().get(0)[1]).isEqualTo("ACCESS EXCLUSIVE (blocks every reader), for 2.1 s");
        @SuppressWarnings("unchecked")
        TableView<String[]> blockers = robot.lookup("#check-blockers").queryAs(TableView.class);
        assertThat(blockers.getItems()).singleElement().satisfies(row -> assertThat(row).containsExactly("4711",
                "report", "nightly-report", "idle in transaction", "93 s", "SELECT * FROM orders"));
    }
}
