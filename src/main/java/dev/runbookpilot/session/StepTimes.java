package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * How long each step took, from the journal, and the planned duration a rehearsal gives the real window. A step's
 * time runs from the start of its first check to the end of its last (checks of one step may overlap); a step with
 * no automated check (only people) has none.
 */
public final class StepTimes {
    /** What the real window plans over a rehearsal's measured time: the copy is quiet, production is not. */
    public static final double PLANNING_FACTOR = 1.5;

    private StepTimes() {}

    /** Each step's measured time in milliseconds, by step id, in runbook order; steps that ran nothing are absent. */
    public static Map<String, Long> measured(SessionState state) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (JournalEvent.PhaseOutline p : state.started().outline()) {
            for (JournalEvent.StepOutline s : p.steps()) {
                Instant first = null;
                Instant last = null;
                for (int i = 0; i < s.checks().size(); i++) {
                    CheckResult r = state.result(s.id(), i).orElse(null);
                    if (r == null || r.startedAt() == null || r.finishedAt() == null) continue;
                    if (first == null || r.startedAt().isBefore(first)) first = r.startedAt();
                    if (last == null || r.finishedAt().isAfter(last)) last = r.finishedAt();
                }
                if (first != null) out.put(s.id(), Duration.between(first, last).toMillis());
            }
        }
        return out;
    }

    /**
     * The time to plan in the real window for a step the rehearsal measured: {@link #PLANNING_FACTOR} times as long,
     * rounded up to whole seconds (at least one).
     */
    public static long planned(long measuredMillis) {
        long ms = (long) Math.ceil(measuredMillis * PLANNING_FACTOR);
        return Math.max(1000, (ms + 999) / 1000 * 1000);
    }

    /**
     * The latest rehearsal of the same runbook (by SHA-256) in {@code sessionDir} that began before {@code before}
     * and ran on its copy: what a real session shows beside its own times. Unreadable journals are passed over.
     */
    public static Optional<SessionState> lastRehearsal(Path sessionDir, String runbookSha256, Instant before) {
        if (sessionDir == null || !Files.isDirectory(sessionDir)) return Optional.empty();
        List<Path> journals;
        try (Stream<Path> s = Files.list(sessionDir)) {
            journals = s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList();
        } catch (IOException e) {
            return Optional.empty();
        }
        SessionState best = null;
        for (Path j : journals) {
            try {
                List<JournalEvent> events = Journal.read(j);
                if (events.isEmpty() || !(events.get(0) instanceof JournalEvent.RehearsalPlanned p)
                        || !p.runbookSha256().equals(runbookSha256) || !p.at().isBefore(before)) {
                    continue;
                }
                if (events.stream().noneMatch(e -> e instanceof JournalEvent.Started)) continue;
                SessionState s = SessionState.replay(events);
                if (best == null || s.started().at().isAfter(best.started().at())) best = s;
            } catch (IOException | RuntimeException e) {
                // Not a journal this version can read: not a rehearsal to compare with.
            }
        }
        return Optional.ofNullable(best);
    }
}
