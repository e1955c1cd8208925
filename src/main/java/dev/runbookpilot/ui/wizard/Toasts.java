package dev.runbookpilot.ui.wizard;

import javafx.animation.PauseTransition;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/**
 * The wizard's notifications, stacked in the top-right corner of the step area: below the environment banner (which
 * says PRODUCTION and must never be hidden) and above the run controls (so Next stays clickable). A pop-up window
 * placed by the screen would cover either; this lives in the scene. Failures stay up longer; each has a close button.
 */
final class Toasts extends VBox {
    static final int MAX_SHOWN = 3;

    Toasts() {
        super(8);
        setId("toasts");
        setPadding(new Insets(10));
        setAlignment(Pos.TOP_RIGHT);
        setMaxSize(Region.USE_PREF_SIZE, Region.USE_PREF_SIZE);
        // Only the notices take clicks; the corner between them belongs to the step below.
        setPickOnBounds(false);
    }

    void show(WizardViewModel.Announcement a) {
        Label title = new Label(a.title());
        title.getStyleClass().add("toast-title");
        title.setMnemonicParsing(false);
        title.setWrapText(true);
        Label text = new Label(a.text());
        text.setWrapText(true);
        text.setMnemonicParsing(false);
        Button close = new Button("✕");
        close.getStyleClass().addAll(atlantafx.base.theme.Styles.FLAT, atlantafx.base.theme.Styles.SMALL);
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        HBox head = new HBox(6, title, gap, close);
        head.setAlignment(Pos.TOP_LEFT);
        VBox toast = new VBox(4, head, text);
        toast.getStyleClass().addAll("toast", "toast-" + a.tone().name().toLowerCase(java.util.Locale.ROOT));
        toast.setPrefWidth(360);
        toast.setMaxWidth(360);
        close.setOnAction(e -> getChildren().remove(toast));
        getChildren().add(0, toast);
        if (getChildren().size() > MAX_SHOWN) getChildren().remove(MAX_SHOWN, getChildren().size());
        PauseTransition hide = new PauseTransition(Duration.seconds(
                a.tone() == WizardViewModel.Announcement.Tone.FAILURE ? 30 : 8));
        hide.setOnFinished(e -> getChildren().remove(toast));
        hide.play();
    }
}
