package dev.runbookpilot.check;

import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.LockWatch;
import dev.runbookpilot.db.Locks;
import dev.runbookpilot.db.MigrationLock;
import dev.runbookpilot.proc.ChildProcess;
import dev.runbookpilot.proc.ClientEnvironment;
import dev.runbookpilot.runbook.CheckSpec;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Runs a {@code command} step: the team's own migration tool, against the connected target, judged by its exit
 * code and by what it printed. Like a migration file it holds the runbook's migration lock on the server while it
 * runs, so a second workstation cannot run it at the same time.
 */
final class CommandChecks {

    /** Lines kept at the head and, separately, at the tail: output up to twice this is kept whole. */
    static final int KEEP = 500;

    private CommandChecks() {}

    /** The command as the check's "SQL": what the operator would type to run it by hand, and where. */
    static String shown(CheckSpec.Program spec) {
        return "$ " + spec.run().shown() + "\n# in " + spec.cwd();
    }

    static CheckOutcome run(CheckSpec.Command spec, EvalContext ctx) throws SQLException, InterruptedException {
        String expected = expectedText(spec);
        // Unique to this run: the watcher follows exactly this command's sessions, not another command's of this
        // process, nor one a run before left behind.
        String applicationName = Database.applicationName("command " + runTag());
        ClientEnvironment env;
        try {
            env = ClientEnvironment.of(ctx.db().connectionSettings(), applicationName).with(spec.env());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return notStarted(spec, expected, "could not start: " + e.getMessage(), List.copyOf(spec.env().keySet()));
        }
        List<String> names = List.copyOf(env.variables().keySet());
        try (Connection c = ctx.db().openWriter()) {
            // Held by this backend for as long as the command runs; released when the connection closes below.
            MigrationLock.take(c, ctx.migrationLock());
            ctx.listener().commandStarting(spec.run().shown(), spec.cwd().toString(), env.shown());
            Judge judge = new Judge(spec);
            ChildProcess.Result r;
            // The tool's sessions carry this run's own application_name (PGAPPNAME): their locks are sampled while it
            // runs, and whoever they wait on is named, as for an execute step.
            LockWatch watch = LockWatch.start(ctx.db(), applicationName, true);
            try {
                r = launch(spec, env, judge, ctx);
            } catch (ChildProcess.CannotStart e) {
                return notStarted(spec, expected, "could not start: " + e.getMessage(), names);
            } catch (InterruptedException e) {
                // The tree was stopped before this was thrown; the result must still say the command had started.
                Thread.currentThread().interrupt();
                CheckDetail.CommandRun detail = new CheckDetail.CommandRun(spec.run().shown(), spec.cwd().toString(),
                        names, true, null, ChildProcess.Ending.CANCELLED.name(), 0, List.of(), List.of(), List.of(),
                        List.of(), 0, false);
                return new CheckOutcome(Status.ERROR, expected, "interrupted: the command and every process it"
                        + " started were stopped; what it changed before that is not known", shown(spec), detail);
            } finally {
                watch.close();
            }
            List<Locks.Blocker> blockers = watch.blockers();
            List<Locks.LockWait> waits = blockers.isEmpty() ? List.of() : List.of(new Locks.LockWait(1, 0, 0,
                    watch.waitedMillis(), blockers, null, Instant.now()));
            return judge.outcome(r, expected, names, ctx, new Locks.Report(watch.method(), watch.held(), waits));
        }
    }

    /**
     * Runs a status command: the same environment, masking, timeout and stopping of the whole process tree as a
     * command, judged the same way, but with no migration lock (it is a check, and runs again whenever its step runs)
     * and with libpq's transactions read-only by default. Never PASSED without having run and exited as expected.
     */
    static CheckOutcome status(CheckSpec.StatusCommand spec, EvalContext ctx) throws InterruptedException {
        String expected = expectedText(spec);
        String applicationName = Database.applicationName("status " + runTag());
        ClientEnvironment env;
        try {
            env = ClientEnvironment.of(ctx.db().connectionSettings(), applicationName).readOnly().with(spec.env());
        } catch (IllegalArgumentException | IllegalStateException e) {
            return notStarted(spec, expected, "could not start: " + e.getMessage(), List.copyOf(spec.env().keySet()));
        }
        List<String> names = List.copyOf(env.variables().keySet());
        ctx.listener().commandStarting(spec.run().shown(), spec.cwd().toString(), env.shown());
        Judge judge = new Judge(spec);
        ChildProcess.Result r;
        try {
            r = launch(spec, env, judge, ctx);
        } catch (ChildProcess.CannotStart e) {
            return notStarted(spec, expected, "could not start: " + e.getMessage(), names);
        }
        return judge.outcome(r, expected, names, ctx, null);
    }

