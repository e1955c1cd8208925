package dev.runbookpilot.cli;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.RunbookProblem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate", description = "Check runbooks without connecting: exit 0 if valid, 2 if not.")
final class ValidateCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RUNBOOK", description = "runbook.yaml files")
    List<Path> runbooks;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int code = ExitCodes.OK;
        for (Path p : runbooks) {
            try {
                Runbook rb = RunbookLoader.load(p);
                long steps = rb.steps().count();
                long checks = rb.steps().mapToLong(s -> s.checks().size()).sum();
                out.printf("%s: valid — %d phases, %d steps, %d checks (SHA-256 %s)%n", p, rb.phases().size(), steps,
                        checks, rb.sha256());
            } catch (RunbookException e) {
                for (RunbookProblem problem : e.problems()) err.println(problem);
                err.printf("%s: %d problem%s%n", p, e.problems().size(), e.problems().size() == 1 ? "" : "s");
                code = ExitCodes.USAGE;
            }
        }
        return code;
    }
}
