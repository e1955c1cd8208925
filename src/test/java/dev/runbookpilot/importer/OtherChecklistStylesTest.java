package dev.runbookpilot.importer;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Expectation;
import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checklists written in other styles than the seeds, imported and run live against the alembic-upgrade sample's
 * demo database (the checklists describe that migration): whatever the style, the checks derived from it must
 * hold on the real before- and after-state, not just load.
 */
class OtherChecklistStylesTest {

    private static Path checklist(String name) {
        return TestPostgres.projectDir().resolve("src/test/resources/checklists").resolve(name);
    }

    private static List<CheckSpec> checks(Runbook r) {
        return r.steps().flatMap(s -> s.checks().stream()).toList();
    }

    private static <T extends CheckSpec> List<T> checks(Runbook r, Class<T> type) {
        return checks(r).stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static void assertAllPassed(LiveRun.Outcome run) {
        assertThat(run.pre()).allSatisfy((k, r) -> assertThat(r.status()).as(LiveRun.describe(r))
                .isEqualTo(Status.PASSED));
        assertThat(run.post()).allSatisfy((k, r) -> assertThat(r.status()).as(LiveRun.describe(r))
                .isEqualTo(Status.PASSED));
    }

    @Test
    void crlfTabsEmojiStarAndPlusBulletsHtmlCommentsAndATableImportIntoChecksThatHoldOnTheDemo(@TempDir Path dir)
            throws Exception {
        assertThat(Files.readString(checklist("emoji-crlf-tabs.md"))).contains("\r\n\t```sql");
        LiveRun.Outcome run = LiveRun.run(checklist("emoji-crlf-tabs.md"), "alembic-upgrade", dir);
        Runbook r = run.runbook();

        assertThat(r.title()).isEqualTo("💳 Billing: add payments.external_reference");
        // The upgrade line is the migration step's command; "Watch the output" is confirmed after it ran.
        assertThat(r.steps().map(Step::title).toList()).containsExactly("🔍 Before the upgrade",
                "🚀 Run the migration", "🚀 Run the migration (continued)", "✅ After the upgrade");
        assertThat(run.imported().yaml()).doesNotContain("\r");
        // The HTML comments and the plain '+' bullet among checkboxes are kept as text, not dropped.
        assertThat(run.imported().lines().get(0).use()).isEqualTo(Use.DESCRIPTION);
        assertThat(r.description()).contains("exported from the wiki");
        assertThat(r.steps().filter(s -> s.id().equals("before-the-upgrade")).findFirst().orElseThrow()
                .description()).contains("The billing workers are stopped first");

        assertThat(checks(r, CheckSpec.Query.class)).anyMatch(q -> q.sql().equals(
                "SELECT version_num FROM alembic_version") && q.expect().equals(new Expectation.Text("b7e1c9d2a4f0")));
        assertThat(checks(r, CheckSpec.Query.class)).anyMatch(q -> q.label().startsWith("Revision")
                && q.expect().equals(new Expectation.Text("e4c2f81a9b3d")));
        CheckSpec.CatalogObjects columns = checks(r, CheckSpec.CatalogObjects.class).stream()
                .filter(c -> c.objectKind() == ObjectKind.COLUMNS).findFirst().orElseThrow();
        assertThat(columns.table()).isEqualTo("payments");
        assertThat(columns.exist()).extracting(CheckSpec.ObjectSpec::name)
                .containsExactly("id", "user_id", "amount", "external_reference");
        CheckSpec.Statement rejects = checks(r, CheckSpec.Statement.class).get(0);
        assertThat(rejects.expectRejection()).isTrue();
        assertThat(rejects.sqlstate()).isEqualTo("23505");
        // "-- Should FAIL:" sits between the two inserts with no blank line: it announces the second one.
        assertThat(rejects.setup()).startsWith("INSERT INTO users");

        assertAllPassed(run);
        assertThat(run.pre().keySet()).containsExactly("before-the-upgrade#0 query", "before-the-upgrade#1 activity",
                "before-the-upgrade#2 snapshot", "before-the-upgrade#3 query");
        assertThat(run.post().keySet()).containsExactly("after-the-upgrade#0 query", "after-the-upgrade#1 query",
                "after-the-upgrade#2 columns", "after-the-upgrade#3 indexes", "after-the-upgrade#4 rowCounts",
                "after-the-upgrade#5 rejects");
        assertThat(run.imported().summary().automatedRatio()).isEqualTo(1.0);
    }

    @Test
    void numberedStepsSetextHeadingsAndPsqlOneLinersInShellBlocksImportIntoChecksThatHoldOnTheDemo(
            @TempDir Path dir) throws Exception {
        LiveRun.Outcome run = LiveRun.run(checklist("numbered-oneliners.md"), "alembic-upgrade", dir);
        Runbook r = run.runbook();

        assertThat(r.title()).isEqualTo("Billing upgrade — revision e4c2f81a9b3d");
        // "# Expected: 1" is a shell comment right under the psql one-liner.
        assertThat(checks(r, CheckSpec.Query.class)).anyMatch(q -> q.sql().startsWith("SELECT count(*) FROM "
                + "alembic_version") && q.expect().describe().equals("= 1"));
        assertThat(checks(r, CheckSpec.CatalogObjects.class)).anyMatch(t -> t.objectKind() == ObjectKind.TABLES
                && t.exist().size() == 5);
        // "(should return e4c2f81a9b3d)" ends at its parenthesis; the psql command after it is the SQL.
        assertThat(checks(r, CheckSpec.Query.class)).anyMatch(q -> q.sql().equals(
                "SELECT version_num FROM alembic_version") && q.expect().equals(new Expectation.Text("e4c2f81a9b3d")));
        assertThat(checks(r, CheckSpec.Statement.class)).singleElement()
                .satisfies(s -> assertThat(s.sqlstate()).isEqualTo("23505"));
        assertThat(checks(r, CheckSpec.Signoff.class)).singleElement()
                .satisfies(s -> assertThat(s.roles()).containsExactly("DBA"));

        assertAllPassed(run);
        assertThat(run.pre().keySet()).containsExactly("before#0 query", "before#1 tables");
        assertThat(run.post().keySet()).containsExactly("after#0 query", "after#1 rejects", "after#2 query");
        assertThat(run.imported().summary().automatedRatio()).isEqualTo(1.0);
    }
}
