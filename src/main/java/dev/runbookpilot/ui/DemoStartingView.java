package dev.runbookpilot.ui;

import dev.runbookpilot.runbook.Runbook;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

import java.util.stream.Collectors;

/**
 * What the window shows of a demo while its server is still starting: the runbook's title and its steps, laid out
 * where the wizard puts them, and what is happening. It has no view model and no target, so nothing here can run a
 * check or offer an action that needs the database; the wizard replaces it when the target arrives, and the
 * "could not open" page replaces it if the server does not start.
 */
final class DemoStartingView extends BorderPane {

    DemoStartingView(Runbook runbook) {
        getStyleClass().add("wizard");
        setId("demo-starting");
        Label title = new Label(runbook.title());
        title.getStyleClass().add("runbook-title");
        title.setWrapText(true);
        // One label for the outline: a few nodes for the first CSS pass, not a list with a cell per step.
        Label steps = new Label(runbook.phases().stream().map(p -> p.name() + "\n" + p.steps().stream()
                .map(s -> "   " + s.title()).collect(Collectors.joining("\n"))).collect(Collectors.joining("\n")));
        steps.setWrapText(true);
        VBox outline = new VBox(8, title, steps);
        outline.setPadding(new Insets(8));
        outline.setPrefWidth(300);
        outline.setMinWidth(220);
        ScrollPane scroll = new ScrollPane(outline);
        scroll.setFitToWidth(true);
        setLeft(scroll);

        ProgressIndicator spinner = new ProgressIndicator();
        spinner.setId("opening-progress");
        spinner.setPrefSize(32, 32);
        Label what = new Label("Starting the demo database (a fresh copy of the sample's before-state) and"
                + " connecting… Nothing is checked until it is up.");
        what.setId("demo-starting-state");
        what.setWrapText(true);
        HBox state = new HBox(12, spinner, what);
        state.setAlignment(Pos.CENTER_LEFT);
        state.setPadding(new Insets(24));
        setCenter(state);
        BorderPane.setAlignment(state, Pos.TOP_LEFT);
    }
}
