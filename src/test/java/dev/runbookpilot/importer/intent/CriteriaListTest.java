package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain bullets under a heading or label that announces criteria, in a checklist that otherwise ticks checkboxes,
 * are items (importer {@code CriteriaLists}): the recognisers read them, and what they cannot read is confirmed by
 * hand. Plain bullets elsewhere in such a checklist stay the step's text.
 */
class CriteriaListTest {

    private static final String CHECKLIST = """
            # Invoices: add payment columns
            ## Before
            - [ ] Backup taken
            - [ ] `invoices` has no column `paid_at` yet, see the ticket
            ## Apply
            - [ ] `rake db:migrate`

            **Verification:**
            - `invoices` has new columns `paid_at`, `paid_by`
            - Extension `pg_trgm` installed
            - the support team is told
            - see the wiki page for the dashboards

            Notes:
            - the migration takes about a minute
            - nobody needs to stop the workers
            """;

    private static List<CheckSpec.Manual> manuals(Runbook runbook) {
        return runbook.steps().flatMap(s -> s.checks().stream()).filter(CheckSpec.Manual.class::isInstance)
                .map(CheckSpec.Manual.class::cast).toList();
    }

    /** The automated checks other than the migration itself, which becomes a command step of its own. */
    private static List<CheckSpec> readChecks(String checklist) throws Exception {
        return Imports.automated(checklist).stream().filter(c -> !(c instanceof CheckSpec.Command)).toList();
    }

    @Test
    void bulletsUnderAVerificationLabelBecomeItemsAndTheRecognisersReadThem() throws Exception {
        List<CheckSpec> checks = readChecks(CHECKLIST);
        assertThat(checks).hasSize(2);
        assertThat(checks.get(0)).isInstanceOfSatisfying(CheckSpec.CatalogObjects.class, c -> assertThat(c.exist())
                .extracting(CheckSpec.ObjectSpec::name).containsExactly("paid_at", "paid_by"));
        assertThat(checks.get(1)).isInstanceOfSatisfying(CheckSpec.CatalogObjects.class, c -> assertThat(c.exist())
                .extracting(CheckSpec.ObjectSpec::name).containsExactly("pg_trgm"));
        // A criterion no recogniser reads is still confirmed by hand; a pointer and the notes are only text.
        List<String> manual = manuals(Imports.runbook(Imports.of(CHECKLIST))).stream().map(CheckSpec.Manual::text)
                .toList();
        assertThat(manual).contains("the support team is told")
                .noneMatch(t -> t.contains("wiki") || t.contains("about a minute") || t.contains("workers"));
    }

    @Test
    void aCriteriaHeadingDoesTheSameAndOtherHeadingsKeepPlainBulletsAsText() throws Exception {
        String heading = CHECKLIST.replace("**Verification:**", "### Success criteria");
        assertThat(readChecks(heading)).hasSize(2);
        String other = CHECKLIST.replace("**Verification:**", "### Background");
        assertThat(readChecks(other)).isEmpty();
        assertThat(manuals(Imports.runbook(Imports.of(other)))).extracting(CheckSpec.Manual::text)
                .noneMatch(t -> t.contains("support team"));
    }

    @Test
    void aChecklistWithoutCheckboxesReadsItsPlainBulletsAsItemsAsBefore() throws Exception {
        ImportResult boxed = Imports.of(CHECKLIST);
        ImportResult plain = Imports.of(CHECKLIST.replace("- [ ] ", "- "));
        assertThat(plain.summary().items()).isGreaterThan(boxed.summary().items());
    }

    @Test
    void aCriterionTheDatabaseDoesNotMeetFailsItsCheck(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("criteria");
        TestPostgres.exec(db, "CREATE TABLE invoices (id int, paid_at timestamptz)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("Apply (continued)");
            assertThat(live.status("invoices has new columns")).isEqualTo(Status.FAILED);
            assertThat(live.status("Extension pg_trgm installed")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "ALTER TABLE invoices ADD COLUMN paid_by text; CREATE EXTENSION pg_trgm");
            live.runStep("Apply (continued)");
            assertThat(live.status("invoices has new columns")).isEqualTo(Status.PASSED);
            assertThat(live.status("Extension pg_trgm installed")).isEqualTo(Status.PASSED);
        }
    }
}
