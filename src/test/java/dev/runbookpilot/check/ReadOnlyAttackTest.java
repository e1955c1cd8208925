package dev.runbookpilot.check;

import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Expectation;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read-only promise tried as an attacker who knows PostgreSQL's lexer and function catalogue would: every
 * statement below is run as each check kind that takes SQL (query, explain with analyze, accepts, rejects, and as a
 * probe's setup), as a superuser and as an ordinary login, against a real server. Each case asserts the status
 * (an attack is never PASSED by a read check, and a probe refuses what a rollback would not undo) and that nothing
 * changed: rows, sequences (except where a probe may, as documented), locks, prepared transactions, replication
 * slots, settings and configuration reloads, statistics resets, large objects, files, and another backend's query,
 * which must still be running.
 */
class ReadOnlyAttackTest {
    private static final String BYSTANDER = "rp-attack-bystander";
    private static String database;
    private static String ordinaryRole;
    private static Path fileTarget;
    private static Database superuser;
    private static Database ordinary;
    private static final ExecutorService workers = Executors.newFixedThreadPool(3);
    private static Connection bystander;
    private static Future<?> bystanderQuery;

    /** An attack, and whether a probe may legitimately run it (then only "nothing changed" is asserted for probes). */
    record Attack(String name, String sql, boolean harmlessAsProbe) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static List<Attack> attacks() {
        String file = fileTarget.resolve("stolen").toString();
        String dblinkTarget = "'dbname=' || current_database() || ' port=' || current_setting('port')"
                + " || ' host=127.0.0.1 user=postgres'";
        String bystanderPid = "(SELECT pid FROM pg_stat_activity WHERE application_name = '" + BYSTANDER + "')";
        return List.of(
                // Ending the transaction with a second statement, hidden from a lexer that disagrees with the server.
                new Attack("dollar-in-identifier", "SELECT 1 AS a$$b$; COMMIT; SET TRANSACTION READ WRITE;"
                        + " DELETE FROM victim WHERE id=6; SELECT 2 AS c$b$", false),
                new Attack("plain second statement", "SELECT 1; COMMIT; DELETE FROM victim WHERE id = 1", false),
                new Attack("commit first", "COMMIT; DELETE FROM victim WHERE id = 5", false),
                new Attack("backslash in a standard string", "SELECT 'a\\'; COMMIT; DELETE FROM victim WHERE id=9;"
                        + " SELECT ''", false),
                new Attack("unterminated nested comment", "SELECT 1 /* /* */ ; DELETE FROM victim WHERE id = 2",
                        false),
                new Attack("trailing statement after a comment",
                        "SELECT 1 -- ;\n; COMMIT; DELETE FROM victim WHERE id = 3", false),
                new Attack("end", "END", false),
                new Attack("prepare transaction", "PREPARE TRANSACTION 'rp_attack'", false),
                new Attack("rollback and write", "ROLLBACK; UPDATE victim SET v = 'x'", false),
                // Effects outside the transaction from a single statement.
                new Attack("terminate another backend", "SELECT pg_terminate_backend(" + bystanderPid + ")", false),
                new Attack("cancel another backend", "SELECT pg_cancel_backend(" + bystanderPid + ")", false),
                new Attack("quoted function name", "SELECT \"pg_cancel_backend\"(" + bystanderPid + ")", false),
                new Attack("unicode-escaped function name",
                        "SELECT U&\"pg\\005fcancel\\005fbackend\"(" + bystanderPid + ")", false),
                new Attack("reload configuration", "SELECT pg_reload_conf()", false),
                new Attack("alter system", "ALTER SYSTEM SET work_mem = '7MB'", false),
                new Attack("copy to a file", "COPY victim TO '" + file + "'", false),
                new Attack("copy to a program", "COPY (SELECT 1) TO PROGRAM 'touch " + file + "'", false),
                new Attack("large object export", "SELECT lo_export(lo_from_bytea(0, 'x'), '" + file + "')", false),
                new Attack("dblink_exec", "SELECT dblink_exec(" + dblinkTarget + ", 'DELETE FROM victim WHERE id = 4')",
                        false),
                new Attack("dblink returning rows", "SELECT * FROM dblink(" + dblinkTarget + ", 'DELETE FROM victim"
                        + " WHERE id = 4 RETURNING id') AS t(id int)", false),
                new Attack("session advisory lock", "SELECT pg_advisory_lock(4242)", false),
                new Attack("shared session advisory lock", "SELECT pg_try_advisory_lock_shared(4242)", false),
                new Attack("replication slot", "SELECT pg_create_physical_replication_slot('rp_attack_slot')", false),
                new Attack("statistics reset", "SELECT pg_stat_reset()", false),
                new Attack("analyze", "ANALYZE victim", false),
                new Attack("vacuum", "VACUUM victim", false),
                new Attack("listen", "LISTEN rp_attack", false),
                new Attack("session setting", "SELECT set_config('work_mem', '9MB', false)", true),
                new Attack("role switch then signal", "SELECT set_config('role', current_user, true),"
                        + " pg_cancel_backend(" + bystanderPid + ")", false),
                new Attack("sql from a string", "SELECT query_to_xml('select pg_cancel_backend(" + bystanderPid
                        .replace("'", "''") + ")', true, true, '')", false),
                new Attack("anonymous block", "DO $$BEGIN PERFORM pg_cancel_backend(" + bystanderPid + "); END$$",
                        false),
                new Attack("name built from pieces in a block", "DO $$BEGIN EXECUTE 'SELECT pg_' || 'cancel_backend('"
                        + " || " + bystanderPid + " || ')'; END$$", false),
                new Attack("function that builds a name, then called", "CREATE FUNCTION rp_evil() RETURNS void"
                        + " LANGUAGE plpgsql AS $f$BEGIN EXECUTE 'SELECT pg_' || 'cancel_backend(' || " + bystanderPid
                        + " || ')'; END$f$; SELECT rp_evil()", false),
                new Attack("sequence reset", "SELECT setval('guard_seq', 1)", false),
                new Attack("checkpoint", "CHECKPOINT", false),
                new Attack("discard", "DISCARD ALL", false),
                new Attack("load a library", "LOAD 'plpgsql'", false),
                new Attack("psql meta-command", "\\! touch " + file, false),
                // Writes a read-only transaction refuses; a probe may try them, and its rollback undoes them.
                new Attack("data-modifying CTE", "WITH d AS (DELETE FROM victim WHERE id = 7 RETURNING *)"
                        + " SELECT count(*) FROM d", true),
                new Attack("select into", "SELECT * INTO rp_stolen FROM victim", true),
                new Attack("row lock", "SELECT * FROM victim WHERE id = 8 FOR UPDATE", true),
                new Attack("nextval", "SELECT nextval('victim_seq')", true),
                new Attack("delete", "DELETE FROM victim WHERE id = 10", true));
    }

    @BeforeAll
    static void setUp() throws Exception {
        database = TestPostgres.freshDatabase("attack");
        ordinaryRole = database + "_user";
        fileTarget = Files.createTempDirectory("rp-attack");
        fileTarget.toFile().setWritable(true, false);
        TestPostgres.exec(database, """
                CREATE EXTENSION dblink;
                CREATE TABLE victim (id int PRIMARY KEY, v text NOT NULL);
                INSERT INTO victim SELECT g, 'row ' || g FROM generate_series(1, 10) g;
                CREATE SEQUENCE victim_seq;
                CREATE SEQUENCE guard_seq;
                SELECT setval('guard_seq', 500);
                CREATE ROLE %1$s LOGIN;
                GRANT SELECT, INSERT, UPDATE, DELETE ON victim TO %1$s;
                GRANT USAGE ON SEQUENCE victim_seq TO %1$s;
                GRANT USAGE, UPDATE ON SEQUENCE guard_seq TO %1$s;
                GRANT CREATE ON SCHEMA public TO %1$s;
                """.formatted(ordinaryRole));
        superuser = open("postgres");
        ordinary = open(ordinaryRole);
        Properties p = new Properties();
        p.setProperty("user", ordinaryRole);
        p.setProperty("ApplicationName", BYSTANDER);
        bystander = java.sql.DriverManager.getConnection(urlAs(database), p);
        bystanderQuery = workers.submit(() -> {
            try (Statement s = bystander.createStatement()) {
                s.execute("SELECT pg_sleep(600)");
            }
            return null;
        });
        awaitBystanderRunning();
    }

    private static Database open(String user) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        return Database.open(urlAs(database), props, 4, CheckDefaults.LOCK_TIMEOUT);
    }

    @AfterAll
    static void tearDown() throws Exception {
        try (Connection c = TestPostgres.connect(database); Statement s = c.createStatement()) {
            s.execute("SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '" + BYSTANDER
                    + "'");
        }
        workers.shutdownNow();
        workers.awaitTermination(10, TimeUnit.SECONDS);
        bystander.close();
        superuser.close();
        ordinary.close();
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String who : List.of("superuser", "ordinary")) {
            for (String kind : List.of("query", "explain analyze", "accepts", "rejects", "setup")) {
                for (Attack a : attacks()) out.add(Arguments.of(who, kind, a));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("cases")
    void anAttackLeavesNothingBehind(String who, String kind, Attack attack) throws Exception {
        Map<String, String> before = state(kind);
        CheckResult r = run(who.equals("superuser") ? superuser : ordinary, kind, attack.sql());
        Map<String, String> after = state(kind);

        assertThat(after).as("what the check left behind (status %s: %s)", r.status(), r.error())
                .isEqualTo(before);
        boolean probe = kind.equals("accepts") || kind.equals("rejects") || kind.equals("setup");
        if (!probe) {
            assertThat(r.status()).as(r.error()).isIn(Status.ERROR, Status.FAILED);
        } else if (!attack.harmlessAsProbe()) {
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.ERROR);
        }
    }

    @Test
    void theDeclaredCheckKindsStillWork() throws Exception {
        assertThat(run(superuser, "query", "SELECT count(*) FROM victim").status()).isEqualTo(Status.PASSED);
        assertThat(run(ordinary, "query", "TABLE victim").status()).isEqualTo(Status.PASSED);
        assertThat(run(ordinary, "query", "SHOW work_mem").status()).isEqualTo(Status.PASSED);
        assertThat(run(ordinary, "query", "EXPLAIN (COSTS off) SELECT * FROM victim").status())
                .isEqualTo(Status.PASSED);
        assertThat(run(ordinary, "accepts", "UPDATE victim SET v = 'changed' WHERE id = 1").status())
                .isEqualTo(Status.PASSED);
        assertThat(run(superuser, "rejects", "INSERT INTO victim VALUES (1, 'dup')").status())
                .isEqualTo(Status.PASSED);
    }

    private static CheckResult run(Database db, String kind, String sql) throws Exception {
        CheckSpec.Meta meta = new CheckSpec.Meta(null, null, null);
        CheckSpec spec = switch (kind) {
            case "query" -> new CheckSpec.Query(meta, sql, Expectation.parse("not empty"));
            case "explain analyze" -> new CheckSpec.Explain(meta, sql, CheckSpec.PlanExpectation.MAX_COST, null,
                    1e12, true);
            case "accepts" -> new CheckSpec.Statement(meta, false, null, sql, null, null);
            case "rejects" -> new CheckSpec.Statement(meta, true, null, sql, "23505", null);
            case "setup" -> new CheckSpec.Statement(meta, false, sql, "SELECT 1", null, null);
            default -> throw new IllegalArgumentException(kind);
        };
        EvalContext ctx = new EvalContext(db, "public", name -> Optional.empty(), workers, 2, new CancelToken(),
                EvalContext.ExecuteListener.NONE, "attack tests @ " + database);
        return CheckEngine.evaluate("attack", 0, spec, ctx).result();
    }

    /** Everything an attack could change, read on a fresh superuser connection. */
    private static Map<String, String> state(String kind) throws Exception {
        Map<String, String> s = new LinkedHashMap<>();
        try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement()) {
            s.put("rows", one(st, "SELECT string_agg(id || '=' || v, ',' ORDER BY id) FROM victim"));
            s.put("tables", one(st, "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class"
                    + " WHERE relnamespace = 'public'::regnamespace"));
            boolean probe = !kind.equals("query") && !kind.equals("explain analyze");
            // A probe's nextval survives its rollback: the one documented trace a probe may leave.
            if (!probe) s.put("sequence", one(st, "SELECT last_value || '/' || is_called FROM victim_seq"));
            // setval is not undone by a rollback either, and no harmless probe here touches this one.
            s.put("guarded sequence", one(st, "SELECT last_value || '/' || is_called FROM guard_seq"));
            s.put("advisory locks", one(st, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"));
            s.put("prepared transactions", one(st, "SELECT count(*) FROM pg_prepared_xacts"));
            s.put("replication slots", one(st, "SELECT count(*) FROM pg_replication_slots"));
            s.put("configuration loaded", one(st, "SELECT pg_conf_load_time()"));
            s.put("settings", one(st, "SELECT md5(string_agg(name || '=' || setting, ',' ORDER BY name))"
                    + " FROM pg_settings"));
            s.put("auto.conf", one(st, "SELECT count(*) FROM pg_file_settings"
                    + " WHERE sourcefile LIKE '%postgresql.auto.conf'"));
            s.put("statistics reset", one(st, "SELECT coalesce(stats_reset::text, 'never') FROM pg_stat_database"
                    + " WHERE datname = current_database()"));
            s.put("analyzed", one(st, "SELECT coalesce(last_analyze::text, 'never') || '/'"
                    + " || coalesce(last_vacuum::text, 'never') FROM pg_stat_user_tables WHERE relname = 'victim'"));
            s.put("large objects", one(st, "SELECT count(*) FROM pg_largeobject_metadata"));
            s.put("bystander", one(st, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                    + BYSTANDER + "' AND state = 'active' AND query LIKE '%pg_sleep(600)%'"));
            s.put("our connections idle in transaction", one(st, "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name LIKE 'Runbook Pilot%' AND state LIKE 'idle in transaction%'"));
        }
        try (Stream<Path> files = Files.list(fileTarget)) {
            s.put("files", files.map(Path::getFileName).map(Path::toString).sorted().toList().toString());
        }
        return s;
    }

    private static String one(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void awaitBystanderRunning() throws Exception {
        for (int i = 0; i < 200; i++) {
            try (Connection c = TestPostgres.connect(database); Statement st = c.createStatement()) {
                if (one(st, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '" + BYSTANDER
                        + "' AND state = 'active'").equals("1")) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the bystander's query never started");
    }

    /** The test server's URL names the superuser, and a user in the URL wins over the properties: drop it. */
    private static String urlAs(String database) {
        return TestPostgres.jdbcUrl(database).replaceFirst("[?&]user=[^&]*", "");
    }
}
