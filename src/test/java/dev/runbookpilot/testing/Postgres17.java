package dev.runbookpilot.testing;

import dev.runbookpilot.demo.EmbeddedServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A second embedded server, of the newest major (17), beside the default one of the client tools' major: for
 * catalog reads across versions and for a pg_dump older than its server. Only one version of zonky's binaries can
 * be on the class path, so Maven copies the 17 jar into target/ and its archive is read from there.
 */
public final class Postgres17 {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private static EmbeddedServer server;

    private Postgres17() {}

    public static synchronized EmbeddedServer server() {
        if (server == null) {
            try {
                server = EmbeddedServer.start(Postgres17::binaries);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded PostgreSQL 17", e);
            }
            EmbeddedServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }, "embedded-postgres17-stop"));
        }
        return server;
    }

    /** zonky asks for "postgres-{system}-{hardware}.txz"; the copied jar holds the Linux x86-64 one. */
    private static InputStream binaries(String system, String hardware) throws IOException {
        String jar = System.getProperty("runbookpilot.postgres17Binaries");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IOException("the PostgreSQL 17 binaries are missing (" + jar + "); run the tests through Maven,"
                    + " which copies them in generate-test-resources");
        }
        String entryName = ("postgres-" + system + "-" + hardware + ".txz").toLowerCase(java.util.Locale.ROOT);
        try (ZipFile zip = new ZipFile(jar)) {
            ZipEntry entry = zip.getEntry(entryName);
            if (entry == null) {
                throw new IOException(jar + " has no " + entryName + ": the tests of the newest major run on Linux x86-64");
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
}