    /** Starts the program and waits for it, each line it prints judged and shown to the operator as it arrives. */
    private static ChildProcess.Result launch(CheckSpec.Program spec, ClientEnvironment env, Judge judge,
            EvalContext ctx) throws ChildProcess.CannotStart, InterruptedException {
        return ChildProcess.run(ChildProcess.Spec.against(spec.run().program(), spec.cwd(), env, spec.meta().timeout(),
                KEEP), ctx.token(), line -> {
            judge.accept(line);
            ctx.listener().output(line);
        });
    }

    private static String runTag() {
        byte[] b = new byte[4];
        new java.security.SecureRandom().nextBytes(b);
        return java.util.HexFormat.of().formatHex(b);
    }

    private static CheckOutcome notStarted(CheckSpec.Program spec, String expected, String why, List<String> names) {
        CheckDetail.CommandRun detail = new CheckDetail.CommandRun(spec.run().shown(), spec.cwd().toString(), names,
                false, null, null, 0, List.of(), List.of(), List.of(), List.of(), 0, false);
        return new CheckOutcome(Status.ERROR, expected, why + "; nothing ran", shown(spec), detail);
    }

    static String expectedText(CheckSpec.Program spec) {
        StringBuilder b = new StringBuilder("exits with " + spec.expectExit());
        if (!spec.expectOutput().isEmpty()) {
            b.append(", prints ").append(String.join(" and ", spec.expectOutput().stream().map(p -> "/" + p + "/")
                    .toList()));
        }
        if (!spec.rejectOutput().isEmpty()) {
            b.append(", never ").append(String.join(" or ", spec.rejectOutput().stream().map(p -> "/" + p + "/")
                    .toList()));
        }
        if (!spec.meta().timeout().isZero()) b.append(", within ").append(human(spec.meta().timeout()));
        return b.toString();
    }

    /**
     * Matches every line as it comes, kept or not: a rejected line in the middle of a long output is found even
     * when only the head and the tail are kept.
     */
    private static final class Judge {
        private final CheckSpec.Program spec;
        private final Map<String, Pattern> expect = new LinkedHashMap<>();
        private final Map<String, Pattern> reject = new LinkedHashMap<>();
        private final Map<String, CheckDetail.OutputLine> expectedAt = new LinkedHashMap<>();
        private final Map<String, CheckDetail.OutputLine> rejectedAt = new LinkedHashMap<>();
        /** The first standard-error line of a shell or wrapper saying a program was not found, and that program. */
        private CheckDetail.OutputLine notFoundAt;
        private String notFound;
        /** What a 126 exit is explained by: the program named by a "Permission denied", or the last error line. */
        private String notExecutable;
        private CheckDetail.OutputLine lastError;

        Judge(CheckSpec.Program spec) {
            this.spec = spec;
            spec.expectOutput().forEach(p -> expect.put(p, Pattern.compile(p)));
            spec.rejectOutput().forEach(p -> reject.put(p, Pattern.compile(p)));
        }

        synchronized void accept(ChildProcess.Line line) {
            if (line.stream() == ChildProcess.Stream.ERR) {
                java.util.Optional<String> missing = MissingProgram.notFoundIn(line.text());
                if (missing.isPresent() && (notFoundAt == null || line.number() < notFoundAt.number())) {
                    notFoundAt = of(line);
                    notFound = missing.get();
                }
                if (notExecutable == null) notExecutable = MissingProgram.notExecutableIn(line.text()).orElse(null);
                if (lastError == null || line.number() > lastError.number()) lastError = of(line);
            }
            for (Map.Entry<String, Pattern> e : expect.entrySet()) {
                if (firstOf(expectedAt, e.getKey(), line) && e.getValue().matcher(line.text()).find()) {
                    expectedAt.put(e.getKey(), of(line));
                }
            }
            for (Map.Entry<String, Pattern> e : reject.entrySet()) {
                if (firstOf(rejectedAt, e.getKey(), line) && e.getValue().matcher(line.text()).find()) {
                    rejectedAt.put(e.getKey(), of(line));
                }
            }
        }

        /** Lines of the two streams reach us out of order by a hair: keep the lowest-numbered match. */
        private static boolean firstOf(Map<String, CheckDetail.OutputLine> found, String pattern,
                                       ChildProcess.Line line) {
            CheckDetail.OutputLine at = found.get(pattern);
            return at == null || line.number() < at.number();
        }

