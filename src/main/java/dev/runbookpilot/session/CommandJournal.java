package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Step;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** What the journal kept of a command whose run a crash cut off: what it was, and what it printed until then. */
final class CommandJournal {

    private CommandJournal() {}

    /**
     * The ERROR result of a command that began and has no result: its evidence is what was journaled before the
     * crash (the command line, the folder, the variable names and the output lines), never a guess at its end.
     */
    static CheckResult interrupted(SessionState state, Step step, int index, CheckSpec.Command spec, String why) {
        Writers.Attempt a = Writers.latestAttempt(state, step.id(), index).orElseThrow();
        JournalEvent.CommandBegan began = a.command();
        List<CheckDetail.OutputLine> lines = new ArrayList<>();
        boolean inAttempt = false;
        for (JournalEvent e : state.events()) {
            if (e == began) inAttempt = true;
            else if (inAttempt && e instanceof JournalEvent.CommandOutput o && o.stepId().equals(step.id())
                    && o.index() == index) {
                lines.addAll(o.lines());
            }
        }
        lines.sort(Comparator.comparingLong(CheckDetail.OutputLine::number));
        Instant last = lines.isEmpty() ? began.at() : lines.get(lines.size() - 1).at();
        CheckDetail.CommandRun detail = new CheckDetail.CommandRun(began.command(), began.cwd(),
                List.copyOf(began.variables().keySet()), true, null, "INTERRUPTED",
                Duration.between(began.at(), last).toMillis(), List.of(), List.of(), lines, List.of(), 0, false);
        Instant now = Instant.now();
        return new CheckResult(step.id(), index, spec.kind(), spec.label(), Status.ERROR, spec.describe(), why,
                "$ " + began.command() + "\n# in " + began.cwd(), 0, null, why, detail, began.at(), now);
    }
}
