package dev.runbookpilot.ui.widgets;

import dev.runbookpilot.runbook.Environment;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(ApplicationExtension.class)
class EnvironmentBannerTest {

    // Built in @Start: controls need the toolkit, which the extension starts.
    private EnvironmentBanner banner;

    @Start
    void start(Stage stage) {
        banner = new EnvironmentBanner();
        WidgetStage.show(stage, new VBox(banner));
    }

    @Test
    void productionIsNamedInWordsWithHostPortAndDatabase(FxRobot robot) {
        robot.interact(() -> banner.show(Environment.PRODUCTION, "db1.example.com", 5432, "app_prod", false));
        assertThat(banner.getText()).isEqualTo("PRODUCTION · db1.example.com:5432 / app_prod");
        assertThat(banner.getStyleClass()).contains("env-production").doesNotContain("env-none");
        assertThat(banner.getWidth()).isEqualTo(1024.0);
        assertThat(EnvironmentBanner.bannerText(Environment.STAGING, "::1", 5432, "app", false))
                .isEqualTo("STAGING · [::1]:5432 / app");
    }

    @Test
    void switchingTargetsReplacesTheColourClassAndMarksTheDemo(FxRobot robot) {
        robot.interact(() -> banner.show(Environment.STAGING, "stg", 5432, "app", false));
        robot.interact(() -> banner.show(Environment.DEVELOPMENT, "localhost", 54321, "shop", true));
        assertThat(banner.getText()).isEqualTo("DEVELOPMENT · localhost:54321 / shop · embedded demo");
        assertThat(banner.getStyleClass()).contains("env-development").doesNotContain("env-staging");
    }

    @Test
    void anUndeclaredEnvironmentIsSaidToBeUnknown(FxRobot robot) {
        robot.interact(() -> banner.show(null, "db", 5432, "x", false));
        assertThat(banner.getText()).startsWith("UNKNOWN ENVIRONMENT · db:5432 / x");
        assertThat(banner.getStyleClass()).contains("env-unknown");
        robot.interact(banner::clear);
        assertThat(banner.getText()).isEqualTo("Not connected");
        assertThat(banner.getStyleClass()).contains("env-none").doesNotContain("env-unknown");
    }
}
