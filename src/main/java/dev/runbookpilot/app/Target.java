package dev.runbookpilot.app;

import dev.runbookpilot.db.Database;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.session.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;

/**
 * A connected migration target and how the journal records it. Closing it closes the pools and, for the
 * embedded demo, stops the server it started.
 */
public final class Target implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Target.class);

    private final Database db;
    private final JournalEvent.Connection record;
    private final EmbeddedServer server;

    Target(Database db, JournalEvent.Connection record, EmbeddedServer server) {
        this.db = db;
        this.record = record;
        this.server = server;
    }

    public Database db() {
        return db;
    }

    public JournalEvent.Connection record() {
        return record;
    }

    public boolean isDemo() {
        return server != null;
    }

    @Override
    public void close() {
        db.close();
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                log.warn("the embedded demo server did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
