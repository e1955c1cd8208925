package dev.runbookpilot.session;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.io.FileOutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * An append-only JSON-lines file, forced to disk after every event: once {@link #append} returns, the event
 * survives a crash, a kill or a power cut. A torn last line (the process died mid-write) is dropped on reopen.
 */
public final class Journal implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    /*
     * A stream, not a FileChannel: a FileChannel is interruptible, and a check worker interrupted while it writes
     * (a pool shut down, a cancelled future) would close it for good, losing that result and every later one.
     */
    private final FileOutputStream out;

    private Journal(Path file) throws IOException {
        this.file = file;
        this.out = new FileOutputStream(file.toFile(), true);
    }

    /**
     * Creates a new journal holding {@code first}; fails if the file already exists. The file appears under its name
     * only with its first line on disk (written beside it, forced, then moved into place), so a kill at any moment
     * leaves either no journal or one that says what it is — never an empty file nothing can resume.
     */
    public static Journal create(Path file, JournalEvent first) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (Files.exists(file)) throw new java.nio.file.FileAlreadyExistsException(file.toString());
        Path draft = file.resolveSibling(file.getFileName() + ".new");
        try (FileOutputStream o = new FileOutputStream(draft.toFile())) {
            o.write(line(first));
            o.getFD().sync();
        }
        try {
            // A hard link fails if the name is taken, where a rename would silently replace another journal.
            Files.createLink(file, draft);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof java.nio.file.FileAlreadyExistsException taken) throw taken;
            // No hard links here (some network and FAT drives): the name was free a moment ago and ids are random.
            Files.move(draft, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(draft);
        }
        syncDirectory(dir);
        return new Journal(file);
    }

    /** Opens an existing journal for appending, cutting off a torn last line first. */
    public static Journal reopen(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            long size = ch.size();
            long keep = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                ch.read(one, keep - 1);
                if (one.get(0) == '\n') break;
                keep--;
            }
            if (keep < size) {
                ch.truncate(keep);
                ch.force(true);
            }
        }
        return new Journal(file);
    }

    public Path file() {
        return file;
    }

    public synchronized void append(JournalEvent event) throws IOException {
        out.write(line(event));
        out.getFD().sync();
    }

    /**
     * Appends the event {@code make} builds from the SHA-256 (hex) of every byte of the journal before it, with no
     * other event in between: a sign-off signs exactly the journal it approved ({@code head -n N | sha256sum}
     * recomputes it).
     */
    public synchronized JournalEvent appendChained(java.util.function.Function<String, JournalEvent> make)
            throws IOException {
        byte[] before = Files.readAllBytes(file);
        JournalEvent event = make.apply(sha256(before, before.length));
        append(event);
        return event;
    }

    private static byte[] line(JournalEvent event) throws IOException {
        try {
            return (JSON.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IOException("cannot serialise " + event.getClass().getSimpleName(), e);
        }
    }

    /**
     * Reads every complete event. A last line without its newline was cut by a crash and is ignored; a broken
     * line anywhere else means the file was damaged or edited, and that is an error, not something to skip.
     */
    public static List<JournalEvent> read(Path file) throws IOException {
        return snapshot(file).events();
    }

    /**
     * The journal's complete lines as one read found them, the events they hold, and what a report made from them
     * says of them ({@code head -c LENGTH FILE | sha256sum} prints {@code sha256}, {@code wc -l} the lines). The
     * bytes are read once and the events parsed from those same bytes, so a session appending meanwhile cannot
     * make the two disagree.
     *
     * @param length every byte up to and including the last line end
     * @param lines  how many lines those bytes hold
     * @param sha256 the SHA-256 of those bytes, hex
     */
    public record Snapshot(Path file, long length, int lines, String sha256, List<JournalEvent> events) {}

    /** One read of the file, as {@link #snapshot(Path, byte[])} takes it. */
    public static Snapshot snapshot(Path file) throws IOException {
        return snapshot(file, Files.readAllBytes(file));
    }

    /**
     * The complete lines of {@code bytes}, read from {@code file}: a last line without its line end (being written
     * right now, or torn by a crash) is not part of it. A broken line among them is an error, as in {@link #read}.
     */
    public static Snapshot snapshot(Path file, byte[] bytes) throws IOException {
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') end--;
        List<JournalEvent> events = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start < end) {
            int nl = start;
            while (bytes[nl] != '\n') nl++;
            lineNo++;
            String line = new String(bytes, start, nl - start, StandardCharsets.UTF_8);
            start = nl + 1;
            if (line.isBlank()) continue;
            try {
                events.add(JSON.readValue(line, JournalEvent.class));
            } catch (JsonProcessingException e) {
                throw new IOException(file + ":" + lineNo + ": unreadable journal event: "
                        + e.getOriginalMessage(), e);
            }
        }
        return new Snapshot(file, end, lineNo, sha256(bytes, end), List.copyOf(events));
    }

    /**
     * The SHA-256 (hex) of the first {@code end} bytes of a journal: what a sign-off signs ("the journal before it")
     * and what a report's Journal row names ({@code head -c END FILE | sha256sum}).
     */
    public static String sha256(byte[] bytes, int end) {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            md.update(bytes, 0, end);
            return java.util.HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open a directory for sync; the file itself is still forced on every write.
        }
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
