package dev.runbookpilot.importer;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/import.md's ratio table says what the importer does today, row by row. */
class ImportDocsRatioTest {

    private static final Pattern ROW = Pattern.compile(
            "^\\| `([^`]+)`[^|]*\\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\| (\\d+) \\((\\d+)%\\) \\|$");

    @Test
    void theRatioTableInTheImportDocsMatchesWhatTheImporterReports() throws Exception {
        String docs = Files.readString(Path.of("docs", "import.md"));
        String table = docs.substring(docs.indexOf("## Ratio on the real checklists"));
        List<String> rows = new ArrayList<>();
        for (String line : table.lines().toList()) {
            Matcher m = ROW.matcher(line);
            if (!m.matches()) continue;
            String fixture = fixture(m.group(1));
            ImportSummary s = ChecklistImporter.importMarkdown(ImportFixtures.read(fixture), fixture).summary();
            String actual = String.format(Locale.ROOT, "%s: %d %d %d %d %d (%.0f%%)", m.group(1), s.items(),
                    s.automated(), s.manual(), s.verifiable(), s.verifiedAutomatically(), s.automatedRatio() * 100);
            String documented = String.format(Locale.ROOT, "%s: %s %s %s %s %s (%s%%)", m.group(1), m.group(2),
                    m.group(3), m.group(4), m.group(5), m.group(6), m.group(7));
            assertEquals(actual, documented, "docs/import.md row for " + fixture);
            rows.add(fixture);
        }
        assertTrue(rows.size() >= 3 + 5, "the table covers the seeds and the fixtures: " + rows);
    }

    /** `000` names a seed by its number, anything else is a fixture's file name. */
    private static String fixture(String name) throws Exception {
        if (!name.matches("\\d{3}")) return name;
        try (var files = Files.list(Path.of("src/test/resources/checklists/seeds"))) {
            return "seeds/" + files.map(p -> p.getFileName().toString()).filter(f -> f.startsWith(name + "_"))
                    .findFirst().orElseThrow();
        }
    }
}
