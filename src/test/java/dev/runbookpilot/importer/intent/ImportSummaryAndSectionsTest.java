package dev.runbookpilot.importer.intent;

import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.Step;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the import says about itself, and the sections that hold only when something went wrong. */
class ImportSummaryAndSectionsTest {

    @Test
    void aChecklistWithNothingAMachineCouldVerifySaysNoneInsteadOfAHundredPercent() throws Exception {
        String text = Imports.of("# T\n## Before\n- [ ] Tell the team\n- [ ] Open the ticket\n").summary().render();
        assertThat(text).contains("machine-verifiable statements found: none").doesNotContain("100%")
                .contains("checklist entries: 2 (0 with automated checks, 2 manual confirmations)");
    }

    @Test
    void oneRatioOfStatementsIsPrintedAndExplained() throws Exception {
        String text = Imports.of("# T\n## After\n- [ ] PostgreSQL 15+\n- [ ] Tell the team\n").summary().render();
        assertThat(text).contains("machine-verifiable statements found: 1, automated as checks: 1 (100%)")
                .contains("a statement is verifiable when the checklist says what proves it");
    }

    @Test
    void manualTextsCarryNoLineSuffixTheTraceIsAYamlComment() throws Exception {
        ImportResult r = Imports.of("# T\n## Before\n- [ ] Tell the team\n");
        assertThat(r.yaml()).doesNotContain("(checklist line").contains("# line 3: - [ ] Tell the team")
                .contains("text: \"Tell the team\"");
    }

    @Test
    void rollbackTroubleshootingAndIfFailsSectionsBecomeOptionalStepsTheOthersNot() throws Exception {
        ImportResult r = Imports.of("""
                # T
                ## Migrate
                - [ ] Run it
                ## Rollback
                - [ ] `alembic downgrade -1`
                ## Troubleshooting
                - [ ] Read the logs
                ## If the migration fails
                - [ ] Call the DBA
                """);
        assertThat(Imports.runbook(r).steps().filter(Step::optional).map(Step::title))
                .containsExactly("Rollback", "Troubleshooting", "If the migration fails");
    }

    @Test
    void anExpectedValueFollowedByWhyItIsExpectedIsReadButAHedgeIsNot() throws Exception {
        String md = "# T\n## After\n- [ ] Gone:\n  ```sql\n  SELECT count(*) FROM pg_tables WHERE tablename = 'x';\n"
                + "  -- Expected: 0 (all tables dropped)\n  ```\n";
        assertThat(Imports.automated(md)).hasSize(1);
        assertThat(Imports.automated(md.replace("(all tables dropped)", "(or 1 if kept)"))).isEmpty();
    }

    @Test
    void aPointerToExpectedValuesElsewhereIsNoExpectedValue() throws Exception {
        assertThat(Imports.automated("# T\n## After\n- partitions: `SELECT count(*) FROM pg_inherits` → see expected "
                + "values\n")).isEmpty();
    }
}
