package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.CheckDefaults;
import dev.runbookpilot.db.Database;
import dev.runbookpilot.importer.ChecklistImporter;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.testing.TestPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A checklist imported with {@link ChecklistImporter#importFile}, loaded, and run step by step through the real
 * session engine on a test database: the recognisers' checks are judged by what the engine makes of them, not by
 * their YAML.
 */
final class LiveImport implements AutoCloseable {

    final ImportResult imported;
    final Runbook runbook;
    private final Database db;
    private final Session session;
    /** Automated check results by the check's label, in run order. */
    final Map<String, CheckResult> results = new LinkedHashMap<>();

    private LiveImport(ImportResult imported, Runbook runbook, Database db, Session session) {
        this.imported = imported;
        this.runbook = runbook;
        this.db = db;
        this.session = session;
    }

    static LiveImport open(String markdown, String database, Path dir) throws Exception {
        Path md = dir.resolve("checklist.md");
        Files.writeString(md, markdown);
        ImportResult imported = ChecklistImporter.importFile(md, dir.resolve("runbook.yaml"));
        Runbook runbook = RunbookLoader.load(dir.resolve("runbook.yaml"));
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        // As the app names its connections: the activity checks leave the tool's own out.
        props.setProperty("ApplicationName", "Runbook Pilot");
        Database db = Database.open(TestPostgres.jdbcUrl(database), props, 4, CheckDefaults.LOCK_TIMEOUT);
        Session session = Session.start(runbook, db, new JournalEvent.Connection("localhost",
                TestPostgres.server().port(), database, "postgres", null, false, null), "tester",
                dir.resolve("sessions"), RunListener.NONE);
        return new LiveImport(imported, runbook, db, session);
    }

    /** Runs the automated checks of the step with this title and records their results. */
    LiveImport runStep(String title) throws Exception {
        Step step = runbook.steps().filter(s -> s.title().equals(title)).findFirst().orElseThrow();
        session.runChecks(step, Session.Scope.ALL);
        for (int i = 0; i < step.checks().size(); i++) {
            CheckSpec spec = step.checks().get(i);
            if (spec instanceof CheckSpec.Manual || spec instanceof CheckSpec.Signoff) continue;
            CheckResult r = session.state().result(step.id(), i).orElseThrow();
            results.put(r.label(), r);
        }
        return this;
    }

    /** The session the checklist's runbook runs in: for what the engine asks before a step (approval). */
    Session session() {
        return session;
    }

    /** The status of the one check whose label starts with this text. */
    Status status(String labelStart) {
        return results.entrySet().stream().filter(e -> e.getKey().startsWith(labelStart)).map(Map.Entry::getValue)
                .map(CheckResult::status).reduce((a, b) -> {
                    throw new AssertionError("two checks start with '" + labelStart + "': " + results.keySet());
                }).orElseThrow(() -> new AssertionError("no check starts with '" + labelStart + "': "
                        + results.keySet()));
    }

    /** What the session journaled so far, as a report is built from it. */
    dev.runbookpilot.session.SessionState state() {
        return session.state();
    }

    @Override
    public void close() throws Exception {
        try {
            session.close();
        } finally {
            db.close();
        }
    }
}
