package dev.runbookpilot.importer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every line of every checklist fixture ends up in the runbook or a warning. */
class LineAccountingTest {

    @ParameterizedTest
    @ValueSource(strings = {"seeds/000_e9387a216e638fd6.txt", "seeds/001_d6444c5d4bc6e301.txt",
            "seeds/002_77f05fae06ba39ae.txt", "emoji-crlf-tabs.md", "numbered-oneliners.md", "numbered-setext.md",
            "table-checks.md", "html-nested.md", "numbered-psql.md", "tables-nested.md"})
    void everyLineOfTheChecklistIsFoundInTheRunbookOrAWarning(String name) throws Exception {
        String markdown = ImportFixtures.read(name);
        ImportResult result = ChecklistImporter.importMarkdown(markdown, name);
        List<String> lost = LineAccounting.lostLines(markdown, result);
        assertEquals(List.of(), lost, name + " lost lines; yaml:\n" + result.yaml());
    }

    // Both found by the fuzz test: a heading whose control character the YAML cannot carry, and a table row kept
    // verbatim with an escaped pipe, were reported lost although their text is in the runbook.
    @ParameterizedTest
    @ValueSource(strings = {"# \u001cMigration checklist\n- [ ] Take a backup\n",
            "## Step\n| # | Check | psql | Pass criterion \\|\n|---|---|---|---|\n"
                    + "| 1 | Locks | `SELECT count(*) FROM pg_locks` | must return 0 |\n"})
    void textTheRunbookCarriesInAnotherFormIsNotReportedLost(String markdown) throws Exception {
        ImportResult result = ChecklistImporter.importMarkdown(markdown, "odd.md");
        assertEquals(List.of(), LineAccounting.lostLines(markdown, result), result.yaml());
    }
}
