package dev.runbookpilot.report;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rollback that left a table behind reads as ROLLBACK FAILED in both formats, with the rollback's result and the
 * proof's diff in a Rollback section: a reviewer never sees "rolled back" for a database that is not.
 */
class RollbackReportTest {

    @Test
    void aRollbackThatLeftAChangeBehindIsReportedAsFailedWithTheProofsDiff(@TempDir Path dir) throws Exception {
        try (SessionFixture fx = SessionFixture.open("rollback_report", "CREATE TABLE items (id int);"
                + "INSERT INTO items VALUES (1), (2);", dir)) {
            Runbook rb = fx.runbook("""
                    runbook: Rollback report
                    target: { environment: development }
                    phases:
                      - name: P
                        steps:
                          - id: base
                            title: Baseline
                            checks:
                              - snapshot: { name: before, rowCounts: [items] }
                          - id: migrate
                            title: Add an audit table
                            execute: { file: m.sql, rollback: r.sql }
                    """, Map.of("m.sql", "CREATE TABLE audit (id int);\n", "r.sql", "SELECT 1;\n"));
            Path journal;
            try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
                journal = s.journalFile();
                for (var step : rb.steps().toList()) s.runChecks(step, Session.Scope.ALL);
                s.rollBack("the application failed its smoke test", item -> true);
            }
            Report r = ReportBuilder.build(SessionState.replay(Journal.read(journal)));
            assertThat(r.rollback()).isNotNull();

            String md = MarkdownReport.render(r);
            assertThat(md).contains("**Verdict: ROLLBACK FAILED**").contains("## Rollback")
                    .contains("the application failed its smoke test").contains("Roll back: Add an audit table")
                    .contains("NOT back at the baseline").contains("audit");
            String pdf = PdfReport.xhtml(r, null);
            assertThat(pdf).contains("Verdict: ROLLBACK FAILED").contains("<h2>Rollback</h2>")
                    .contains("Roll back: Add an audit table").contains("audit");
        }
    }
}
