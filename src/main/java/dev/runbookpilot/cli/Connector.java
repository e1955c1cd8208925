package dev.runbookpilot.cli;

import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.ConnectionResolver;
import dev.runbookpilot.db.ConnectionSettings;
import dev.runbookpilot.db.ConnectionSpecException;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.session.JournalEvent;

import java.io.Console;
import java.nio.file.Path;
import java.sql.SQLException;

/** Resolves what the operator typed into a connection, asking for a password on a terminal when needed. */
final class Connector {
    static final int POOL_SIZE = 8;

    /** A connected database and how to show (and later reopen) it. */
    record Connected(Database db, JournalEvent.Connection record) {}

    /** Thrown with the message to print; carries the exit code. */
    static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        final int exitCode;

        Failure(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private Connector() {}

    static Connected connect(String spec) throws Failure {
        ConnectionSettings settings;
        try {
            settings = new ConnectionResolver(System.getenv(), Path.of(System.getProperty("user.home"))).resolve(spec);
        } catch (ConnectionSpecException e) {
            throw new Failure(e.getMessage(), ExitCodes.USAGE);
        }
        return connect(settings);
    }

    static Connected connect(ConnectionSettings settings) throws Failure {
        try {
            return open(settings);
        } catch (SQLException e) {
            Console console = System.console();
            if (needsPassword(e) && settings.password() == null && console != null) {
                char[] pw = console.readPassword("Password for %s: ", settings.display());
                if (pw != null) {
                    try {
                        return open(settings.withPassword(new String(pw), "prompt"));
                    } catch (SQLException again) {
                        throw new Failure("cannot connect to " + settings.display() + ": " + again.getMessage(),
                                ExitCodes.CANNOT_CONNECT);
                    } finally {
                        java.util.Arrays.fill(pw, '\0');
                    }
                }
            }
            throw new Failure("cannot connect to " + settings.display() + ": " + e.getMessage()
                    + (needsPassword(e) ? " (give a password in ~/.pgpass or PGPASSWORD, or run in a terminal to be"
                    + " asked)" : ""), ExitCodes.CANNOT_CONNECT);
        }
    }

    private static Connected open(ConnectionSettings s) throws SQLException {
        Database db = Database.open(s.jdbcUrl(), s.jdbcProperties(), POOL_SIZE, CheckDefaults.LOCK_TIMEOUT);
        return new Connected(db, new JournalEvent.Connection(s.host(), s.port(), s.database(), s.user(), s.sslmode(),
                false, null));
    }

    private static boolean needsPassword(SQLException e) {
        String state = e.getSQLState();
        String msg = String.valueOf(e.getMessage()).toLowerCase();
        return "28P01".equals(state) || msg.contains("password") && msg.contains("not provided")
                || msg.contains("no password");
    }

    /** A libpq URI that reopens a journaled connection (the password comes from pgpass, PG* or a prompt). */
    static String uriOf(JournalEvent.Connection c) {
        String host = c.host().contains(":") ? "[" + c.host() + "]" : c.host();
        return "postgresql://" + encode(c.user()) + "@" + host + ":" + c.port() + "/" + encode(c.database())
                + (c.sslmode() == null ? "" : "?sslmode=" + c.sslmode());
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
