package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.io.Durations;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Step;

import java.time.Instant;

/**
 * Judges a writer's {@code expectDuration} from the writer's journaled result: it reads no database and never
 * touches the writer, so a slow migration stays applied and only this check FAILS.
 */
final class DurationCheck {
    private DurationCheck() {}

    static CheckResult judge(SessionState state, Step step, int index, CheckSpec.ExpectDuration spec) {
        Instant now = Instant.now();
        CheckResult writer = state.result(step.id(), spec.writer()).orElse(null);
        Status status;
        String actual;
        if (state.settlement(step.id(), spec.writer()).isPresent()) {
            status = Status.ERROR;
            actual = "cannot time the migration: a person settled what became of it, so no run of it was timed";
        } else if (writer == null || writer.status() != Status.PASSED) {
            status = Status.ERROR;
            actual = "cannot time the migration: it has no completed run"
                    + (writer == null ? "" : " (its last attempt is " + writer.status() + ")");
        } else if (spec.accepts(writer.durationMillis())) {
            status = Status.PASSED;
            actual = "ran in " + Durations.human(writer.durationMillis());
        } else {
            status = Status.FAILED;
            actual = "ran in " + Durations.human(writer.durationMillis()) + ", slower than planned ("
                    + (spec.inclusive() ? "<= " : "< ") + Durations.human(spec.limit())
                    + "); the migration stays applied";
        }
        return new CheckResult(step.id(), index, spec.kind(), spec.label(), status, spec.describe(), actual, null, 0,
                null, status == Status.ERROR ? actual : null, null, now, now);
    }
}
