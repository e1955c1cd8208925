package dev.runbookpilot.session;

import dev.runbookpilot.check.BackupChecks;
import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
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
        return """
                runbook: Backup drill
                target: { environment: development }
                phases:
                  - name: Before
                    steps:
                      - id: baseline
                        title: Baseline
                        checks:
                          - snapshot: { name: before, rowCounts: [items, sales.orders] }
                      - id: backup
                        title: Backup taken and proven
                        backup: %s
                """.formatted(backup);
    }

    private CheckResult runBackup(String backupYaml) throws Exception {
        fx = SessionFixture.open("backup", SETUP, dir);
        Runbook rb = fx.runbook(runbook(backupYaml));
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
}
