package dev.runbookpilot.runbook;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A loaded, validated runbook.
 *
 * @param file   where it was read from; relative {@code execute} files resolve against its folder
 * @param sha256 hex digest of the file's exact bytes, recorded in every session journal
 * @param window the maintenance window the runbook plans for; null when it names none
 */
public record Runbook(String title, String version, String description, Target target, List<Phase> phases,
                      Path file, String sha256, Window window) {
    public Runbook {
        phases = List.copyOf(phases);
    }

    /** A runbook that plans no window. */
    public Runbook(String title, String version, String description, Target target, List<Phase> phases, Path file,
                   String sha256) {
        this(title, version, description, target, phases, file, sha256, null);
    }

    public Stream<Step> steps() {
        return phases.stream().flatMap(p -> p.steps().stream());
    }

    public Optional<Step> step(String id) {
        return steps().filter(s -> s.id().equals(id)).findFirst();
    }

    public Optional<Phase> phaseOf(String stepId) {
        return phases.stream().filter(p -> p.steps().stream().anyMatch(s -> s.id().equals(stepId))).findFirst();
    }

    public Path baseDir() {
        Path parent = file == null ? null : file.toAbsolutePath().getParent();
        return parent == null ? Path.of(".").toAbsolutePath() : parent;
    }
}
