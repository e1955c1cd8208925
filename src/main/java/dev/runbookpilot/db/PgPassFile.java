package dev.runbookpilot.db;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * libpq's password file ({@code ~/.pgpass} or {@code PGPASSFILE}): lines {@code host:port:database:user:password},
 * a field of exactly {@code *} matches anything, {@code \:} and {@code \\} are escapes, lines starting with
 * {@code #} are comments, and the first matching line wins. Like libpq, a file that the group or others may access
 * is ignored with a warning, and a missing or unreadable file simply yields no password.
 */
final class PgPassFile {
    private static final Logger log = LoggerFactory.getLogger(PgPassFile.class);
    private static final Set<PosixFilePermission> TOO_OPEN = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private PgPassFile() {}

    static Optional<String> lookup(Path file, String host, int port, String database, String user) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        if (!Files.isRegularFile(file)) {
            log.warn("password file {} is not a plain file; ignoring it", file);
            return Optional.empty();
        }
        List<String> lines;
        try {
            if (isGroupOrWorldAccessible(file)) {
                log.warn("password file {} has group or world access; permissions should be u=rw (0600) or less; "
                        + "ignoring it (fix with: chmod 600 {})", file, file);
                return Optional.empty();
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            log.warn("cannot read password file {} ({}); ignoring it", file, e.getClass().getSimpleName());
            return Optional.empty();
        }
        String[] wanted = {host, Integer.toString(port), database, user};
        for (String line : lines) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Optional<String> password = match(line, wanted);
            if (password.isPresent()) {
                return password;
            }
        }
        return Optional.empty();
    }

    private static boolean isGroupOrWorldAccessible(Path file) throws IOException {
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix == null) {
            // Windows and other non-POSIX file systems: libpq does not check there either.
            return false;
        }
        Set<PosixFilePermission> perms = posix.readAttributes().permissions();
        return perms.stream().anyMatch(TOO_OPEN::contains);
    }

    /** The unescaped password of a line whose first four fields match, or empty. */
    private static Optional<String> match(String line, String[] wanted) {
        int i = 0;
        for (String want : wanted) {
            int fieldEnd = fieldEnd(line, i);
            if (fieldEnd < 0) {
                return Optional.empty();
            }
            String field = line.substring(i, fieldEnd);
            if (!field.equals("*") && !unescape(field).equals(want)) {
                return Optional.empty();
            }
            i = fieldEnd + 1;
        }
        return Optional.of(unescape(stripLineEnd(line.substring(i))));
    }

    /** Index of the ':' ending the field starting at {@code from}, or -1 when the line has no more fields. */
    private static int fieldEnd(String line, int from) {
        for (int i = from; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ':') {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String field) {
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 1 < field.length()) {
                c = field.charAt(++i);
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String stripLineEnd(String s) {
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
