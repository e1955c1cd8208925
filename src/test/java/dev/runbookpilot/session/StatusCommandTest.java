package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A {@code statusCommand} against the real embedded server, with a small shell script standing in for the migration
 * tool: a real child process reading the real database through libpq. It PASSES only on the expected exit code and
 * output, FAILS on anything else, is ERROR when the tool is missing or does not answer, and is never a migration.
 */
class StatusCommandTest {
    private static final String SETUP = "CREATE TABLE alembic_version (version_num text);";
    /** Prints what {@code alembic current} prints: the revision, with "(head)" when it is the newest one. */
    private static final String FAKE_ALEMBIC = """
            #!/bin/sh
            echo "$*" >> calls.txt
            v=$(psql -X -A -t -v ON_ERROR_STOP=1 -c 'SELECT version_num FROM alembic_version') || exit 1
            if [ "$v" = "9c1d" ]; then echo "$v (head)"; else echo "$v"; fi
            """;

    @TempDir
    Path dir;
    private SessionFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    private Runbook load(String environment, String check) throws Exception {
        Path tool = dir.resolve("alembic");
        Files.writeString(tool, FAKE_ALEMBIC);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        return fx.runbook("""
                runbook: Status drill
                target: { environment: %s }
                phases:
                  - name: Verify
                    steps:
                      - id: status
                        title: Migrations are at head
                        checks:
                """.formatted(environment) + check.indent(10));
    }

    private long calls() throws Exception {
        Path f = dir.resolve("calls.txt");
        return Files.exists(f) ? Files.readAllLines(f).size() : 0;
    }

    private long count(String sql) throws Exception {
        try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static CheckResult ran(Session s, Step step) throws Exception {
        s.runChecks(step, Session.Scope.ALL);
        return s.state().result(step.id(), 0).orElseThrow();
    }

    @Test
    void atHeadItPassesWithItsOutputAsEvidenceRunsAgainEveryTimeAndIsNoMigration() throws Exception {
        fx = SessionFixture.open("status", SETUP + "INSERT INTO alembic_version VALUES ('9c1d');", dir);
        Runbook rb = load("development", """
                - statusCommand: { run: ./alembic current, expectOutput: ['\\(head\\)'] }
                """);
        Step status = step(rb, "status");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            assertThat(s.needsApproval(status)).isFalse();
            CheckResult r = ran(s, status);
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            assertThat(r.sql()).startsWith("$ ./alembic current");
            CheckDetail.CommandRun run = (CheckDetail.CommandRun) r.detail();
            assertThat(run.head()).extracting(CheckDetail.OutputLine::text).containsExactly("9c1d (head)");
            assertThat(run.variables()).contains("PGHOST", "PGDATABASE", "DATABASE_URL", "PGOPTIONS");

            ran(s, status);
            assertThat(calls()).as("a status is read again whenever its step runs").isEqualTo(2);
            List<JournalEvent> events = Journal.read(s.journalFile());
            assertThat(events).filteredOn(JournalEvent.CommandBegan.class::isInstance).hasSize(2);
            assertThat(events).filteredOn(JournalEvent.CommandOutput.class::isInstance).isNotEmpty();
            assertThat(events).as("never settled as a migration")
                    .noneMatch(JournalEvent.MigrationBegan.class::isInstance);

            // The report shows it as a command's evidence: its line in a shell block, its output, never as SQL.
            String report = dev.runbookpilot.report.MarkdownReport.render(
                    dev.runbookpilot.report.ReportBuilder.build(s.state()));
            assertThat(report).contains("```sh\n$ ./alembic current").contains("9c1d (head)");
            assertThat(report).doesNotContain("```sql\n$ ./alembic current");
        }
    }

