package dev.runbookpilot.ui.wizard;

import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

import java.util.List;

/**
 * The compact clock strip under the step list: one line per {@link ClockViewModel.Gauge}, styled
 * {@code clock-warning} from 80 % of a budget and {@code clock-overrun} past it; an empty line is hidden.
 */
final class ClockStrip extends VBox {
    static final List<String> LEVEL_STYLES = List.of("clock-warning", "clock-overrun");

    ClockStrip(ClockViewModel vm) {
        super(2);
        setId("clock-strip");
        getStyleClass().add("clock-strip");
        getChildren().addAll(line("clock-window", vm.windowProperty()), line("clock-phase", vm.phaseProperty()),
                line("clock-step", vm.stepProperty()), line("clock-rest", vm.restProperty()));
    }

    private static Label line(String id, ObservableValue<ClockViewModel.Gauge> gauge) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.setMaxWidth(Double.MAX_VALUE);
        show(l, gauge.getValue());
        gauge.addListener((o, a, b) -> show(l, b));
        return l;
    }

    private static void show(Label l, ClockViewModel.Gauge g) {
        l.setText(g.text());
        boolean visible = !g.text().isEmpty();
        l.setVisible(visible);
        l.setManaged(visible);
        l.getStyleClass().removeAll(LEVEL_STYLES);
        if (g.level() == ClockViewModel.Level.WARNING) l.getStyleClass().add("clock-warning");
        if (g.level() == ClockViewModel.Level.OVERRUN) l.getStyleClass().add("clock-overrun");
    }
}
