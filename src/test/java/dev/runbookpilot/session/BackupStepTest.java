package dev.runbookpilot.session;

import dev.runbookpilot.check.BackupChecks;
import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.proc.PgTools;
import dev.runbookpilot.report.MarkdownReport;
import dev.runbookpilot.report.ReportBuilder;
import dev.runbookpilot.testing.Postgres17;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/** Backups taken and proven against the real embedded server, with the installed pg_dump and pg_restore. */
class BackupStepTest {
    static final String SETUP = """
            CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL);
            INSERT INTO items (name) SELECT 'item ' || g FROM generate_series(1, 5000) g;
            CREATE SCHEMA sales;
            CREATE TABLE sales.orders (id int PRIMARY KEY, item bigint REFERENCES items, qty int);
            INSERT INTO sales.orders SELECT g, g, g % 7 FROM generate_series(1, 1200) g;
            CREATE TABLE "Odd Name" (v int);
            INSERT INTO "Odd Name" VALUES (1), (2);
            CREATE TABLE empty_one (v int);
            """;

    @TempDir
    Path dir;
    private SessionFixture fx;

    @AfterEach
    void close() {
        if (fx != null) fx.close();
    }

    static String runbook(String backup) {
        return runbook("[items, sales.orders]", backup);
    }

    static String runbook(String snapshotTables, String backup) {
        return """
                runbook: Backup drill
                target: { environment: development }
                phases:
                  - name: Before
                    steps:
                      - id: baseline
                        title: Baseline
                        checks:
                          - snapshot: { name: before, rowCounts: %s }
                      - id: backup
                        title: Backup taken and proven
                        backup: %s
                """.formatted(snapshotTables, backup);
    }

    private CheckResult runBackup(String backupYaml) throws Exception {
        return runBackup(runbook(backupYaml), new java.util.Properties());
    }

