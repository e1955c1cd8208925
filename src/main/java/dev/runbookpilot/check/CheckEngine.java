package dev.runbookpilot.check;

import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.sql.SqlStatements;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * Evaluates one check and turns whatever happens into a {@link CheckResult}. Exceptions never escape as a
 * pass: a check that could not look is ERROR, with the SQLSTATE when the database gave one.
 * Manual confirmations and sign-offs need a person, so the session handles those, not this engine.
 */
public final class CheckEngine {
    private static final Logger log = LoggerFactory.getLogger(CheckEngine.class);

    /** The result, plus a snapshot's data when the check was a snapshot. */
    public record Evaluation(CheckResult result, Snapshots.Data snapshot) {}

    private CheckEngine() {}

    public static Evaluation evaluate(String stepId, int index, CheckSpec spec, EvalContext ctx) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        CheckOutcome outcome;
        Snapshots.Data snapshot = null;
        String sqlState = null;
        String error = null;
        try {
            if (spec instanceof CheckSpec.Snapshot s) {
                SnapshotChecks.Taken taken = SnapshotChecks.snapshot(s, ctx);
                outcome = taken.outcome();
                snapshot = taken.data();
            } else {
                outcome = dispatch(spec, ctx);
            }
        } catch (SQLException e) {
            sqlState = e.getSQLState();
            error = describe(e, spec, ctx);
            outcome = new CheckOutcome(Status.ERROR, null, null, null, e instanceof LockTimedOut t ? t.detail() : null);
            log.info("check {}#{} ({}) could not be evaluated: {} {}", stepId, index, spec.kind(), sqlState, error);
        } catch (SnapshotChecks.CatalogReadFailure e) {
            sqlState = e.sqlException().getSQLState();
            error = e.sqlException().getMessage();
            outcome = new CheckOutcome(Status.ERROR, null, null, null, null);
        } catch (SqlStatements.MetaCommandException e) {
            error = spec instanceof CheckSpec.Execute x ? x.file().getFileName() + " " + e.getMessage() : e.getMessage();
            outcome = new CheckOutcome(Status.ERROR, null, null, null, null);
        } catch (IOException e) {
            error = "cannot read: " + e.getMessage();
            outcome = new CheckOutcome(Status.ERROR, null, null, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.token().cancel();
            error = "interrupted before it finished";
            outcome = new CheckOutcome(Status.ERROR, null, null, null, null);
        } catch (RuntimeException e) {
            log.error("check {}#{} ({}) failed unexpectedly", stepId, index, spec.kind(), e);
            error = "internal error: " + e;
            outcome = new CheckOutcome(Status.ERROR, null, null, null, null);
        }
        long millis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
        String expected = outcome.expected() != null ? outcome.expected() : spec.describe();
        String sql = outcome.sql() != null ? outcome.sql() : sqlOf(spec);
        String actual = outcome.actual() != null ? outcome.actual() : error;
        CheckResult result = new CheckResult(stepId, index, spec.kind(), spec.label(), outcome.status(), expected,
                actual, sql, millis, sqlState, error, outcome.detail(), start, Instant.now());
        return new Evaluation(result, snapshot);
    }

    private static CheckOutcome dispatch(CheckSpec spec, EvalContext ctx) throws SQLException, IOException,
            InterruptedException, SqlStatements.MetaCommandException {
        if (spec instanceof CheckSpec.Query q) return ReadChecks.query(q, ctx);
        if (spec instanceof CheckSpec.CatalogObjects o) return ReadChecks.objects(o, ctx);
        if (spec instanceof CheckSpec.SchemaDiff d) return ReadChecks.schemaDiff(d, ctx);
        if (spec instanceof CheckSpec.Explain x) return ReadChecks.explain(x, ctx);
        if (spec instanceof CheckSpec.ExplainCompare x) return QueryBaselines.compare(x, ctx);
        if (spec instanceof CheckSpec.Activity a) return ReadChecks.activity(a, ctx);
        if (spec instanceof CheckSpec.RowCounts r) return SnapshotChecks.rowCounts(r, ctx);
        if (spec instanceof CheckSpec.Restored r) return RestoredChecks.evaluate(r, ctx);
        if (spec instanceof CheckSpec.Statement s) return WriteChecks.probe(s, ctx);
        if (spec instanceof CheckSpec.Execute x) return WriteChecks.execute(x, ctx);
        if (spec instanceof CheckSpec.Command c) return CommandChecks.run(c, ctx);
        if (spec instanceof CheckSpec.StatusCommand c) return CommandChecks.status(c, ctx);
        throw new IllegalArgumentException(spec.kind() + " needs a person; the session handles it");
    }

    private static String describe(SQLException e, CheckSpec spec, EvalContext ctx) {
        String state = e.getSQLState();
        String first = WriteChecks.firstLine(e.getMessage());
        if ("57014".equals(state)) {
            return ctx.token().isCancelled() ? ctx.token().reason()
                    : "timed out after " + spec.meta().timeout().toSeconds() + " s (statement_timeout): " + first;
        }
        if ("25006".equals(state)) {
            return "the check tried to write, and checks run read-only: " + first;
        }
        if (e instanceof LockTimedOut) return first;
        if ("55P03".equals(state)) return "could not get a lock in time (lock_timeout): " + first;
        return first;
    }

    private static String sqlOf(CheckSpec spec) {
        if (spec instanceof CheckSpec.Query q) return q.sql();
        if (spec instanceof CheckSpec.Explain x) return x.sql();
        if (spec instanceof CheckSpec.ExplainCompare x) return x.sql();
        if (spec instanceof CheckSpec.Statement s) return s.setup() == null ? s.sql() : s.setup() + ";\n" + s.sql();
        if (spec instanceof CheckSpec.Execute x) return WriteChecks.shownSql(x);
        if (spec instanceof CheckSpec.Program c) return CommandChecks.shown(c);
        return null;
    }
}