    @Test
    void aDatabaseBehindHeadFails() throws Exception {
        fx = SessionFixture.open("status", SETUP + "INSERT INTO alembic_version VALUES ('3f2a');", dir);
        Runbook rb = load("development", """
                - statusCommand: { run: ./alembic current, expectOutput: ['\\(head\\)'] }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("no line matched expected /\\(head\\)/");
        }
    }

    @Test
    void anUnexpectedExitCodeOrARejectedLineFails() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Runbook rb = load("development", """
                - statusCommand: { run: "echo 'FAILED: New upgrade operations detected'; exit 1" }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("exit code 1, expected 0");
        }
        fx.close();
        fx = SessionFixture.open("status", SETUP, dir);
        rb = load("development", """
                - statusCommand: { run: "printf 'V1 | Success\\nV2 | Pending\\n'", rejectOutput: ['\\bPending\\b'] }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("line 2").contains("matches rejected /\\bPending\\b/: V2 | Pending");
        }
    }

    @Test
    void aMissingToolIsAnErrorWhetherRunThroughTheShellOrAsAnArgvList() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Runbook rb = load("development", """
                - statusCommand: { run: no-such-migration-tool-xyz current, expectExit: 0 }
                - statusCommand: { run: [no-such-migration-tool-xyz, info] }
                """);
        Step status = step(rb, "status");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(status, Session.Scope.ALL);
            CheckResult shell = s.state().result("status", 0).orElseThrow();
            assertThat(shell.status()).isEqualTo(Status.ERROR);
            assertThat(shell.actual()).contains("`no-such-migration-tool-xyz` was not found")
                    .contains("sh: 1: no-such-migration-tool-xyz: not found").contains("the status was not read");
            CheckResult argv = s.state().result("status", 1).orElseThrow();
            assertThat(argv.status()).isEqualTo(Status.ERROR);
            assertThat(argv.actual()).contains("could not start").contains("nothing ran");
        }
    }

    @Test
    void aToolMissingBehindAWrapperOrAScriptIsAnErrorNamingItNeverAFailure() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Path script = dir.resolve("status.sh");
        Files.writeString(script, "#!/bin/sh\nno-such-migration-tool-xyz current\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        // A Node project whose prisma package is there without its executable (an install cut short): npx, offline
        // and not allowed to install, cannot find what to run.
        Path prisma = Files.createDirectories(dir.resolve("app/node_modules/prisma"));
        Files.writeString(dir.resolve("app/package.json"), "{\"name\":\"app\",\"version\":\"1.0.0\"}");
        Files.writeString(prisma.resolve("package.json"), "{\"name\":\"prisma\",\"version\":\"1.0.0\"}");
        // Each is what a team writes in front of its tool; with the tool missing, each used to read FAILED ("exit
        // code 127, expected 0" or "exit code 1, expected 0"): the status looked read and wrong when it was never read.
        Runbook rb = load("development", """
                - statusCommand: { run: [sh, -c, 'no-such-migration-tool-xyz current'], expectOutput: ['\\(head\\)'] }
                - statusCommand: { run: [env, no-such-migration-tool-xyz, current] }
                - statusCommand: { run: [timeout, 30, no-such-migration-tool-xyz, current] }
                - statusCommand: { run: ./status.sh }
                - statusCommand: { run: [npx, --offline, --no-install, prisma, migrate, status], cwd: app }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "status"), Session.Scope.ALL);
            List<String> named = List.of("sh: 1: no-such-migration-tool-xyz: not found",
                    "env: ", "timeout: failed to run command ", "./status.sh: 2: no-such-migration-tool-xyz: not found",
                    "could not determine executable to run");
            for (int i = 0; i < named.size(); i++) {
                CheckResult r = s.state().result("status", i).orElseThrow();
                assertThat(r.status()).as(i + ": " + r.actual()).isEqualTo(Status.ERROR);
                assertThat(r.actual()).as(r.actual()).contains("could not run a program").contains(named.get(i))
                        .contains("the status was not read").contains("install the tool");
                if (i < 4) assertThat(r.actual()).contains("`no-such-migration-tool-xyz` was not found");
            }
        }
    }

    @Test
    void aMissingToolWhoseLineStillExitsZeroIsAnErrorNotAPass() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        // The pipeline's exit code is cat's: no Pending line because nothing ran, which passed as "none pending".
        Runbook rb = load("development", """
                - statusCommand: { run: "no-such-migration-tool-xyz info | cat", rejectOutput: ['\\bPending\\b'] }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("`no-such-migration-tool-xyz` was not found").contains("exit code 0");
        }
    }

    @Test
    void aToolFoundButNotExecutableIsAnErrorNamingIt() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Files.writeString(dir.resolve("flyway"), "#!/bin/sh\necho 'Schema is up to date'\n");
        Runbook rb = load("development", """
                - statusCommand: { run: ./flyway info, rejectOutput: ['\\bPending\\b'] }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("`./flyway` was found but could not be executed")
                    .contains("exit code 126").contains("execute permission");
        }
    }

    @Test
    void anExitCodeOf127WithoutAMessageItKnowsIsStillAnErrorShowingTheLastErrorLine() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        // A wrapper of the team's that says it in its own words and exits as the convention says.
        Runbook rb = load("development", """
                - statusCommand: { run: [sh, -c, 'echo "wrapper: no migrate tool in this image" >&2; exit 127'] }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("exit code 127, which shells and wrappers")
                    .contains("(last error line 1: wrapper: no migrate tool in this image)")
                    .contains("the status was not read");
        }
    }

    @Test
    void anExitCodeOf127ThatTheAuthorExpectsIsJudgedAsAnyOther() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Runbook rb = load("development", """
                - statusCommand: { run: "legacy-tool-xyz --version", expectExit: 127 }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            assertThat(ran(s, step(rb, "status")).status()).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void aToolThatDoesNotAnswerInTimeIsAnError() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Runbook rb = load("development", """
                - statusCommand: { run: "echo checking; sleep 60", expectOutput: [checking], timeout: 1s }
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("timed out after 1 s");
        }
    }

    @Test
    void aStatusToolThatTriesToWriteThroughLibpqIsRefusedByTheServer() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Runbook rb = load("development", """
                - statusCommand:
                    run: psql -X -v ON_ERROR_STOP=1 -c "INSERT INTO alembic_version VALUES ('evil')"
                """);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            CheckResult r = ran(s, step(rb, "status"));
            assertThat(r.status()).isEqualTo(Status.FAILED);
            CheckDetail.CommandRun run = (CheckDetail.CommandRun) r.detail();
            assertThat(run.head()).extracting(CheckDetail.OutputLine::text)
                    .anyMatch(l -> l.contains("read-only transaction"));
        }
        assertThat(count("SELECT count(*) FROM alembic_version")).isZero();
    }

    @Test
    void onProductionItsStepIsApprovedFirstAndShowsWhatRuns() throws Exception {
        fx = SessionFixture.open("status", SETUP, dir);
        Runbook rb = load("production", """
                - statusCommand: { run: ./alembic current, expectOutput: ['\\(head\\)'] }
                """);
        Step status = step(rb, "status");
        assertThat(rb.target().statusCommandsNeedApproval(status)).isTrue();
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            assertThat(s.needsApproval(status)).isTrue();
            assertThat(s.commandPreview((dev.runbookpilot.runbook.CheckSpec.StatusCommand) status.checks().get(0)))
                    .startsWith("$ ./alembic current").contains("PGOPTIONS=-c default_transaction_read_only=on");
        }
    }
}
