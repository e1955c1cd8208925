package dev.runbookpilot.demo;

import dev.runbookpilot.runbook.Runbook;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;

/**
 * A sample runbook's demo target: the embedded server with a fresh database built from the sample's
 * {@code demo/setup.sql}, named as the runbook's target so its database guard passes.
 */
public final class DemoDatabase {

    private DemoDatabase() {}

    public static Path setupScript(Runbook runbook) {
        return runbook.baseDir().resolve("demo").resolve("setup.sql");
    }

    public static String databaseName(Runbook runbook) {
        if (runbook.target().database() != null) return runbook.target().database();
        String dir = runbook.baseDir().getFileName().toString().toLowerCase(Locale.ROOT);
        String name = dir.replaceAll("[^a-z0-9_]+", "_").replaceAll("^([0-9])", "_$1");
        return name.isEmpty() ? "demo" : name;
    }

    /** Recreates the runbook's demo database on {@code server} and loads the before-state. */
    public static String prepare(EmbeddedServer server, Runbook runbook) throws IOException, SQLException {
        Path setup = setupScript(runbook);
        if (!Files.isRegularFile(setup)) {
            throw new IOException("this runbook has no demo: " + setup + " does not exist");
        }
        String db = databaseName(runbook);
        server.recreateDatabase(db);
        server.runScript(db, setup);
        return db;
    }
}