        synchronized CheckOutcome outcome(ChildProcess.Result r, String expected, List<String> names,
                                          EvalContext ctx, Locks.Report locks) {
            List<CheckDetail.PatternMatch> expectedMatches = new ArrayList<>();
            expect.keySet().forEach(p -> expectedMatches.add(new CheckDetail.PatternMatch(p, expectedAt.get(p))));
            List<CheckDetail.PatternMatch> rejectedMatches = new ArrayList<>();
            rejectedAt.forEach((p, line) -> rejectedMatches.add(new CheckDetail.PatternMatch(p, line)));
            CheckDetail.CommandRun detail = new CheckDetail.CommandRun(spec.run().shown(), spec.cwd().toString(),
                    names, true, r.exitCode(), r.ending().name(), r.duration().toMillis(), expectedMatches,
                    rejectedMatches, r.head().stream().map(CommandChecks::of).toList(),
                    r.tail().stream().map(CommandChecks::of).toList(), r.omitted(), r.leftRunning(), locks);
            String ran = human(r.duration()) + ", " + r.lines() + " output line" + (r.lines() == 1 ? "" : "s");
            if (r.ending() != ChildProcess.Ending.EXITED) {
                String why = r.ending() == ChildProcess.Ending.TIMED_OUT
                        ? "timed out after " + human(spec.meta().timeout()) : ctx.token().reason();
                return new CheckOutcome(Status.ERROR, expected, why + ": the command and every process it started"
                        + " were stopped (SIGTERM, then SIGKILL after " + ChildProcess.GRACE.toSeconds() + " s) after "
                        + ran + "; what it changed before that is not known", shown(spec), detail);
            }
            String notRun = notRun(r);
            if (notRun != null) {
                String after = spec instanceof CheckSpec.StatusCommand ? ": the status was not read"
                        : "; anything the line ran before it did run, so what it changed is not known";
                return new CheckOutcome(Status.ERROR, expected, notRun + after + "; install the tool or make it"
                        + " reachable from the PATH Runbook Pilot was started with, or correct the command (" + ran
                        + ")", shown(spec), detail);
            }
            List<String> reasons = new ArrayList<>();
            if (r.exitCode() != spec.expectExit()) {
                reasons.add("exit code " + r.exitCode() + ", expected " + spec.expectExit());
            }
            expectedMatches.stream().filter(m -> m.line() == null)
                    .forEach(m -> reasons.add("no line matched expected /" + m.pattern() + "/"));
            rejectedMatches.stream().sorted(java.util.Comparator.comparingLong(m -> m.line().number()))
                    .forEach(m -> reasons.add("line " + m.line().number() + " (" + m.line().at() + ", "
                            + m.line().stream().toLowerCase(java.util.Locale.ROOT) + ") matches rejected /"
                            + m.pattern() + "/: " + m.line().text()));
            if (r.leftRunning()) {
                reasons.add("a process it started was still running when it exited (it may"
                        + " still be working on the database); it was not waited for");
            }
            String actual = (reasons.isEmpty() ? "exited with " + r.exitCode() : String.join("; ", reasons))
                    + " (" + ran + ")";
            return new CheckOutcome(reasons.isEmpty() ? Status.PASSED : Status.FAILED, expected, actual, shown(spec),
                    detail);
        }

        /**
         * Why the command's tool never ran ({@link MissingProgram}), or null when nothing says so. An {@code
         * expectExit} of 126 or 127 is the author asking for exactly that, and is judged as any exit code.
         */
        private String notRun(ChildProcess.Result r) {
            int expectExit = spec.expectExit();
            if (expectExit == MissingProgram.NOT_FOUND || expectExit == MissingProgram.NOT_EXECUTABLE) return null;
            if (notFoundAt != null) {
                String what = notFound.isEmpty() ? "the program to run was not found" : "`" + notFound + "` was not"
                        + " found";
                return "could not run a program: " + what + " (line " + notFoundAt.number() + ", "
                        + notFoundAt.stream().toLowerCase(java.util.Locale.ROOT) + ": " + notFoundAt.text()
                        + "; exit code " + r.exitCode() + ")";
            }
            Integer code = r.exitCode();
            if (code != null && code == MissingProgram.NOT_EXECUTABLE) {
                String what = notExecutable != null ? "`" + notExecutable + "` was found but could not be executed"
                        : "a program was found but could not be executed";
                return "could not run a program: " + what + " (exit code 126, which shells and wrappers give for"
                        + " that)" + said() + "; check its execute permission and its #! line";
            }
            if (code != null && code == MissingProgram.NOT_FOUND) {
                return "could not run a program: exit code 127, which shells and wrappers such as env, timeout and"
                        + " bundle exec give for a program not found" + said();
            }
            return null;
        }

        private String said() {
            return lastError == null ? "" : " (last error line " + lastError.number() + ": " + lastError.text() + ")";
        }
    }

    static CheckDetail.OutputLine of(ChildProcess.Line line) {
        return new CheckDetail.OutputLine(line.number(), line.at(), line.stream().name(), line.text());
    }

    static String human(Duration d) {
        long s = d.toSeconds();
        if (s == 0) return d.toMillis() + " ms";
        if (s < 120) return s + " s";
        if (s < 7200) return (s / 60) + " min" + (s % 60 == 0 ? "" : " " + (s % 60) + " s");
        return (s / 3600) + " h" + (s % 3600 == 0 ? "" : " " + (s % 3600 / 60) + " min");
    }
}
