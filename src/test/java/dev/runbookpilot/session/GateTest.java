package dev.runbookpilot.session;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Go/no-go gates: the next phase opens only on GO from every role; one NO-GO ends the window as ABORTED. */
class GateTest {
    private static final String RUNBOOK = """
            runbook: Gates
            target: { environment: development }
            phases:
              - name: Prepare
                steps:
                  - id: ready
                    title: Ready
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
                  - id: go
                    title: Go for production?
                    gate: { roles: [DBA, Backend lead], question: "Go for production?" }
              - name: Production
                steps:
                  - id: migrate
                    title: Migrate
                    execute: { file: m.sql, transaction: true }
            """;

    @Test
    void theNextPhaseOpensOnlyWhenEveryRoleSaidGoAndTheAnswersSurviveACrash(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("gate", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK, java.util.Map.of("m.sql", "CREATE TABLE applied (id int);"));
            Step go = step(rb, "go");
            Step migrate = step(rb, "migrate");
            Path journal;
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                journal = s.journalFile();
                s.runChecks(step(rb, "ready"), Session.Scope.ALL);
                assertThatThrownBy(() -> s.runChecks(migrate, Session.Scope.ALL))
                        .hasMessageContaining("waits for GO from DBA, Backend lead");
                assertThat(Gates.closedSteps(rb, s.state())).as("what the wizard's outline shows closed")
                        .containsExactly(java.util.Map.entry("migrate",
                                "closed until 'Go for production?' is answered GO by DBA, Backend lead"));
                s.answerGate(go, "DBA", "Ada Lovelace", true, null);
                assertThatThrownBy(() -> s.answerGate(go, "DBA", "Mallory", false, "changed my mind"))
                        .as("each role answers once").hasMessageContaining("already answered GO");
                assertThatThrownBy(() -> s.answerGate(go, "Auditor", "Eve", true, null))
                        .hasMessageContaining("not a role of this gate");
                assertThat(s.checkStatus(go, 0)).isEqualTo(Status.PENDING);
                assertThatThrownBy(() -> s.runChecks(migrate, Session.Scope.ALL))
                        .hasMessageContaining("waits for GO from Backend lead");
                // The process dies here: the answer given is in the journal.
            }
            try (var c = dev.runbookpilot.testing.TestPostgres.connect(f.database); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT to_regclass('applied') IS NULL")) {
                rs.next();
                assertThat(rs.getBoolean(1)).as("nothing of the closed phase ran").isTrue();
            }
            try (Session s = Session.resume(journal, rb, f.db, "bob", RunListener.NONE)) {
                assertThat(s.state().signatures("go")).containsOnlyKeys("DBA");
                assertThat(s.closedBy(migrate)).isPresent();
                s.answerGate(go, "Backend lead", "Grace Hopper", true, null);
                assertThat(s.checkStatus(go, 0)).isEqualTo(Status.CONFIRMED);
                assertThat(s.closedBy(migrate)).isEmpty();
                assertThat(Gates.closedSteps(rb, s.state())).isEmpty();
                s.runChecks(migrate, Session.Scope.ALL);
                assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
                assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.PASSED);
            }
        }
    }

    @Test
    void oneNoGoEndsTheWindowAbortedWithWhoAndWhyAndNothingAfterItRuns(@TempDir Path dir) throws Exception {
        try (SessionFixture f = SessionFixture.open("gate", null, dir)) {
            Runbook rb = f.runbook(RUNBOOK, java.util.Map.of("m.sql", "CREATE TABLE applied (id int);"));
            Step go = step(rb, "go");
            try (Session s = f.start(rb, "ada", RunListener.NONE)) {
                s.runChecks(step(rb, "ready"), Session.Scope.ALL);
                s.answerGate(go, "DBA", "Ada Lovelace", true, null);
                assertThatThrownBy(() -> s.answerGate(go, "Backend lead", "Grace Hopper", false, " "))
                        .hasMessageContaining("a NO-GO needs its reason");
                s.answerGate(go, "Backend lead", "Grace Hopper", false, "error rate on checkout is 4 %");

                assertThat(s.checkStatus(go, 0)).isEqualTo(Status.FAILED);
                assertThat(Session.isWaivable(go, 0)).isFalse();
                assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.ABORTED);
                assertThat(s.state().ended()).as("the NO-GO ended the window").isPresent();
                assertThatThrownBy(() -> s.runChecks(step(rb, "migrate"), Session.Scope.ALL))
                        .hasMessageContaining("ABORTED").hasMessageContaining("error rate on checkout is 4 %");
                assertThat(Gates.closedSteps(rb, s.state())).containsExactly(java.util.Map.entry("migrate",
                        "closed: the window was ABORTED — Backend lead (Grace Hopper) answered NO-GO at 'Go for"
                                + " production?': error rate on checkout is 4 %"));
                assertThatThrownBy(() -> s.waive(go, 0, "ship it anyway"))
                        .as("a NO-GO is not waived away").hasMessageContaining("cannot be waived");
                assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.ABORTED);

                String md = MarkdownReport.render(ReportBuilder.build(s.state()));
                assertThat(md).contains("**Verdict: ABORTED**").contains("Grace Hopper")
                        .contains("error rate on checkout is 4 %");
            }
        }
    }
}
