package dev.runbookpilot.cli;

import static dev.runbookpilot.cli.CliRun.cli;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The exit codes are a contract scripts rely on: each one, produced by a real run. */
class CliTest {

    private static final String RUNBOOK = """
            runbook: Exit codes
            target: { environment: development }
            phases:
              - name: Only
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 3" }
                  - id: backup
                    title: Backup
                    manual: Backup taken
                    requireNote: true
                  - id: sign
                    title: Sign-off
                    signoff: { roles: [DBA] }
            """;

    private static Path runbook(Path dir, String text) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb, text);
        return rb;
    }

    private static String tableWith(int rows) throws Exception {
        String db = TestPostgres.freshDatabase("cli");
        TestPostgres.exec(db, "CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, " + rows + ")");
        return db;
    }

    /** Probes write, then roll back: against production they are approved like a migration unless the runbook says. */
    @Test
    void againstProductionAProbeAsksForTheSameApprovalAsAMigration(@TempDir Path dir) throws Exception {
        String db = tableWith(3);
        String probe = """
                runbook: Probe on production
                target: { environment: production%s }
                phases:
                  - name: Only
                    steps:
                      - id: probe
                        title: An insert is accepted
                        checks:
                          - accepts: { sql: "INSERT INTO t VALUES (4)" }
                """;
        CliRun unapproved = cli("run", runbook(dir, probe.formatted("")).toString(), "--db", TestPostgres.jdbcUrl(db),
                "--session-dir", dir.resolve("s1").toString());
        assertThat(unapproved.code()).as(unapproved.output()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(unapproved.output()).contains("--confirm-production " + db).doesNotContain("PASSED");

        CliRun approved = cli("run", runbook(dir, probe.formatted("")).toString(), "--db", TestPostgres.jdbcUrl(db),
                "--confirm-production", db, "--session-dir", dir.resolve("s2").toString());
        assertThat(approved.code()).as(approved.output()).isEqualTo(ExitCodes.OK);

        CliRun optedOut = cli("run", runbook(dir, probe.formatted(", approveProbes: false")).toString(), "--db",
                TestPostgres.jdbcUrl(db), "--session-dir", dir.resolve("s3").toString());
        assertThat(optedOut.code()).as(optedOut.output()).isEqualTo(ExitCodes.OK);
        try (var c = TestPostgres.connect(db); var st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM t")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the probes rolled back").isEqualTo(3);
        }
    }

    @Test
    void validateExitsZeroForAValidRunbookAndTwoWithLocatedProblems(@TempDir Path dir) throws Exception {
        assertThat(cli("validate", runbook(dir, RUNBOOK).toString()).code()).isEqualTo(ExitCodes.OK);
        CliRun bad = cli("validate", runbook(dir, RUNBOOK.replace("expect:", "expct:")).toString());
        assertThat(bad.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(bad.output()).contains("runbook.yaml:9:").contains("did you mean 'expect'?");
    }

    @Test
    void runExitsZeroWhenEverythingPassedAndWasConfirmedAndWritesTheReport(@TempDir Path dir) throws Exception {
        String db = tableWith(3);
        Path report = dir.resolve("out/report.md");
        CliRun run = cli("run", runbook(dir, RUNBOOK).toString(), "--db", TestPostgres.jdbcUrl(db), "--confirm",
                "backup=s3://b", "--sign", "DBA=Ada", "--session-dir", dir.resolve("s").toString(),
                "--report", report.toString());
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(Files.readString(report)).contains("**Verdict: PASSED**").contains("s3://b").contains("Ada");
    }

    @Test
    void runExitsOneWhenACheckFailsAndFourWhenAManualStepAwaitsConfirmation(@TempDir Path dir) throws Exception {
        Path rb = runbook(dir, RUNBOOK);
        CliRun failed = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(tableWith(4)), "--session-dir",
                dir.resolve("s1").toString());
        assertThat(failed.code()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(failed.output()).contains("expected: = 3").contains("actual:   4");

        CliRun waiting = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(tableWith(3)), "--session-dir",
                dir.resolve("s2").toString(), "--confirm", "backup");
        assertThat(waiting.code()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(waiting.output()).contains("needs a note");
    }

    @Test
    void aWaivedFailureLetsTheRunFinishAndTheReportShowsTheReason(@TempDir Path dir) throws Exception {
        Path sessions = dir.resolve("s");
        CliRun run = cli("run", runbook(dir, RUNBOOK).toString(), "--db", TestPostgres.jdbcUrl(tableWith(4)),
                "--waive", "count=one extra row is the canary", "--confirm", "backup=s3://b", "--sign", "DBA=Ada",
                "--session-dir", sessions.toString());
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        Path report = dir.resolve("r.md");
        String session;
        try (Stream<Path> files = Files.list(sessions)) {
            session = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow().toString();
        }
        assertThat(cli("report", session, "--format", "md", "--out", report.toString()).code()).isZero();
        assertThat(Files.readString(report)).contains("one extra row is the canary").contains("WAIVED");
    }

    /** --waive is granted before anyone saw the failure: it covers a check that looked and failed, never ERROR. */
    @Test
    void waiveDoesNotCoverACheckThatCouldNotLookUnlessWaiveErrorSaysSo(@TempDir Path dir) throws Exception {
        String broken = RUNBOOK.replace("SELECT count(*) FROM t", "SELECT count(*) FROM no_such_table");
        String db = TestPostgres.jdbcUrl(tableWith(3));
        CliRun waived = cli("run", runbook(dir, broken).toString(), "--db", db, "--waive", "count=fine",
                "--confirm", "backup=s3://b", "--sign", "DBA=Ada", "--session-dir", dir.resolve("s1").toString());
        assertThat(waived.code()).as(waived.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(waived.output()).contains("is ERROR").contains("--waive-error count=REASON");

        Path report = dir.resolve("r.md");
        CliRun errorWaived = cli("run", runbook(dir, broken).toString(), "--db", db, "--waive-error",
                "count=table is created next week", "--confirm", "backup=s3://b", "--sign", "DBA=Ada",
                "--session-dir", dir.resolve("s2").toString(), "--report", report.toString());
        assertThat(errorWaived.code()).as(errorWaived.output()).isEqualTo(ExitCodes.OK);
        assertThat(errorWaived.output()).contains("Verdict: PASSED WITH WAIVERS");
        assertThat(Files.readString(report)).contains("**Verdict: PASSED WITH WAIVERS**")
                .contains("(could not look: ERROR)")
                .contains("granted in advance (run --waive) before anyone saw the failure");
    }

    @Test
    void skipNeedsAnOptionalStepAndIsNeverCountedAsPassed(@TempDir Path dir) throws Exception {
        String optional = RUNBOOK.replace("""
                        title: Count rows
                """, """
                        title: Count rows
                        optional: true
                """);
        assertThat(optional).contains("optional: true");
        String db = TestPostgres.jdbcUrl(tableWith(4));
        Path report = dir.resolve("r.md");
        CliRun run = cli("run", runbook(dir, optional).toString(), "--db", db, "--skip", "count=done by hand",
                "--confirm", "backup=s3://b", "--sign", "DBA=Ada", "--session-dir", dir.resolve("s").toString(),
                "--report", report.toString());
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(run.output()).contains("SKIPPED").contains("skipped count by");
        assertThat(Files.readString(report)).contains("| 3 | 0 | 0 | 0 | 0 | 2 | 0 | 1 |").contains("done by hand");

        CliRun notOptional = cli("run", runbook(dir, RUNBOOK).toString(), "--db", db, "--skip", "count=no time",
                "--session-dir", dir.resolve("s2").toString());
        assertThat(notOptional.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(notOptional.output()).contains("not optional");
    }

    /** Like pg_prove: every failure of the runbook in one run, nothing waived, and nothing written after one. */
    @Test
    void keepGoingListsEveryFailureButRunsNoWriterAfterTheFirst(@TempDir Path dir) throws Exception {
        String db = tableWith(3);
        Path rb = runbook(dir, """
                runbook: Keep going
                target: { environment: development }
                phases:
                  - name: Only
                    steps:
                      - id: first
                        title: First failure
                        checks:
                          - query: { sql: "SELECT count(*) FROM t", expect: "= 4" }
                      - id: migrate
                        title: Migration
                        execute: { file: migrate.sql }
                      - id: second
                        title: Second failure
                        checks:
                          - query: { sql: "SELECT count(*) FROM t", expect: "= 5" }
                      - id: passes
                        title: Passes
                        checks:
                          - query: { sql: "SELECT count(*) FROM t", expect: "= 3" }
                """);
        Files.writeString(rb.resolveSibling("migrate.sql"), "CREATE TABLE written (id int);\n");

        CliRun r = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes", "--keep-going",
                "--session-dir", dir.resolve("s").toString());

        assertThat(r.code()).as(r.output()).isEqualTo(ExitCodes.CHECK_FAILED);
        assertThat(r.output()).contains("1. [first]", "2. [second]").doesNotContain("3. [")
                .contains("NOT RUN   it writes").contains("expected: = 5");
        try (var c = TestPostgres.connect(db); var st = c.createStatement();
             var rs = st.executeQuery("SELECT to_regclass('written') IS NULL")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("the migration after the failure did not run").isTrue();
        }
    }

    @Test
    void runExitsThreeWhenTheDatabaseCannotBeReached(@TempDir Path dir) throws Exception {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        CliRun run = cli("run", runbook(dir, RUNBOOK).toString(), "--db",
                "postgresql://nobody@127.0.0.1:" + freePort + "/none", "--session-dir", dir.toString());
        assertThat(run.code()).isEqualTo(ExitCodes.CANNOT_CONNECT);
        assertThat(run.output()).contains("cannot connect to nobody@127.0.0.1:" + freePort + "/none");
    }

    @Test
    void runRefusesADatabaseOtherThanTheRunbookTargets(@TempDir Path dir) throws Exception {
        Path rb = runbook(dir, RUNBOOK.replace("environment: development", "environment: development, "
                + "database: somewhere_else"));
        CliRun run = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(tableWith(3)), "--session-dir",
                dir.toString());
        assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.output()).contains("targets database 'somewhere_else'");
    }

    @Test
    void resumeRefusesARunbookThatChangedSinceTheSessionBegan(@TempDir Path dir) throws Exception {
        Path rb = runbook(dir, RUNBOOK);
        Path sessions = dir.resolve("s");
        String db = TestPostgres.jdbcUrl(tableWith(3));
        assertThat(cli("run", rb.toString(), "--db", db, "--session-dir", sessions.toString()).code())
                .isEqualTo(ExitCodes.UNCONFIRMED);
        Files.writeString(rb, RUNBOOK.replace("Backup taken", "Backup taken and tested"));
        String session;
        try (Stream<Path> files = Files.list(sessions)) {
            session = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow().toString();
        }
        CliRun resume = cli("resume", session, "--db", db, "--session-dir", sessions.toString());
        assertThat(resume.code()).isEqualTo(ExitCodes.USAGE);
        assertThat(resume.output()).contains("the runbook changed since this session began");
    }

    @Test
    void importWritesARunbookThatValidatesAndPrintsTheSummary(@TempDir Path dir) throws Exception {
        Path checklist = TestPostgres.projectDir().resolve("src/test/resources/checklists/numbered-setext.md");
        Path out = dir.resolve("imported/runbook.yaml");
        CliRun run = cli("import", checklist.toString(), "--out", out.toString());
        assertThat(run.code()).as(run.output()).isEqualTo(ExitCodes.OK);
        assertThat(run.output()).contains("automated");
        assertThat(cli("validate", out.toString()).code()).isEqualTo(ExitCodes.OK);
    }
}
