package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.check.Status;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class StatusBadgeTest {

    private final List<StatusBadge> badges = new ArrayList<>();

    @Start
    void start(Stage stage) {
        VBox box = new VBox();
        for (Status s : Status.values()) badges.add(new StatusBadge(s));
        box.getChildren().addAll(badges);
        WidgetStage.show(stage, box);
    }

    @Test
    void everyStatusShowsAGlyphAndItsNameNotColourAlone() {
        Map<Status, String> expected = new LinkedHashMap<>();
        expected.put(Status.PENDING, "○ PENDING");
        expected.put(Status.RUNNING, "⟳ RUNNING");
        expected.put(Status.PASSED, "✔ PASSED");
        expected.put(Status.FAILED, "✖ FAILED");
        expected.put(Status.ERROR, "⚠ ERROR");
        expected.put(Status.SKIPPED, "– SKIPPED");
        expected.put(Status.WAIVED, "≈ WAIVED");
        expected.put(Status.CONFIRMED, "☑ CONFIRMED");
        expected.put(Status.REHEARSED, "◇ REHEARSED");
        assertThat(expected).containsOnlyKeys(Status.values());
        for (StatusBadge badge : badges) {
            assertThat(badge.getText()).isEqualTo(expected.get(badge.getStatus()));
            assertThat(badge.getText()).isEqualTo(StatusBadge.cellText(badge.getStatus()));
            assertThat(badge.getStyleClass()).contains("status-badge", StatusBadge.styleClass(badge.getStatus()));
            assertThat(badge.getTooltip().getText()).isNotBlank();
        }
    }

    @Test
    void errorTooltipSaysItNeverCountsAsAPass() {
        assertThat(StatusBadge.tooltipText(Status.ERROR)).contains("could not be evaluated")
                .contains("never counts as a pass");
        assertThat(StatusBadge.tooltipText(Status.WAIVED)).contains("written reason");
    }

    @Test
    void changingTheStatusSwapsTextAndStyleClass(FxRobot robot) {
        StatusBadge badge = badges.get(0);
        robot.interact(() -> badge.setStatus(Status.FAILED));
        assertThat(badge.getText()).isEqualTo("✖ FAILED");
        assertThat(badge.getStyleClass()).contains("status-failed").doesNotContain("status-pending");
        robot.interact(() -> badge.setStatus(null));
        assertThat(badge.getText()).isEqualTo("○ PENDING");
        assertThat(badge.getStyleClass()).contains("status-pending").doesNotContain("status-failed");
    }
}
