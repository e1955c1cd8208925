package dev.runbookpilot.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

/** What the loader says is wrong with a runbook, for the tests that feed it broken ones. */
final class LoaderProblems {

    /** A file name that does not exist: parse() must not need it, and messages must carry it. */
    static final Path FILE = Path.of("runbooks", "sample", "runbook.yaml");

    private LoaderProblems() {}

    static List<RunbookProblem> problems(String yaml) {
        return problems(yaml, FILE);
    }

    static List<RunbookProblem> problems(String yaml, Path file) {
        try {
            RunbookLoader.parse(yaml, file, "0");
        } catch (RunbookException e) {
            assertThat(e.problems()).isNotEmpty();
            return e.problems();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    /** The only problem of a runbook, so a test cannot pass on a neighbouring error. */
    static RunbookProblem onlyProblem(String yaml) {
        List<RunbookProblem> all = problems(yaml);
        assertThat(all).as("problems of\n" + yaml).hasSize(1);
        return all.get(0);
    }

    /** Where a problem is, as {@code line:column}. */
    static String at(RunbookProblem p) {
        return p.location().line() + ":" + p.location().column();
    }
}
