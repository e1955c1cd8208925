package dev.runbookpilot.app;

import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.demo.DataDirOwner;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class DemoLeftoversTest {

    @TempDir
    Path home;

    private final Instant now = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void removesOnlyTheDataOfEndedOrLongAbandonedDemoSessionsThatNoServerHolds() throws IOException {
        Path sessions = Files.createDirectories(home.resolve("sessions"));
        Path ended = demoDir("demo-ended");
        journal(sessions.resolve("a.jsonl"), ended, true);
        Path unfinished = demoDir("demo-unfinished");
        journal(sessions.resolve("b.jsonl"), unfinished, false);
        Path resumedElsewhere = demoDir("demo-shared");
        journal(sessions.resolve("c.jsonl"), resumedElsewhere, true);
        journal(sessions.resolve("d.jsonl"), resumedElsewhere, false);
        Path abandoned = demoDir("demo-abandoned");
        Files.setLastModifiedTime(abandoned, FileTime.from(now.minus(Duration.ofDays(2))));
        Path beingCopied = demoDir("demo-just-started");
        Files.setLastModifiedTime(beingCopied, FileTime.from(now.minus(Duration.ofMinutes(1))));
        Path running = demoDir("demo-running");
        journal(sessions.resolve("e.jsonl"), running, true);
        Files.writeString(running.resolve("postmaster.pid"), ProcessHandle.current().pid() + "\n/data\n");
        Path templates = demoDir("demo-templates");
        Files.setLastModifiedTime(templates, FileTime.from(now.minus(Duration.ofDays(30))));

        List<Path> removed = DemoLeftovers.sweep(home, List.of(home, sessions), now);

        assertThat(removed).containsExactlyInAnyOrder(ended, abandoned);
        assertThat(ended).doesNotExist();
        assertThat(abandoned).doesNotExist();
        assertThat(unfinished).exists();
        assertThat(resumedElsewhere).as("another session on it is unfinished").exists();
        assertThat(beingCopied).exists();
        assertThat(running).as("a live server holds it").exists();
        assertThat(templates).exists();
    }

    @Test
    void aRehearsalsJournalBesideTheSessionsDoesNotStopTheSweep() throws IOException {
        Path sessions = Files.createDirectories(home.resolve("sessions"));
        Path ended = demoDir("demo-ended");
        journal(sessions.resolve("a.jsonl"), ended, true);
        ServerInfo server = new ServerInfo("localhost", 5432, "shop", "postgres", "15.15", 150015, "1", true, null);
        try (Journal j = Journal.create(sessions.resolve("r.jsonl"), new JournalEvent.RehearsalPlanned("r-1", "00",
                "embedded", "shop", "/tmp/rp-copy", "full", new JournalEvent.Connection("db", 5432, "shop", "dba",
                null, false, null), server, "op", now))) {
            j.append(new JournalEvent.RehearsalCopyDropped("dropped", now));
        }

        assertThat(DemoLeftovers.sweep(home, List.of(sessions), now)).containsExactly(ended);
    }

    @Test
    void aJournalThatCannotBeReadKeepsEverything() throws IOException {
        Path sessions = Files.createDirectories(home.resolve("sessions"));
        Path ended = demoDir("demo-ended");
        journal(sessions.resolve("a.jsonl"), ended, true);
        Files.writeString(sessions.resolve("broken.jsonl"), "{not json\n");

        assertThat(DemoLeftovers.sweep(home, List.of(sessions), now)).isEmpty();
        assertThat(ended).exists();
    }

    @Test
    void aDeadOwnersDataGoesAtOnceUnlessItsSessionCanResumeAndALiveOwnersStays() throws Exception {
        Path sessions = Files.createDirectories(home.resolve("sessions"));
        Path crashed = owned(demoDir("demo-crashed"), deadOwner());
        Path resumable = owned(demoDir("demo-resumable"), deadOwner());
        journal(sessions.resolve("a.jsonl"), resumable, false);
        Path halfMade = demoDir("demo-half" + DataDirOwner.CREATING + deadOwner().tag());
        Path otherCopy = owned(demoDir("demo-other-copy"), DataDirOwner.current());
        journal(sessions.resolve("b.jsonl"), otherCopy, true);
        Path template = Files.createDirectories(home.resolve("demo-templates").resolve("shop-1"));
        Path cutShortBuild = Files.createDirectories(home.resolve("demo-templates")
                .resolve("shop-1" + DemoDatabase.BUILDING + deadOwner().tag() + "-x"));
        Path liveBuild = Files.createDirectories(home.resolve("demo-templates")
                .resolve("shop-1" + DemoDatabase.BUILDING + DataDirOwner.current().tag() + "-y"));

        List<Path> removed = DemoLeftovers.sweep(home, List.of(home, sessions), now);

        assertThat(removed).containsExactlyInAnyOrder(crashed, halfMade, cutShortBuild);
        assertThat(resumable).as("its session can still be resumed").exists();
        assertThat(otherCopy).as("its owner runs: a demo in another copy of the app").exists();
        assertThat(template).exists();
        assertThat(liveBuild).exists();
    }

    @Test
    void aProcessThatReusedAStaleServerPidOrServesAnotherDirectoryIsNeverSignalled() throws Exception {
        Path crashed = owned(demoDir("demo-1"), deadOwner());
        Path sibling = demoDir("demo-10");
        Process reusedPid = new ProcessBuilder("sleep", "60").start();
        // A shell whose command line names the sibling the way pg_ctl names a data directory.
        Process onSibling = new ProcessBuilder("sh", "-c", "sleep 60; true", "sh", "-D", sibling.toString()).start();
        try {
            Files.writeString(crashed.resolve("postmaster.pid"), reusedPid.pid() + "\n" + crashed + "\n"
                    + Instant.now().getEpochSecond() + "\n5432\n");

            assertThat(DemoLeftovers.sweep(home, List.of(home), now)).containsExactly(crashed);

            assertThat(reusedPid.isAlive()).as("not a postgres: the pid was reused").isTrue();
            assertThat(onSibling.isAlive()).as("it names another directory").isTrue();
        } finally {
            reusedPid.destroyForcibly();
            end(onSibling);
        }
    }

    @Test
    void aLiveOwnerWhoseStartInstantMovedWithTheClockKeepsItsServerAndData() throws Exception {
        Path dir = demoDir("demo-live");
        // The owner is its own server here: a process whose command line names the directory as pg_ctl's does.
        Process server = onDir(dir);
        try {
            DataDirOwner seen = DataDirOwner.of(server.toHandle());
            // Recorded before a clock step that moved the boot time Java adds to every start by a second.
            owned(dir, new DataDirOwner(seen.pid(), seen.started().plusSeconds(1), seen.ticks()));

            assertThat(DemoLeftovers.sweep(home, List.of(home), now)).isEmpty();

            assertThat(server.isAlive()).as("a live app's server").isTrue();
            assertThat(dir).exists();
        } finally {
            end(server);
        }
    }

    @Test
    void aDirectoryClaimedByAnotherCopyWhileItsOrphanIsStoppedKeepsItsNewServer() throws Exception {
        Path dir = owned(demoDir("demo-resumed"), deadOwner());
        Path signalled = home.resolve("orphan-got-sigterm");
        // An orphan slow to stop (it notes the signal and carries on), so the stop keeps looking at the directory.
        Process orphan = new ProcessBuilder("sh", "-c", "trap 'echo > \"$0\"' TERM; while :; do sleep 0.05; done",
                signalled.toString(), "-D", dir.toString()).start();
        Process resumed = null;
        try {
            Thread sweep = new Thread(() -> DemoLeftovers.sweep(home, List.of(home), now));
            sweep.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(signalled) && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(signalled).as("the sweep is stopping the orphan").exists();
            // Another copy of the app resumes the session there: it claims the directory and starts its server.
            DataDirOwner.claim(dir);
            Thread.sleep(500);
            resumed = onDir(dir);
            sweep.join(TimeUnit.SECONDS.toMillis(40));
            assertThat(sweep.isAlive()).isFalse();

            assertThat(resumed.isAlive()).as("the resuming copy's server").isTrue();
            assertThat(dir.resolve(DataDirOwner.FILE)).exists();
        } finally {
            end(orphan);
            if (resumed != null) end(resumed);
        }
    }

    @Test
    void aLinkNamedLikeADemoDirectoryIsLeftAloneAndSoIsWhatRunsOnItsTarget() throws Exception {
        Path elsewhere = Files.createDirectories(home.resolve("elsewhere"));
        Path link = Files.createSymbolicLink(home.resolve("demo-x" + DataDirOwner.CREATING + deadOwner().tag()),
                elsewhere);
        Path templateLink = Files.createSymbolicLink(Files.createDirectories(home.resolve("demo-templates"))
                .resolve("shop-1" + DemoDatabase.BUILDING + deadOwner().tag() + "-x"), elsewhere);
        Process onTarget = onDir(elsewhere);
        try {
            assertThat(DemoLeftovers.sweep(home, List.of(home), now)).isEmpty();

            assertThat(onTarget.isAlive()).as("the process on the link's target").isTrue();
            assertThat(Files.isSymbolicLink(link)).isTrue();
            assertThat(Files.isSymbolicLink(templateLink)).isTrue();
            assertThat(elsewhere).exists();
        } finally {
            end(onTarget);
        }
    }

    @Test
    void aResumableSessionRecordedThroughALinkToTheWorkspaceKeepsItsDirectory() throws Exception {
        Path real = Files.createDirectories(home.resolve("real"));
        Path viaLink = Files.createSymbolicLink(home.resolve("link"), real);
        Path resumable = owned(Files.createDirectories(real.resolve("demo-resumable")), deadOwner());
        journal(Files.createDirectories(real.resolve("sessions")).resolve("a.jsonl"),
                viaLink.resolve("demo-resumable"), false);

        assertThat(DemoLeftovers.sweep(real, List.of(real.resolve("sessions")), now)).isEmpty();
        assertThat(resumable).as("its session can still be resumed").exists();
    }

    /** A process whose command line names {@code dir} the way pg_ctl names a data directory. */
    private static Process onDir(Path dir) throws IOException {
        return new ProcessBuilder("sh", "-c", "sleep 60; true", "sh", "-D", dir.toString()).start();
    }

    /** Its sleep too, which would otherwise sleep on, reparented, for the rest of its minute. */
    private static void end(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    /** A process that has ended: its pid no longer runs, or runs something started at another time. */
    private static DataDirOwner deadOwner() throws Exception {
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        return new DataDirOwner(p.pid(), Instant.parse("2026-12-01T09:00:00Z"), null);
    }

    private static Path owned(Path dir, DataDirOwner owner) throws IOException {
        Files.writeString(dir.resolve(DataDirOwner.FILE), "pid=" + owner.pid() + "\nstarted=" + owner.started()
                + "\n" + (owner.ticks() == null ? "" : "ticks=" + owner.ticks() + "\n"));
        return dir;
    }

    private Path demoDir(String name) throws IOException {
        Path dir = Files.createDirectories(home.resolve(name).resolve("base"));
        Files.writeString(dir.resolve("PG_VERSION"), "15\n");
        return dir.getParent();
    }

    private static void journal(Path file, Path dataDir, boolean ended) throws IOException {
        Instant at = Instant.parse("2026-12-01T10:00:00Z");
        ServerInfo server = new ServerInfo("localhost", 5432, "demo", "postgres", "15.15", 150015, "1", true, null);
        JournalEvent.Started started = new JournalEvent.Started("s-" + file.getFileName(), "runbook.yaml", "00",
                "Demo", "1", "demo", "demo", List.of(), new JournalEvent.Connection("localhost", 5432, "demo",
                "postgres", null, true, dataDir.toAbsolutePath().toString()), server, "op", "test", at);
        try (Journal j = Journal.create(file, started)) {
            if (ended) j.append(new JournalEvent.Ended("op", at.plusSeconds(60)));
        }
    }
}
