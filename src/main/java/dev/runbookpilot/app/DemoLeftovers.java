package dev.runbookpilot.app;

import dev.runbookpilot.demo.DataDirOwner;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.demo.EmbeddedServer;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Removes the data directories of demo sessions nobody can use any more: every demo launch runs on its own copy
 * of the sample's template cluster (well over 100 MB), and without this each launch stayed on disk for good.
 *
 * <p>A directory {@code demo-*} records the process that made it ({@link DataDirOwner}). While that process runs
 * (this copy of the app or another one) the directory is never touched. Once it has died, the server it may have
 * left running (the app was killed by a signal, even while that server was starting) is stopped, and the directory
 * is removed unless a session journal that names it has not ended: resume restarts its server there. A directory
 * made by an older version, with no owner recorded, is removed only when no server runs on it and either every
 * session journal that names it has ended, or no journal names it and it was last changed more than
 * {@link #UNCLAIMED_AGE} ago. The templates ({@code demo-templates}) are kept; only a template build whose builder
 * died is removed there. Links are never followed: the app makes none here, and one may point anywhere.
 */
public final class DemoLeftovers {
    private static final Logger log = LoggerFactory.getLogger(DemoLeftovers.class);
    static final Duration UNCLAIMED_AGE = Duration.ofDays(1);
    private static final String PREFIX = "demo-";
    private static final String TEMPLATES = "demo-templates";

    private DemoLeftovers() {}

    /**
     * Sweeps the demo directories directly under {@code parent}, judging them by the journals in
     * {@code journalDirs}. Never throws: a directory that cannot be judged or removed is logged and kept.
     *
     * @return the directories removed
     */
    public static List<Path> sweep(Path parent, Collection<Path> journalDirs, Instant now) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(parent)) return removed;
        Map<Path, Boolean> endedByDir;
        try {
            endedByDir = claims(journalDirs);
        } catch (IOException e) {
            log.warn("not removing old demo data: cannot read the session journals: {}", e.toString());
            endedByDir = null;
        }
        try (Stream<Path> children = Files.list(parent)) {
            for (Path dir : children.filter(DemoLeftovers::isDemoDirectory).toList()) {
                try {
                    Path key = sameFileKey(dir);
                    Boolean ended = endedByDir == null ? null : endedByDir.get(key);
                    Optional<DataDirOwner> owner = DataDirOwner.of(dir);
                    boolean unused;
                    if (owner.isPresent()) {
                        if (owner.get().alive()) continue;
                        // Its app was killed (SIGKILL, a power cut): whatever server it left is stopped, even one
                        // that had not written its pid file yet; but only while that dead owner is still the recorded
                        // one: another copy resuming the session claims the directory first, and its new server there
                        // is not an orphan.
                        EmbeddedServer.stopServersOn(dir, owner);
                        unused = endedByDir != null && (ended == null || ended);
                    } else {
                        unused = endedByDir != null && (ended == null
                                ? Files.getLastModifiedTime(dir).toInstant().isBefore(now.minus(UNCLAIMED_AGE))
                                : ended);
                        if (unused && serverRuns(dir)) unused = false;
                    }
                    if (unused) {
                        EmbeddedServer.discard(dir, owner);
                        removed.add(dir);
                        log.info("removed the data of a finished demo session: {}", dir);
                    }
                } catch (IOException | RuntimeException e) {
                    log.warn("could not remove old demo data {}: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("cannot list {} for old demo data: {}", parent, e.toString());
        }
        removed.addAll(sweepTemplateBuilds(parent.resolve(TEMPLATES)));
        return removed;
    }

    /** Template builds whose builder was killed: their server stopped, their scratch directory removed. */
    private static List<Path> sweepTemplateBuilds(Path templates) {
        List<Path> removed = new ArrayList<>();
        if (!Files.isDirectory(templates)) return removed;
        try (Stream<Path> children = Files.list(templates)) {
            for (Path dir : children.filter(DemoLeftovers::isRealDirectory).toList()) {
                Optional<DataDirOwner> builder = DataDirOwner.fromTag(dir.getFileName().toString(),
                        DemoDatabase.BUILDING);
                if (builder.isEmpty() || builder.get().alive()) continue;
                try {
                    // Stopped only while the build's owner record stays as read here (none until initdb has run).
                    EmbeddedServer.discard(dir, DataDirOwner.of(dir));
                    removed.add(dir);
                    log.info("removed a demo template whose build was cut short: {}", dir);
                } catch (IOException | RuntimeException e) {
                    log.warn("could not remove the cut-short demo template build {}: {}", dir, e.toString());
                }
            }
        } catch (IOException e) {
            log.warn("cannot list {} for cut-short template builds: {}", templates, e.toString());
        }
        return removed;
    }

    private static boolean isDemoDirectory(Path p) {
        String name = p.getFileName().toString();
        return name.startsWith(PREFIX) && !name.equals(TEMPLATES) && isRealDirectory(p);
    }

    /**
     * A directory, not a link to one: the app never makes links here, and a link named like a demo directory may
     * point anywhere, at a directory whose server and data are none of the sweep's business.
     */
    private static boolean isRealDirectory(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The path a journal's record and a directory found here are compared by: its real path, so that a workspace
     * reached through a link (a journal written as {@code /home/me/...}, the sweep listing {@code /var/home/me/...})
     * still names the same directory; a directory that no longer exists as its absolute path.
     */
    private static Path sameFileKey(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        try {
            return abs.toRealPath();
        } catch (IOException gone) {
            return abs;
        }
    }

    /**
     * Each demo data directory the journals name, and whether every session on it has ended. An unreadable journal
     * keeps every directory (it might be the one naming a directory still in use); servers whose owner died are still
     * stopped.
     */
    private static Map<Path, Boolean> claims(Collection<Path> journalDirs) throws IOException {
        Map<Path, Boolean> ended = new HashMap<>();
        for (Path dir : journalDirs) {
            if (!Files.isDirectory(dir)) continue;
            List<Path> journals;
            try (Stream<Path> files = Files.list(dir)) {
                journals = files.filter(f -> f.getFileName().toString().endsWith(".jsonl")).toList();
            }
            for (Path journal : journals) {
                List<JournalEvent> events = Journal.read(journal);
                // A rehearsal never runs on a demo-* directory: its demo original is its own and it removes it.
                if (!events.isEmpty() && events.get(0) instanceof JournalEvent.RehearsalPlanned) continue;
                if (events.isEmpty() || !(events.get(0) instanceof JournalEvent.Started st)) {
                    throw new IOException(journal + " does not begin with a session start");
                }
                JournalEvent.Connection c = st.connection();
                if (c == null || !c.demo() || c.demoDataDir() == null) continue;
                boolean over = events.stream().anyMatch(e -> e instanceof JournalEvent.Ended);
                ended.merge(sameFileKey(Path.of(c.demoDataDir())), over, Boolean::logicalAnd);
            }
        }
        return ended;
    }

    /** A server whose process is alive holds the directory (this or another Runbook Pilot, or one orphaned). */
    private static boolean serverRuns(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) return false;
        String first = Files.readAllLines(pidFile).stream().findFirst().orElse("").strip();
        try {
            return ProcessHandle.of(Long.parseLong(first)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException unreadable) {
            return true;
        }
    }
}
