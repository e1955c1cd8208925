package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionTest {
    private static final String SETUP = """
            CREATE TABLE items (id int PRIMARY KEY, name text);
            INSERT INTO items VALUES (1, 'a'), (2, 'b'), (3, 'c');
            CREATE TABLE flags (id int, ok boolean);
            INSERT INTO flags VALUES (1, true), (2, false);
            """;

    private static final String RUNBOOK = """
            runbook: Session behaviour
            version: "1"
            target:
              environment: development
            phases:
              - name: Checks
                steps:
                  - id: passing
                    title: Passing
                    checks:
                      - query: { sql: "SELECT count(*) FROM items", expect: "= 3" }
                  - id: failing
                    title: Failing
                    checks:
                      - query: { sql: "SELECT count(*) FROM items", expect: "= 0" }
                  - id: broken
                    title: Broken
                    checks:
                      - query: { sql: "SELECT count(*) FROM no_such_table", expect: "= 0" }
                  - id: mixed
                    title: One passes, one fails
                    checks:
                      - query: { name: count ok, sql: "SELECT count(*) FROM items", expect: "= 3" }
                      - query: { name: count wrong, sql: "SELECT count(*) FROM items", expect: "= 4" }
                  - id: repaired
                    title: Fixed between runs
                    checks:
                      - query: { name: q0, sql: "SELECT count(*) FROM items", expect: "= 3" }
                      - query: { name: q1, sql: "SELECT count(*) FROM flags WHERE NOT ok", expect: "= 0" }
                      - query: { name: q2, sql: "SELECT max(id) FROM items", expect: "= 3" }
                  - id: backup
                    title: Backup stored
                    manual: Paste the backup location.
                    requireNote: true
                  - id: dashboards
                    title: Dashboards
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
                    manual: Dashboards are green.
              - name: Sign-off
                steps:
                  - id: signoff
                    title: Sign-off
                    signoff: { roles: [DBA, Backend lead] }
            """;

    @TempDir
    Path dir;
    private SessionFixture fx;

    private SessionFixture fixture() throws Exception {
        fx = SessionFixture.open("session", SETUP, dir);
        return fx;
    }

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    private static List<JournalEvent> journal(Session s) throws Exception {
        return Journal.read(s.journalFile());
    }

    private static long finishedCount(List<JournalEvent> events, String key) {
        return events.stream().filter(e -> e instanceof JournalEvent.CheckFinished f && f.result().key().equals(key))
                .count();
    }

    private static long startedCount(List<JournalEvent> events, String stepId) {
        return events.stream().filter(e -> e instanceof JournalEvent.CheckStarted c && c.stepId().equals(stepId))
                .count();
    }

    @Test
    void stepStatusIsDerivedFromItsChecks() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK);
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            Step passing = step(rb, "passing");
            assertThat(s.stepStatus(passing)).isEqualTo(Status.PENDING);
            for (String id : List.of("passing", "failing", "broken", "mixed", "dashboards")) {
                s.runChecks(step(rb, id), Session.Scope.ALL);
            }

            assertThat(s.stepStatus(passing)).isEqualTo(Status.PASSED);
            assertThat(s.stepStatus(step(rb, "failing"))).isEqualTo(Status.FAILED);
            assertThat(s.stepStatus(step(rb, "broken"))).isEqualTo(Status.ERROR);
            assertThat(s.state().result("broken", 0)).get().extracting(CheckResult::sqlState).isEqualTo("42P01");
            assertThat(s.stepStatus(step(rb, "mixed"))).isEqualTo(Status.FAILED);
            assertThat(s.checkStatus(step(rb, "mixed"), 0)).isEqualTo(Status.PASSED);
            // The query passed but the manual confirmation has not happened: the step is not done.
            assertThat(s.stepStatus(step(rb, "dashboards"))).isEqualTo(Status.PENDING);
            assertThat(s.stepStatus(step(rb, "backup"))).isEqualTo(Status.PENDING);
            assertThat(s.stepStatus(step(rb, "signoff"))).isEqualTo(Status.PENDING);
        }
    }

    @Test
    void waivingNeedsAReasonAndABlockingStatus() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK);
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            Step mixed = step(rb, "mixed");
            Step broken = step(rb, "broken");
            assertThatThrownBy(() -> s.waive(mixed, 1, "not run yet")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has not failed");
            s.runChecks(mixed, Session.Scope.ALL);
            s.runChecks(broken, Session.Scope.ALL);

            assertThatThrownBy(() -> s.waive(mixed, 1, "  ")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("reason");
            assertThatThrownBy(() -> s.waive(mixed, 1, null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.waive(mixed, 0, "passed anyway")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has not failed");

            s.waive(mixed, 1, "  the extra row is the seed, ticket OPS-7 ");
            s.waive(broken, 0, "table dropped on purpose");

            assertThat(s.checkStatus(mixed, 1)).isEqualTo(Status.WAIVED);
            assertThat(s.stepStatus(mixed)).isEqualTo(Status.WAIVED);
            assertThat(s.stepStatus(broken)).isEqualTo(Status.WAIVED);
            assertThat(s.state().waiver("mixed", 1)).get()
                    .satisfies(w -> assertThat(w.reason()).isEqualTo("the extra row is the seed, ticket OPS-7"))
                    .satisfies(w -> assertThat(w.operator()).isEqualTo("alice"));
            assertThat(s.state().effectiveResult("mixed", 1)).get().extracting(CheckResult::status)
                    .isEqualTo(Status.WAIVED);

            // Running the check again gives a fresh failure; the old waiver does not cover new evidence.
            s.runChecks(mixed, Session.Scope.ALL);
            assertThat(s.stepStatus(mixed)).isEqualTo(Status.FAILED);
        }
    }

    @Test
    void confirmEnforcesTheRequiredNote() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK);
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            Step backup = step(rb, "backup");
            assertThatThrownBy(() -> s.confirm(backup, 0, null)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs a note");
            assertThatThrownBy(() -> s.confirm(backup, 0, " \n ")).isInstanceOf(IllegalArgumentException.class);
            assertThat(s.stepStatus(backup)).isEqualTo(Status.PENDING);
            assertThatThrownBy(() -> s.confirm(step(rb, "passing"), 0, "note"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a manual");

            s.confirm(backup, 0, " s3://backups/shop.dump ");

            assertThat(s.checkStatus(backup, 0)).isEqualTo(Status.CONFIRMED);
            assertThat(s.stepStatus(backup)).isEqualTo(Status.CONFIRMED);
            assertThat(s.state().confirmation("backup", 0)).get()
                    .satisfies(c -> assertThat(c.note()).isEqualTo("s3://backups/shop.dump"));

            // A step with a passing query and a confirmation passes; it is not "all confirmed".
            Step dashboards = step(rb, "dashboards");
            s.runChecks(dashboards, Session.Scope.ALL);
            s.confirm(dashboards, 1, null);
            assertThat(s.stepStatus(dashboards)).isEqualTo(Status.PASSED);
        }
    }

    @Test
    void signRejectsUnknownRolesAndBlankNamesAndCompletesWhenEveryRoleSigned() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK);
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            Step signoff = step(rb, "signoff");
            assertThatThrownBy(() -> s.sign(signoff, "CTO", "Carol")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'CTO' is not a role").hasMessageContaining("DBA, Backend lead");
            assertThatThrownBy(() -> s.sign(signoff, "DBA", " ")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.sign(signoff, "DBA", null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> s.sign(step(rb, "passing"), "DBA", "Alice"))
                    .isInstanceOf(IllegalArgumentException.class);

            s.sign(signoff, "DBA", "Alice Smith");
            assertThat(s.stepStatus(signoff)).isEqualTo(Status.PENDING);
            s.sign(signoff, "Backend lead", "Bob Jones");

            assertThat(s.stepStatus(signoff)).isEqualTo(Status.CONFIRMED);
            assertThat(s.state().signatures("signoff")).containsOnlyKeys("DBA", "Backend lead");
            assertThat(journal(s).stream().filter(e -> e instanceof JournalEvent.Signed)).hasSize(2);
        }
    }

    @Test
    void startRefusesAConnectionToAnotherDatabaseThanTheRunbookTargets() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK.replace("environment: development",
                "environment: development\n  database: billing_prod"));

        assertThatThrownBy(() -> f.start(rb, "alice", RunListener.NONE))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("'billing_prod'").hasMessageContaining("'" + f.database + "'");
        // Refused before anything was journaled.
        assertThat(Files.exists(f.sessionDir) ? Files.list(f.sessionDir).count() : 0).isZero();

        Runbook right = f.runbook(RUNBOOK.replace("environment: development",
                "environment: development\n  database: " + f.database));
        try (Session s = f.start(right, "alice", RunListener.NONE)) {
            assertThat(s.state().started().targetDatabase()).isEqualTo(f.database);
        }
    }

    @Test
    void everyEventIsOnDiskBeforeTheListenerHearsOfIt() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook("""
                runbook: Listener order
                target: { environment: development }
                phases:
                  - name: All
                    steps:
                      - id: reads
                        title: Parallel reads and a snapshot
                        checks:
                          - query: { sql: "SELECT count(*) FROM items", expect: "= 3" }
                          - tables: { exist: [items, flags] }
                          - snapshot: { name: before, rowCounts: [items] }
                          - query: { sql: "SELECT 1/0", expect: "= 1" }
                      - id: migrate
                        title: Migrate
                        execute: { file: migrate.sql }
                """, Map.of("migrate.sql", "INSERT INTO items VALUES (4, 'd');\n"));
        AtomicReference<Path> journalFile = new AtomicReference<>();
        List<String> heard = Collections.synchronizedList(new ArrayList<>());
        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        RunListener onDisk = new RunListener() {
            @Override
            public void checkStarted(Step step, int index) {
                try {
                    boolean there = Journal.read(journalFile.get()).stream().anyMatch(e ->
                            e instanceof JournalEvent.CheckStarted c && c.stepId().equals(step.id())
                                    && c.index() == index);
                    if (!there) problems.add("started " + step.id() + "#" + index + " not on disk");
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }

            @Override
            public void checkFinished(Step step, CheckResult result) {
                heard.add(result.key());
                try {
                    boolean there = Journal.read(journalFile.get()).stream().anyMatch(e ->
                            e instanceof JournalEvent.CheckFinished fin && fin.result().equals(result));
                    if (!there) problems.add("result " + result.key() + " not on disk");
                } catch (Exception e) {
                    problems.add(e.toString());
                }
            }
        };
        try (Session s = f.start(rb, "alice", onDisk)) {
            journalFile.set(s.journalFile());
            s.runChecks(step(rb, "reads"), Session.Scope.ALL);
            s.runChecks(step(rb, "migrate"), Session.Scope.ALL);
            assertThat(s.checkStatus(step(rb, "migrate"), 0)).isEqualTo(Status.PASSED);
        }

        assertThat(problems).isEmpty();
        assertThat(heard).containsExactlyInAnyOrder("reads#0", "reads#1", "reads#2", "reads#3", "migrate#0");
    }

    @Test
    void aCancelSentTheMomentACheckIsAnnouncedAsRunningReachesIt() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook("""
                runbook: Cancel at once
                target: { environment: development }
                phases:
                  - name: Only
                    steps:
                      - id: slow
                        title: Slow
                        checks:
                          - query: { sql: "SELECT pg_sleep(30)::text", expect: "''" }
                """);
        AtomicReference<Session> session = new AtomicReference<>();
        // The operator's Cancel, as early as the screen can offer it: when the row first says RUNNING.
        RunListener cancelAtOnce = new RunListener() {
            @Override
            public void checkStarted(Step step, int index) {
                session.get().cancel();
            }
        };
        try (Session s = f.start(rb, "alice", cancelAtOnce)) {
            session.set(s);
            s.runChecks(step(rb, "slow"), Session.Scope.ALL);

            assertThat(s.checkStatus(step(rb, "slow"), 0)).isEqualTo(Status.ERROR);
            assertThat(s.state().result("slow", 0).orElseThrow().error()).isEqualTo("cancelled by the operator");
        }
    }

    @Test
    void resumeRefusesARunbookWhoseBytesChangedAndOtherwiseContinuesWithPriorResults() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK);
        Path journalFile;
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "passing"), Session.Scope.ALL);
            s.runChecks(step(rb, "failing"), Session.Scope.ALL);
            s.confirm(step(rb, "backup"), 0, "s3://b/1");
            journalFile = s.journalFile();
        }
        byte[] original = Files.readAllBytes(rb.file());
        byte[] journalBefore = Files.readAllBytes(journalFile);

        // One comment is enough: what was checked must be exactly what the session began with.
        Files.writeString(rb.file(), "# edited after the session started\n", StandardOpenOption.APPEND);
        Runbook edited = RunbookLoader.load(rb.file());
        assertThatThrownBy(() -> Session.resume(journalFile, edited, f.db, "bob", RunListener.NONE))
                .isInstanceOf(SessionException.class).hasMessageContaining("runbook changed");
        assertThat(Files.readAllBytes(journalFile)).isEqualTo(journalBefore);

        Files.write(rb.file(), original);
        Runbook restored = RunbookLoader.load(rb.file());
        try (Session s = Session.resume(journalFile, restored, f.db, "bob", RunListener.NONE)) {
            assertThat(s.checkStatus(step(restored, "passing"), 0)).isEqualTo(Status.PASSED);
            assertThat(s.checkStatus(step(restored, "failing"), 0)).isEqualTo(Status.FAILED);
            assertThat(s.checkStatus(step(restored, "backup"), 0)).isEqualTo(Status.CONFIRMED);
            assertThat(s.operator()).isEqualTo("bob");

            s.runChecks(step(restored, "broken"), Session.Scope.ALL);
            assertThat(s.stepStatus(step(restored, "broken"))).isEqualTo(Status.ERROR);
        }
        List<JournalEvent> events = Journal.read(journalFile);
        assertThat(events.get(0)).isInstanceOf(JournalEvent.Started.class);
        assertThat(events).filteredOn(e -> e instanceof JournalEvent.Resumed).singleElement()
                .satisfies(e -> assertThat(((JournalEvent.Resumed) e).operator()).isEqualTo("bob"));
        assertThat(finishedCount(events, "passing#0")).isEqualTo(1);
        assertThat(finishedCount(events, "broken#0")).isEqualTo(1);
    }

    @Test
    void unsettledScopeRerunsOnlyMissingAndBlockingChecks() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK);
        Step repaired = step(rb, "repaired");
        Path crashed = f.sessionDir.resolve("crashed.jsonl");
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(repaired, Session.Scope.ALL);
            assertThat(s.checkStatus(repaired, 1)).isEqualTo(Status.FAILED);
            // As if the process died before q2's result reached the disk.
            List<String> lines = Files.readAllLines(s.journalFile()).stream()
                    .filter(l -> !l.contains("\"stepId\":\"repaired\",\"index\":2")).toList();
            Files.write(crashed, lines, StandardCharsets.UTF_8);
        }
        f.exec("UPDATE flags SET ok = true");

        try (Session s = Session.resume(crashed, rb, f.db, "alice", RunListener.NONE)) {
            assertThat(s.checkStatus(repaired, 2)).isEqualTo(Status.PENDING);
            s.runChecks(repaired, Session.Scope.UNSETTLED);
            assertThat(s.stepStatus(repaired)).isEqualTo(Status.PASSED);
        }
        List<JournalEvent> events = Journal.read(crashed);
        assertThat(finishedCount(events, "repaired#0")).as("q0 passed before: not run again").isEqualTo(1);
        assertThat(finishedCount(events, "repaired#1")).as("q1 failed before: run again").isEqualTo(2);
        assertThat(finishedCount(events, "repaired#2")).as("q2 had no result: run").isEqualTo(1);
    }

    @Test
    void resumeRefusesAnotherClusterWhoseDatabaseHasTheSameName() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(RUNBOOK);
        Path journalFile;
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "passing"), Session.Scope.ALL);
            journalFile = s.journalFile();
        }
        // The same journal as if it had been recorded on another server holding a database of the same name.
        List<JournalEvent> events = new ArrayList<>(Journal.read(journalFile));
        JournalEvent.Started st = (JournalEvent.Started) events.get(0);
        ServerInfo was = st.server();
        ServerInfo other = new ServerInfo(was.host(), was.port(), was.database(), was.user(), was.serverVersion(),
                was.serverVersionNum(), "6999999999999999999", was.superuser(), was.checkPrivileges());
        events.set(0, new JournalEvent.Started(st.sessionId(), st.runbookFile(), st.runbookSha256(),
                st.runbookTitle(), st.runbookVersion(), st.environment(), st.targetDatabase(), st.outline(),
                st.connection(), other, st.operator(), st.toolVersion(), st.at()));
        Path elsewhere = f.sessionDir.resolve("elsewhere.jsonl");
        try (Journal j = Journal.create(elsewhere, events.get(0))) {
            for (JournalEvent e : events.subList(1, events.size())) j.append(e);
        }
        byte[] before = Files.readAllBytes(elsewhere);

        assertThatThrownBy(() -> Session.resume(elsewhere, rb, f.db, "alice", RunListener.NONE))
                .isInstanceOf(SessionException.class)
                .hasMessageContaining("6999999999999999999").hasMessageContaining(was.systemIdentifier());
        assertThat(Files.readAllBytes(elsewhere)).isEqualTo(before);
    }

    // ---------------------------------------------------------------- interrupted migrations

    private static final String MIGRATION_RUNBOOK = """
            runbook: Interrupted migration
            target: { environment: development }
            phases:
              - name: Execute
                steps:
                  - id: migrate
                    title: Apply the migration
                    execute: { file: migrate.sql }
            """;

    /** Starts a session and ends it as if the process died right after journaling the migration's start. */
    private Path interruptedAt(Runbook rb, long xid) throws Exception {
        Path journalFile;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            journalFile = s.journalFile();
        }
        try (Journal j = Journal.reopen(journalFile)) {
            j.append(new JournalEvent.MigrationBegan("migrate", 0, xid,
                    RunbookLoader.sha256(Files.readAllBytes(dir.resolve("migrate.sql"))), Instant.now()));
        }
        return journalFile;
    }

    /** Opens a transaction that creates a table, and returns its xid; the caller decides its fate. */
    private static long beginMigrationLikeTransaction(Connection c, String table) throws Exception {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT txid_current()")) {
            rs.next();
            long xid = rs.getLong(1);
            st.execute("CREATE TABLE " + table + " (id int)");
            return xid;
        }
    }

    private boolean tableExists(String table) throws Exception {
        try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    @Test
    void aMigrationThatCommittedBeforeTheCrashIsRecordedAsPassedWithoutRunningItAgain() throws Exception {
        SessionFixture f = fixture();
        // Running this file again would fail loudly.
        Runbook rb = f.runbook(MIGRATION_RUNBOOK, Map.of("migrate.sql", "SELECT 1/0;\n"));
        long xid;
        try (Connection c = TestPostgres.connect(f.database)) {
            xid = beginMigrationLikeTransaction(c, "made_by_migration");
            c.commit();
        }
        Path journalFile = interruptedAt(rb, xid);
        List<CheckResult> heard = Collections.synchronizedList(new ArrayList<>());
        RunListener listener = new RunListener() {
            @Override
            public void checkFinished(Step step, CheckResult result) {
                heard.add(result);
            }
        };

        try (Session s = Session.resume(journalFile, rb, f.db, "alice", listener)) {
            Step migrate = step(rb, "migrate");
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
            assertThat(s.state().result("migrate", 0)).get().extracting(CheckResult::actual).asString()
                    .contains("committed before the interruption").contains(Long.toString(xid));
            // A committed migration is never run twice, whatever the scope.
            s.runChecks(migrate, Session.Scope.ALL);
        }
        List<JournalEvent> events = Journal.read(journalFile);
        assertThat(startedCount(events, "migrate")).as("the file was not run").isZero();
        assertThat(finishedCount(events, "migrate#0")).isEqualTo(1);
        assertThat(heard).singleElement().extracting(CheckResult::status).isEqualTo(Status.PASSED);
        assertThat(tableExists("made_by_migration")).isTrue();
    }

    @Test
    void aMigrationWhoseTransactionRolledBackRunsAgain() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(MIGRATION_RUNBOOK, Map.of("migrate.sql", "CREATE TABLE migrated (id int);\n"));
        long xid;
        try (Connection c = TestPostgres.connect(f.database)) {
            xid = beginMigrationLikeTransaction(c, "half_done");
            c.rollback();
        }
        Path journalFile = interruptedAt(rb, xid);

        try (Session s = Session.resume(journalFile, rb, f.db, "alice", RunListener.NONE)) {
            Step migrate = step(rb, "migrate");
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(s.checkStatus(migrate, 0)).as(s.state().result("migrate", 0).toString())
                    .isEqualTo(Status.PASSED);
            assertThat(s.state().result("migrate", 0)).get().extracting(CheckResult::actual).asString()
                    .startsWith("committed: 1 statements");
        }
        List<JournalEvent> events = Journal.read(journalFile);
        assertThat(startedCount(events, "migrate")).as("the file ran").isEqualTo(1);
        assertThat(events.stream().filter(e -> e instanceof JournalEvent.MigrationBegan)
                .map(e -> ((JournalEvent.MigrationBegan) e).xid())).hasSize(2).doesNotHaveDuplicates();
        assertThat(tableExists("migrated")).isTrue();
        assertThat(tableExists("half_done")).isFalse();
    }

    @Test
    void aMigrationStillInProgressIsAnErrorAndIsSettledOnceItsTransactionEnds() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(MIGRATION_RUNBOOK, Map.of("migrate.sql", "SELECT 1/0;\n"));
        try (Connection c = TestPostgres.connect(f.database)) {
            long xid = beginMigrationLikeTransaction(c, "slow_migration");
            Path journalFile = interruptedAt(rb, xid);

            try (Session s = Session.resume(journalFile, rb, f.db, "alice", RunListener.NONE)) {
                Step migrate = step(rb, "migrate");
                s.runChecks(migrate, Session.Scope.ALL);
                assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);
                assertThat(s.state().result("migrate", 0)).get().extracting(CheckResult::actual).asString()
                        .contains("still in progress");

                // The first attempt's transaction commits after all: re-running must learn that, not run the file.
                c.commit();
                s.runChecks(migrate, Session.Scope.UNSETTLED);
                assertThat(s.state().result("migrate", 0)).get().extracting(CheckResult::actual).asString()
                        .contains("committed before the interruption");
                assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
            }
            assertThat(startedCount(Journal.read(journalFile), "migrate")).as("the file was not run").isZero();
        }
    }

    @Test
    void aMigrationThatErredRunsAgainOnceTheFileIsFixed() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(MIGRATION_RUNBOOK,
                Map.of("migrate.sql", "CREATE TABLE fixed (id int);\nSELECT 1/0;\n"));
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            Step migrate = step(rb, "migrate");
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);

            Files.writeString(dir.resolve("migrate.sql"), "CREATE TABLE fixed (id int);\n");
            s.runChecks(migrate, Session.Scope.UNSETTLED);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.PASSED);
        }
        assertThat(tableExists("fixed")).isTrue();
    }

    @Test
    void aMigrationWhoseTransactionTheServerNoLongerKnowsIsAnErrorAndIsNotRunAgain() throws Exception {
        SessionFixture f = fixture();
        Runbook rb = f.runbook(MIGRATION_RUNBOOK, Map.of("migrate.sql", "SELECT 1/0;\n"));
        // Older than the server's commit log: txid_status answers NULL, neither committed nor aborted.
        Path journalFile = interruptedAt(rb, 500);

        try (Session s = Session.resume(journalFile, rb, f.db, "alice", RunListener.NONE)) {
            Step migrate = step(rb, "migrate");
            s.runChecks(migrate, Session.Scope.ALL);
            assertThat(s.checkStatus(migrate, 0)).isEqualTo(Status.ERROR);
            assertThat(s.state().result("migrate", 0)).get().extracting(CheckResult::actual).asString()
                    .contains("500").contains("too old");
        }
        assertThat(startedCount(Journal.read(journalFile), "migrate")).as("the file was not run").isZero();
    }
}