    private CheckResult runBackup(String runbookYaml, java.util.Properties properties) throws Exception {
        if (fx == null) fx = SessionFixture.open("backup", SETUP, dir, properties);
        Runbook rb = fx.runbook(runbookYaml);
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "baseline"), Session.Scope.ALL);
            Step backup = step(rb, "backup");
            s.runChecks(backup, Session.Scope.ALL);
            journal = Journal.read(s.journalFile());
            return s.state().result("backup", 0).orElseThrow();
        }
    }

    private List<JournalEvent> journal;

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private List<Path> filesIn(Path d) throws Exception {
        if (!Files.isDirectory(d)) return List.of();
        try (Stream<Path> s = Files.list(d)) {
            return s.toList();
        }
    }

    @Test
    void aBackupProvenByListIsOneWholeFileWhoseHashAnAuditorCanRecompute() throws Exception {
        CheckResult r = runBackup("{ dir: dumps, verify: list }");

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        CheckDetail.BackupProof proof = (CheckDetail.BackupProof) r.detail();
        List<Path> files = filesIn(dir.resolve("dumps"));
        assertThat(files).as("one dump, no partial file beside it").hasSize(1);
        Path dump = files.get(0);
        assertThat(dump.getFileName().toString()).startsWith(fx.database + "-").endsWith(".dump");
        assertThat(proof.file()).isEqualTo(dump.toString());
        assertThat(proof.sha256()).isEqualTo(sha256(dump));
        assertThat(proof.sizeBytes()).isEqualTo(Files.size(dump));
        assertThat(proof.entries()).isGreaterThan(8);
        assertThat(proof.pgDumpVersion()).startsWith("pg_dump 15.");
        assertThat(proof.serverVersion()).startsWith("15.");
        assertThat(proof.snapshotId()).isNotBlank();
        assertThat(proof.command()).contains("--snapshot=" + proof.snapshotId());
        assertThat(journal).anyMatch(e -> e instanceof JournalEvent.BackupBegan)
                .anyMatch(e -> e instanceof JournalEvent.BackupCleaned);
    }

    @Test
    void aBackupProvenByRestoreHasEveryTablesSnapshotCountAndLeavesNoScratchServer() throws Exception {
        CheckResult r = runBackup("{ dir: dumps, verify: restore }");

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        CheckDetail.BackupProof proof = (CheckDetail.BackupProof) r.detail();
        assertThat(proof.counts()).extracting(CheckDetail.RestoredCount::table)
                .containsExactly("public.Odd Name", "public.empty_one", "public.items", "sales.orders");
        assertThat(proof.counts()).allMatch(CheckDetail.RestoredCount::matches);
        assertThat(proof.counts()).filteredOn(c -> c.table().equals("public.items"))
                .singleElement().satisfies(c -> assertThat(c.restored()).isEqualTo(5000L));
        JournalEvent.BackupBegan began = journal.stream().filter(e -> e instanceof JournalEvent.BackupBegan)
                .map(e -> (JournalEvent.BackupBegan) e).findFirst().orElseThrow();
        assertThat(began.scratchServer()).isEqualTo("embedded");
        assertThat(Path.of(began.scratchDataDir())).doesNotExist();
    }

    private static List<String> scratchDatabases() throws Exception {
        try (Connection c = TestPostgres.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT datname FROM pg_database WHERE datname LIKE 'rp_scratch%'")) {
            List<String> out = new java.util.ArrayList<>();
            while (rs.next()) out.add(rs.getString(1));
            return out;
        }
    }

    @Test
    void aRestoreDrillOnTheTargetServerDropsItsScratchDatabaseAfterwards() throws Exception {
        CheckResult r = runBackup("{ dir: dumps, verify: restore, scratch: target }");

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        CheckDetail.BackupProof proof = (CheckDetail.BackupProof) r.detail();
        assertThat(proof.scratch()).contains("target server");
        assertThat(proof.counts()).hasSize(4).allMatch(CheckDetail.RestoredCount::matches);
        JournalEvent.BackupBegan began = journal.stream().filter(e -> e instanceof JournalEvent.BackupBegan)
                .map(e -> (JournalEvent.BackupBegan) e).findFirst().orElseThrow();
        assertThat(began.scratchDatabase()).startsWith("rp_scratch_");
        assertThat(scratchDatabases()).doesNotContain(began.scratchDatabase());
    }

    /**
     * Another connection inserts rows all through the backup. The counts come from the snapshot pg_dump dumped, so
     * the restored copy matches them exactly although the table grew meanwhile; had pg_dump taken a snapshot of its
     * own, the restored copy would hold more rows than were counted.
     */
    @Test
    void rowsWrittenByAnotherSessionDuringTheDumpDoNotBreakTheCountComparison() throws Exception {
        fx = SessionFixture.open("backup_live", SETUP, dir, new java.util.Properties());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong inserted = new AtomicLong();
        Thread writer = new Thread(() -> {
            try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    st.execute("INSERT INTO items (name) VALUES ('live')");
                    inserted.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "live-writer");
        writer.start();
        CheckResult r;
        try {
            while (inserted.get() < 50) Thread.sleep(5);
            r = runBackup(runbook("{ dir: dumps, verify: restore, scratch: target }"), new java.util.Properties());
            long before = inserted.get();
            while (inserted.get() < before + 50) Thread.sleep(5);
        } finally {
            stop.set(true);
            writer.join();
        }

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        CheckDetail.RestoredCount items = ((CheckDetail.BackupProof) r.detail()).counts().stream()
                .filter(c -> c.table().equals("public.items")).findFirst().orElseThrow();
        assertThat(items.restored()).isEqualTo(items.snapshot());
        try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows went on arriving after the snapshot").isGreaterThan(items.snapshot());
        }
    }

    @Test
    void aTableTheRunbooksSnapshotCountsOnThatTheDumpLacksFailsTheBackup() throws Exception {
        CheckResult r = runBackup(runbook("[items, ghost]", "{ dir: dumps, verify: list }"),
                new java.util.Properties());

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.FAILED);
        assertThat(((CheckDetail.BackupProof) r.detail()).missing()).containsExactly("public.ghost");
        assertThat(r.actual()).contains("public.ghost");
    }

    @Test
    void withNoScratchDatabasePossibleTheDrillIsAnErrorSaidBeforeAnyDumpIsTaken() throws Exception {
        CheckResult r = runBackup("{ dir: dumps, verify: restore, scratch: \"postgresql://postgres@127.0.0.1:1/postgres\" }");

        assertThat(r.status()).isEqualTo(Status.ERROR);
        assertThat(r.actual()).contains("no scratch database", "cannot connect");
        assertThat(filesIn(dir.resolve("dumps"))).as("no dump, no partial file").isEmpty();
        assertThat(journal).anyMatch(e -> e instanceof JournalEvent.BackupCleaned);
    }

    /**
     * What a crash in the middle of a backup leaves: its start journaled, a partial dump on disk and a scratch
     * database on the target. Resume removes both before anything else, and the backup is ERROR, not a backup.
     */
    @Test
    void aResumeAfterACrashMidBackupRemovesThePartialDumpAndDropsTheScratchDatabase() throws Exception {
        fx = SessionFixture.open("backup_crash", SETUP, dir, new java.util.Properties());
        Runbook rb = fx.runbook(runbook("{ dir: dumps, verify: restore, scratch: target }"));
        Path dumps = Files.createDirectories(dir.resolve("dumps"));
        Path partial;
        Path journalFile;
        String scratch;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            partial = Files.writeString(dumps.resolve(".db-" + s.id() + "-20261202T010000Z.dump.partial"),
                    "PGDMP half written");
            scratch = BackupChecks.scratchDatabaseName(s.id(), "backup");
            TestPostgres.exec("postgres", "CREATE DATABASE " + scratch);
            s.record(new JournalEvent.CheckStarted("backup", 0, Instant.now()));
            s.record(new JournalEvent.BackupBegan("backup", 0, partial.toString(), "target", scratch, null,
                    Instant.now()));
            journalFile = s.journalFile();
        }
        assertThat(scratchDatabases()).contains(scratch);

        try (Session s = Session.resume(journalFile, rb, fx.db, "bob", RunListener.NONE)) {
            assertThat(partial).doesNotExist();
            assertThat(scratchDatabases()).doesNotContain(scratch);
            CheckResult interrupted = s.state().result("backup", 0).orElseThrow();
            assertThat(interrupted.status()).isEqualTo(Status.ERROR);
            assertThat(interrupted.actual()).contains("interrupted", "no backup");

            s.runChecks(step(rb, "backup"), Session.Scope.UNSETTLED);
            assertThat(s.state().result("backup", 0).orElseThrow().status()).isEqualTo(Status.PASSED);
        }
        try (Session s = Session.resume(journalFile, rb, fx.db, "carol", RunListener.NONE)) {
            assertThat(s.state().result("backup", 0).orElseThrow().status()).as("cleaned once, not again")
                    .isEqualTo(Status.PASSED);
        }
    }

    /**
     * Resume deletes and drops on the journal's word: a journal edited to name the target database and a file the
     * backup never made must not make resume drop or delete them.
     */
    @Test
    void aResumeRemovesNothingAJournalNamesThatTheBackupDidNotMake() throws Exception {
        fx = SessionFixture.open("backup_tampered", SETUP, dir, new java.util.Properties());
        Runbook rb = fx.runbook(runbook("{ dir: dumps, verify: restore, scratch: target }"));
        Files.createDirectories(dir.resolve("dumps"));
        Path precious = Files.writeString(dir.resolve("dumps").resolve(".precious.partial"), "not ours");
        Path journalFile;
        try (Session s = fx.start(rb, "alice", RunListener.NONE)) {
            s.record(new JournalEvent.CheckStarted("backup", 0, Instant.now()));
            s.record(new JournalEvent.BackupBegan("backup", 0, null, "target", fx.database, null, Instant.now()));
            journalFile = s.journalFile();
            CheckSpec.Backup spec = (CheckSpec.Backup) step(rb, "backup").checks().get(0);
            assertThat(BackupChecks.untrustedLeftovers(s.id(), "backup", spec, precious.toString(), null, null, null))
                    .as("a file the backup did not name after this session").contains("not a partial dump");
            assertThat(BackupChecks.untrustedLeftovers(s.id(), "backup", spec, dir.resolve("elsewhere")
                    .resolve(".db-" + s.id() + "-1.dump.partial").toString(), null, null, null))
                    .as("a file outside the step's dir").contains("not a partial dump");
            assertThat(BackupChecks.untrustedLeftovers(s.id(), "backup", spec, null, "target",
                    BackupChecks.scratchDatabaseName(s.id(), "backup"), "/home/alice")).contains("directory");
        }

        try (Session s = Session.resume(journalFile, rb, fx.db, "bob", RunListener.NONE)) {
            assertThat(precious).exists();
            try (Connection c = TestPostgres.connect(fx.database); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                assertThat(rs.getLong(1)).as("the target database is still there").isEqualTo(5000);
            }
            CheckResult r = s.state().result("backup", 0).orElseThrow();
            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).contains("nothing removed", "check by hand");
        }
    }

    @Test
    void aPgDumpOlderThanTheServerIsRefusedWithBothVersionsBeforeAnythingRuns() throws Exception {
        String database = Postgres17.freshDatabase("backup_newer");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", "postgres");
        Files.writeString(dir.resolve("runbook.yaml"), runbook("{ dir: dumps, verify: restore }"));
        Runbook rb = dev.runbookpilot.runbook.RunbookLoader.load(dir.resolve("runbook.yaml"));
        try (Database db = Database.open(Postgres17.server().jdbcUrl(database), props, 4,
                CheckDefaults.LOCK_TIMEOUT);
             Session s = Session.start(rb, db, new JournalEvent.Connection("localhost", Postgres17.server().port(),
                     database, "postgres", "disable", false, null), "alice", dir.resolve("sessions"),
                     RunListener.NONE)) {
            s.runChecks(step(rb, "backup"), Session.Scope.ALL);
            CheckResult r = s.state().result("backup", 0).orElseThrow();

            assertThat(r.status()).isEqualTo(Status.ERROR);
            assertThat(r.actual()).containsPattern("pg_dump 15\\.\\d+").containsPattern("PostgreSQL 17\\.\\d+")
                    .contains("postgresql-client-17", PgTools.BIN_DIR_VARIABLE);
            assertThat(dir.resolve("dumps")).doesNotExist();
            assertThat(Journal.read(s.journalFile())).noneMatch(e -> e instanceof JournalEvent.BackupBegan);
        }
    }

    @Test
    void thePasswordIsNeverInTheJournalTheReportOrTheLog() throws Exception {
        String secret = "s3cr3t-Pa55-backup";
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger("dev.runbookpilot");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Level previous = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.ALL);
        appender.start();
        root.addAppender(appender);
        java.util.Properties props = new java.util.Properties();
        props.setProperty("password", secret);
        CheckResult r;
        try {
            r = runBackup(runbook("{ dir: dumps, verify: restore, scratch: target }"), props);
        } finally {
            root.detachAppender(appender);
            root.setLevel(previous);
        }

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        Path journalFile;
        try (Stream<Path> files = Files.list(dir.resolve("sessions"))) {
            journalFile = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        assertThat(Files.readString(journalFile)).doesNotContain(secret);
        SessionState state = SessionState.replay(Journal.read(journalFile));
        assertThat(MarkdownReport.render(ReportBuilder.build(state))).doesNotContain(secret)
                .contains(((CheckDetail.BackupProof) r.detail()).sha256());
        assertThat(appender.list).isNotEmpty()
                .allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(secret));
    }

    @Test
    void aDirectoryDumpsHashIsTheOneTheReportsShellCommandComputes() throws Exception {
        CheckResult r = runBackup("{ dir: dumps, format: directory, jobs: 2, verify: restore, scratch: target }");

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        CheckDetail.BackupProof proof = (CheckDetail.BackupProof) r.detail();
        assertThat(Path.of(proof.file())).isDirectory();
        assertThat(proof.file()).endsWith(".dumpdir");
        Process p = new ProcessBuilder("sh", "-c", dev.runbookpilot.report.BackupEvidence.rehash(proof))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out.split("\\s+")[0]).isEqualTo(proof.sha256());
    }

    @Test
    void aRestoreDrillOnAScratchServerTheRunbookNamesRunsThereAndLeavesNothing() throws Exception {
        String scratchUri = "postgresql://postgres@localhost:" + Postgres17.server().port() + "/postgres";
        CheckResult r = runBackup("{ dir: dumps, verify: restore, scratch: \"" + scratchUri + "\" }");

        assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
        CheckDetail.BackupProof proof = (CheckDetail.BackupProof) r.detail();
        assertThat(proof.scratch()).contains(":" + Postgres17.server().port()).contains("PostgreSQL 17.");
        assertThat(proof.counts()).hasSize(4).allMatch(CheckDetail.RestoredCount::matches);
        try (Connection c = Postgres17.server().connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_database WHERE datname LIKE 'rp_scratch%'")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
