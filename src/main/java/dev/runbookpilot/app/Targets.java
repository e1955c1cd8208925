package dev.runbookpilot.app;

import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.CheckPrivileges;
import dev.runbookpilot.db.ConnectionResolver;
import dev.runbookpilot.db.ConnectionSettings;
import dev.runbookpilot.db.ConnectionSpecException;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.JournalEvent;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Opens targets the one way both the CLI and the wizard use: connection specs resolved like libpq (pgpass,
 * service files, PG* variables), a password asked for only when the server wants one and none was found.
 */
public final class Targets {
    public static final int POOL_SIZE = 8;

    /**
     * Asks the operator for a password. Returns null when they decline; the caller wipes the array after use.
     * Called on the connecting thread, never the UI thread.
     */
    @FunctionalInterface
    public interface PasswordPrompt {
        char[] ask(String target);

        PasswordPrompt NONE = target -> null;
    }

    private final Map<String, String> env;
    private final Path home;

    public Targets(Map<String, String> env, Path home) {
        this.env = env;
        this.home = home;
    }

    public static Targets fromEnvironment() {
        return new Targets(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** A URI, JDBC URL, conninfo string or {@code service=NAME}; null or blank means the PG* variables. */
    public ConnectionSettings resolve(String spec) throws TargetException {
        try {
            return new ConnectionResolver(env, home).resolve(spec);
        } catch (ConnectionSpecException e) {
            throw new TargetException(TargetException.Kind.BAD_SPEC, e.getMessage(), e);
        }
    }

    public Target connect(String spec, PasswordPrompt prompt) throws TargetException {
        return connect(resolve(spec), prompt);
    }

    public Target connect(ConnectionSettings settings, PasswordPrompt prompt) throws TargetException {
        try {
            return open(settings, false, null, null);
        } catch (SQLException e) {
            if (needsPassword(e) && settings.password() == null) {
                char[] pw = prompt.ask(settings.display());
                if (pw != null) {
                    try {
                        return open(settings.withPassword(new String(pw), "prompt"), false, null, null);
                    } catch (SQLException again) {
                        throw cannotConnect(settings, again);
                    } finally {
                        Arrays.fill(pw, '\0');
                    }
                }
            }
            throw cannotConnect(settings, e);
        }
    }

    /**
     * Starts the embedded PostgreSQL in {@code dataDir} with the runbook's demo before-state, copied from the
     * sample's template cluster in {@code demo-templates} beside it (built on the sample's first launch). The server
     * stops when the returned target is closed. The data of earlier demo sessions beside it that have ended is
     * removed meanwhile, on a thread of its own ({@link DemoLeftovers}); their journals are looked for beside it and
     * in {@code sessions} under it.
     */
    public Target startDemo(Runbook runbook, Path dataDir) throws TargetException {
        EmbeddedServer server = null;
        try {
            server = startDemoServer(runbook, dataDir);
            return openDemo(server, DemoDatabase.databaseName(runbook), dataDir);
        } catch (IOException | SQLException e) {
            closeQuietly(server);
            throw new TargetException(TargetException.Kind.CANNOT_CONNECT,
                    "cannot start the demo database: " + e.getMessage(), e);
        } catch (TargetException e) {
            closeQuietly(server);
            throw e;
        }
    }

    /**
     * The demo's server alone, as {@link #startDemo} starts it (with the sweep of earlier demo sessions beside it),
     * for a caller that needs no pool on it.
     */
    public static EmbeddedServer startDemoServer(Runbook runbook, Path dataDir) throws IOException, SQLException {
        Path parent = dataDir.toAbsolutePath().getParent();
        // Reading every journal, stopping servers left by a killed app and deleting old copies took seconds under
        // load before the server could start; the sweep never touches a directory whose app still runs (nor one
        // with an unfinished session), so it runs beside this launch.
        Thread sweep = new Thread(() -> DemoLeftovers.sweep(parent, List.of(parent, parent.resolve("sessions")),
                java.time.Instant.now()), "demo-leftovers");
        sweep.setDaemon(true);
        sweep.start();
        return DemoDatabase.start(runbook, dataDir, parent.resolve("demo-templates"));
    }

    /** Reconnects to where a journaled session ran: restarts its demo server, or dials the recorded address. */
    public Target reopen(JournalEvent.Connection recorded, String databaseName, PasswordPrompt prompt)
            throws TargetException {
        if (!recorded.demo()) return connect(uriOf(recorded), prompt);
        EmbeddedServer server = null;
        Path dataDir = Path.of(recorded.demoDataDir());
        try {
            server = EmbeddedServer.start(dataDir);
            return openDemo(server, databaseName, dataDir);
        } catch (IOException e) {
            closeQuietly(server);
            throw new TargetException(TargetException.Kind.CANNOT_CONNECT,
                    "cannot restart the demo database in " + dataDir + ": " + e.getMessage(), e);
        } catch (TargetException e) {
            closeQuietly(server);
            throw e;
        }
    }

    private Target openDemo(EmbeddedServer server, String database, Path dataDir) throws TargetException {
        ConnectionSettings s = resolve(server.uri(database));
        try {
            return open(s, true, dataDir.toAbsolutePath().toString(), server);
        } catch (SQLException e) {
            throw cannotConnect(s, e);
        }
    }

    private static Target open(ConnectionSettings s, boolean demo, String dataDir, EmbeddedServer server)
            throws SQLException {
        String checkRole = System.getenv(CheckPrivileges.ENVIRONMENT);
        Database db = Database.open(s.jdbcUrl(), s.jdbcProperties(), POOL_SIZE, CheckDefaults.LOCK_TIMEOUT,
                checkRole == null || checkRole.isBlank() ? null : checkRole.strip());
        return new Target(db, new JournalEvent.Connection(s.host(), s.port(), s.database(), s.user(), s.sslmode(),
                demo, dataDir), server);
    }

    private static TargetException cannotConnect(ConnectionSettings s, SQLException e) {
        return new TargetException(TargetException.Kind.CANNOT_CONNECT, "cannot connect to " + s.display() + ": "
                + e.getMessage() + (needsPassword(e) ? " (give a password in ~/.pgpass or PGPASSWORD, or enter one"
                + " when asked)" : ""), e);
    }

    private static boolean needsPassword(SQLException e) {
        String state = e.getSQLState();
        String msg = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return "28P01".equals(state) || msg.contains("password") && msg.contains("not provided")
                || msg.contains("no password");
    }

    /** A libpq URI that reopens a journaled connection (the password comes from pgpass, PG* or a prompt). */
    public static String uriOf(JournalEvent.Connection c) {
        String host = c.host().contains(":") ? "[" + c.host() + "]" : c.host();
        return "postgresql://" + encode(c.user()) + "@" + host + ":" + c.port() + "/" + encode(c.database())
                + (c.sslmode() == null ? "" : "?sslmode=" + c.sslmode());
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void closeQuietly(EmbeddedServer server) {
        if (server == null) return;
        try {
            server.close();
        } catch (IOException ignored) {
            // Already failing; the first error is the one the operator needs.
        }
    }
}
