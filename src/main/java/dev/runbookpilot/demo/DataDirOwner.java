package dev.runbookpilot.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Which process owns a server data directory: the JVM's pid and the moment it started, written into the directory
 * before any server runs there. A JVM killed by a signal (SIGKILL, a session that ended) cannot stop the server it
 * started; the next launch finds such a directory by its dead owner and stops that server. The start time makes a
 * pid reused by an unrelated process count as dead, not alive.
 *
 * <p>Java's start instant is not a stable name for a process: on Linux it is the boot time of {@code /proc/stat}
 * (whole seconds, computed as the wall clock minus the uptime, so it moves when the clock is stepped) plus the
 * process's start ticks, and a JVM started after an NTP step of a few milliseconds sees every earlier process start
 * up to a second elsewhere. Where {@code /proc} shows it, the start is therefore also recorded as those ticks since
 * boot, which no clock step changes, and compared exactly; otherwise the instants are compared with
 * {@link #START_TOLERANCE}. When in doubt an owner counts as alive: a stray server is stopped by a later launch, a
 * live one stopped by mistake loses a demo session.
 *
 * @param pid     the owning process
 * @param started when it started, or null where the platform does not say
 * @param ticks   its start in clock ticks since boot ({@code /proc/PID/stat} field 22), or null where there is no
 *                {@code /proc} (and in a record written before the ticks were)
 */
public record DataDirOwner(long pid, Instant started, Long ticks) {

    /** The file in the data directory; PostgreSQL ignores files it does not know. */
    public static final String FILE = "runbook-pilot.owner";

    /**
     * How far a recorded start instant may lie from the process's as Java sees it now and still name that process:
     * the boot time Java adds is whole seconds and moves with clock steps. A pid is reused only after the kernel has
     * handed out every other one, which takes far longer than this on a desktop.
     */
    static final Duration START_TOLERANCE = Duration.ofSeconds(5);

    /** Marks the ticks in a {@link #tag()}; a UUID that may follow is hex and never holds it. */
    private static final String TICKS_MARK = "t";

    /** This JVM. */
    public static DataDirOwner current() {
        return of(ProcessHandle.current());
    }

    /** The owner record that names {@code process}. */
    public static DataDirOwner of(ProcessHandle process) {
        OptionalLong ticks = startTicks(process.pid());
        return new DataDirOwner(process.pid(), process.info().startInstant().orElse(null),
                ticks.isPresent() ? ticks.getAsLong() : null);
    }

    /** Records this JVM as the owner of {@code dir} (which must exist), replacing an earlier owner. */
    public static void claim(Path dir) throws IOException {
        DataDirOwner me = current();
        String text = "pid=" + me.pid + "\n" + (me.started == null ? "" : "started=" + me.started + "\n")
                + (me.ticks == null ? "" : "ticks=" + me.ticks + "\n");
        Path scratch = dir.resolve(FILE + ".new");
        Files.writeString(scratch, text, StandardCharsets.UTF_8);
        Files.move(scratch, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Makes {@code dir} (which must not exist) with this JVM recorded as its owner from its first moment: it is made
     * under a name that carries the owner ({@link #CREATING} and {@link #tag()}), the record written, and then renamed
     * into place, so that no process killed at any point leaves a directory without an owner.
     *
     * @throws IOException also when another process made {@code dir} first (its directory is left as it is)
     */
    public static void createOwned(Path dir) throws IOException {
        Path scratch = dir.resolveSibling(dir.getFileName() + CREATING + current().tag());
        Files.createDirectory(scratch);
        try {
            claim(scratch);
            Files.move(scratch, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException lost) {
            // Otherwise the scratch directory, owned by this live JVM, stays until a launch after it has exited.
            try {
                Files.deleteIfExists(scratch.resolve(FILE));
                Files.deleteIfExists(scratch.resolve(FILE + ".new"));
                Files.deleteIfExists(scratch);
            } catch (IOException alsoFailed) {
                lost.addSuppressed(alsoFailed);
            }
            throw lost;
        }
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
            String ticks = p.getProperty("ticks");
            return Optional.of(new DataDirOwner(pid, started == null ? null : Instant.parse(started.strip()),
                    ticks == null ? null : Long.valueOf(ticks.strip())));
        } catch (RuntimeException unreadable) {
            throw new IOException("unreadable owner record in " + dir + ": " + p, unreadable);
        }
    }

    /**
     * The owner as part of a file name ({@code PID-STARTMILLIS}, then {@code -tTICKS} where known), for a directory
     * that must stay empty a while.
     */
    public String tag() {
        return pid + "-" + (started == null ? "" : Long.toString(started.toEpochMilli()))
                + (ticks == null ? "" : "-" + TICKS_MARK + ticks);
    }

    /** The owner named by {@link #tag()} at the start of {@code name}'s tail after {@code prefix}, if any. */
    public static Optional<DataDirOwner> fromTag(String name, String prefix) {
        int at = name.indexOf(prefix);
        if (at < 0) return Optional.empty();
        String[] parts = name.substring(at + prefix.length()).split("-", 4);
        if (parts.length < 2) return Optional.empty();
        try {
            Long ticks = parts.length > 2 && parts[2].startsWith(TICKS_MARK)
                    ? Long.valueOf(parts[2].substring(TICKS_MARK.length())) : null;
            return Optional.of(new DataDirOwner(Long.parseLong(parts[0]),
                    parts[1].isEmpty() ? null : Instant.ofEpochMilli(Long.parseLong(parts[1])), ticks));
        } catch (NumberFormatException notATag) {
            return Optional.empty();
        }
    }

    /** True while the owning process runs: same pid, and started when it is recorded to have. */
    public boolean alive() {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) return false;
        return sameStart(of(handle.get()));
    }

    /** True if this record names this JVM (not an earlier process that had its pid). */
    public boolean isCurrent() {
        DataDirOwner me = current();
        return pid == me.pid && sameStart(me);
    }

    /**
     * Whether {@code running}, a process with this record's pid, is the one recorded: by the start ticks where both
     * have them (exact, whatever the clock did), else by the start instant within {@link #START_TOLERANCE}; a side
     * that records neither counts as the same.
     */
    private boolean sameStart(DataDirOwner running) {
        if (ticks != null && running.ticks != null) return ticks.equals(running.ticks);
        if (started == null || running.started == null) return true;
        return Duration.between(started, running.started).abs().compareTo(START_TOLERANCE) <= 0;
    }

    /**
     * Field 22 of {@code /proc/PID/stat}, the process's start in clock ticks since boot; empty without {@code /proc}
     * or once the process has gone. Field 2 is the command name in parentheses, which may itself hold spaces and
     * parentheses (it is the executable's file name), so the fields are counted from the last ')'.
     */
    static OptionalLong startTicks(long pid) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException noProc) {
            return OptionalLong.empty();
        }
        int close = stat.lastIndexOf(')');
        if (close < 0) return OptionalLong.empty();
        // After the name: field 3 (the state) onwards, so field 22 is the 20th.
        String[] fields = stat.substring(close + 1).strip().split(" +");
        if (fields.length < 20) return OptionalLong.empty();
        try {
            return OptionalLong.of(Long.parseLong(fields[19]));
        } catch (NumberFormatException unexpected) {
            return OptionalLong.empty();
        }
    }
}
