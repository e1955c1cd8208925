package dev.runbookpilot.app;

import dev.runbookpilot.io.AtomicWrite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The connection each runbook was last opened on, in {@code <workspace>/config/last-connections.json}, so the
 * connection dialog offers it again. It holds a {@link ConnectionProfile} (which refuses any password) or the demo,
 * never a password. A convenience, not a record: a file it cannot read is logged and replaced at the next connect.
 */
public final class LastConnections {
    private static final Logger log = LoggerFactory.getLogger(LastConnections.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** How a runbook was last connected: the embedded demo, or {@code profile}. */
    public record Entry(boolean demo, ConnectionProfile profile) {}

    record File(int version, Map<String, Entry> runbooks) {}

    private final Path file;

    public LastConnections(Workspace workspace) {
        this.file = workspace.config().resolve("last-connections.json");
    }

    /** The last connection of the runbook at {@code runbookFile}; empty when none (or the file is unreadable). */
    public Optional<Entry> get(Path runbookFile) {
        return Optional.ofNullable(read().get(key(runbookFile)));
    }

    /** Remembers how {@code runbookFile} was connected; the profile cannot carry a password. */
    public void remember(Path runbookFile, Entry entry) throws IOException {
        Map<String, Entry> all = new TreeMap<>(read());
        all.put(key(runbookFile), entry);
        AtomicWrite.writeString(file, JSON.writeValueAsString(new File(1, all)) + "\n");
    }

    private Map<String, Entry> read() {
        try {
            File parsed = JSON.readValue(Files.readAllBytes(file), File.class);
            return parsed == null || parsed.runbooks() == null ? Map.of() : parsed.runbooks();
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (JsonProcessingException e) {
            log.warn("ignoring the unreadable {} (it is replaced at the next connect): {}", file,
                    e.getOriginalMessage());
            return Map.of();
        } catch (IOException e) {
            log.warn("cannot read {}: {}", file, e.getMessage());
            return Map.of();
        }
    }

    private static String key(Path runbookFile) {
        return runbookFile.toAbsolutePath().normalize().toString();
    }
}
