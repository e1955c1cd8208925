package dev.runbookpilot.app;

import dev.runbookpilot.io.AtomicWrite;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Connection profiles in {@code <workspace>/config/profiles.json}. Writes go to a temporary file that is then
 * moved over the old one, so a crash leaves either the old or the new list, never half of one. A file this class
 * cannot read is reported with its position and left alone: nothing overwrites what the operator may want back.
 */
public final class ProfileStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The file's shape; a version lets later releases migrate it. */
    record File(int version, List<ConnectionProfile> profiles) {}

    private final Path file;

    public ProfileStore(Workspace workspace) {
        this.file = workspace.config().resolve("profiles.json");
    }

    public Path file() {
        return file;
    }

    /** Sorted by name; empty when the file does not exist yet. */
    public List<ConnectionProfile> list() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        File parsed;
        try {
            parsed = JSON.readValue(bytes, File.class);
        } catch (JsonProcessingException e) {
            throw unreadable(e);
        }
        if (parsed == null || parsed.profiles() == null) {
            throw new IOException(file + " has no \"profiles\" list: fix the file, or move it away to start with no"
                    + " saved profiles");
        }
        Set<String> names = new HashSet<>();
        List<ConnectionProfile> profiles = new ArrayList<>();
        for (ConnectionProfile p : parsed.profiles()) {
            if (p == null) {
                throw new IOException(file + " has an empty entry in \"profiles\": remove it");
            }
            if (!names.add(p.name())) {
                throw new IOException(file + " has two profiles named \"" + p.name() + "\": rename or remove one");
            }
            profiles.add(p);
        }
        profiles.sort(Comparator.comparing(ConnectionProfile::name, String.CASE_INSENSITIVE_ORDER));
        return List.copyOf(profiles);
    }

    /** Adds the profile, or replaces the one with the same name. */
    public List<ConnectionProfile> save(ConnectionProfile profile) throws IOException {
        List<ConnectionProfile> profiles = new ArrayList<>(list());
        profiles.removeIf(p -> p.name().equals(profile.name()));
        profiles.add(profile);
        write(profiles);
        return list();
    }

    public List<ConnectionProfile> delete(String name) throws IOException {
        List<ConnectionProfile> profiles = new ArrayList<>(list());
        if (profiles.removeIf(p -> p.name().equals(name))) {
            write(profiles);
        }
        return list();
    }

    private void write(List<ConnectionProfile> profiles) throws IOException {
        profiles.sort(Comparator.comparing(ConnectionProfile::name, String.CASE_INSENSITIVE_ORDER));
        AtomicWrite.writeString(file, JSON.writeValueAsString(new File(1, profiles)) + "\n");
    }

    private IOException unreadable(JsonProcessingException e) {
        JsonLocation at = e.getLocation();
        String where = at == null || at.getLineNr() <= 0 ? file.toString()
                : file + ":" + at.getLineNr() + ":" + at.getColumnNr();
        String what;
        if (e instanceof UnrecognizedPropertyException) {
            String key = ((UnrecognizedPropertyException) e).getPropertyName();
            what = "unknown key \"" + key + "\"" + ("password".equalsIgnoreCase(key) ? " (" + ConnectionProfile.NO_PASSWORDS
                    + ")" : "; a profile has name, host, port, database, user, sslmode, uri or service");
        } else if (e instanceof ValueInstantiationException && e.getCause() != null) {
            what = e.getCause().getMessage();
        } else {
            what = e.getOriginalMessage();
        }
        return new IOException(where + ": cannot read the saved connection profiles: " + what
                + ". Fix the file, or move it away to start with no saved profiles", e);
    }
}
