package dev.runbookpilot.proc;

import dev.runbookpilot.db.CancelToken;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds PostgreSQL's client programs (pg_dump, pg_restore) and learns their version. They come from the directory
 * named by {@value #BIN_DIR_VARIABLE} when it is set, otherwise from {@code PATH}. A client older than the server's
 * major version is refused before it runs: pg_dump refuses a newer server itself, but only after connecting, and
 * pg_restore of an older major may not read the archive a newer pg_dump wrote.
 */
public final class PgTools {
    /** The environment variable naming the directory holding pg_dump and pg_restore. */
    public static final String BIN_DIR_VARIABLE = "RUNBOOK_PILOT_PG_BIN";
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\)\\s+(\\d+)(?:\\.(\\d+))?");

    private PgTools() {}

    /** A client program found and asked for its version. */
    public record Tool(String name, Path path, String version, int major) {
        public String describe() {
            return name + " " + version + " (" + path + ")";
        }
    }

    /** A program that is missing, does not run, or is too old for the server. Nothing was started against it. */
    public static final class Refused extends Exception {
        public Refused(String message) {
            super(message);
        }
    }

    /** Finds {@code name} with the process's own environment. */
    public static Tool find(String name) throws Refused, InterruptedException {
        return find(name, System.getenv());
    }

    /** Finds {@code name} in the directory {@link #BIN_DIR_VARIABLE} names, or else on {@code PATH}. */
    public static Tool find(String name, Map<String, String> env) throws Refused, InterruptedException {
        Path path = locate(name, env);
        String version = versionOf(path);
        return new Tool(name, path, version, Integer.parseInt(version.split("\\.")[0]));
    }

    /**
     * Refuses a client of an older major than the server, saying both versions and what to install.
     *
     * @param serverVersion e.g. "17.2"; {@code serverVersionNum} e.g. 170002
     */
    public static void requireAtLeastServer(Tool tool, String serverVersion, int serverVersionNum) throws Refused {
        int serverMajor = serverVersionNum / 10000;
        if (tool.major() >= serverMajor) return;
        throw new Refused(tool.name() + " " + tool.version() + " (" + tool.path() + ") is older than the server"
                + " (PostgreSQL " + serverVersion + "): a client of major " + tool.major() + " cannot take or restore"
                + " a faithful backup of a major " + serverMajor + " server. Install the PostgreSQL " + serverMajor
                + " client tools (Debian/Ubuntu: postgresql-client-" + serverMajor + " from apt.postgresql.org;"
                + " RHEL: postgresql" + serverMajor + "; macOS: brew install postgresql@" + serverMajor + ") and put"
                + " their bin directory first on PATH or in " + BIN_DIR_VARIABLE);
    }

    private static Path locate(String name, Map<String, String> env) throws Refused {
        String dir = env.get(BIN_DIR_VARIABLE);
        if (dir != null && !dir.isBlank()) {
            Path p = Path.of(dir).resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
            throw new Refused(BIN_DIR_VARIABLE + "=" + dir + " has no executable " + name + "; point it at the bin"
                    + " directory of the PostgreSQL client tools, or unset it to use PATH");
        }
        String path = env.getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) continue;
            Path p = Path.of(entry).resolve(name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        throw new Refused(name + " was not found on PATH; install the PostgreSQL client tools (Debian/Ubuntu:"
                + " postgresql-client) or set " + BIN_DIR_VARIABLE + " to their bin directory");
    }

    private static String versionOf(Path program) throws Refused, InterruptedException {
        ChildProcess.Result r;
        try {
            r = ChildProcess.run(new ChildProcess.Spec(List.of(program.toString(), "--version"),
                    Path.of(System.getProperty("java.io.tmpdir")), Map.of(), Set.of(), Duration.ofSeconds(20),
                    null, 5), new CancelToken(), line -> { });
        } catch (ChildProcess.CannotStart e) {
            throw new Refused(e.getMessage());
        }
        String out = r.kept().stream().map(ChildProcess.Line::text).reduce("", (a, b) -> a + b + "\n").strip();
        if (r.ending() != ChildProcess.Ending.EXITED || r.exitCode() != 0 || !VERSION.matcher(out).find()) {
            throw new Refused(program + " --version did not say its version (" + (out.isEmpty() ? "no output" : out)
                    + "); is it PostgreSQL's " + program.getFileName() + "?");
        }
        Matcher m = VERSION.matcher(out);
        m.find();
        return m.group(2) == null ? m.group(1) : m.group(1) + "." + m.group(2);
    }
}
