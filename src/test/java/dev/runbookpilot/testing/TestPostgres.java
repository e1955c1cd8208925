package dev.runbookpilot.testing;

import dev.runbookpilot.demo.EmbeddedServer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The default test server: embedded PostgreSQL of the client tools' major, so pg_dump, pg_restore and psql can reach
 * it. One per test JVM; each test takes a fresh database of its own.
 */
public final class TestPostgres {
    private static final SharedServer SERVER = new SharedServer("PostgreSQL", EmbeddedServer::start);

    private TestPostgres() {}

    public static EmbeddedServer server() {
        return SERVER.get();
    }

    /** Creates an empty database and returns its name. */
    public static String freshDatabase(String prefix) {
        return SERVER.freshDatabase(prefix);
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

    /**
     * {@code pg_dump --schema-only} of one schema, as text. A missing pg_dump or a failed dump throws: these tests
     * fail without their oracle, they never skip.
     */
    public static String schemaDump(String database, String schema) throws IOException, InterruptedException {
        EmbeddedServer s = server();
        ProcessBuilder pb = new ProcessBuilder(List.of("pg_dump", "--schema-only", "--no-password",
                "--schema=" + schema, "--host=localhost", "--port=" + s.port(), "--username=" + s.user(), database));
        pb.redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new IOException("pg_dump is not installed; install Debian's postgresql-client (15), as .ci/run"
                    + " does", e);
        }
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("pg_dump did not finish within 60 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) throw new IOException("pg_dump failed (exit " + p.exitValue() + "): " + text);
        return text;
    }
}
