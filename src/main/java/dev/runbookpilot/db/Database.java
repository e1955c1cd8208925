package dev.runbookpilot.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postgresql.PGConnection;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.PreferQueryMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Properties;

/**
 * The connected target. Checks borrow from a pool whose sessions start with {@code default_transaction_read_only=on}
 * and timeouts in their startup options; each check then runs in its own READ ONLY transaction that is rolled back
 * (see {@code check.ReadOnlyExecution}). Every connection of this class speaks the extended query protocol, whose
 * single Parse per statement makes the server refuse a second command hidden in one. Only {@link #openWriter()}
 * hands out a connection that can write, for migrations and rejects/accepts probes.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);
    public static final String APPLICATION_NAME = "Runbook Pilot";
    /**
     * Ends the application_name of every connection this process opens, and no other process's: an activity
     * check leaves out exactly this process's own sessions, and still counts a colleague's Runbook Pilot running a
     * migration on the same database.
     */
    public static final String PROCESS_TAG = "[rp-" + randomHex() + "]";

    private final String jdbcUrl;
    private final Properties properties;
    private final HikariDataSource checkPool;
    private final Duration lockTimeout;
    private final CheckPrivileges checkPrivileges;
    private final boolean standardConformingStrings;
    private volatile boolean closed;

    private Database(String jdbcUrl, Properties properties, HikariDataSource checkPool, Duration lockTimeout,
                     CheckPrivileges checkPrivileges, boolean standardConformingStrings) {
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.checkPool = checkPool;
        this.lockTimeout = lockTimeout;
        this.checkPrivileges = checkPrivileges;
        this.standardConformingStrings = standardConformingStrings;
    }

    /**
     * Opens the check pool and proves the target is reachable with its first connection; the pool's other
     * connections open in the background right after (ADR 0048).
     *
     * @param properties pgjdbc properties (user, password, sslmode, ...); copied, never logged
     */
    public static Database open(String jdbcUrl, Properties properties, int poolSize, Duration lockTimeout)
            throws SQLException {
        return open(jdbcUrl, properties, poolSize, lockTimeout, null);
    }

    /**
     * @param checkRole the role checks of runbook SQL switch to ({@link CheckPrivileges}), or null for the login's
     */
    public static Database open(String jdbcUrl, Properties properties, int poolSize, Duration lockTimeout,
                                String checkRole) throws SQLException {
        Properties checks = new Properties();
        checks.putAll(properties);
        checks.setProperty("preferQueryMode", "extended");
        checks.setProperty("ApplicationName", applicationName("checks"));
        checks.setProperty("assumeMinServerVersion", NAME_AT_STARTUP);
        checks.setProperty("readOnly", "true");
        checks.setProperty("readOnlyMode", "always");
        checks.setProperty("options", "-c default_transaction_read_only=on"
                + " -c statement_timeout=" + CheckDefaults.STATEMENT_TIMEOUT.toMillis()
                + " -c lock_timeout=" + lockTimeout.toMillis()
                + " -c idle_in_transaction_session_timeout=" + CheckDefaults.IDLE_IN_TRANSACTION.toMillis());
        HikariConfig cfg = new HikariConfig();
        cfg.setPoolName("runbook-pilot-checks");
        cfg.setJdbcUrl(jdbcUrl);
        cfg.setDataSourceProperties(checks);
        cfg.setReadOnly(true);
        cfg.setAutoCommit(true);
        cfg.setMaximumPoolSize(poolSize);
        // Every connection is opened as soon as the target is reached, in the background: a snapshot's counts start
        // on all of them at once instead of opening them one after another inside the check (ADR 0048).
        cfg.setMinimumIdle(poolSize);
        cfg.setConnectionTimeout(15_000);
        cfg.setInitializationFailTimeout(1);
        cfg.setThreadFactory(r -> {
            Thread t = new Thread(r, "check-pool-housekeeping");
            t.setDaemon(true);
            return t;
        });
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(cfg);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() instanceof SQLException ? e.getCause() : e;
            if (cause instanceof SQLException sql) throw sql;
            throw new SQLException("cannot connect: " + e.getMessage(), "08001", e);
        }
        try (Connection c = requireExtendedProtocol(pool.getConnection())) {
            return new Database(jdbcUrl, properties, pool, lockTimeout, CheckPrivileges.of(c, checkRole),
                    c.unwrap(BaseConnection.class).getStandardConformingStrings());
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * pgjdbc sends application_name in the startup packet only when it may assume a 9.0 server; otherwise it sets it
     * with a SET after connecting, and for that moment the new connection sits idle in pg_stat_activity with no name,
     * where "nobody else is connected" counts it as a stranger: a check of the window failing on the tool's own pool.
     */
    private static final String NAME_AT_STARTUP = "9.0";

    /** The application_name of this process's connections for one purpose, e.g. "Runbook Pilot (checks) [rp-…]". */
    public static String applicationName(String purpose) {
        return APPLICATION_NAME + " (" + purpose + ") " + PROCESS_TAG;
    }

    private static String randomHex() {
        byte[] b = new byte[8];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A connection from the read-only pool; close it to return it. */
    public Connection readConnection() throws SQLException {
        // Every pooled connection has the URL and properties of the one checked in open(): no check per borrow.
        return checkPool.getConnection();
    }

    /**
     * Closes a pooled connection for good instead of returning it: after a runbook's own SQL ran on it, whatever
     * session state that SQL could have left (locks, settings, listeners, loaded libraries) dies with the backend.
     */
    public void discard(Connection c) {
        checkPool.evictConnection(c);
    }

    /** How the server reads backslashes in plain string literals, which decides where a statement ends. */
    public boolean standardConformingStrings() {
        return standardConformingStrings;
    }

    /** The role read checks of runbook SQL switch to, and how that reads in the journal and the report. */
    public CheckPrivileges checkPrivileges() {
        return checkPrivileges;
    }

    /**
     * A new connection that can write, for {@code execute} and rejects/accepts probes only. It has no statement
     * timeout (migrations take what they take) but keeps the lock timeout so a probe never queues behind traffic.
     */
    public Connection openWriter() throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("ApplicationName", applicationName("migration"));
        p.setProperty("assumeMinServerVersion", NAME_AT_STARTUP);
        p.setProperty("options", "-c lock_timeout=" + lockTimeout.toMillis());
        p.setProperty("preferQueryMode", "extended");
        return requireExtendedProtocol(DriverManager.getConnection(jdbcUrl, p));
    }

    /**
     * A new read-only connection that watches a running writer's locks ({@link LockWatch}): never from the check
     * pool, so a long migration does not hold one of its connections, and short timeouts so a watcher can never
     * hang or queue.
     */
    public Connection openLockWatcher() throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("ApplicationName", applicationName("lock watch"));
        p.setProperty("assumeMinServerVersion", NAME_AT_STARTUP);
        p.setProperty("options", "-c default_transaction_read_only=on -c statement_timeout=2000"
                + " -c lock_timeout=1000 -c idle_in_transaction_session_timeout=" + CheckDefaults.IDLE_IN_TRANSACTION
                .toMillis());
        p.setProperty("preferQueryMode", "extended");
        p.setProperty("readOnly", "true");
        return requireExtendedProtocol(DriverManager.getConnection(jdbcUrl, p));
    }

    /**
     * A new read-only connection for a backup's snapshot: its REPEATABLE READ transaction exports the snapshot
     * pg_dump dumps and counts rows in it, so it must stay open as long as the dump runs. Not from the check pool,
     * whose idle-in-transaction timeout would end it while pg_dump works; no statement timeout either (the backup
     * step's own timeout and Cancel bound it).
     */
    public Connection openBackupSnapshot() throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("ApplicationName", applicationName("backup"));
        p.setProperty("assumeMinServerVersion", NAME_AT_STARTUP);
        p.setProperty("options", "-c default_transaction_read_only=on -c statement_timeout=0"
                + " -c idle_in_transaction_session_timeout=0 -c lock_timeout=" + lockTimeout.toMillis());
        p.setProperty("preferQueryMode", "extended");
        p.setProperty("readOnly", "true");
        return requireExtendedProtocol(DriverManager.getConnection(jdbcUrl, p));
    }

    /**
     * The simple query protocol sends a whole text for the server to split, so one "statement" could carry many;
     * a connection URL may ask for it (preferQueryMode=simple) and would win over our properties. Refuse it.
     */
    private static Connection requireExtendedProtocol(Connection c) throws SQLException {
        if (c.unwrap(PGConnection.class).getPreferQueryMode() == PreferQueryMode.SIMPLE) {
            c.close();
            throw new SQLException("the connection asks for preferQueryMode=simple; Runbook Pilot needs the extended"
                    + " query protocol (remove preferQueryMode from the connection URL)", "08004");
        }
        return c;
    }

    /**
     * Where this database is, as a child process must be told (host, port, database, user, password, sslmode and
     * SSL files), read the way pgjdbc itself reads the URL and properties the pools connect with, so a tool run
     * against the target reaches exactly the server the checks look at.
     */
    public ConnectionSettings connectionSettings() {
        Properties p = org.postgresql.Driver.parseURL(jdbcUrl, properties);
        if (p == null) throw new IllegalStateException("pgjdbc cannot read its own connection URL");
        String host = p.getProperty("PGHOST", "localhost");
        String port = p.getProperty("PGPORT", "5432");
        if (host.contains(",") || port.contains(",")) {
            throw new IllegalStateException("a multi-host connection (" + host + ") cannot be handed to a tool;"
                    + " connect to one host");
        }
        java.util.Map<String, String> extras = new java.util.LinkedHashMap<>();
        for (String key : new String[] {"sslrootcert", "sslcert", "sslkey", "connectTimeout"}) {
            String v = p.getProperty(key);
            if (v != null) extras.put(key, v);
        }
        String sslmode = p.getProperty("sslmode", "prefer");
        return new ConnectionSettings(host, Integer.parseInt(port), p.getProperty("PGDBNAME"),
                p.getProperty("user", System.getProperty("user.name")), p.getProperty("password"),
                PgKeywords.SSLMODES.contains(sslmode) ? sslmode : "prefer", null, extras);
    }

    public ServerInfo serverInfo() throws SQLException {
        try (Connection c = readConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT current_database(), current_user, "
                     + "current_setting('server_version'), current_setting('server_version_num')::int, "
                     + "coalesce(host(inet_server_addr()), 'local socket'), coalesce(inet_server_port(), 0), "
                     + "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")) {
            rs.next();
            return new ServerInfo(hostOf(jdbcUrl), rs.getInt(6) == 0 ? portOf(jdbcUrl) : rs.getInt(6),
                    rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), systemIdentifier(c),
                    rs.getBoolean(7), checkPrivileges.describe());
        }
    }

    /** The cluster identity survives renames and proxies; unreadable without pg_monitor, which is fine. */
    private static String systemIdentifier(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT system_identifier::text FROM pg_control_system()");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            log.debug("system identifier not readable: {}", e.getMessage());
            return null;
        }
    }

    private static String hostOf(String url) {
        String rest = url.replaceFirst("^jdbc:postgresql://", "");
        int end = rest.indexOf('/');
        String hostPort = end < 0 ? rest : rest.substring(0, end);
        if (hostPort.startsWith("[")) return hostPort.substring(1, hostPort.indexOf(']'));
        int colon = hostPort.lastIndexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    private static int portOf(String url) {
        String rest = url.replaceFirst("^jdbc:postgresql://", "");
        int end = rest.indexOf('/');
        String hostPort = end < 0 ? rest : rest.substring(0, end);
        int colon = hostPort.lastIndexOf(':');
        try {
            return colon < 0 || hostPort.endsWith("]") ? 5432 : Integer.parseInt(hostPort.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 5432;
        }
    }

    public int poolSize() {
        return checkPool.getMaximumPoolSize();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        checkPool.close();
    }
}
