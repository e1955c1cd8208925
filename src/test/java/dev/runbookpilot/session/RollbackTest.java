package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The way back, from the attacker's side: rollbacks run in reverse order, each approved, never twice; the proof
 * compares to the state before the migration and says FAILED (with the diff) when something was left behind; no
 * baseline is ERROR, never PASSED; past a point of no return nothing is offered but the backup.
 */
class RollbackTest {
    private static final String SETUP = "CREATE TABLE items (id int PRIMARY KEY, qty int NOT NULL);"
            + "INSERT INTO items SELECT g, g % 7 FROM generate_series(1, 200) g;";

    private static final String RUNBOOK = """
            runbook: Rollback drill
            target: { environment: development }
            phases:
              - name: Before
                steps:
                  - id: baseline
                    title: Baseline
                    checks:
                      - snapshot: { name: before, rowCounts: [items] }
              - name: Execute
                steps:
                  - id: add-column
                    title: Add a note column
                    %s
                    execute: { file: add.sql, rollback: %s }
                  - id: backfill
                    title: Add rows without a transaction
                    execute: { file: backfill.sql, transaction: false, rollback: { file: unfill.sql, transaction: false } }
              - name: Verify
                steps:
                  - id: after
                    title: After
                    checks:
                      - query: { sql: "SELECT count(*) FROM items", expect: "= 202" }
            """;

    private static final Map<String, String> FILES = Map.of(
            "add.sql", "ALTER TABLE items ADD COLUMN note text;\nCREATE TABLE audit (id int);\n",
            "drop.sql", "ALTER TABLE items DROP COLUMN note;\nDROP TABLE audit;\n",
            "drop-half.sql", "ALTER TABLE items DROP COLUMN note;\n",
            "backfill.sql", "INSERT INTO items VALUES (201, 1);\nINSERT INTO items VALUES (202, 1);\nSELECT 1/0;\n",
            "unfill.sql", "DELETE FROM items WHERE id > 200;\n");

    @TempDir
    Path dir;
    private SessionFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    private Runbook runbook(String rollback, String extra) throws Exception {
        return fx.runbook(RUNBOOK.formatted(extra, rollback), FILES);
    }

    /** Runs the runbook up to the failing migration: add-column applies, backfill commits two rows then errs. */
    private static void applyAndFail(Session s, Runbook rb) throws Exception {
        s.runChecks(step(rb, "baseline"), Session.Scope.ALL);
        s.runChecks(step(rb, "add-column"), Session.Scope.ALL);
        assertThat(s.checkStatus(step(rb, "add-column"), 0)).isEqualTo(Status.PASSED);
        s.runChecks(step(rb, "backfill"), Session.Scope.ALL);
        assertThat(s.checkStatus(step(rb, "backfill"), 0)).isEqualTo(Status.ERROR);
    }

    private long count(String sql) throws Exception {
        try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> rollbacksBegun(Session s) {
        return s.state().events().stream().filter(e -> e instanceof JournalEvent.MigrationBegan m
                        && Rollbacks.isRollback(m.stepId()))
                .map(e -> ((JournalEvent.MigrationBegan) e).stepId()).toList();
    }

    @Test
    void aRollbackAfterAFailedMigrationUndoesBothWritersInReverseOrderAndProvesTheBaseline() throws Exception {
        fx = SessionFixture.open("rollback_ok", SETUP, dir);
        Runbook rb = runbook("drop.sql", "");
        Path journal;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            journal = s.journalFile();
            applyAndFail(s, rb);
            Rollbacks.Plan plan = s.rollbackPlan();
            assertThat(plan.offered()).isTrue();
            assertThat(plan.applied()).extracting(i -> i.forward().id()).as("the last applied first")
                    .containsExactly("backfill", "add-column");
            assertThat(plan.applied().get(0).applied()).contains("without a transaction");
            assertThat(plan.baseline().name()).isEqualTo("before");

            List<String> approved = new ArrayList<>();
            Session.RollbackRun run = s.rollBack("backfill failed", item -> approved.add(item.forward().id()));
            assertThat(approved).containsExactly("backfill", "add-column");
            assertThat(run.proved()).as(run.statement()).isTrue();
            assertThat(rollbacksBegun(s)).containsExactly(Rollbacks.stepId("backfill", 0),
                    Rollbacks.stepId("add-column", 0));
            assertThat(count("SELECT count(*) FROM items")).isEqualTo(200);
            assertThat(count("SELECT count(*) FROM pg_attribute WHERE attrelid = 'items'::regclass"
                    + " AND attname = 'note' AND NOT attisdropped")).isZero();

            Outcome.Summary o = s.outcome();
            assertThat(o.verdict()).isEqualTo(Outcome.Verdict.ROLLED_BACK);
            assertThat(o.rollback().proof().status()).isEqualTo(Status.PASSED);

            // Again (a second click, a resume --yes): nothing runs twice, and the forward migration stays undone.
            s.rollBack("again", item -> true);
            s.runChecks(step(rb, "backfill"), Session.Scope.ALL);
            s.runChecks(step(rb, "add-column"), Session.Scope.ALL);
            assertThat(rollbacksBegun(s)).hasSize(2);
            assertThat(s.state().events().stream().filter(e -> e instanceof JournalEvent.MigrationBegan m
                    && !Rollbacks.isRollback(m.stepId())).count()).as("no forward migration after the rollback")
                    .isEqualTo(2);
            assertThat(count("SELECT count(*) FROM items")).isEqualTo(200);
        }
        // The journal alone tells the same story.
        assertThat(Outcome.of(SessionState.replay(Journal.read(journal))).verdict())
                .isEqualTo(Outcome.Verdict.ROLLED_BACK);
    }

