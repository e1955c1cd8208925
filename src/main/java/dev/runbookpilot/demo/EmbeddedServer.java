package dev.runbookpilot.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server (zonky's packaged binaries) on a free loopback port, for the demo and the tests.
 * It needs no installation and lives until {@link #close()}.
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final EmbeddedPostgres postgres;
    /** The data directory given to {@link #start(Path)}, absolute; null for a temporary one. */
    private final Path dataDir;

    private EmbeddedServer(EmbeddedPostgres postgres, Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
    }

    /** A throw-away server in a temporary directory. */
    public static EmbeddedServer start() throws IOException {
        return start((Path) null);
    }

    /**
     * A server whose data lives in {@code dataDir} (created on first use, kept afterwards), so a demo session
     * can be resumed after a crash. A server left running by a killed process is stopped first; a directory whose
     * recorded owner is another live process is refused. This JVM is recorded as the owner ({@link DataDirOwner}),
     * and the server is stopped when this JVM is asked to exit, even while it starts ({@link ExitGuard}).
     */
    public static EmbeddedServer start(Path dataDir) throws IOException {
        return start(dataDir, null, java.util.Map.of());
    }

    /** As {@link #start(Path)}, with these settings added for this run of the server only (not written to its files). */
    static EmbeddedServer start(Path dataDir, java.util.Map<String, String> settings) throws IOException {
        return start(dataDir, null, settings);
    }

    /**
     * A throw-away server run from the given binaries instead of the ones on the class path (the tests use it to
     * start the PostgreSQL major that the installed pg_dump can read).
     */
    public static EmbeddedServer start(PgBinaryResolver binaries) throws IOException {
        return start(null, binaries, java.util.Map.of());
    }

    private static EmbeddedServer start(Path dataDir, PgBinaryResolver binaries, java.util.Map<String, String> settings)
            throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (binaries != null) builder.setPgBinaryResolver(binaries);
        Path dir = dataDir == null ? null : dataDir.toAbsolutePath().normalize();
        boolean fresh = false;
        if (dir != null) {
            Files.createDirectories(dir);
            var owner = DataDirOwner.of(dir);
            if (owner.isPresent() && !owner.get().isCurrent() && owner.get().alive()) {
                throw new IOException(dir + " is in use by another running Runbook Pilot (process "
                        + owner.get().pid() + ")");
            }
            // A server left running by a killed process holds the directory: stop it first. A copy this JVM just
            // made has had no server yet, and looking through every process's command line is not free.
            boolean justCopied = owner.isPresent() && owner.get().isCurrent()
                    && !Files.exists(dir.resolve("postmaster.pid"));
            // Stopped only while the owner is still the one judged here: another copy resuming the same session
            // meanwhile claims the directory, and its new server is not an orphan.
            if (!justCopied) ServerProcesses.stop(dir, owner);
            // initdb refuses a directory with any file in it, so a new cluster is claimed once it runs (a template
            // build's scratch directory carries its owner in its name meanwhile).
            fresh = !Files.exists(dir.resolve("postgresql.conf"));
            if (!fresh) DataDirOwner.claim(dir);
            // Absolute, so that the server's command line names the directory the way ServerProcesses looks for it.
            builder.setDataDirectory(dir).setCleanDataDirectory(false);
        }
        settings.forEach(builder::setServerConfig);
        builder.setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("shared_buffers", "128MB")
                // Lets a demo (and the tests) show that a check cannot leave a prepared transaction behind: with the
                // default of 0 PREPARE TRANSACTION could not succeed even if a check reached it.
                .setServerConfig("max_prepared_transactions", "10")
                .setLocaleConfig("locale", "C.UTF-8")
                .setLocaleConfig("encoding", "UTF8");
        EmbeddedPostgres pg;
        if (dir == null) {
            pg = builder.start();
        } else {
            boolean outer = ExitGuard.starting(dir);
            try {
                pg = builder.start();
            } catch (IOException | RuntimeException failed) {
                // zonky may give up waiting on a postmaster that then comes up after all; nobody would stop it.
                try {
                    ServerProcesses.stop(dir);
                } catch (IOException alsoFailed) {
                    failed.addSuppressed(alsoFailed);
                }
                ExitGuard.closed(dir);
                throw failed;
            } finally {
                ExitGuard.started(outer);
            }
            if (fresh) DataDirOwner.claim(dir);
        }
        log.info("embedded PostgreSQL listening on 127.0.0.1:{}", pg.getPort());
        return new EmbeddedServer(pg, dir);
    }

    /**
     * Stops any server on {@code dataDir} (its JVM was killed) and deletes the directory: a throw-away server, such
     * as a backup's scratch server, leaves nothing behind after a crash.
     */
    public static void discard(Path dataDir) throws IOException {
        if (!Files.exists(dataDir)) return;
        ServerProcesses.stop(dataDir);
        deleteTree(dataDir);
    }

    /**
     * As {@link #discard(Path)} for a directory judged abandoned by its owner record {@code owner} (empty: none): if
     * that record changes meanwhile (another copy of the app claimed the directory) nothing more is stopped and the
     * directory is kept.
     *
     * @throws IOException also when the owner record changed
     */
    public static void discard(Path dataDir, Optional<DataDirOwner> owner) throws IOException {
        if (!Files.exists(dataDir, LinkOption.NOFOLLOW_LINKS)) return;
        ServerProcesses.stop(dataDir, owner);
        deleteTree(dataDir);
    }

    /**
     * Stops the server processes on {@code dataDir}, found by their command lines (a postmaster that has not yet
     * written its pid file included); never a process on another directory. The directory's owner record is read
     * again before every round: once it is no longer {@code owner} (another copy claimed the directory) nothing
     * more is signalled.
     *
     * @return true if something was running there
     * @throws IOException also when the owner record changed
     */
    public static boolean stopServersOn(Path dataDir, Optional<DataDirOwner> owner) throws IOException {
        return ServerProcesses.stop(dataDir, owner);
    }

    /**
     * The directory goes when this JVM exits, after its server stops, even on Ctrl-C while the server starts; for a
     * server whose data nobody will come back to.
     */
    public static void discardOnExit(Path dataDir) {
        ExitGuard.discardOnExit(dataDir.toAbsolutePath().normalize());
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String user() {
        return "postgres";
    }

    /** JDBC URL of a database on this server, as the superuser (the embedded server trusts loopback). */
    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl(user(), database);
    }

    /** The same database as a libpq URI, for psql. */
    public String uri(String database) {
        return "postgresql://" + user() + "@localhost:" + port() + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    /** Drops the database if it exists and creates it empty. */
    public void recreateDatabase(String name) throws SQLException {
        if (!DB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + name + " TEMPLATE template0 ENCODING 'UTF8'");
        }
    }

    /** Runs a SQL script (many statements) against a database, as one simple-protocol batch. */
    public void runScript(String database, Path script) throws SQLException, IOException {
        execute(database, Files.readString(script, StandardCharsets.UTF_8));
    }

    /**
     * Runs SQL text (several statements allowed) as the superuser on its own connection, and returns only once
     * that connection's server process has gone. Closing a JDBC connection does not wait for the backend to exit,
     * so without this a check for "nobody else is connected" run right after the demo set-up could see the
     * set-up's own session, idle, in {@code pg_stat_activity}.
     */
    public void execute(String database, String sql) throws SQLException {
        int pid;
        // Named as this process's own, so that "nobody else is connected" never counts the demo's set-up session.
        java.util.Properties named = new java.util.Properties();
        named.setProperty("ApplicationName", dev.runbookpilot.db.Database.applicationName("demo set-up"));
        try (Connection c = DriverManager.getConnection(jdbcUrl(database), named); Statement s = c.createStatement()) {
            try (var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            s.execute(sql);
        }
        awaitBackendExit(pid);
    }

    private void awaitBackendExit(int pid) throws SQLException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        try (Connection c = connect("postgres");
             var gone = c.prepareStatement("SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = ?)")) {
            gone.setInt(1, pid);
            while (System.nanoTime() < deadline) {
                try (var rs = gone.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) return;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        log.warn("the server process {} was still listed 10 s after its connection closed", pid);
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        if (dataDir != null) ExitGuard.closed(dataDir);
    }
}
