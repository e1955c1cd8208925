package dev.runbookpilot.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A real PostgreSQL server (zonky's packaged binaries) on a free loopback port, for the demo and the tests.
 * It needs no installation and lives until {@link #close()}.
 */
public final class EmbeddedServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final EmbeddedPostgres postgres;

    private EmbeddedServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** A throw-away server in a temporary directory. */
    public static EmbeddedServer start() throws IOException {
        return start(null);
    }

    /**
     * A server whose data lives in {@code dataDir} (created on first use, kept afterwards), so a demo session
     * can be resumed after a crash. A server left running by a killed process is stopped first.
     */
    public static EmbeddedServer start(Path dataDir) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (dataDir != null) {
            stopOrphan(dataDir);
            Files.createDirectories(dataDir);
            builder.setDataDirectory(dataDir).setCleanDataDirectory(false);
        }
        EmbeddedPostgres pg = builder
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("shared_buffers", "128MB")
                .setLocaleConfig("locale", "C.UTF-8")
                .setLocaleConfig("encoding", "UTF8")
                .start();
        log.info("embedded PostgreSQL listening on 127.0.0.1:{}", pg.getPort());
        return new EmbeddedServer(pg);
    }

    /**
     * A postmaster whose JVM was killed keeps running and holds the data directory; ask it to stop (SIGINT is
     * PostgreSQL's fast shutdown) and wait for it to go.
     */
    private static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) return;
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
        long pid;
        try {
            pid = Long.parseLong(first);
        } catch (NumberFormatException e) {
            return;
        }
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) return;
        log.info("stopping the embedded PostgreSQL (pid {}) left running on {}", pid, dataDir);
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor();
            handle.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned server", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the orphaned server (pid " + pid + ") on " + dataDir + " did not stop", e);
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
        String sql = Files.readString(script, StandardCharsets.UTF_8);
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
