package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.ui.widgets.MarkdownView;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * What heads a step where it is news: the runbook's description (ticket, window, rollback plan) on the first step,
 * a phase's description on the phase's first step, each whole, in Markdown, and foldable. Other steps keep their
 * room for the checks and manual items: the runbook's description is then in the outline title's tooltip.
 */
final class StepIntro extends VBox {
    /** Taller descriptions scroll inside their pane: the checks below stay on screen at 700 px. */
    static final double MAX_HEIGHT = 120;

    private final Runbook runbook;
    private final TitledPane runbookPane;
    private final MarkdownView phaseText = new MarkdownView();
    private final TitledPane phasePane;

    StepIntro(Runbook runbook) {
        super(4);
        this.runbook = runbook;
        getStyleClass().add("step-intro");
        MarkdownView runbookText = new MarkdownView(runbook.description());
        runbookText.setId("runbook-description");
        runbookPane = pane("About this runbook", runbookText);
        runbookPane.setId("runbook-description-pane");
        phaseText.setId("phase-description");
        phasePane = pane("", phaseText);
        phasePane.setId("phase-description-pane");
        getChildren().addAll(runbookPane, phasePane);
        setMinHeight(Region.USE_PREF_SIZE);
    }

    /** Shows the intro for {@code item}: its phase found by position, as phase names need not be unique. */
    void show(StepItem item) {
        boolean runbookShown = item.position() == 0 && hasText(runbook.description());
        runbookPane.setVisible(runbookShown);
        runbookPane.setManaged(runbookShown);
        runbookPane.setExpanded(true);
        Phase phase = null;
        boolean firstOfPhase = false;
        int start = 0;
        for (Phase p : runbook.phases()) {
            if (item.position() < start + p.steps().size()) {
                phase = p;
                firstOfPhase = item.position() == start;
                break;
            }
            start += p.steps().size();
        }
        boolean phaseShown = firstOfPhase && phase != null && hasText(phase.description());
        phasePane.setVisible(phaseShown);
        phasePane.setManaged(phaseShown);
        phaseText.setMarkdown(phaseShown ? phase.description() : "");
        phasePane.setText("Phase: " + item.phase());
        phasePane.setExpanded(true);
    }

    private static TitledPane pane(String title, MarkdownView text) {
        ScrollPane scroll = new ScrollPane(text);
        scroll.setFitToWidth(true);
        text.heightProperty().addListener((o, a, h) -> {
            double shown = Math.min(h.doubleValue() + 4, MAX_HEIGHT);
            scroll.setMinViewportHeight(shown);
            scroll.setPrefViewportHeight(shown);
        });
        TitledPane pane = new TitledPane(title, scroll);
        pane.setAnimated(false);
        pane.setMnemonicParsing(false);
        pane.setMinHeight(Region.USE_PREF_SIZE);
        return pane;
    }

    private static boolean hasText(String s) {
        return s != null && !s.isBlank();
    }
}
