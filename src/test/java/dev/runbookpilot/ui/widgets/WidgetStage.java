package dev.runbookpilot.ui.widgets;

import atlantafx.base.theme.PrimerLight;
import javafx.application.Application;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** Shows a widget the way the application does: AtlantaFX PrimerLight underneath, the app stylesheet on top. */
final class WidgetStage {
    private WidgetStage() {}

    static Scene show(Stage stage, Parent root) {
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Scene scene = new Scene(root, 1024, 700);
        AppStyles.apply(scene);
        stage.setScene(scene);
        stage.show();
        return scene;
    }
}
