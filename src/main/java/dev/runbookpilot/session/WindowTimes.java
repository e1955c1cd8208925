package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Window;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The window's time as the journal tells it, against the runbook's plan: each phase's and step's time against its
 * budget, and the window's end. Pure: the caller says what "now" is, so the wizard's clock, the overrun journal and
 * the report all read the same spans.
 *
 * <p>A step's time runs from the end of the step before it (the session's start, for the first; or its own first
 * journaled action when that came earlier) to its last journaled action once it is finished, or to now while it is
 * open: waiting for people counts against its budget. A phase runs from its first step's start to its last step's end.
 */
public final class WindowTimes {
    /** The share of a budget at which the clock warns. */
    public static final double WARN_AT = 0.8;

    /**
     * One phase's or step's time. {@code start} is null until it began; {@code end} null while it is open.
     *
     * @param stepId null for a phase
     */
    public record Span(String name, String stepId, Duration budget, Instant start, Instant end) {
        public Duration elapsed(Instant now) {
            if (start == null) return Duration.ZERO;
            Duration d = Duration.between(start, end != null ? end : now);
            return d.isNegative() ? Duration.ZERO : d;
        }

        public boolean finished() {
            return end != null;
        }

        /** Over its budget at {@code now}; never without a budget. */
        public boolean overrun(Instant now) {
            return budget != null && elapsed(now).compareTo(budget) > 0;
        }

        /** The share of its budget used; 0 without a budget. */
        public double fraction(Instant now) {
            return budget == null ? 0 : (double) elapsed(now).toMillis() / budget.toMillis();
        }

        /** The key an overrun of it is journaled under: {@code step:ID} or {@code phase:NAME}. */
        public String overrunKey() {
            return stepId != null ? "step:" + stepId : "phase:" + name;
        }
    }

    public record PhaseTimes(Span span, List<Span> steps) {
        public PhaseTimes {
            steps = List.copyOf(steps);
        }
    }

    /** @param window null when the runbook plans none; {@code ended} null while the session is open */
    public record Times(Window window, Instant sessionStart, Instant ended, List<PhaseTimes> phases) {
        public Times {
            phases = List.copyOf(phases);
        }

        public List<Span> steps() {
            return phases.stream().flatMap(p -> p.steps().stream()).toList();
        }

        public Span step(String id) {
            return steps().stream().filter(s -> id.equals(s.stepId())).findFirst().orElse(null);
        }

        public Span phase(String name) {
            return phases.stream().map(PhaseTimes::span).filter(s -> s.name().equals(name)).findFirst().orElse(null);
        }

        /** Time left in the window at {@code now} (negative once it is over); null without a window. */
        public Duration left(Instant now) {
            return window == null ? null : Duration.between(ended != null ? ended : now, window.end());
        }

        /**
         * Every span over its budget at {@code now}, and the window itself ({@code window}) once its end passed while
         * the session was still open.
         */
        public List<Overrun> overruns(Instant now) {
            List<Overrun> out = new ArrayList<>();
            for (PhaseTimes p : phases) {
                for (Span s : p.steps()) if (s.overrun(now)) out.add(Overrun.of(s, now));
                if (p.span().overrun(now)) out.add(Overrun.of(p.span(), now));
            }
            Duration left = left(now);
            if (left != null && left.isNegative()) {
                out.add(new Overrun(WINDOW_KEY, "the window", window.duration(),
                        Duration.between(window.start(), ended != null ? ended : now)));
            }
            return out;
        }
    }

    /** The key of the window's own overrun. */
    public static final String WINDOW_KEY = "window";

    /** Something over its budget: which ({@link Span#overrunKey()} or {@link #WINDOW_KEY}), the plan, the time taken. */
    public record Overrun(String key, String name, Duration budget, Duration elapsed) {
        static Overrun of(Span s, Instant now) {
            return new Overrun(s.overrunKey(), s.name(), s.budget(), s.elapsed(now));
        }
    }

    private WindowTimes() {}

    /**
     * The spans of a session with the runbook's budgets, in the window the journal recorded when the session began:
     * the journal wins over the runbook file (a resumed session keeps its plan). Only a journal from before the
     * window was recorded takes the runbook's.
     */
    public static Times of(Runbook runbook, SessionState state) {
        Window journaled = window(state);
        return of(Session.outline(runbook), journaled != null ? journaled : runbook.window(), state);
    }

