package dev.runbookpilot.db;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One libpq connection service file ({@code pg_service.conf}): INI sections {@code [name]} holding
 * {@code keyword=value} lines, {@code #} comments. Only the wanted section is checked, as libpq does.
 */
final class PgServiceFile {
    private PgServiceFile() {}

    /**
     * The entries of section {@code service}, or empty when the file has no such section.
     *
     * @param shownPath how to name the file in messages (e.g. {@code ~/.pg_service.conf})
     */
    static Optional<Map<String, PgValue>> read(Path file, String shownPath, String service)
            throws ConnectionSpecException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConnectionSpecException("cannot read service file " + shownPath + " ("
                    + e.getClass().getSimpleName() + "): check that it exists and is readable");
        }
        Map<String, PgValue> entries = null;
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            int lineNo = n + 1;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("[")) {
                if (entries != null) {
                    break;
                }
                int close = line.indexOf(']');
                if (close < 0) {
                    throw new ConnectionSpecException("service file " + shownPath + " line " + lineNo
                            + ": section header has no closing \"]\"; write it as [name]");
                }
                if (line.substring(1, close).strip().equals(service)) {
                    entries = new LinkedHashMap<>();
                }
                continue;
            }
            if (entries == null) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConnectionSpecException("service file " + shownPath + " line " + lineNo + " (service \""
                        + service + "\"): expected keyword=value");
            }
            String key = line.substring(0, eq).strip();
            String where = "service \"" + service + "\" in " + shownPath + " line " + lineNo;
            if (key.equals("service")) {
                throw new ConnectionSpecException(where + ": nested service specifications are not supported; "
                        + "copy the other service's entries instead");
            }
            if (!PgKeywords.isKnown(key)) {
                String hint = PgKeywords.closest(key).map(k -> ": did you mean \"" + k + "\"?")
                        .orElse(": the usual keywords are " + PgKeywords.commonKeywords());
                throw new ConnectionSpecException(where + ": unknown keyword"
                        + (PgKeywords.closest(key).isPresent() ? " \"" + key + "\"" : "") + hint);
            }
            entries.put(key, new PgValue(line.substring(eq + 1).strip(), where));
        }
        return Optional.ofNullable(entries);
    }
}
