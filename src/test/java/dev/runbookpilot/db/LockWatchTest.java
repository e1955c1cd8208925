package dev.runbookpilot.db;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lock watcher against the real server, from the side of a migration that makes its life hard: relations
 * dropped under it, a catalog it cannot read for a while, and relations the migration makes itself. One database for
 * the class; each test its own tables.
 */
class LockWatchTest {
    private static String database;
    private static Database db;

    @BeforeAll
    static void open() throws SQLException {
        database = TestPostgres.freshDatabase("lockwatch");
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        db = Database.open(TestPostgres.jdbcUrl(database), props, 2, CheckDefaults.LOCK_TIMEOUT);
    }

    @AfterAll
    static void close() {
        if (db != null) db.close();
    }

    private static int pid(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Relations created, locked and dropped over and over while watched, then the catalog locked away from the
     * watcher for longer than its lock timeout: samples fail, the watch goes on, and the lock taken afterwards is
     * seen.
     */
    @Test
    void relationsDroppedWhileWatchedAndACatalogOutOfReachDoNotEndTheWatch() throws Exception {
        TestPostgres.exec(database, "CREATE TABLE kept_t (n int)");
        try (Connection worker = TestPostgres.connect(database); Statement s = worker.createStatement();
             Connection catalogLocker = TestPostgres.connect(database); Statement cl = catalogLocker.createStatement();
             LockWatch watch = LockWatch.start(db, null, true)) {
            watch.watch(pid(s));
            long end = System.nanoTime() + 1_500_000_000L;
            for (int i = 0; System.nanoTime() < end; i++) {
                s.execute("CREATE TABLE churn_" + i + " (n int)");
                s.execute("BEGIN; LOCK TABLE churn_" + i + " IN ACCESS EXCLUSIVE MODE; DROP TABLE churn_" + i
                        + "; COMMIT");
            }
            catalogLocker.setAutoCommit(false);
            cl.execute("LOCK TABLE pg_catalog.pg_class IN ACCESS EXCLUSIVE MODE");
            Thread.sleep(1_500);
            catalogLocker.commit();
            worker.setAutoCommit(false);
            s.execute("LOCK TABLE kept_t IN SHARE MODE");
            Thread.sleep(500);
            worker.commit();

            List<Locks.HeldLock> held = watch.held();
            assertThat(watch.method()).doesNotContain("stopped").containsPattern("\\d+ samples? failed and w");
            assertThat(held).anyMatch(h -> h.relation().equals("kept_t") && h.mode().equals("SHARE"));
        }
    }

    /**
     * A table the watched session creates (with its sequence, index and toast table) blocks nobody, in its creating
     * transaction or after: left out. The existing table it locks is reported.
     */
    @Test
    void relationsTheWatchedSessionCreatesAreLeftOutOfTheSampledLocks() throws Exception {
        TestPostgres.exec(database, "CREATE TABLE old_t (n int)");
        try (Connection worker = TestPostgres.connect(database); Statement s = worker.createStatement();
             LockWatch watch = LockWatch.start(db, null, true)) {
            watch.watch(pid(s));
            Thread.sleep(300);
            worker.setAutoCommit(false);
            s.execute("CREATE TABLE made_t (id serial PRIMARY KEY, doc text)");
            s.execute("LOCK TABLE old_t IN SHARE MODE");
            Thread.sleep(400);
            worker.commit();
            s.execute("LOCK TABLE made_t IN ACCESS EXCLUSIVE MODE");
            Thread.sleep(400);
            worker.commit();

            List<Locks.HeldLock> held = watch.held();
            assertThat(held).as(held.toString()).extracting(Locks.HeldLock::relation).containsExactly("old_t");
            assertThat(watch.method()).contains("relations the step created are left out");
        }
    }

    /** Read exactly in the migration's own transaction: what it created is left out, what existed is not. */
    @Test
    void relationsATransactionalMigrationCreatesAreLeftOutOfItsExactLocks() throws Exception {
        TestPostgres.exec(database, "CREATE TABLE target_t (id int PRIMARY KEY, c int)");
        try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            LockWatch.Exact exact = new LockWatch.Exact();
            exact.before(s);
            Instant began = Instant.now();
            s.execute("CREATE TABLE target_log (id bigserial PRIMARY KEY, what text)");
            exact.after(s, began);
            began = Instant.now();
            s.execute("ALTER TABLE target_t ALTER COLUMN c TYPE bigint");
            exact.after(s, began);
            List<Locks.HeldLock> held = exact.held(Instant.now());
            c.rollback();
            assertThat(held).extracting(Locks.HeldLock::relation).containsExactlyInAnyOrder("target_t",
                    "target_t_pkey");
            assertThat(held.get(0).blocksReaders()).isTrue();
        }
    }
}
