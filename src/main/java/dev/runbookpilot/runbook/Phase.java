package dev.runbookpilot.runbook;

import java.time.Duration;
import java.util.List;

/** @param budget how long the phase is planned to take; null when the runbook gives none */
public record Phase(String name, String description, List<Step> steps, Duration budget) {
    public Phase {
        steps = List.copyOf(steps);
    }

    public Phase(String name, String description, List<Step> steps) {
        this(name, description, steps, null);
    }
}
