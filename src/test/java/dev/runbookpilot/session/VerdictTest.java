package dev.runbookpilot.session;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.runbook.Runbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a window's verdict says, from the journal: a waiver, a skip or a failed migration is never a plain pass. */
class VerdictTest {
    private static final String RUNBOOK = """
            runbook: Verdicts
            target:
              environment: development
            phases:
              - name: Only
                steps:
                  - id: counts
                    title: Counts
                    checks:
                      - query: { name: loss, sql: "SELECT 400", expect: "= 0" }
                  - id: vacuum
                    title: Optional vacuum check
                    optional: true
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
                  - id: migrate
                    title: Migrate
                    execute: { file: m.sql, transaction: true, expectNotices: [never comes] }
            """;

    @Test
    void aWaivedLossIsPassedWithWaiversOnTheFirstLinesOfTheReport(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("verdict", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK.substring(0, RUNBOOK.indexOf("      - id: migrate")));
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(step(rb, "counts"), Session.Scope.ALL);
                s.waive(step(rb, "counts"), 0, "the 400 rows are archived, see OPS-9");
                s.skip(step(rb, "vacuum"), "autovacuum ran an hour ago");
                Outcome.Summary o = s.outcome();
                assertThat(o.verdict()).isEqualTo(Outcome.Verdict.PASSED_WITH_WAIVERS);
                assertThat(o.counts().passed()).as("a skip is not a pass").isZero();
                assertThat(o.counts().skipped()).isEqualTo(1);
                assertThat(o.counts().waived()).isEqualTo(1);
                assertThat(s.stepStatus(step(rb, "vacuum"))).isEqualTo(Status.SKIPPED);

                String md = MarkdownReport.render(ReportBuilder.build(s.state()));
                String firstPage = md.substring(0, md.indexOf("## Summary"));
                assertThat(firstPage).contains("**Verdict: PASSED WITH WAIVERS**")
                        .contains("the 400 rows are archived, see OPS-9").contains("waived by ada")
                        .contains("autovacuum ran an hour ago").doesNotContain("**Verdict: PASSED**");
                assertThat(md).contains("| 2 | 0 | 0 | 0 | 1 | 0 | 0 | 1 |");
            }
        }
    }

    @Test
    void aWaiverGrantedInAdvanceSaysSo(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("verdict", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK, Map.of("m.sql", "CREATE TABLE t (id int);"));
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(step(rb, "counts"), Session.Scope.ALL);
                s.waive(step(rb, "counts"), 0, "known", true);
                assertThat(MarkdownReport.render(ReportBuilder.build(s.state())))
                        .contains("granted in advance (run --waive) before anyone saw the failure");
            }
        }
    }

    @Test
    void aFailedMigrationCannotBeWaived(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("verdict", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK, Map.of("m.sql", "CREATE TABLE t (id int);"));
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
                assertThat(s.checkStatus(step(rb, "migrate"), 0)).isEqualTo(Status.FAILED);
                assertThatThrownBy(() -> s.waive(step(rb, "migrate"), 0, "looks fine"))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be waived");
                assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.FAILED);
                assertThatThrownBy(() -> s.skip(step(rb, "migrate"), "later"))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }

    /** "Nobody else is connected", journaled an hour before a resume, proves nothing about the moment of the migration. */
    @Test
    void aStalePreflightActivityCheckRunsAgainBeforeTheMigrationAndStopsIt(@TempDir Path dir) throws Exception {
        String yaml = """
                runbook: Stale pre-flight
                target:
                  environment: development
                phases:
                  - name: Only
                    steps:
                      - id: quiet
                        title: Nobody else connected
                        checks:
                          - activity: { otherSessions: 0 }
                      - id: migrate
                        title: Migrate
                        execute: { file: m.sql }
                """;
        try (SessionFixture f = SessionFixture.open("stale", null, dir)) {
            Runbook rb = f.runbook(yaml, Map.of("m.sql", "CREATE TABLE applied (id int);"));
            Path journal;
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(step(rb, "quiet"), Session.Scope.ALL);
                assertThat(s.checkStatus(step(rb, "quiet"), 0)).isEqualTo(Status.PASSED);
                journal = s.journalFile();
            }
            try (var colleague = dev.runbookpilot.testing.TestPostgres.connect(f.database);
                 Session s = Session.resume(journal, rb, f.db, "ada", RunListener.NONE)) {
                s.recheckActivityAfter(java.time.Duration.ZERO);
                s.runChecks(step(rb, "migrate"), Session.Scope.UNSETTLED);
                assertThat(s.checkStatus(step(rb, "quiet"), 0)).isEqualTo(Status.FAILED);
                assertThat(s.checkStatus(step(rb, "migrate"), 0)).isEqualTo(Status.ERROR);
                assertThat(s.state().result("migrate", 0).orElseThrow().actual())
                        .startsWith("not run: the pre-flight activity checks").contains("Nobody else connected");
                try (var st = colleague.createStatement();
                     var rs = st.executeQuery("SELECT to_regclass('applied') IS NULL")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("the migration did not run").isTrue();
                }
            }
        }
    }

    @Test
    void onlyOptionalStepsAreSkippedAndASkippedStepDoesNotRun(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("verdict", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK, Map.of("m.sql", "CREATE TABLE t (id int);"));
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                assertThatThrownBy(() -> s.skip(step(rb, "counts"), "no time"))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not optional");
                assertThatThrownBy(() -> s.skip(step(rb, "vacuum"), " "))
                        .isInstanceOf(IllegalArgumentException.class);
                s.skip(step(rb, "vacuum"), "not needed tonight");
                s.runChecks(step(rb, "vacuum"), Session.Scope.ALL);
                assertThat(s.state().result("vacuum", 0)).isEmpty();
                SessionState replayed = SessionState.replay(Journal.read(s.journalFile()));
                assertThat(replayed.skip("vacuum")).hasValueSatisfying(k -> {
                    assertThat(k.operator()).isEqualTo("ada");
                    assertThat(k.reason()).isEqualTo("not needed tonight");
                });
            }
        }
    }
}
