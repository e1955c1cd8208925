package dev.runbookpilot.importer;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The acceptance test: each seed checklist, imported, validates; run through the real session engine
 * against the demo database of the sample written to mirror it, its pre-migration checks pass on the
 * before-state and its post-migration checks pass once the sample's migration is applied (see {@link LiveRun}
 * for how pre and post are told apart).
 */
class SeedAcceptanceTest {

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
                                "schema-structure-verification#2 columns", "schema-structure-verification#3 columns",
                                "performance-testing#2 explain", "performance-testing#3 explain",
                                "performance-testing#4 explain")),
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
                        List.of("step-9-verify-schema-changes#1 tables", "step-10-test-constraints#0 rejects", "step-10-test-constraints#1 accepts",
                                "step-10-test-constraints#2 accepts", "step-10-test-constraints#3 rejects",
                                "step-10-test-constraints#4 rejects", "step-10-test-constraints#5 rejects",
                                "step-11-performance-check#0 explain", "step-11-performance-check#1 explain")));
    }

    @ParameterizedTest(name = "{0} on the {1} demo")
    @MethodSource("seeds")
    void preMigrationChecksPassOnTheBeforeStateAndPostMigrationChecksAfterTheSamplesMigration(
            String seed, String sample, List<String> expectedPre, List<String> expectedPost, @TempDir Path dir)
            throws Exception {
        LiveRun.Outcome run = LiveRun.run(
                TestPostgres.projectDir().resolve("src/test/resources/checklists/seeds").resolve(seed), sample, dir);

        assertThat(run.pre()).allSatisfy((key, r) ->
                assertThat(r.status()).as(LiveRun.describe(r)).isEqualTo(Status.PASSED));
        assertThat(run.post()).allSatisfy((key, r) ->
                assertThat(r.status()).as(LiveRun.describe(r)).isEqualTo(Status.PASSED));
        assertThat(List.of(List.copyOf(run.pre().keySet()), List.copyOf(run.post().keySet())))
                .as("the pre- and post-migration checks evaluated")
                .isEqualTo(List.of(expectedPre, expectedPost));
    }
}
