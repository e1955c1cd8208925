package dev.runbookpilot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Finds a session journal from what the operator typed: a path, a session id, or a unique id prefix. */
final class SessionFiles {
    private SessionFiles() {}

    static Path find(String idOrPath, Path sessionDir) throws Connector.Failure {
        Path direct = Path.of(idOrPath);
        if (Files.isRegularFile(direct)) return direct;
        if (!Files.isDirectory(sessionDir)) {
            throw new Connector.Failure("no session '" + idOrPath + "': " + sessionDir + " does not exist",
                    ExitCodes.USAGE);
        }
        try (Stream<Path> files = Files.list(sessionDir)) {
            List<Path> matches = files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .filter(p -> p.getFileName().toString().startsWith(idOrPath)).sorted().toList();
            if (matches.size() == 1) return matches.get(0);
            if (matches.isEmpty()) {
                throw new Connector.Failure("no session '" + idOrPath + "' in " + sessionDir, ExitCodes.USAGE);
            }
            throw new Connector.Failure("'" + idOrPath + "' matches " + matches.size() + " sessions in " + sessionDir
                    + "; give more of the id", ExitCodes.USAGE);
        } catch (IOException e) {
            throw new Connector.Failure("cannot list " + sessionDir + ": " + e.getMessage(), ExitCodes.USAGE);
        }
    }
}
