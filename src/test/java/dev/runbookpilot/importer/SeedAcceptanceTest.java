package dev.runbookpilot.importer;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The issue's acceptance test: each seed checklist, imported, validates; run through the real session engine
 * against the demo database of the sample written to mirror it, its pre-migration checks pass on the
 * before-state and its post-migration checks pass once the sample's migration is applied.
 *
 * <p>"Pre" and "post" come from the runbook itself: the migration step is the first step whose title says it
 * runs or applies the migration; automated checks in steps before it are pre, after it post. Checks in
 * rollback, troubleshooting or emergency sections only hold when that situation happened (the import warns
 * about each), so they are not evaluated here. Manual confirmations and sign-offs need a person and are not
 * evaluated either.
 */
class SeedAcceptanceTest {

    private static final Pattern MIGRATION_STEP = Pattern.compile(
            "(?i)\\b(run|apply|applying|execute)\\s+(the\\s+)?migrations?\\b");
    private static final Pattern CONDITIONAL = Pattern.compile(
            "(?i)\\b(rollback|roll back|troubleshoot\\w*|emergency|incident)\\b");

    /**
     * Seed, the sample written to mirror it, and exactly which automated checks are evaluated before and after the
     * migration (step id # check index, kind): pinned so that a mapping that silently stops producing a check, or
     * moves it to the wrong side of the migration, fails here.
     */
    static Stream<Arguments> seeds() {
        return Stream.of(
                Arguments.of("000_e9387a216e638fd6.txt", "schema-alignment",
                        List.of("environment-preparation#3 activity", "pre-migration-state-recording#1 snapshot"),
                        List.of("table-existence-verification#0 tables", "table-existence-verification#1 tables",
                                "data-integrity-verification#0 rowCounts",
                                "index-verification#0 indexes", "index-verification#1 indexes",
                                "index-verification#2 indexes", "index-verification#3 indexes",
                                "index-verification#4 indexes",
                                "schema-structure-verification#0 columns", "schema-structure-verification#1 columns",
                                "schema-structure-verification#2 columns", "schema-structure-verification#3 columns")),
                Arguments.of("001_d6444c5d4bc6e301.txt", "schema-fixes-3.7.0",
                        List.of("step-1-final-checks#2 activity"),
                        List.of("step-4-validate-migration#0 query", "step-4-validate-migration#1 query",
                                "step-4-validate-migration#2 query",
                                "step-4-validate-migration#3 query", "step-4-validate-migration#4 query",
                                "step-4-validate-migration#5 query", "step-4-validate-migration#6 query",
                                "quick-health-check#0 query", "quick-health-check#1 query",
                                "quick-health-check#2 query", "quick-health-check#3 query",
                                "data-integrity-check#0 query", "data-integrity-check#1 query",
                                "data-integrity-check#2 query", "data-integrity-check#3 query",
                                "data-integrity-check#4 query")),
                Arguments.of("002_77f05fae06ba39ae.txt", "staging-core-schema",
                        List.of(),
                        List.of("step-10-test-constraints#0 rejects", "step-10-test-constraints#1 accepts",
                                "step-10-test-constraints#2 accepts", "step-10-test-constraints#3 rejects",
                                "step-10-test-constraints#4 rejects", "step-10-test-constraints#5 rejects",
                                "step-11-performance-check#0 explain", "step-11-performance-check#1 explain")));
    }

    @ParameterizedTest(name = "{0} on the {1} demo")
    @MethodSource("seeds")
    void preMigrationChecksPassOnTheBeforeStateAndPostMigrationChecksAfterTheSamplesMigration(
            String seed, String sample, List<String> expectedPre, List<String> expectedPost, @TempDir Path dir)
            throws Exception {
        Path sampleDir = TestPostgres.projectDir().resolve("runbooks").resolve(sample);
        ImportResult imported = ChecklistImporter.importFile(
                TestPostgres.projectDir().resolve("src/test/resources/checklists/seeds").resolve(seed),
                dir.resolve("runbook.yaml"));
        Runbook runbook = RunbookLoader.load(dir.resolve("runbook.yaml"));

        List<Step> pre = new ArrayList<>();
        List<Step> post = new ArrayList<>();
        Step migration = null;
        for (Phase phase : runbook.phases()) {
            for (Step step : phase.steps()) {
                boolean automated = step.checks().stream().anyMatch(SeedAcceptanceTest::automated);
                if (migration == null && MIGRATION_STEP.matcher(step.title()).find()) {
                    migration = step;
                    assertThat(automated).as("the migration step runs nothing by itself").isFalse();
                } else if (CONDITIONAL.matcher(phase.name() + " " + step.title()).find()) {
                    if (automated) {
                        assertThat(imported.summary().warnings()).as(step.id())
                                .anyMatch(w -> w.message().contains("('" + step.title() + "')"));
                    }
                } else if (automated) {
                    (migration == null ? pre : post).add(step);
                }
            }
        }
        assertThat(migration).as("a step that runs the migration").isNotNull();

        String database = TestPostgres.freshDatabase("seed");
        TestPostgres.runScript(database, sampleDir.resolve("demo/setup.sql"));
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        Map<String, CheckResult> preResults;
        Map<String, CheckResult> postResults;
        try (Database db = Database.open(TestPostgres.jdbcUrl(database), props, 4, CheckDefaults.LOCK_TIMEOUT);
             Session session = Session.start(runbook, db, new JournalEvent.Connection("localhost",
                     TestPostgres.server().port(), database, "postgres", null, false, null), "tester",
                     dir.resolve("sessions"), RunListener.NONE)) {
            preResults = run(session, pre);
            TestPostgres.runScript(database, sampleDir.resolve("demo/migration.sql"));
            postResults = run(session, post);
        }

        assertThat(preResults).allSatisfy((key, r) -> assertThat(r.status()).as(describe(r)).isEqualTo(Status.PASSED));
        assertThat(postResults).allSatisfy((key, r) -> assertThat(r.status()).as(describe(r)).isEqualTo(Status.PASSED));
        assertThat(List.of(List.copyOf(preResults.keySet()), List.copyOf(postResults.keySet())))
                .as("the pre- and post-migration checks evaluated")
                .isEqualTo(List.of(expectedPre, expectedPost));
    }

    private static boolean automated(CheckSpec spec) {
        return !(spec instanceof CheckSpec.Manual) && !(spec instanceof CheckSpec.Signoff);
    }

    /** Runs the steps' automated checks in order and returns each result, keyed {@code step#index kind}. */
    private static Map<String, CheckResult> run(Session session, List<Step> steps) throws Exception {
        Map<String, CheckResult> results = new LinkedHashMap<>();
        for (Step step : steps) {
            session.runChecks(step, Session.Scope.ALL);
            for (int i = 0; i < step.checks().size(); i++) {
                CheckSpec spec = step.checks().get(i);
                if (!automated(spec)) continue;
                results.put(step.id() + "#" + i + " " + spec.kind(),
                        session.state().result(step.id(), i).orElseThrow());
            }
        }
        return results;
    }

    private static String describe(CheckResult r) {
        return r.stepId() + "#" + r.index() + " " + r.kind() + " '" + r.label() + "': expected " + r.expected()
                + ", got " + r.actual() + (r.error() == null ? "" : " (" + r.error() + ")") + "\n" + r.sql();
    }
}
