package dev.runbookpilot.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced whole: a crash, or a power loss, leaves the old content or the new, never half of the new. The
 * lowest layer, so reports, profiles and preferences all write the same way.
 *
 * <p>A rename is atomic but says nothing of when the data reaches the disk: after a power loss a journaling file
 * system may replay the rename and not the data, leaving an empty or partly written file under the target's name.
 * So the temporary file is forced to disk before the move, and the directory after it (where the platform can
 * open a directory at all: Linux and macOS can, Windows cannot and commits renames itself).
 */
public final class AtomicWrite {
    private AtomicWrite() {}

    public static void writeString(Path target, String text) throws IOException {
        write(target, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes {@code content} to a temporary file next to {@code target}, then moves it into place. */
    public static void write(Path target, byte[] content) throws IOException {
        try (Staged staged = stage(target, content)) {
            staged.commit();
        }
    }

    /**
     * Writes {@code content} to a temporary file next to {@code target} and leaves it there until
     * {@link Staged#commit()}: files that belong together (a report and its signature) are first all written,
     * then all moved, so the slow and failure-prone part is over before any target changes.
     */
    public static Staged stage(Path target, byte[] content) throws IOException {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) channel.write(buffer);
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return new Staged(abs, tmp);
    }

    /** Removes {@code target} if it is there, durably: the removal reaches the disk before this returns. */
    public static void delete(Path target) throws IOException {
        Path abs = target.toAbsolutePath();
        if (Files.deleteIfExists(abs)) syncDirectory(abs.getParent());
    }

    private static void syncDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (AccessDeniedException | UnsupportedOperationException e) {
            return; // Windows: a directory cannot be opened, and NTFS commits the rename with its metadata.
        }
        try (channel) {
            channel.force(true);
        }
    }

    /** A file written next to its target and not yet moved into place; closing without a commit discards it. */
    public static final class Staged implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private boolean committed;

        private Staged(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        /** Moves the file into place, replacing the target. */
        public void commit() throws IOException {
            if (committed) throw new IllegalStateException(target + " is already in place");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                // Some file systems (network shares) cannot rename atomically; a plain replace still beats no file.
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            committed = true;
            syncDirectory(target.getParent());
        }

        @Override
        public void close() throws IOException {
            if (!committed) Files.deleteIfExists(tmp);
        }
    }
}
