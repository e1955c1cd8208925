package dev.runbookpilot.testing;

import dev.runbookpilot.demo.EmbeddedServer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A second embedded server, of the newest major (17), beside the default one of the client tools' major: for
 * catalog reads across versions and for a pg_dump older than its server. Only one version of zonky's binaries can
 * be on the class path, so Maven copies the 17 jar into target/ and its archive is read from there.
 */
public final class Postgres17 {
    private static final SharedServer SERVER = new SharedServer("PostgreSQL 17",
            () -> EmbeddedServer.start(Postgres17::binaries));

    private Postgres17() {}

    public static EmbeddedServer server() {
        return SERVER.get();
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
        return SERVER.freshDatabase(prefix);
    }
}