    @Test
    void aRollbackThatLeavesAChangeBehindIsFailedWithTheDiffNotRolledBack() throws Exception {
        fx = SessionFixture.open("rollback_half", SETUP, dir);
        Runbook rb = runbook("drop-half.sql", "");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            applyAndFail(s, rb);
            Session.RollbackRun run = s.rollBack("backfill failed", item -> true);
            assertThat(run.proved()).isFalse();
            assertThat(run.statement()).contains("NOT back at the baseline");
            CheckResult proof = s.state().result(Rollbacks.PROOF_STEP, 0).orElseThrow();
            assertThat(proof.status()).isEqualTo(Status.FAILED);
            assertThat(proof.actual()).contains("audit");
            assertThat(proof.detail()).as("the diff is kept as evidence").isNotNull();
            assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.ROLLBACK_FAILED);
            assertThat(s.outcome().rollback().statement()).contains("NOT back at the baseline");
        }
    }

    @Test
    void withoutASnapshotBeforeTheFirstWriterTheProofIsAnErrorNeverPassed() throws Exception {
        fx = SessionFixture.open("rollback_nobase", SETUP, dir);
        Runbook rb = runbook("drop.sql", "");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            // The snapshot is taken only after the migration: it records the changed database, not the baseline.
            s.runChecks(step(rb, "add-column"), Session.Scope.ALL);
            s.runChecks(step(rb, "baseline"), Session.Scope.ALL);
            Rollbacks.Plan plan = s.rollbackPlan();
            assertThat(plan.baseline()).isNull();
            assertThat(plan.baselineProblem()).contains("no snapshot was taken before");
            Session.RollbackRun run = s.rollBack("drill", item -> true);
            assertThat(run.proved()).isFalse();
            CheckResult proof = s.state().result(Rollbacks.PROOF_STEP, 0).orElseThrow();
            assertThat(proof.status()).isEqualTo(Status.ERROR);
            assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.ROLLBACK_FAILED);
        }
    }

    @Test
    void aWriterWithoutARollbackStopsThePlanAndNothingPastItRuns() throws Exception {
        fx = SessionFixture.open("rollback_stop", SETUP, dir);
        Runbook rb = fx.runbook(RUNBOOK.formatted("", "drop.sql").replace(
                ", rollback: { file: unfill.sql, transaction: false }", ""), FILES);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            applyAndFail(s, rb);
            Rollbacks.Plan plan = s.rollbackPlan();
            assertThat(plan.runnable()).isEmpty();
            assertThat(plan.stop()).contains("'Add rows without a transaction' has no rollback declared")
                    .contains("backup");
            Session.RollbackRun run = s.rollBack("backfill failed", item -> true);
            assertThat(run.proved()).isFalse();
            assertThat(rollbacksBegun(s)).as("the column's rollback does not run over rows left behind").isEmpty();
            assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.ROLLBACK_INCOMPLETE);
            assertThat(s.outcome().rollback().statement()).contains("has no rollback declared");
        }
    }

    @Test
    void aRollbackNotApprovedDoesNotRunAndLaterOnesWait() throws Exception {
        fx = SessionFixture.open("rollback_refused", SETUP, dir);
        Runbook rb = runbook("drop.sql", "");
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            applyAndFail(s, rb);
            Session.RollbackRun run = s.rollBack("backfill failed",
                    item -> !item.forward().id().equals("add-column"));
            assertThat(run.proved()).isFalse();
            assertThat(run.statement()).contains("was not approved");
            assertThat(rollbacksBegun(s)).containsExactly(Rollbacks.stepId("backfill", 0));
            assertThat(s.outcome().verdict()).isEqualTo(Outcome.Verdict.ROLLBACK_INCOMPLETE);
            assertThat(count("SELECT count(*) FROM pg_class WHERE relname = 'audit'")).isEqualTo(1);
        }
    }

    @Test
    void pastAPointOfNoReturnNoRollbackIsOffered() throws Exception {
        fx = SessionFixture.open("rollback_ponr", SETUP, dir);
        Runbook rb = runbook("drop.sql", "pointOfNoReturn: true");
        Step add = step(rb, "add-column");
        assertThat(add.pointOfNoReturn()).isTrue();
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            applyAndFail(s, rb);
            Rollbacks.Plan plan = s.rollbackPlan();
            assertThat(plan.offered()).isFalse();
            assertThat(plan.refusal()).contains("point of no return").contains("restoring the backup");
            assertThatThrownBy(() -> s.rollBack("try anyway", item -> true))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("restoring the backup");
            assertThat(rollbacksBegun(s)).isEmpty();
            assertThat(s.state().rollback()).isEmpty();
        }
    }
}
