package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A real database plus what the engine needs to evaluate single checks against it. */
final class EngineHarness implements AutoCloseable {
    final String database;
    final Database db;
    final ExecutorService workers = Executors.newFixedThreadPool(4);
    final Map<String, Snapshots.Data> snapshots = new HashMap<>();

    EngineHarness(String prefix, String setupSql) throws SQLException {
        database = TestPostgres.freshDatabase(prefix);
        if (setupSql != null) TestPostgres.exec(database, setupSql);
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        db = Database.open(TestPostgres.jdbcUrl(database), props, 8, CheckDefaults.LOCK_TIMEOUT);
    }

    EvalContext context(CancelToken token) {
        Snapshots store = name -> Optional.ofNullable(snapshots.get(name));
        return new EvalContext(db, "public", store, workers, 4, token, EvalContext.ExecuteListener.NONE,
                "engine tests @ " + database);
    }

    CheckResult run(CheckSpec spec) {
        return run(spec, new CancelToken());
    }

    CheckResult run(CheckSpec spec, CancelToken token) {
        CheckEngine.Evaluation ev = CheckEngine.evaluate("step", 0, spec, context(token));
        if (ev.snapshot() != null) snapshots.put(ev.snapshot().name(), ev.snapshot());
        return ev.result();
    }

    static CheckSpec.Meta meta() {
        return new CheckSpec.Meta(null, null, null);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        db.close();
    }
}
