package dev.runbookpilot.session;

import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * A fresh database on the embedded server, a folder for a runbook and its SQL files, and a session directory:
 * what a session test needs to drive the real engine. Also used by the report tests.
 */
public final class SessionFixture implements AutoCloseable {
    public final String database;
    public final Database db;
    public final Path dir;
    public final Path sessionDir;

    private SessionFixture(String database, Database db, Path dir) {
        this.database = database;
        this.db = db;
        this.dir = dir;
        this.sessionDir = dir.resolve("sessions");
    }

    /** @param properties extra pgjdbc properties (e.g. a password), on top of user=postgres */
    public static SessionFixture open(String prefix, String setupSql, Path dir, Properties properties)
            throws SQLException {
        String database = TestPostgres.freshDatabase(prefix);
        if (setupSql != null) TestPostgres.exec(database, setupSql);
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.putAll(properties);
        return new SessionFixture(database, Database.open(TestPostgres.jdbcUrl(database), props, 4,
                CheckDefaults.LOCK_TIMEOUT), dir);
    }

    public static SessionFixture open(String prefix, String setupSql, Path dir) throws SQLException {
        return open(prefix, setupSql, dir, new Properties());
    }

    /** Writes {@code runbook.yaml} and the given side files (name -> text) into the folder and loads it. */
    public Runbook runbook(String yaml, Map<String, String> files) throws Exception {
        for (Map.Entry<String, String> f : files.entrySet()) {
            Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return RunbookLoader.load(file);
    }

    public Runbook runbook(String yaml) throws Exception {
        return runbook(yaml, Map.of());
    }

    public JournalEvent.Connection connection() {
        return new JournalEvent.Connection("localhost", TestPostgres.server().port(), database, "postgres",
                "disable", false, null);
    }

    public Session start(Runbook runbook, String operator, RunListener listener) throws Exception {
        return Session.start(runbook, db, connection(), operator, sessionDir, listener);
    }

    public static Step step(Runbook runbook, String id) {
        return runbook.step(id).orElseThrow(() -> new IllegalArgumentException("no step " + id));
    }

    public void exec(String sql) throws SQLException {
        TestPostgres.exec(database, sql);
    }

    @Override
    public void close() {
        db.close();
    }
}
