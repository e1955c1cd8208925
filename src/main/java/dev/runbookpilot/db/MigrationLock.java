package dev.runbookpilot.db;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The server-side lock a migration holds while it runs, as Flyway and Liquibase hold theirs: a session-level
 * advisory lock on the writer's own connection, keyed on the runbook and the database. Two workstations running the
 * same runbook cannot apply a migration at once, and the lock lives exactly as long as the backend that runs the
 * migration — a crashed client whose statement still runs on the server keeps it until that statement ends.
 */
public final class MigrationLock {
    /** The first key of every Runbook Pilot advisory lock ("RBP1"), so they are told apart from others'. */
    static final int NAMESPACE = 0x52425031;

    private MigrationLock() {}

    /** The second key: stable across machines and versions for the same name. */
    static int keyOf(String name) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(d).getInt() & 0x7fffffff;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * Takes the lock on {@code c} without waiting. Refused, it throws with who holds it (SQLSTATE 55006,
     * object in use): pid, application, user, client and since when, from pg_locks and pg_stat_activity.
     */
    public static void take(Connection c, String name) throws SQLException {
        int key = keyOf(name);
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, ?)")) {
            ps.setInt(1, NAMESPACE);
            ps.setInt(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getBoolean(1)) return;
            }
        }
        throw new SQLException("another session is applying a migration of '" + name + "' right now ("
                + holder(c, key) + "); nothing was run. Wait for it to finish, then run this step again", "55006");
    }

    private static String holder(Connection c, int key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.pid, a.application_name, a.usename,"
                + " coalesce(host(a.client_addr), 'local socket'), a.client_hostname, a.backend_start, a.state,"
                + " a.query_start FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                + " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2"
                + " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                + " AND l.classid::int8 = ? AND l.objid::int8 = ?")) {
            ps.setLong(1, NAMESPACE);
            ps.setLong(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return "its holder has just let go; try again";
                String hostName = rs.getString(5);
                return "held by backend pid " + rs.getInt(1) + ", application '" + rs.getString(2) + "', user "
                        + rs.getString(3) + ", client " + rs.getString(4) + (hostName == null ? "" : " (" + hostName
                        + ")") + ", connected since " + rs.getObject(6, java.time.OffsetDateTime.class)
                        + ", " + rs.getString(7) + (rs.getObject(8) == null ? "" : " since "
                        + rs.getObject(8, java.time.OffsetDateTime.class));
            }
        }
    }
}
