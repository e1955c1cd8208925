package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code command} step against the real embedded server: it runs the tool with the target's environment, judges it
 * by exit code and output, journals it before it starts, never runs it twice, and never lets the password out.
 */
class CommandStepTest {
    private static final String SETUP = "CREATE TABLE log (n int);";

    @TempDir
    Path dir;
    private SessionFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    private static String runbook(String command) {
        return """
                runbook: Tool drill
                target: { environment: development }
                phases:
                  - name: Execute
                    steps:
                      - id: migrate
                        title: Run the tool
                        command:
                """ + command.indent(10);
    }

    private Runbook load(String command) throws Exception {
        return fx.runbook(runbook(command));
    }

    private long count(String sql) throws Exception {
        try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long runs() throws Exception {
        Path f = dir.resolve("runs.txt");
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    private static CheckResult result(Session s, String stepId, int index) {
        return s.state().result(stepId, index).orElseThrow();
    }

    private static CheckDetail.CommandRun run(CheckResult r) {
        assertThat(r.detail()).isInstanceOf(CheckDetail.CommandRun.class);
        return (CheckDetail.CommandRun) r.detail();
    }

    @Test
    void aToolThatDoesItsWorkOnTheTargetPassesAndItsVerifyChecksRunAfterIt() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("""
                run: echo ran >> runs.txt; echo 'Running upgrade 3f2a -> 9c1d'; psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE TABLE alembic_version (v text); INSERT INTO alembic_version VALUES ($$9c1d$$)'
                expectOutput: ["Running upgrade 3f2a -> 9c1d"]
                rejectOutput: ["(?i)\\\\berror\\\\b", "Traceback"]
                timeout: 1m
                rollback: { run: echo downgrade >> rollback.txt }
                verify:
                  - query: { sql: "SELECT v FROM alembic_version", expect: "'9c1d'" }
                  - tables: { exist: [alembic_version] }
                """);
        Step migrate = step(rb, "migrate");
        assertThat(migrate.checks()).hasSize(3);
        List<CheckDetail.OutputLine> heard = Collections.synchronizedList(new ArrayList<>());
        try (Session s = fx.start(rb, "alice", new RunListener() {
            @Override
            public void commandOutput(Step step, CheckDetail.OutputLine line) {
                heard.add(line);
            }
        })) {
            assertThat(s.needsApproval(migrate)).isTrue();
            s.runChecks(migrate, Session.Scope.ALL);

            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            assertThat(r.actual()).startsWith("exited with 0");
            CheckDetail.CommandRun run = run(r);
            assertThat(run.exitCode()).isZero();
            assertThat(run.expected()).singleElement().satisfies(m -> assertThat(m.line().number()).isEqualTo(1));
            assertThat(run.rejected()).isEmpty();
            assertThat(run.variables()).contains("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "DATABASE_URL");
            assertThat(heard).extracting(CheckDetail.OutputLine::text).contains("Running upgrade 3f2a -> 9c1d");
            // The verify checks looked at the table the tool created: they ran after it, not beside it.
            assertThat(s.checkStatus(migrate, 1)).isEqualTo(Status.PASSED);
            assertThat(s.checkStatus(migrate, 2)).isEqualTo(Status.PASSED);
            assertThat(s.needsApproval(migrate)).as("applied: never offered again").isFalse();

            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(runs()).as("a passed command never runs twice").isEqualTo(1);

            List<JournalEvent> events = Journal.read(s.journalFile());
            int began = indexOf(events, JournalEvent.CommandBegan.class);
            assertThat(began).as("journaled before it ran").isPositive()
                    .isLessThan(indexOf(events, JournalEvent.CommandOutput.class));
            assertThat(events.get(began - 1)).isInstanceOf(JournalEvent.MigrationBegan.class);
            assertThat(((JournalEvent.CommandBegan) events.get(began)).command()).startsWith("echo ran >> runs.txt");
        }
        assertThat(count("SELECT count(*) FROM alembic_version")).isEqualTo(1);
        assertThat(dir.resolve("rollback.txt")).as("rollback is kept, never run").doesNotExist();
    }

    private static int indexOf(List<JournalEvent> events, Class<? extends JournalEvent> type) {
        for (int i = 0; i < events.size(); i++) if (type.isInstance(events.get(i))) return i;
        return -1;
    }

    @Test
    void aNonZeroExitFailsWithItsCodeAndWaitsForASettleDecisionBeforeRunningAgain() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("run: [sh, -c, 'echo ran >> runs.txt; echo half done; exit 3']\n");
        Step migrate = step(rb, "migrate");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(migrate, Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("exit code 3, expected 0");
            assertThat(run(r).exitCode()).isEqualTo(3);
            assertThat(s.unsettled(migrate, 0)).get().asString().contains("what it changed is not known");
            assertThat(Session.isWaivable(migrate, 0)).isFalse();

            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(runs()).as("not run again before a settle").isEqualTo(1);

            s.settle(migrate, 0, JournalEvent.Settlement.RUN_AGAIN, "the tool stops before it writes; safe");
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(runs()).isEqualTo(2);
        }
    }

    @Test
    void outputWithoutAnExpectedLineFailsNamingThePattern() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("""
                run: echo 'No upgrade needed'
                expectOutput: ["Running upgrade \\\\w+ -> 9c1d", "No upgrade"]
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("no line matched expected /Running upgrade \\w+ -> 9c1d/")
                    .doesNotContain("/No upgrade/");
            assertThat(run(r).expected()).extracting(m -> m.line() == null).containsExactly(true, false);
        }
    }

    @Test
    void aRejectedLineFailsWithItsLineNumberTimeAndStreamEvenInTheOmittedMiddle() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        // 2000 lines: only the first and last 500 are kept, the Traceback at line 1001 is not.
        Runbook rb = load("""
                run: "i=1; while [ $i -le 2000 ]; do if [ $i -eq 1001 ]; then echo 'Traceback (most recent call last):'; else echo line $i; fi; i=$((i+1)); done"
                rejectOutput: ["(?i)\\\\berror\\\\b", "Traceback"]
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).containsPattern("line 1001 \\(\\d{4}-\\d\\d-\\d\\dT[^,]+, out\\) matches rejected"
                    + " /Traceback/: Traceback \\(most recent call last\\):");
            CheckDetail.CommandRun run = run(r);
            assertThat(run.exitCode()).isZero();
            assertThat(run.lines()).isEqualTo(2000);
            assertThat(run.omitted()).isEqualTo(1000);
            assertThat(run.head()).hasSize(500);
            assertThat(run.tail()).hasSize(500);
            assertThat(run.tail().get(499).text()).isEqualTo("line 2000");
            List<CheckDetail.OutputLine> journaled = Journal.read(s.journalFile()).stream()
                    .filter(e -> e instanceof JournalEvent.CommandOutput)
                    .flatMap(e -> ((JournalEvent.CommandOutput) e).lines().stream()).toList();
            assertThat(journaled).as("whole up to the live limit, then only the result's tail")
                    .hasSize(CommandRecorder.LIVE_LIMIT);
        }
    }

    @Test
    void aTimeoutStopsTheWholeTreeAndIsAnErrorThatSaysSo() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("""
                run: "sleep 60 & echo $! > child.pid; wait"
                timeout: 1s
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("timed out after 1 s")
                    .contains("the command and every process it started were stopped");
            assertThat(run(r).ending()).isEqualTo("TIMED_OUT");
            long pid = Long.parseLong(Files.readString(dir.resolve("child.pid")).strip());
            assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the sleeping child is gone").isEmpty();
            assertThat(s.unsettled(step(rb, "migrate"), 0)).as("stopped midway: outcome unknown").isPresent();
        }
    }

    @Test
    void aToolThatCannotStartRanNothingAndMayRunAgainWithoutASettle() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("run: [definitely-not-a-tool-xyz, migrate]\n");
        Step migrate = step(rb, "migrate");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(migrate, Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("could not start: definitely-not-a-tool-xyz: not found")
                    .contains("nothing ran");
            assertThat(run(r).started()).isFalse();
            assertThat(s.unsettled(migrate)).isEmpty();
            assertThat(s.needsApproval(migrate)).isTrue();
        }
    }

    @Test
    void aToolMissingInTheMiddleOfAShellLineIsAnErrorAwaitingASettleNotAPass() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        // The line goes on after the missing tool, so sh exits 0: this passed as a migration that never ran.
        Runbook rb = load("run: \"echo ran >> runs.txt; no-such-migration-tool-xyz upgrade head; echo done\"\n");
        Step migrate = step(rb, "migrate");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(migrate, Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("could not run a program: `no-such-migration-tool-xyz` was not found")
                    .contains("what it changed is not known");
            assertThat(run(r).exitCode()).isZero();
            assertThat(s.unsettled(migrate, 0)).as("the line before the tool ran: a person settles it").isPresent();
        }
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void aMissingWorkingDirectoryIsAnErrorBeforeAnythingRuns() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("run: echo ran >> ../runs.txt\ncwd: app\n");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("working directory " + dir.resolve("app") + " does not exist");
        }
        assertThat(runs()).isZero();
    }

    @Test
    void thePasswordNeverReachesTheJournalTheReportOrTheOutput() throws Exception {
        String password = "s3cr3t pw/with:odd@chars";
        Properties props = new Properties();
        props.setProperty("password", password);
        fx = SessionFixture.open("command", SETUP, dir, props);
        Runbook rb = load("""
                run: 'echo "pw=$PGPASSWORD"; echo "url=$DATABASE_URL"; echo "flyway=$FLYWAY_URL"; echo "oops: $PGPASSWORD" >&2'
                env: { FLYWAY_URL: "jdbc:postgresql://${PGHOST}:${PGPORT}/${PGDATABASE}?password=${PGPASSWORD}" }
                expectOutput: ["pw=\\\\*{5}"]
                """);
        Path journal;
        String report;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            assertThat(run(r).head()).extracting(CheckDetail.OutputLine::text).contains("pw=*****")
                    .anySatisfy(t -> assertThat(t).startsWith("url=postgresql://postgres:*****@"));
            journal = s.journalFile();
            report = MarkdownReport.render(ReportBuilder.build(s.state()));
        }
        String bytes = new String(Files.readAllBytes(journal), StandardCharsets.UTF_8);
        String encoded = java.net.URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
        for (String form : List.of(password, encoded)) {
            assertThat(bytes).as("journal").doesNotContain(form);
            assertThat(report).as("report").doesNotContain(form);
        }
        assertThat(bytes).contains("pw=*****").contains("\"PGPASSWORD\":\"*****\"");
        assertThat(report).contains("pw=*****").contains("FLYWAY_URL");
    }

    @Test
    void aSecondWorkstationCannotRunTheCommandWhileTheFirstRunsIt() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("run: echo ran >> runs.txt; sleep 3\n");
        Step migrate = step(rb, "migrate");
        try (Session a = fx.start(rb, "alice", RunListener.NONE);
             Session b = fx.start(rb, "bob", RunListener.NONE)) {
            CompletableFuture<Void> first = CompletableFuture.runAsync(() -> {
                try {
                    a.runChecks(migrate, Session.Scope.ALL);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (runs() == 0 && System.nanoTime() < deadline) Thread.sleep(20);
            b.runChecks(migrate, Session.Scope.ALL);
            first.get(30, TimeUnit.SECONDS);

            assertThat(a.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
            CheckResult refused = result(b, "migrate", 0);
            assertThat(refused.status()).isEqualTo(Status.ERROR);
            assertThat(refused.sqlState()).isEqualTo("55006");
            assertThat(refused.actual()).contains("another session is applying a migration of 'Tool drill")
                    .contains("nothing was run");
            assertThat(b.unsettled(migrate)).as("refused before it began: nothing to settle").isEmpty();
        }
        assertThat(runs()).isEqualTo(1);
    }

    @Test
    void anExecuteResultAndTheReportCarryTheExactSqlAndTheSha256OfItsFile() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        String sql = "-- add a row\nINSERT INTO log VALUES (42);\n";
        Runbook rb = fx.runbook("""
                runbook: Execute record
                target: { environment: development }
                phases:
                  - name: Only
                    steps:
                      - id: migrate
                        title: Insert
                        execute: { file: m.sql }
                """, Map.of("m.sql", sql));
        String sha = dev.runbookpilot.runbook.RunbookLoader.sha256(sql.getBytes(StandardCharsets.UTF_8));
        try (Session s = fx.start(rb, "ada", RunListener.NONE)) {
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.status()).isEqualTo(Status.PASSED);
            assertThat(r.sql()).isEqualTo("-- m.sql (1 statements)\n-- SHA-256 " + sha + "\n" + sql);
            assertThat(MarkdownReport.render(ReportBuilder.build(s.state()))).contains("-- SHA-256 " + sha)
                    .contains("INSERT INTO log VALUES (42);");
        }
    }

    @Test
    void aStalePreflightActivityCheckRunsAgainBeforeTheCommandAndStopsIt() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = fx.runbook("""
                runbook: Stale pre-flight
                target: { environment: development }
                phases:
                  - name: Only
                    steps:
                      - id: quiet
                        title: Nobody else connected
                        checks:
                          - activity: { otherSessions: 0 }
                      - id: migrate
                        title: Run the tool
                        command: { run: echo ran >> runs.txt }
                """);
        try (Session s = fx.start(rb, "ada", RunListener.NONE)) {
            s.runChecks(step(rb, "quiet"), Session.Scope.ALL);
            assertThat(s.checkStatus(step(rb, "quiet"), 0)).isEqualTo(Status.PASSED);
            try (Connection colleague = TestPostgres.connect(fx.database)) {
                s.recheckActivityAfter(java.time.Duration.ZERO);
                s.runChecks(step(rb, "migrate"), Session.Scope.UNSETTLED);
                assertThat(s.checkStatus(step(rb, "quiet"), 0)).isEqualTo(Status.FAILED);
                assertThat(result(s, "migrate", 0).actual()).startsWith("not run: the pre-flight activity checks");
                assertThat(s.unsettled(step(rb, "migrate"))).as("nothing started").isEmpty();
            }
        }
        assertThat(runs()).isZero();
    }

    @Test
    void aCommandInterruptedByACrashIsAnErrorOnResumeAndIsNotRunAgain() throws Exception {
        fx = SessionFixture.open("command", SETUP, dir);
        Runbook rb = load("run: echo ran >> runs.txt\n");
        Step migrate = step(rb, "migrate");
        Path journalFile;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            journalFile = s.journalFile();
        }
        // What a process killed mid-command leaves: its start, some output, no result.
        java.time.Instant t = java.time.Instant.now();
        try (Journal j = Journal.reopen(journalFile)) {
            j.append(new JournalEvent.CheckStarted("migrate", 0, t));
            j.append(new JournalEvent.MigrationBegan("migrate", 0, -1, "x", t));
            j.append(new JournalEvent.CommandBegan("migrate", 0, "echo ran >> runs.txt", dir.toString(),
                    Map.of("PGHOST", "localhost"), t));
            j.append(new JournalEvent.CommandOutput("migrate", 0,
                    List.of(new CheckDetail.OutputLine(1, t, "OUT", "upgrading...")), t));
        }
        try (Session s = Session.resume(journalFile, rb, fx.db, "bob", RunListener.NONE)) {
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);
            CheckResult r = result(s, "migrate", 0);
            assertThat(r.actual()).contains("interrupted — outcome unknown").contains("alice")
                    .contains("Settle it");
            assertThat(run(r).head()).extracting(CheckDetail.OutputLine::text).containsExactly("upgrading...");
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(runs()).as("never re-run before a settle").isZero();
            s.settle(migrate, 0, JournalEvent.Settlement.APPLIED, "alembic_version shows 9c1d");
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.CONFIRMED);
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(runs()).isZero();
        }
    }
}
