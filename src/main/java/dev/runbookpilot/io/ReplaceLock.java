package dev.runbookpilot.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Excludes every other writer of a file replaced whole ({@link AtomicWrite}) while one of them re-reads it and
 * writes its new version: a compare-and-replace, so two read-modify-writes cannot both start from the same bytes
 * and the later silently drop what the earlier added.
 *
 * <p>The lock is held on a file beside the target ({@code .NAME.lock}), not on the target: an atomic replace puts a
 * new file under the name, so a lock on the old one would exclude nobody who opens the name afterwards (and on
 * Windows a locked file cannot be replaced at all). The lock file is left in place: deleting it while another
 * process waits on it would let a third lock a new file of the same name. The operating system's lock ends with the
 * process that holds it, so a crash leaves no stale lock. Threads of one process are excluded by an in-process lock
 * first, since a JVM holds a file lock for the whole process.
 */
public final class ReplaceLock implements AutoCloseable {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();
    private static final long POLL_MILLIS = 50;

    private final ReentrantLock inProcess;
    private final FileChannel channel;
    private final FileLock lock;

    private ReplaceLock(ReentrantLock inProcess, FileChannel channel, FileLock lock) {
        this.inProcess = inProcess;
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of {@code target}: {@code .NAME.lock} in the same directory. */
    public static Path lockFile(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        return abs.resolveSibling("." + abs.getFileName() + ".lock");
    }

    /**
     * Waits up to {@code patience} for every other writer of {@code target} to finish.
     *
     * @throws IOException when another writer held it all that time, or the lock file cannot be made
     */
    public static ReplaceLock acquire(Path target, Duration patience) throws IOException {
        Path file = lockFile(target);
        long deadline = System.nanoTime() + patience.toNanos();
        ReentrantLock mine = IN_PROCESS.computeIfAbsent(file, f -> new ReentrantLock());
        try {
            if (!mine.tryLock(patience.toNanos(), TimeUnit.NANOSECONDS)) throw busy(target, patience);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to write " + target, e);
        }
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                FileLock lock = channel.tryLock();
                if (lock != null) return new ReplaceLock(mine, channel, lock);
                if (System.nanoTime() > deadline) throw busy(target, patience);
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(channel);
            mine.unlock();
            throw new IOException("interrupted while waiting to write " + target, e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            mine.unlock();
            throw e;
        }
    }

    private static IOException busy(Path target, Duration patience) {
        return new IOException("another process has been writing " + target + " for " + patience.toSeconds()
                + " s (it holds " + lockFile(target) + "); try again when it is done");
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one to report
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
            channel.close();
        } finally {
            inProcess.unlock();
        }
    }
}
