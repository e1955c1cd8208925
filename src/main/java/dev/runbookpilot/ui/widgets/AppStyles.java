package dev.runbookpilot.ui.widgets;

import javafx.scene.Scene;

import java.net.URL;
import java.util.Objects;

/**
 * The application stylesheet. It layers on an AtlantaFX theme (PrimerLight or PrimerDark set as the user agent
 * stylesheet) and uses only the theme's looked-up colours, so both themes work.
 */
public final class AppStyles {

    /** External form of {@code dev/runbookpilot/ui/app.css}, for {@code Scene#getStylesheets()}. */
    public static final String STYLESHEET = locate();

    private AppStyles() {}

    /** Adds the application stylesheet to a scene once. */
    public static void apply(Scene scene) {
        if (!scene.getStylesheets().contains(STYLESHEET)) scene.getStylesheets().add(STYLESHEET);
    }

    private static String locate() {
        URL url = AppStyles.class.getResource("/dev/runbookpilot/ui/app.css");
        return Objects.requireNonNull(url, "dev/runbookpilot/ui/app.css is missing from the classpath")
                .toExternalForm();
    }
}
