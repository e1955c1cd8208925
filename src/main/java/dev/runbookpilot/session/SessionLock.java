package dev.runbookpilot.session;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One process at a time owns a session: an OS file lock on {@code SESSION.lock} beside the journal. The holder
 * writes who it is (host, pid, operator, since when) into the file, so a second opener — another terminal, the
 * wizard, a colleague on a shared drive — is refused with a name, not a mystery. The OS drops the lock when the
 * process dies, however it dies, so a crash never leaves a session locked. The file itself is never deleted:
 * deleting it would let two processes lock two different files of the same name.
 */
final class SessionLock implements AutoCloseable {
    /*
     * The lock covers one byte far beyond the holder's text: on systems where locks are mandatory (Windows) the text
     * stays readable by the process that is refused.
     */
    private static final long REGION = Long.MAX_VALUE - 1;

    private final FileChannel channel;
    private final FileLock lock;

    private SessionLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** The lock file of a journal: {@code NAME.lock} for {@code NAME.jsonl}. */
    static Path fileFor(Path journal) {
        String name = journal.getFileName().toString();
        String base = name.endsWith(".jsonl") ? name.substring(0, name.length() - ".jsonl".length()) : name;
        return journal.resolveSibling(base + ".lock");
    }

    /** Takes the session for this process, or explains who has it. */
    static SessionLock acquire(Path journal, String operator) throws SessionException, IOException {
        Path file = fileFor(journal);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = ch.tryLock(REGION, 1, false);
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        if (lock == null) {
            String holder = readHolder(ch);
            ch.close();
            throw new SessionException("session " + journal.getFileName() + " is open in another process ("
                    + (holder.isBlank() ? "it has not said who it is yet" : holder) + "); one process at a time"
                    + " owns a session. Finish or close it there, or stop that process, then try again");
        }
        String me = "host " + hostName() + ", pid " + ProcessHandle.current().pid() + ", operator " + operator
                + ", since " + Instant.now();
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(me.getBytes(StandardCharsets.UTF_8)), 0);
        ch.force(true);
        return new SessionLock(ch, lock);
    }

    private static String readHolder(FileChannel ch) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1024);
        ch.read(buf, 0);
        buf.flip();
        return StandardCharsets.UTF_8.decode(buf).toString().strip();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown host";
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) lock.release();
        } finally {
            channel.close();
        }
    }
}
