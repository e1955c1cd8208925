package dev.runbookpilot.check;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a command that did not get to run its tool: the program of a shell line, of a script or behind a
 * wrapper ({@code env}, {@code timeout}, {@code bundle exec}, {@code npx}...) was not found or could not be executed.
 * Then the command's exit code and output are the shell's or the wrapper's, not the tool's answer, and reading them
 * as the tool's would turn "never asked" into "asked and it said no" (FAILED) or, when the line goes on after the
 * missing program ({@code flyway info | cat}, {@code alembic upgrade head; echo done}), into a PASS.
 *
 * <p>Two signs are taken as reliable, and only these:
 * <ul>
 *   <li>the exit code 127 or 126: POSIX reserves them for the shell's "not found" and "found but not executable",
 *       and the wrappers a team puts in front of its tool follow the same convention ({@code env}, {@code nice},
 *       {@code nohup}, {@code timeout}, {@code xargs}, {@code bundle exec}); no migration tool answers with them;</li>
 *   <li>a line on standard error in the exact shape a shell or a wrapper prints when it cannot find a program
 *       ({@code sh: 1: alembic: not found}, {@code bash: line 1: alembic: command not found},
 *       {@code ./bin/status: 3: alembic: not found}, {@code env: 'alembic': No such file or directory},
 *       {@code npm error could not determine executable to run}), whatever the exit code, because a pipeline or a
 *       later command decides the exit code of a shell line.</li>
 * </ul>
 * A tool's own wording for a missing dependency, or a phrase anywhere else in a line, is not recognised: the shapes
 * are anchored at both ends. Neither sign counts when the step expects that exit code.
 */
final class MissingProgram {

    /** What {@code sh} exits with when the program of its line is not found, or found but not executable (POSIX). */
    static final int NOT_FOUND = 127;
    static final int NOT_EXECUTABLE = 126;

    /** Group 1 is the program, when the message names it. */
    private static final List<Pattern> NOT_FOUND_LINES = List.of(
            // dash and busybox: "sh: 1: alembic: not found", a script "./bin/status: 3: alembic: not found",
            // bash: "bash: line 1: alembic: command not found", "./bin/status: line 3: alembic: command not found"
            Pattern.compile("^\\S+: (?:line )?\\d+: (?:exec: )?(\\S+): (?:command )?not found$"),
            // bash -c and ash without a line number: "bash: alembic: command not found", "sh: alembic: not found"
            Pattern.compile("^(?:\\S*/)?(?:sh|ash|dash|bash|ksh|mksh): (?:exec: )?(\\S+): (?:command )?not found$"),
            // zsh: "zsh:1: command not found: alembic"
            Pattern.compile("^(?:\\S*/)?zsh:(?:\\d+:)? command not found: (\\S+)$"),
            // coreutils and findutils wrappers (quotes differ with the locale):
            // "env: 'alembic': No such file or directory", "timeout: failed to run command 'alembic': No such ..."
            Pattern.compile("^(?:\\S*/)?(?:env|nice|nohup|timeout|stdbuf|setsid|ionice|chrt|taskset|xargs|chroot)"
                    + ": (?:failed to run command )?['‘\"]?([^'’\"]+?)['’\"]?: No such file or directory$"),
            // sudo: "sudo: alembic: command not found"; bundler: "bundler: command not found: alembic"
            Pattern.compile("^sudo: (\\S+): command not found$"),
            Pattern.compile("^bundler: command not found: (\\S+)$"),
            // npx (npm 7 and later): a package without the executable, or one not installed with --no-install
            Pattern.compile("^npm (?:error|ERR!) could not determine executable to run()$"),
            Pattern.compile("^npm (?:error|ERR!) npx canceled due to missing packages and no YES option:"
                    + " \\[\"(@?[^@\"]+)@[^\"]*\".*]$"));

    /** A shell's line for a program it found and could not execute (exit 126); read only to name the program. */
    private static final Pattern NOT_EXECUTABLE_LINE =
            Pattern.compile("^\\S+: (?:line )?(?:\\d+: )?(\\S+): Permission denied$");

    private MissingProgram() {}

    /**
     * The program a standard-error line says was not found: its name, or an empty string when the message does not
     * name it; empty when the line is not such a message.
     */
    static Optional<String> notFoundIn(String stderrLine) {
        for (Pattern p : NOT_FOUND_LINES) {
            Matcher m = p.matcher(stderrLine.strip());
            if (m.matches()) return Optional.of(m.group(1));
        }
        return Optional.empty();
    }

    /** The program a 126 exit's line says could not be executed, if it names one. */
    static Optional<String> notExecutableIn(String stderrLine) {
        Matcher m = NOT_EXECUTABLE_LINE.matcher(stderrLine.strip());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
