package dev.runbookpilot.importer;

import dev.runbookpilot.check.CheckResult;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imports a checklist with {@link ChecklistImporter#importFile} and runs the result through the real session
 * engine against a sample's demo database: the automated checks before the migration step on the before-state,
 * then the sample's migration, then the automated checks after it.
 *
 * <p>"Pre" and "post" come from the runbook itself: the migration step is the first command step (imported from the
 * checklist's migration line; never run here) or the first step whose title says it
 * runs or applies the migration; automated checks in steps before it are pre, after it post. Checks in
 * rollback, troubleshooting or emergency sections only hold when that situation happened (the import warns
 * about each, which is asserted), so they are not evaluated. Manual confirmations and sign-offs need a person
 * and are not evaluated either.
 */
final class LiveRun {

    private static final Pattern MIGRATION_STEP = Pattern.compile(
            "(?i)\\b(run|apply|applying|execute)\\s+(the\\s+)?migrations?\\b");
    private static final Pattern CONDITIONAL = Pattern.compile(
            "(?i)\\b(rollback|roll back|troubleshoot\\w*|emergency|incident)\\b");

    /** Results keyed {@code step-id#index kind}, in run order. */
    record Outcome(ImportResult imported, Runbook runbook, Map<String, CheckResult> pre,
                   Map<String, CheckResult> post) {}

    private LiveRun() {}

    static Outcome run(Path checklist, String sample, Path dir) throws Exception {
        Path sampleDir = TestPostgres.projectDir().resolve("runbooks").resolve(sample);
        ImportResult imported = ChecklistImporter.importFile(checklist, dir.resolve("runbook.yaml"));
        Runbook runbook = RunbookLoader.load(dir.resolve("runbook.yaml"));

        List<Step> pre = new ArrayList<>();
        List<Step> post = new ArrayList<>();
        Step migration = null;
        for (Phase phase : runbook.phases()) {
            for (Step step : phase.steps()) {
                boolean automated = step.checks().stream().anyMatch(LiveRun::automated);
                // A command step imported from the checklist's migration line ("mix ecto.migrate") runs the team's
                // tool, which is not installed here: the sample's migration.sql is applied in its place.
                if (step.mutates()) {
                    assertThat(step.checks()).as(step.id()).allMatch(c -> c instanceof CheckSpec.Command);
                    if (migration == null) migration = step;
                } else if (migration == null && MIGRATION_STEP.matcher(step.title()).find()) {
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
        // As the app names its connections (ConnectionSettings): the activity checks exclude the tool's own.
        props.setProperty("ApplicationName", "Runbook Pilot");
        Map<String, CheckResult> preResults;
        Map<String, CheckResult> postResults;
        try (Database db = Database.open(TestPostgres.jdbcUrl(database), props, 4, CheckDefaults.LOCK_TIMEOUT);
             Session session = Session.start(runbook, db, new JournalEvent.Connection("localhost",
                     TestPostgres.server().port(), database, "postgres", null, false, null), "tester",
                     dir.resolve("sessions"), RunListener.NONE)) {
            preResults = run(session, pre);
            TestPostgres.runScript(database, sampleDir.resolve("demo/migration.sql"));
            postResults = run(session, post);
        } finally {
            TestPostgres.exec("postgres", "DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }

        return new Outcome(imported, runbook, preResults, postResults);
    }

    static boolean automated(CheckSpec spec) {
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

    static String describe(CheckResult r) {
        return r.stepId() + "#" + r.index() + " " + r.kind() + " '" + r.label() + "': expected " + r.expected()
                + ", got " + r.actual() + (r.error() == null ? "" : " (" + r.error() + ")") + "\n" + r.sql();
    }
}