    /** The spans of a session from its journal alone, with the budgets and window it recorded (for the report). */
    public static Times of(SessionState state) {
        return of(state.started().outline(), window(state), state);
    }

    /** The window the session's journal planned; null when it recorded none. */
    public static Window window(SessionState state) {
        JournalEvent.WindowPlan w = state.started().window();
        return w == null ? null : new Window(w.start(), Duration.ofMillis(w.duration()), w.shown(), null);
    }

    /** The first and the last action journaled on any step (a check run, a confirmation, a signature...). */
    public record Actions(Instant first, Instant last) {}

    /** The session's actions on its steps; null when none was taken yet. */
    public static Actions actions(SessionState state) {
        Instant first = null;
        Instant last = null;
        for (JournalEvent e : state.events()) {
            if (stepIdOf(e) == null) continue;
            if (first == null || e.at().isBefore(first)) first = e.at();
            if (last == null || e.at().isAfter(last)) last = e.at();
        }
        return first == null ? null : new Actions(first, last);
    }

    private static Times of(List<JournalEvent.PhaseOutline> outline, Window window, SessionState state) {
        Map<String, Instant> first = new HashMap<>();
        Map<String, Instant> last = new HashMap<>();
        for (JournalEvent e : state.events()) {
            String id = stepIdOf(e);
            if (id == null) continue;
            first.merge(id, e.at(), (a, b) -> a.isBefore(b) ? a : b);
            last.merge(id, e.at(), (a, b) -> a.isAfter(b) ? a : b);
        }
        Instant sessionStart = state.started().at();
        Instant ended = state.ended().map(JournalEvent.Ended::at).orElse(null);
        List<PhaseTimes> phases = new ArrayList<>();
        Instant previousEnd = sessionStart;
        for (JournalEvent.PhaseOutline p : outline) {
            List<Span> steps = new ArrayList<>();
            for (JournalEvent.StepOutline s : p.steps()) {
                Instant own = first.get(s.id());
                Instant start = previousEnd == null ? own : own == null || previousEnd.isBefore(own) ? previousEnd : own;
                Instant end = finished(s, state) ? last.getOrDefault(s.id(), start) : null;
                if (end != null && start != null && end.isBefore(start)) end = start;
                steps.add(new Span(s.title(), s.id(), millis(s.budget()), start, end));
                previousEnd = end;
            }
            Instant start = steps.stream().map(Span::start).filter(Objects::nonNull).min(Instant::compareTo)
                    .orElse(null);
            Instant end = steps.stream().allMatch(Span::finished)
                    ? steps.stream().map(Span::end).max(Instant::compareTo).orElse(null) : null;
            phases.add(new PhaseTimes(new Span(p.name(), null, millis(p.budget()), start, end), steps));
        }
        return new Times(window, sessionStart, ended, phases);
    }

    private static Duration millis(Long ms) {
        return ms == null ? null : Duration.ofMillis(ms);
    }

    /**
     * Every check of the step is settled (passed, confirmed, waived, skipped...), from the journal: a failed step is
     * still being worked on, and its time still runs.
     */
    static boolean finished(JournalEvent.StepOutline s, SessionState state) {
        for (int i = 0; i < s.checks().size(); i++) {
            JournalEvent.CheckOutline c = s.checks().get(i);
            if (!state.status(s.id(), i, c.kind(), c.roles()).isSatisfied()) return false;
        }
        return !s.checks().isEmpty();
    }

    static List<String> roles(CheckSpec c) {
        return c instanceof CheckSpec.Signoff so ? so.roles() : c instanceof CheckSpec.Gate g ? g.roles() : List.of();
    }

    /** The step a journal line is about, for the events a person or a check makes; null for the others. */
    static String stepIdOf(JournalEvent e) {
        if (e instanceof JournalEvent.CheckStarted c) return c.stepId();
        if (e instanceof JournalEvent.CheckFinished f) {
            CheckResult r = f.result();
            return r.stepId();
        }
        if (e instanceof JournalEvent.Confirmed c) return c.stepId();
        if (e instanceof JournalEvent.Waived w) return w.stepId();
        if (e instanceof JournalEvent.Skipped s) return s.stepId();
        if (e instanceof JournalEvent.Signed s) return s.stepId();
        if (e instanceof JournalEvent.Settled s) return s.stepId();
        if (e instanceof JournalEvent.Rehearsed r) return r.stepId();
        return null;
    }
}
