package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.db.Locks;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Snapshots;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.CatalogObject;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.runbook.ObjectKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JournalTest {
    @TempDir
    Path dir;

    private static final Instant T0 = Instant.parse("2024-05-01T10:15:30.123456789Z");

    /** One event of every type, each carrying non-trivial content so a lost field would show. */
    static List<JournalEvent> oneOfEach() {
        JournalEvent.CheckOutline query = new JournalEvent.CheckOutline("query", "no orphans", "query = 0",
                "SELECT count(*) FROM t", null);
        JournalEvent.CheckOutline signoff = new JournalEvent.CheckOutline("signoff", "sign-off by DBA",
                "sign-off by DBA", null, List.of("DBA", "Backend lead"));
        JournalEvent.PhaseOutline phase = new JournalEvent.PhaseOutline("Verify", List.of(
                new JournalEvent.StepOutline("verify", "Verify the data", "Markdown *text*", List.of(query)),
                new JournalEvent.StepOutline("signoff", "Sign-off", null, List.of(signoff))));
        ServerInfo server = new ServerInfo("db.example", 5433, "shop", "dba", "17.2", 170002, "7312345678901234567",
                true, "checks ran as pg_read_all_data (read-only role) from login dba");
        JournalEvent.Connection conn = new JournalEvent.Connection("db.example", 5433, "shop", "dba", "require",
                false, null);
        CheckResult failed = new CheckResult("verify", 0, "rowCounts", "counts", Status.FAILED, "counts match",
                "1 of 2 tables differ", "SELECT count(*) FROM \"t\"", 42, null, null,
                new CheckDetail.RowCountDiff("before", List.of(
                        new CheckDetail.RowCountLine("a", "a", 3L, 5L, Status.FAILED, "delta 2"),
                        new CheckDetail.RowCountLine("b", null, 7L, null, Status.PASSED, "dropped as planned"))),
                T0, T0.plusMillis(42));
        CheckResult error = new CheckResult("verify", 1, "query", "q", Status.ERROR, "= 0", "relation missing",
                "SELECT 1 FROM nope", 3, "42P01", "relation \"nope\" does not exist",
                new CheckDetail.Rows(List.of("x"), List.of(Arrays.asList("1", null)), true), T0, T0);
        SchemaSnapshot catalog = new SchemaSnapshot("public", List.of(
                new CatalogObject(ObjectKind.TABLES, "a", null, Map.of("rls", "false"), null),
                new CatalogObject(ObjectKind.COLUMNS, "id", "a", Map.of("type", "integer", "nullable", "false"),
                        null)));
        Snapshots.Data snapshot = new Snapshots.Data("before", "public", Map.of("a", 3L, "b", 7L), catalog, T0);
        return List.of(
                new JournalEvent.Started("20240501-101530-shop-ab12", "/runbooks/shop/runbook.yaml", "ab".repeat(32),
                        "Shop migration", "1.0", "staging", "shop", List.of(phase), conn, server, "alice", "dev", T0,
                        "Moves *orders*", new JournalEvent.WindowPlan(T0.plusSeconds(60), 7_200_000,
                        "2024-05-01T12:16:30 Europe/Berlin")),
                new JournalEvent.Resumed("bob", server, T0.plusSeconds(1)),
                new JournalEvent.CheckStarted("verify", 0, T0.plusSeconds(2)),
                new JournalEvent.CheckFinished(failed, T0.plusSeconds(3)),
                new JournalEvent.CheckFinished(error, T0.plusSeconds(3)),
                new JournalEvent.SnapshotRecorded("baseline", 0, snapshot, T0.plusSeconds(4)),
                new JournalEvent.MigrationBegan("migrate", 0, 4_294_967_999L, "cd".repeat(32), T0.plusSeconds(5)),
                new JournalEvent.Confirmed("backup", 0, "alice", "s3://backups/shop.dump\nsecond line",
                        T0.plusSeconds(6)),
                new JournalEvent.Waived("verify", 0, "alice", "known drift, ticket OPS-12", T0.plusSeconds(7)),
                new JournalEvent.Waived("verify", 1, "alice", "granted up front", T0.plusSeconds(7), true),
                new JournalEvent.Skipped("vacuum", "alice", "autovacuum ran", T0.plusSeconds(7)),
                new JournalEvent.Signed("signoff", "DBA", "Alice Smith", T0.plusSeconds(8)),
                new JournalEvent.Ended("alice", T0.plusSeconds(9)),
                new JournalEvent.StatementBegan("migrate", 0, 3, 7, 42, T0.plusSeconds(10)),
                new JournalEvent.MigrationResolved("migrate", 0, 4_294_967_999L,
                        JournalEvent.MigrationResolved.FATE_ABORTED, T0.plusSeconds(11)),
                new JournalEvent.Settled("migrate", 0, "bob", JournalEvent.Settlement.RUN_AGAIN,
                        "rows 1-3 deleted by hand", "statement 3 of 7 (line 42)", T0.plusSeconds(12)),
                new JournalEvent.Stopped("bob", "the process was stopped", List.of("migrate#0", "verify#1"),
                        T0.plusSeconds(13)),
                new JournalEvent.CommandBegan("tool", 0, "alembic upgrade head", "/srv/app",
                        java.util.Map.of("PGHOST", "db1", "PGPASSWORD", "*****"), T0.plusSeconds(14)),
                new JournalEvent.CommandOutput("tool", 0, List.of(new CheckDetail.OutputLine(1, T0.plusSeconds(15),
                        "ERR", "INFO  [alembic] Running upgrade 3f2a -> 9c1d")), T0.plusSeconds(15)),
                new JournalEvent.CheckFinished(new CheckResult("tool", 0, "command", "Alembic", Status.FAILED,
                        "exits with 0", "exit code 1, expected 0", "$ alembic upgrade head", 1200, null, null,
                        new CheckDetail.CommandRun("alembic upgrade head", "/srv/app", List.of("PGHOST"), true, 1,
                                "EXITED", 1200, List.of(new CheckDetail.PatternMatch("Running", new CheckDetail
                                .OutputLine(1, T0.plusSeconds(15), "ERR", "Running upgrade"))), List.of(),
                                List.of(), List.of(), 0, false), T0.plusSeconds(14), T0.plusSeconds(16)),
                        T0.plusSeconds(16)),
                new JournalEvent.BackupBegan("backup", 0, "/backups/.shop-x.dump.partial", "embedded",
                        "rp_scratch_x_backup", "/tmp/rp_scratch_x_backup", T0.plusSeconds(14)),
                new JournalEvent.BackupCleaned("backup", 0, "removed when the backup ended", T0.plusSeconds(15)),
                new JournalEvent.RollbackBegan("alice", "the backfill failed", List.of("migrate#0"),
                        "'Drop old' has no rollback declared", T0.plusSeconds(16)),
                new JournalEvent.RehearsalPlanned("20240501-101530-shop-ab12", "ab".repeat(32), "embedded", "shop",
                        "/tmp/rp_rehearsal_20240501_101530_shop_ab12", "full", conn, server, "alice", T0),
                new JournalEvent.RehearsalCopyMade(server, "shop on a throw-away embedded server",
                        "another cluster", 1234, T0.plusSeconds(1)),
                new JournalEvent.Rehearsed("signoff", 0, "alice", T0.plusSeconds(17)),
                new JournalEvent.RehearsalCopyDropped("dropped at the end of the rehearsal", T0.plusSeconds(18)),
                new JournalEvent.LockWaited("migrate", 0, new Locks.LockWait(1, 2, 7, 5000, List.of(BLOCKER), 1000L,
                        T0.plusSeconds(16)), T0.plusSeconds(16)),
                new JournalEvent.CheckFinished(new CheckResult("migrate", 0, "execute", "Migrate", Status.PASSED,
                        "runs without error", "committed", "ALTER TABLE t ...", 900, null, null,
                        new CheckDetail.Notices(List.of(), List.of(), 0, new Locks.Report("read exactly",
                                List.of(new Locks.HeldLock("t", false, "ACCESS EXCLUSIVE", T0.plusSeconds(17), 850,
                                        800)), List.of(new Locks.LockWait(1, 2, 7, 5000, List.of(BLOCKER), null,
                                T0.plusSeconds(16))))), T0.plusSeconds(17), T0.plusSeconds(18)), T0.plusSeconds(18)),
                new JournalEvent.BlockerStopped("migrate", 0, "alice", "terminate", "left open", BLOCKER,
                        "database name 'shop' typed", JournalEvent.BlockerStopped.REQUESTED, T0.plusSeconds(19)),
                new JournalEvent.ConfirmationWithdrawn("backup", 0, "alice", T0.plusSeconds(20)),
                new JournalEvent.Overrun("step:migrate", "Migrate", 300_000, 312_500, T0.plusSeconds(20)));
    }

    private static final Locks.Blocker BLOCKER = new Locks.Blocker(4711, "report", "nightly", "idle in transaction",
            "SELECT * FROM t", 12_000L, T0);

    @Test
    void everyEventTypeRoundTripsThroughAppendAndRead() throws IOException {
        List<JournalEvent> events = oneOfEach();
        Set<Class<?>> covered = events.stream().map(Object::getClass).collect(Collectors.toSet());
        assertThat(covered).as("the sample covers every event type")
                .containsExactlyInAnyOrder(JournalEvent.class.getPermittedSubclasses());

        Path file = dir.resolve("s.jsonl");
        try (Journal j = Journal.create(file, events.get(0))) {
            for (JournalEvent e : events.subList(1, events.size())) j.append(e);
        }

        assertThat(Journal.read(file)).containsExactlyElementsOf(events);
        assertThat(Files.readAllLines(file)).hasSize(events.size());
    }

    @Test
    void aJournalNeverExistsWithoutItsFirstLine() throws Exception {
        // A watcher looks as fast as it can while journals are created: under the journal's name there is never an
        // empty file, the state a kill at that moment used to leave and no resume could read.
        JournalEvent first = oneOfEach().get(0);
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger emptySeen = new java.util.concurrent.atomic.AtomicInteger();
        Thread watcher = new Thread(() -> {
            while (!done.get()) {
                for (int i = 0; i < 30; i++) {
                    Path p = dir.resolve("s" + i + ".jsonl");
                    try {
                        if (Files.exists(p) && Files.size(p) == 0) emptySeen.incrementAndGet();
                    } catch (IOException gone) {
                        // between exists and size: not a finding
                    }
                }
            }
        });
        watcher.start();
        try {
            for (int i = 0; i < 30; i++) {
                try (Journal j = Journal.create(dir.resolve("s" + i + ".jsonl"), first)) {
                    assertThat(Journal.read(j.file())).containsExactly(first);
                }
            }
        } finally {
            done.set(true);
            watcher.join();
        }
        assertThat(emptySeen).hasValue(0);
        try (var files = Files.list(dir)) {
            assertThat(files.filter(f -> !f.toString().endsWith(".jsonl")).toList()).as("no draft left").isEmpty();
        }
    }

    @Test
    void aTornLastLineIsIgnoredByReadAndCutOffByReopen() throws IOException {
        List<JournalEvent> events = oneOfEach();
        Path file = dir.resolve("s.jsonl");
        try (Journal j = Journal.create(file, events.get(0))) {
            j.append(events.get(2));
        }
        // The process died halfway through writing the next event: half a JSON object, no newline.
        String whole = Journal.JSON.writeValueAsString(events.get(3));
        Files.writeString(file, whole.substring(0, whole.length() / 2), StandardOpenOption.APPEND);

        assertThat(Journal.read(file)).containsExactly(events.get(0), events.get(2));

        try (Journal j = Journal.reopen(file)) {
            j.append(events.get(8));
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).startsWith("{\"event\":\"waived\"");
        assertThat(Files.readString(file)).endsWith("}\n");
        assertThat(Journal.read(file)).containsExactly(events.get(0), events.get(2), events.get(8));
    }

    @Test
    void aSnapshotNamesExactlyTheCompleteLinesItParsedWhileALineIsBeingWritten() throws Exception {
        List<JournalEvent> events = oneOfEach();
        Path file = dir.resolve("snap.jsonl");
        try (Journal j = Journal.create(file, events.get(0))) {
            j.append(events.get(2));
        }
        byte[] complete = Files.readAllBytes(file);
        // A writer is halfway through its next line when the report reads the file.
        String next = Journal.JSON.writeValueAsString(events.get(3));
        Files.writeString(file, next.substring(0, next.length() / 2), StandardOpenOption.APPEND);

        Journal.Snapshot s = Journal.snapshot(file);
        assertThat(s.events()).containsExactly(events.get(0), events.get(2));
        assertThat(s.length()).isEqualTo(complete.length);
        assertThat(s.lines()).isEqualTo(2);
        assertThat(s.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(complete)));
    }

    @Test
    void reopenOfAFileThatIsOnlyATornLineStartsEmpty() throws IOException {
        Path file = dir.resolve("s.jsonl");
        Files.writeString(file, "{\"event\":\"started\",\"sessio");

        try (Journal j = Journal.reopen(file)) {
            j.append(oneOfEach().get(0));
        }

        assertThat(Journal.read(file)).containsExactly(oneOfEach().get(0));
    }

    @Test
    void aBrokenLineInTheMiddleIsAnErrorNamingFileAndLine() throws IOException {
        List<JournalEvent> events = oneOfEach();
        Path file = dir.resolve("s.jsonl");
        try (Journal j = Journal.create(file, events.get(0))) {
            for (int i = 1; i < 4; i++) j.append(events.get(i));
        }
        List<String> lines = Files.readAllLines(file);
        lines.set(2, lines.get(2).substring(0, 20));
        Files.write(file, lines);

        assertThatThrownBy(() -> Journal.read(file))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith(file + ":3: unreadable journal event");
    }

    @Test
    void createRefusesAnExistingFileAndLeavesItUntouched() throws IOException {
        Path file = dir.resolve("s.jsonl");
        try (Journal j = Journal.create(file, oneOfEach().get(0))) {
            j.append(oneOfEach().get(1));
        }
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> Journal.create(file, oneOfEach().get(0)))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
    }

    @Test
    void aThreadInterruptedWhileItAppendsStillJournalsAndLeavesTheJournalUsable() throws IOException {
        Path file = dir.resolve("s.jsonl");
        List<JournalEvent> events = oneOfEach();
        try (Journal j = Journal.create(file, events.get(0))) {
            // A check worker interrupted by a pool shutdown writes its result with the flag set.
            Thread.currentThread().interrupt();
            try {
                j.append(events.get(1));
            } finally {
                assertThat(Thread.interrupted()).as("the interrupt is left for the caller").isTrue();
            }
            j.append(events.get(2));
        }

        assertThat(Journal.read(file)).containsExactly(events.get(0), events.get(1), events.get(2));
    }
}
