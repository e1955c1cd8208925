package dev.runbookpilot.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
 * The connected target. Checks borrow from a pool whose sessions cannot write: every connection starts with
 * {@code default_transaction_read_only=on} and timeouts in its startup options, and pgjdbc's
 * {@code readOnlyMode=always} makes even autocommit statements run in READ ONLY transactions. Only
 * {@link #openWriter()} hands out a connection that can write, for migrations and rejects/accepts probes.
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
    private volatile boolean closed;

    private Database(String jdbcUrl, Properties properties, HikariDataSource checkPool, Duration lockTimeout) {
        this.jdbcUrl = jdbcUrl;
        this.properties = properties;
        this.checkPool = checkPool;
        this.lockTimeout = lockTimeout;
    }

    /**
     * Opens the check pool and proves the target is reachable.
     *
     * @param properties pgjdbc properties (user, password, sslmode, ...); copied, never logged
     */
    public static Database open(String jdbcUrl, Properties properties, int poolSize, Duration lockTimeout)
            throws SQLException {
        Properties checks = new Properties();
        checks.putAll(properties);
        checks.setProperty("ApplicationName", applicationName("checks"));
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
        cfg.setMinimumIdle(1);
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
        return new Database(jdbcUrl, properties, pool, lockTimeout);
    }

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
        return checkPool.getConnection();
    }

    /**
     * A new connection that can write, for {@code execute} and rejects/accepts probes only. It has no statement
     * timeout (migrations take what they take) but keeps the lock timeout so a probe never queues behind traffic.
     */
    public Connection openWriter() throws SQLException {
        Properties p = new Properties();
        p.putAll(properties);
        p.setProperty("ApplicationName", applicationName("migration"));
        p.setProperty("options", "-c lock_timeout=" + lockTimeout.toMillis());
        return DriverManager.getConnection(jdbcUrl, p);
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
                    rs.getBoolean(7));
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
