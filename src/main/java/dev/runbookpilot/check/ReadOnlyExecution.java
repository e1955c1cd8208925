package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CheckPrivileges;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.db.QueryData;
import dev.runbookpilot.db.Sql;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How a read check's SQL meets the database: the layers of the read-only guarantee that live on the connection.
 * Each holds on its own, whatever passed the guard before it:
 * <ul>
 *   <li>a {@code READ ONLY} transaction, opened by us and always rolled back, with a statement timeout;</li>
 *   <li>for a runbook's own SQL, the least privilege the login allows ({@link CheckPrivileges}), with row security
 *       on "error" rather than "filter", so a policy never silently hides rows from a count;</li>
 *   <li>the transaction state checked after the statement: SQL that ended our transaction is an alarm and an
 *       ERROR, never a result;</li>
 *   <li>the connection discarded after a runbook's own SQL ran on it, so no session state it left survives.</li>
 * </ul>
 */
final class ReadOnlyExecution {
    private static final Logger log = LoggerFactory.getLogger(ReadOnlyExecution.class);

    /** SQLSTATE of the alarm raised when a check's SQL ended the transaction it was given. */
    static final String ESCAPED_TRANSACTION = "25P01";

    interface SqlWork<T> {
        T run() throws SQLException;
    }

    private ReadOnlyExecution() {}

    /**
     * Our own SQL (catalog reads, activity): read-only transaction, the login's privileges, pooled connection.
     *
     * @param isolation a {@link Connection} isolation level; a catalog read takes several statements that must see
     *                  one state (REPEATABLE READ)
     */
    static <T> T ours(Database db, Duration timeout, int isolation, WithConnection<T> work) throws SQLException {
        try (Connection c = db.readConnection()) {
            // Pooled connections are READ COMMITTED, PostgreSQL's default, and go back to the pool so: a change of
            // level costs a round trip each way, so only the reads that need another level pay it.
            boolean other = isolation != Connection.TRANSACTION_READ_COMMITTED;
            if (other) c.setTransactionIsolation(isolation);
            try {
                return inReadOnlyTransaction(c, timeout, null, () -> work.run(c));
            } finally {
                if (other) c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            }
        }
    }

    interface WithConnection<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * A runbook's own statement, already through the guard: least privilege, transaction state verified, connection
     * discarded afterwards.
     */
    static QueryData runbook(Database db, CancelToken token, Duration timeout, String sql) throws SQLException {
        Connection c = db.readConnection();
        try {
            BaseConnection pg = c.unwrap(BaseConnection.class);
            return inReadOnlyTransaction(c, timeout, db.checkPrivileges().role(), () -> {
                QueryData data;
                try {
                    data = query(c, token, sql);
                } finally {
                    requireOurTransaction(pg, sql);
                }
                return data;
            });
        } finally {
            db.discard(c);
        }
    }

    /**
     * A runbook's own statement, already through the guard, run {@code times} times one after another in one
     * read-only transaction on one connection (so the runs meet the same session and the same warmed caches),
     * with every layer of {@link #runbook}: least privilege, the transaction state verified after each run,
     * the connection discarded afterwards. The statement timeout applies to each run.
     */
    static List<QueryData> runbookRepeated(Database db, CancelToken token, Duration timeout, String sql, int times)
            throws SQLException {
        Connection c = db.readConnection();
        try {
            BaseConnection pg = c.unwrap(BaseConnection.class);
            return inReadOnlyTransaction(c, timeout, db.checkPrivileges().role(), () -> {
                List<QueryData> results = new ArrayList<>(times);
                for (int i = 0; i < times; i++) {
                    try {
                        results.add(query(c, token, sql));
                    } finally {
                        requireOurTransaction(pg, sql);
                    }
                }
                return results;
            });
        } finally {
            db.discard(c);
        }
    }

    /**
     * Every check runs inside its own {@code READ ONLY} transaction that is always rolled back. The pool's
     * {@code default_transaction_read_only} alone is not enough: pgjdbc does not wrap autocommit statements in a
     * transaction, and a session default can be switched off. Inside a read-only transaction PostgreSQL refuses
     * both the write (25006) and the switch (25001), and the rollback undoes any SET.
     */
    static <T> T inReadOnlyTransaction(Connection c, Duration timeout, String role, SqlWork<T> work)
            throws SQLException {
        c.setReadOnly(true);
        c.setAutoCommit(false);
        try {
            // One round trip: pgjdbc sends these statements of ours together, before every check.
            String settings = "SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = " + timeout.toMillis()
                    + (role == null ? "" : "; SET LOCAL ROLE " + Sql.ident(role) + "; SET LOCAL row_security = off");
            try (Statement set = c.createStatement()) {
                set.execute(settings);
            }
            return work.run();
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    /**
     * The server reports the transaction state after every statement. IDLE here means the statement committed or
     * rolled back the transaction we opened, and whatever followed ran outside it: an attack or a guard that was
     * fooled. It is never a result.
     */
    static void requireOurTransaction(BaseConnection pg, String sql) throws SQLException {
        if (pg.getTransactionState() == TransactionState.IDLE) {
            log.error("SECURITY ALARM: a check's SQL ended the transaction it ran in, which the tool always rolls"
                    + " back; the connection is discarded. SQL: {}", sql);
            throw new SQLException("SECURITY ALARM: this SQL ended the transaction it ran in (which is always rolled"
                    + " back); its result is void and the connection was discarded. Inspect the database for changes",
                    ESCAPED_TRANSACTION);
        }
    }

    static QueryData query(Connection c, CancelToken token, String sql, Object... params) throws SQLException {
        // A runbook's own SQL goes through a plain Statement: JSON operators like ?| must not become parameters.
        // pgjdbc still sends it with the extended protocol (one Parse), which Database enforces.
        try (Statement st = params.length == 0 ? c.createStatement() : c.prepareStatement(sql)) {
            if (st instanceof PreparedStatement ps) {
                for (int i = 0; i < params.length; i++) ps.setObject(i + 1, params[i]);
            }
            token.register(st);
            try (ResultSet rs = st instanceof PreparedStatement ps ? ps.executeQuery() : st.executeQuery(sql)) {
                return QueryData.read(rs, QueryData.DEFAULT_LIMIT);
            } finally {
                token.unregister(st);
            }
        }
    }
}
