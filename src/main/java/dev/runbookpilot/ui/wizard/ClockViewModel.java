package dev.runbookpilot.ui.wizard;

import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.SessionState;
import dev.runbookpilot.session.StepTimes;
import dev.runbookpilot.session.WindowTimes;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The wizard's clock strip without a node: time left in the window, the current phase's and step's time against
 * their budgets (a warning from {@link WindowTimes#WARN_AT}, an overrun past the budget) and, when a rehearsal of
 * this runbook exists, its time for the steps still open. Reads only memory (the runbook, the session's replayed
 * state, the rehearsal's times handed in once) on an injected {@link Clock}, so the FX thread can update it every
 * second and tests can drive it on a controlled clock.
 */
public final class ClockViewModel {

    public enum Level { NORMAL, WARNING, OVERRUN }

    /** One line of the strip: its text and how alarming it is; an empty text hides the line. */
    public record Gauge(String text, Level level) {
        static final Gauge NONE = new Gauge("", Level.NORMAL);
    }

    private final Clock clock;
    private final SimpleObjectProperty<Gauge> window = new SimpleObjectProperty<>(this, "window", Gauge.NONE);
    private final SimpleObjectProperty<Gauge> phase = new SimpleObjectProperty<>(this, "phase", Gauge.NONE);
    private final SimpleObjectProperty<Gauge> step = new SimpleObjectProperty<>(this, "step", Gauge.NONE);
    private final SimpleObjectProperty<Gauge> rest = new SimpleObjectProperty<>(this, "rest", Gauge.NONE);
    /** The last rehearsal's measured time per step id; empty when there is none. */
    private Map<String, Long> rehearsed = Map.of();

    public ClockViewModel(Clock clock) {
        this.clock = clock;
    }

    /** The measured times of the last rehearsal of this runbook (read from disk elsewhere, off the FX thread). */
    public void rehearsed(Map<String, Long> measured) {
        this.rehearsed = Map.copyOf(measured);
    }

    /**
     * Recomputes every line at the clock's now for the step the operator is on.
     *
     * @return whether an overrun is seen that the journal does not hold yet (the caller journals it, off this thread)
     */
    public boolean update(Runbook runbook, SessionState state, Step current) {
        Instant now = clock.instant();
        WindowTimes.Times times = WindowTimes.of(runbook, state);
        window.set(windowGauge(times, now));
        Phase p = current == null ? null : runbook.phaseOf(current.id()).orElse(null);
        phase.set(p == null ? Gauge.NONE : spanGauge("Phase " + p.name(), times.phase(p.name()), now));
        step.set(current == null ? Gauge.NONE : spanGauge("Step", times.step(current.id()), now));
        rest.set(restGauge(times, now));
        if (state.ended().isPresent()) return false;
        Map<String, ?> journaled = state.overruns();
        return times.overruns(now).stream().anyMatch(o -> !journaled.containsKey(o.key()));
    }

    private static Gauge windowGauge(WindowTimes.Times times, Instant now) {
        if (times.window() == null) return new Gauge("No window planned", Level.NORMAL);
        Instant at = times.ended() != null ? times.ended() : now;
        Duration total = times.window().duration();
        if (at.isBefore(times.window().start())) {
            return new Gauge("Window opens in " + clockText(Duration.between(at, times.window().start())),
                    Level.NORMAL);
        }
        Duration left = times.left(now);
        if (left.isNegative()) {
            return new Gauge("Window over by " + clockText(left.negated()) + " (of " + clockText(total) + ")",
                    Level.OVERRUN);
        }
        double used = 1 - (double) left.toMillis() / total.toMillis();
        return new Gauge(clockText(left) + " left in the window (of " + clockText(total) + ")",
                used >= WindowTimes.WARN_AT ? Level.WARNING : Level.NORMAL);
    }

    private static Gauge spanGauge(String what, WindowTimes.Span span, Instant now) {
        if (span == null) return Gauge.NONE;
        Duration elapsed = span.elapsed(now);
        if (span.start() == null) {
            return new Gauge(what + ": not begun" + (span.budget() == null ? "" : " (budget " + clockText(span.budget())
                    + ")"), Level.NORMAL);
        }
        if (span.budget() == null) return new Gauge(what + ": " + clockText(elapsed) + " (no budget)", Level.NORMAL);
        String text = what + ": " + clockText(elapsed) + " of " + clockText(span.budget());
        if (span.overrun(now)) {
            return new Gauge(text + ", over by " + clockText(elapsed.minus(span.budget())), Level.OVERRUN);
        }
        return new Gauge(text, span.fraction(now) >= WindowTimes.WARN_AT ? Level.WARNING : Level.NORMAL);
    }

    /** The rehearsal's time for the steps still open, planned as the report plans it, against the time left. */
    private Gauge restGauge(WindowTimes.Times times, Instant now) {
        if (rehearsed.isEmpty()) return Gauge.NONE;
        long measured = 0;
        long planned = 0;
        for (WindowTimes.Span s : times.steps()) {
            Long ms = rehearsed.get(s.stepId());
            if (s.finished() || ms == null) continue;
            measured += ms;
            planned += StepTimes.planned(ms);
        }
        String text = "Rest as rehearsed: " + clockText(Duration.ofMillis(measured)) + " (plan "
                + clockText(Duration.ofMillis(planned)) + ")";
        Duration left = times.left(now);
        if (left == null) return new Gauge(text, Level.NORMAL);
        if (left.toMillis() < planned) {
            return new Gauge(text + ": does not fit in the " + clockText(left.isNegative() ? Duration.ZERO : left)
                    + " left", Level.OVERRUN);
        }
        return new Gauge(text + ": fits", Level.NORMAL);
    }

    /** "4:05" under an hour, "1:04:05" from an hour. */
    static String clockText(Duration d) {
        long s = Math.max(0, d.toSeconds());
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s % 3600 / 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    public ReadOnlyObjectProperty<Gauge> windowProperty() {
        return window;
    }

    public ReadOnlyObjectProperty<Gauge> phaseProperty() {
        return phase;
    }

    public ReadOnlyObjectProperty<Gauge> stepProperty() {
        return step;
    }

    public ReadOnlyObjectProperty<Gauge> restProperty() {
        return rest;
    }
}
