package dev.runbookpilot.testing;

import dev.runbookpilot.demo.EmbeddedServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A second embedded server, of PostgreSQL 15, for the tests that use pg_dump as their oracle: pg_dump refuses a
 * server of a newer major than its own, and the client Debian 12 installs is 15. Only one version of zonky's
 * binaries can be on the class path, so Maven copies the 15 jar into target/ and its archive is read from there.
 */
public final class Postgres15 {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedServer server;

    private Postgres15() {}

    public static synchronized EmbeddedServer server() {
        if (server == null) {
            try {
                server = EmbeddedServer.start(Postgres15::binaries);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL 15", e);
            }
            EmbeddedServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }, "embedded-postgres15-stop"));
        }
        return server;
    }

    /** zonky asks for "postgres-{system}-{hardware}.txz"; the copied jar holds the Linux x86-64 one. */
    private static InputStream binaries(String system, String hardware) throws IOException {
        String jar = System.getProperty("runbookpilot.postgres15Binaries");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IOException("the PostgreSQL 15 binaries are missing (" + jar + "); run the tests through Maven,"
                    + " which copies them in generate-test-resources");
        }
        String entryName = ("postgres-" + system + "-" + hardware + ".txz").toLowerCase(java.util.Locale.ROOT);
        try (ZipFile zip = new ZipFile(jar)) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IOException(jar + " has no " + entryName + ": the pg_dump tests run on Linux x86-64");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
        }
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
