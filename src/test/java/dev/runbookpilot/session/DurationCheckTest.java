package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/** expectDuration: a slow migration stays applied, and only its separate duration check fails. */
class DurationCheckTest {
    private static String runbook(String expect) {
        return """
                runbook: Durations
                target: { environment: development }
                phases:
                  - name: Only
                    steps:
                      - id: migrate
                        title: Migrate
                        expectDuration: "%s"
                        execute: { file: m.sql, transaction: true }
                """.formatted(expect);
    }

    @Test
    void aSlowMigrationStaysAppliedAndItsDurationCheckFailsUntilWaived(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("duration", null, dir)) {
            Runbook rb = f.runbook(runbook("< 100ms"), Map.of("m.sql",
                    "CREATE TABLE slow (id int); SELECT pg_sleep(0.3);"));
            Step migrate = step(rb, "migrate");
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(migrate, Session.Scope.ALL);
                assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
                assertThat(s.applied(migrate, 0)).as("the migration stays applied").isPresent();
                CheckResult d = s.state().result("migrate", 1).orElseThrow();
                assertThat(d.status()).isEqualTo(Status.FAILED);
                assertThat(d.actual()).contains("slower than planned (< 100 ms)").contains("stays applied");
                assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.FAILED);

                // Running the step again never runs the migration again, and the slow run is still slow.
                s.runChecks(migrate, Session.Scope.UNSETTLED);
                assertThat(s.state().events().stream().filter(e -> e instanceof JournalEvent.CheckStarted cs
                        && cs.index() == 0)).hasSize(1);
                assertThat(s.checkStatus(migrate, 1)).isEqualTo(Status.FAILED);

                assertThat(Session.isWaivable(migrate, 1)).isTrue();
                s.waive(migrate, 1, "the table was bigger than on staging; accepted by the DBA");
                assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.PASSED_WITH_WAIVERS);
                assertThat(MarkdownReport.render(ReportBuilder.build(s.state())))
                        .contains("slower than planned").contains("accepted by the DBA");
            }
        }
    }

    @Test
    void aMigrationWithinItsPlanPassesItsDurationCheck(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("duration", null, dir)) {
            Runbook rb = f.runbook(runbook("<= 30s"), Map.of("m.sql", "CREATE TABLE quick (id int);"));
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
                assertThat(s.state().result("migrate", 1).orElseThrow().actual()).startsWith("ran in ");
                assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.PASSED);
            }
        }
    }

    @Test
    void aMigrationThatFailedCannotBeTimedAndItsDurationCheckIsAnErrorNotAPass(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("duration", null, dir)) {
            Runbook rb = f.runbook(runbook("< 30s"), Map.of("m.sql", "SELECT * FROM no_such_table;"));
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
                CheckResult d = s.state().result("migrate", 1).orElseThrow();
                assertThat(d.status()).isEqualTo(Status.ERROR);
                assertThat(d.actual()).contains("no completed run");
            }
        }
    }
}
