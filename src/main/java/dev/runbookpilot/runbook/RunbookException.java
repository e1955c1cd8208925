package dev.runbookpilot.runbook;

import java.util.List;
import java.util.stream.Collectors;

/** A runbook that cannot be used, with every problem found in one pass. */
public class RunbookException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<RunbookProblem> problems;

    public RunbookException(List<RunbookProblem> problems) {
        super(problems.stream().map(RunbookProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<RunbookProblem> problems() {
        return problems;
    }
}
