package dev.runbookpilot.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;

/**
 * Which process owns a server data directory: the JVM's pid and the moment it started, written into the directory
 * before any server runs there. A JVM killed by a signal (SIGKILL, a session that ended) cannot stop the server it
 * started; the next launch finds such a directory by its dead owner and stops that server. The start time makes a
 * pid reused by an unrelated process count as dead, not alive.
 *
 * @param pid     the owning process
 * @param started when it started, or null where the platform does not say (then a live pid counts as the owner)
 */
public record DataDirOwner(long pid, Instant started) {

    /** The file in the data directory; PostgreSQL ignores files it does not know. */
    public static final String FILE = "runbook-pilot.owner";

    /** This JVM. */
    public static DataDirOwner current() {
        ProcessHandle me = ProcessHandle.current();
        return new DataDirOwner(me.pid(), me.info().startInstant().orElse(null));
    }

    /** Records this JVM as the owner of {@code dir} (which must exist), replacing an earlier owner. */
    public static void claim(Path dir) throws IOException {
        DataDirOwner me = current();
        String text = "pid=" + me.pid + "\n" + (me.started == null ? "" : "started=" + me.started + "\n");
        Path scratch = dir.resolve(FILE + ".new");
        Files.writeString(scratch, text, StandardCharsets.UTF_8);
        Files.move(scratch, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes {@code dir} (which must not exist) with this JVM recorded as its owner from its first moment: it is made
     * under a name that carries the owner ({@link #CREATING} and {@link #tag()}), the record written, and then renamed
     * into place, so that no process killed at any point leaves a directory without an owner.
     */
    public static void createOwned(Path dir) throws IOException {
        Path scratch = dir.resolveSibling(dir.getFileName() + CREATING + current().tag());
        Files.createDirectory(scratch);
        claim(scratch);
        Files.move(scratch, dir, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Marks a directory being made by {@link #createOwned}, followed by its maker's {@link #tag()}. */
    public static final String CREATING = ".creating-by-";

    /**
     * The recorded owner of {@code dir}, or the one its name carries while {@link #createOwned} makes it; empty when
     * none was recorded (a directory made by an older version).
     */
    public static Optional<DataDirOwner> of(Path dir) throws IOException {
        Optional<DataDirOwner> named = fromTag(dir.getFileName().toString(), CREATING);
        if (named.isPresent()) return named;
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dir.resolve(FILE), StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException none) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(p.getProperty("pid", "").strip());
            String started = p.getProperty("started");
            return Optional.of(new DataDirOwner(pid, started == null ? null : Instant.parse(started.strip())));
        } catch (RuntimeException unreadable) {
            throw new IOException("unreadable owner record in " + dir + ": " + p, unreadable);
        }
    }

    /** The owner as part of a file name ({@code PID-STARTMILLIS}), for a directory that must stay empty a while. */
    public String tag() {
        return pid + "-" + (started == null ? "" : Long.toString(started.toEpochMilli()));
    }

    /** The owner named by {@link #tag()} at the start of {@code name}'s tail after {@code prefix}, if any. */
    public static Optional<DataDirOwner> fromTag(String name, String prefix) {
        int at = name.indexOf(prefix);
        if (at < 0) return Optional.empty();
        String[] parts = name.substring(at + prefix.length()).split("-", 3);
        if (parts.length < 2) return Optional.empty();
        try {
            return Optional.of(new DataDirOwner(Long.parseLong(parts[0]),
                    parts[1].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(parts[1]))));
        } catch (NumberFormatException notATag) {
            return Optional.empty();
        }
    }

    /** True while the owning process runs: same pid, same start time (to the millisecond). */
    public boolean alive() {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) return false;
        if (started == null) return true;
        return handle.get().info().startInstant().map(s -> s.toEpochMilli() == started.toEpochMilli()).orElse(true);
    }

    public boolean isCurrent() {
        return pid == ProcessHandle.current().pid();
    }
}
