package dev.runbookpilot.runbook;

import java.util.List;

public record Phase(String name, String description, List<Step> steps) {
    public Phase {
        steps = List.copyOf(steps);
    }
}
