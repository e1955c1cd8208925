package dev.runbookpilot.testing;

import dev.runbookpilot.demo.EmbeddedServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded server per test JVM, started on first use and stopped at exit, on which each test takes a fresh
 * database of its own so tests never see each other's tables.
 */
final class SharedServer {

    interface Starter {
        EmbeddedServer start() throws IOException;
    }

    private final String name;
    private final Starter starter;
    private final AtomicInteger counter = new AtomicInteger();
    private EmbeddedServer server;

    /** @param name how the server is named in errors and in its stopping thread, e.g. "PostgreSQL 17" */
    SharedServer(String name, Starter starter) {
        this.name = name;
        this.starter = starter;
    }

    synchronized EmbeddedServer get() {
        if (server == null) {
            try {
                server = starter.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded " + name, e);
            }
            EmbeddedServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }, "embedded-" + name.replace(' ', '-').toLowerCase() + "-stop"));
        }
        return server;
    }

    /** Creates an empty database and returns its name. */
    String freshDatabase(String prefix) {
        String db = (prefix + "_" + counter.incrementAndGet()).toLowerCase().replaceAll("[^a-z0-9_]", "_");
        try {
            get().recreateDatabase(db);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + db, e);
        }
        return db;
    }
}
