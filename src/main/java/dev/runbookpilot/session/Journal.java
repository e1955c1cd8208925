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
        String prefix;
        try {
            prefix = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        JournalEvent event = make.apply(prefix);
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
        byte[] bytes = Files.readAllBytes(file);
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<JournalEvent> events = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            if (nl < 0) break;
            lineNo++;
            String line = text.substring(start, nl);
            start = nl + 1;
            if (line.isBlank()) continue;
            try {
                events.add(JSON.readValue(line, JournalEvent.class));
            } catch (JsonProcessingException e) {
                throw new IOException(file + ":" + lineNo + ": unreadable journal event: "
                        + e.getOriginalMessage(), e);
            }
        }
        return events;
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
