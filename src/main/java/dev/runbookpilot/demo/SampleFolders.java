package dev.runbookpilot.demo;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the bundled sample runbooks are: {@code runbooks/} in the working directory, then beside the app. In a build
 * the jar is in {@code target/} and the samples in the project's {@code runbooks/}; the installed packages keep them
 * beside the jar (jpackage's {@code lib/app/runbooks}), and a desktop starts the app in the home directory.
 */
public final class SampleFolders {
    private SampleFolders() {}

    /** The folders to look in, in order, for this process. */
    public static List<Path> roots() {
        Path code;
        try {
            code = Path.of(SampleFolders.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            code = null; // without a code source (unusual class loaders) only the working directory is searched
        }
        return roots(Path.of("").toAbsolutePath(), code);
    }

    /** @param codeSource the jar (or classes directory) the app runs from, null when unknown */
    public static List<Path> roots(Path workingDir, Path codeSource) {
        List<Path> roots = new ArrayList<>();
        roots.add(workingDir.resolve("runbooks"));
        if (codeSource != null && codeSource.getParent() != null) {
            roots.add(codeSource.getParent().resolve("../runbooks").normalize());
            roots.add(codeSource.getParent().resolve("runbooks"));
        }
        return roots;
    }

    /** The first folder of {@code roots} that exists. */
    public static Optional<Path> first(List<Path> roots) {
        return roots.stream().filter(Files::isDirectory).findFirst();
    }
}
