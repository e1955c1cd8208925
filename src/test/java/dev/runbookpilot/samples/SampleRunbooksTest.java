package dev.runbookpilot.samples;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.demo.DemoDatabase;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.Rollbacks;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every sample runbook, walked through the real engine on its demo database: with the right migration every
 * check passes; with a deliberately wrong one exactly the checks that should catch it fail.
 */
class SampleRunbooksTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"schema-alignment", "schema-fixes-3.7.0", "staging-core-schema", "production-cleanup",
            "alembic-upgrade"})
    void everyCheckPassesWithTheRealMigration(String sample, @TempDir Path dir) throws Exception {
        Path copy = dir.resolve(sample);
        copyTree(sampleDir(sample), copy);
        Runbook runbook = withBackupsIn(copy, dir.resolve("backups"));
        Map<String, Status> statuses = walk(runbook, dir.resolve("sessions"), SampleRunbooksTest::rollBack);
        assertThat(statuses).allSatisfy((key, status) ->
                assertThat(status).as(key).isIn(Status.PASSED, Status.CONFIRMED));
    }

    /**
     * After the whole window: the sample's rollback brings the demo database back to its baseline, proven; past a
     * point of no return (a migration that drops tables with their rows) no rollback is offered at all.
     */
    private static void rollBack(Session session) throws Exception {
        Rollbacks.Plan plan = session.rollbackPlan();
        if (plan.pointOfNoReturn() != null) {
            assertThat(plan.offered()).isFalse();
            assertThat(plan.refusal()).contains("restoring the backup");
            return;
        }
        assertThat(plan.runnable()).as("every applied writer has a rollback").hasSameSizeAs(plan.applied());
        Session.RollbackRun run = session.rollBack("sample drill", item -> true);
        assertThat(run.proved()).as(run.statement()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"schema-alignment", "schema-fixes-3.7.0", "staging-core-schema", "production-cleanup",
            "alembic-upgrade"})
    void exactlyTheRightChecksFailWithABrokenMigration(String sample, @TempDir Path dir) throws Exception {
        Path copy = dir.resolve(sample);
        copyTree(sampleDir(sample), copy);
        Path broken = TestPostgres.projectDir().resolve("src/test/resources/broken-migrations/" + sample + ".sql");
        Files.copy(broken, copy.resolve("demo/migration.sql"), StandardCopyOption.REPLACE_EXISTING);
        Set<String> expected = Files.readAllLines(broken.resolveSibling(sample + ".expected-failures.txt")).stream()
                .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).collect(Collectors.toSet());

        Runbook runbook = withBackupsIn(copy, dir.resolve("backups"));
        Map<String, Status> statuses = walk(runbook, dir.resolve("sessions"), session -> { });
        Set<String> failed = statuses.entrySet().stream().filter(e -> e.getValue() != Status.PASSED
                && e.getValue() != Status.CONFIRMED).map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> wanted = expected.stream().map(k -> k + "=" + Status.FAILED)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(failed).isEqualTo(wanted);
    }

    /** The copied sample, its backups written under the test's folder instead of the home directory. */
    private static Runbook withBackupsIn(Path copy, Path backups) throws Exception {
        Path file = copy.resolve("runbook.yaml");
        Files.writeString(file, Files.readString(file).replace("~/runbook-pilot-backups", backups.toString()));
        return RunbookLoader.load(file);
    }

    private static Path sampleDir(String sample) {
        return TestPostgres.projectDir().resolve("runbooks").resolve(sample);
    }

    /**
     * Walks every step like a diligent operator who never stops at a failure: confirms manual steps, signs,
     * approves the migration, and records every check's status.
     */
    private static Map<String, Status> walk(Runbook runbook, Path sessionDir, AfterWalk after) throws Exception {
        String database = DemoDatabase.databaseName(runbook);
        TestPostgres.server().recreateDatabase(database);
        TestPostgres.runScript(database, DemoDatabase.setupScript(runbook));
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        Map<String, Status> statuses = new LinkedHashMap<>();
        try (Database db = Database.open(TestPostgres.jdbcUrl(database), props, 8, CheckDefaults.LOCK_TIMEOUT);
             Session session = Session.start(runbook, db, new JournalEvent.Connection("localhost",
                     TestPostgres.server().port(), database, "postgres", null, false, null), "tester",
                     sessionDir, RunListener.NONE)) {
            for (Phase phase : runbook.phases()) {
                for (Step step : phase.steps()) {
                    session.runChecks(step, Session.Scope.ALL);
                    for (int i = 0; i < step.checks().size(); i++) {
                        CheckSpec spec = step.checks().get(i);
                        if (spec instanceof CheckSpec.Manual) session.confirm(step, i, "checked by the test");
                        if (spec instanceof CheckSpec.Signoff so) {
                            for (String role : so.roles()) session.sign(step, role, "Test " + role);
                        }
                        statuses.put(step.id() + "#" + i, session.checkStatus(step, i));
                    }
                }
            }
            after.accept(session);
        } finally {
            TestPostgres.exec("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
        return statuses;
    }

    /** What happens once every step was walked, before the session closes. */
    @FunctionalInterface
    private interface AfterWalk {
        void accept(Session session) throws Exception;
    }

    private static void copyTree(Path from, Path to) throws Exception {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }
}
