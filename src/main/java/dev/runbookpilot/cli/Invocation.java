package dev.runbookpilot.cli;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The command as the user types it, for messages that tell them what to type next ("Resume with: … resume …"):
 * the installed launcher ({@code runbook-pilot}, found on the PATH) or {@code java -jar path/to/runbook-pilot.jar}.
 * A hint naming a command that does not exist on this machine sends a DBA in the middle of a window looking for it.
 */
final class Invocation {
    /** The name the packages put on the PATH; also what a build run from classes (an IDE, the tests) shows. */
    static final String INSTALLED_NAME = "runbook-pilot";

    /** Set by jpackage's launcher to its own path; absent under {@code java -jar}. */
    static final String LAUNCHER_PROPERTY = "jpackage.app-path";

    private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=+,@%-]+");

    private Invocation() {}

    /** How this process was started, as a command line prefix. */
    static String command() {
        return of(System.getProperty(LAUNCHER_PROPERTY), codeSource(), Path.of("").toAbsolutePath(),
                System.getenv("PATH"));
    }

    /**
     * @param launcher   the native launcher's path, or null when started by {@code java}
     * @param codeSource the jar (or classes directory) this class was loaded from, null when unknown
     * @param workingDir the current directory, so a jar below it is shown as the relative path the user typed
     * @param pathEnv    the PATH variable: the launcher is named bare only when PATH finds this very launcher
     */
    static String of(String launcher, Path codeSource, Path workingDir, String pathEnv) {
        if (launcher != null && !launcher.isBlank()) {
            Path app = Path.of(launcher);
            Path name = app.getFileName();
            return name != null && onPath(name.toString(), app, pathEnv) ? name.toString() : shellWord(app);
        }
        if (codeSource != null && codeSource.getFileName() != null
                && codeSource.getFileName().toString().endsWith(".jar")) {
            Path shown = codeSource.startsWith(workingDir) ? workingDir.relativize(codeSource) : codeSource;
            return "java -jar " + shellWord(shown);
        }
        return INSTALLED_NAME;
    }

    /** True when typing {@code name} runs {@code app}: the first PATH entry holding it resolves to the same file. */
    private static boolean onPath(String name, Path app, String pathEnv) {
        if (pathEnv == null || pathEnv.isBlank()) return false;
        for (String dir : List.of(pathEnv.split(java.io.File.pathSeparator))) {
            if (dir.isEmpty()) continue;
            try {
                Path candidate = Path.of(dir).resolve(name);
                if (!Files.isExecutable(candidate)) continue;
                return candidate.toRealPath().equals(app.toRealPath());
            } catch (IOException | InvalidPathException e) {
                // an unreadable or malformed PATH entry is skipped, as the shell skips it
            }
        }
        return false;
    }

    private static String shellWord(Path p) {
        String s = p.toString();
        return SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    private static Path codeSource() {
        try {
            var source = Invocation.class.getProtectionDomain().getCodeSource();
            return source == null ? null : Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }
}
