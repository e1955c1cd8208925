package dev.runbookpilot.session;

import dev.runbookpilot.check.BackupChecks;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.db.CancelToken;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Environment;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A session's backups: run one with its start journaled before it creates anything, and after a crash remove
 * whatever one left half-done (a partial dump, a scratch database) and give it an ERROR result.
 */
final class SessionBackups {
    private static final Logger log = LoggerFactory.getLogger(SessionBackups.class);

    private SessionBackups() {}

    /**
     * Against production a backup loads the server as long as pg_dump runs, and a drill with {@code scratch:
     * target} creates a database there: the operator approves it as they approve a migration.
     */
    static boolean needsApproval(Runbook runbook, Step step) {
        return runbook.target().environment() == Environment.PRODUCTION
                && step.checks().stream().anyMatch(c -> c instanceof CheckSpec.Backup);
    }

    static void run(Session session, Step step, int index, CheckSpec.Backup spec, CancelToken token)
            throws IOException {
        ServerInfo server;
        try {
            server = session.database().serverInfo();
        } catch (SQLException e) {
            Instant now = Instant.now();
            String why = "cannot read the server's version: " + e.getMessage();
            session.finish(step, new CheckResult(step.id(), index, spec.kind(), spec.label(), Status.ERROR,
                    spec.describe(), why, null, 0, e.getSQLState(), why, null, now, now));
            return;
        }
        boolean[] began = {false};
        BackupChecks.Done done = BackupChecks.run(new BackupChecks.Request(session.id(), step.id(), index, spec,
                session.database(), server, requiredTables(session.runbook(), step), token), new BackupChecks.Hooks() {
            @Override
            public void began(Path partial, String scratchServer, String scratchDatabase, Path scratchDataDir)
                    throws IOException {
                session.record(new JournalEvent.BackupBegan(step.id(), index, partial.toString(), scratchServer,
                        scratchDatabase, scratchDataDir == null ? null : scratchDataDir.toString(), Instant.now()));
                began[0] = true;
            }

            @Override
            public void output(String line) {
                session.listener().notice(step, line);
            }
        });
        if (began[0] && done.cleaned()) {
            try {
                session.record(new JournalEvent.BackupCleaned(step.id(), index, "removed when the backup ended",
                        Instant.now()));
            } catch (IOException e) {
                // Stopping: the next resume finds the backup's start uncleaned and removes what may be left again.
                log.info("backup clean-up of {}#{} not journaled: {}", step.id(), index, e.getMessage());
            }
        }
        session.finish(step, done.result());
    }

    /**
     * The tables the runbook's snapshot checks before this step count on, schema-qualified: the dump must hold
     * their data, or the row counts compared after the migration could not be restored.
     */
    static List<String> requiredTables(Runbook runbook, Step backupStep) {
        Set<String> out = new LinkedHashSet<>();
        for (Step s : runbook.steps().toList()) {
            if (s.id().equals(backupStep.id())) break;
            for (CheckSpec c : s.checks()) {
                if (!(c instanceof CheckSpec.Snapshot snap)) continue;
                String schema = snap.schema() != null ? snap.schema() : runbook.target().schema();
                for (String t : snap.tables()) out.add(t.contains(".") ? t : schema + "." + t);
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * Every backup whose start is journaled without its clean-up: its partial dump and scratch database are
     * removed, and one that never journaled a result ends as ERROR; it is a read, so it may simply run again.
     */
    static void cleanUpInterrupted(Session session, List<JournalEvent> events) throws IOException {
        Map<String, JournalEvent.BackupBegan> open = new LinkedHashMap<>();
        Set<String> finished = new LinkedHashSet<>();
        for (JournalEvent e : events) {
            if (e instanceof JournalEvent.BackupBegan b) {
                open.put(SessionState.key(b.stepId(), b.index()), b);
                finished.remove(SessionState.key(b.stepId(), b.index()));
            } else if (e instanceof JournalEvent.BackupCleaned c) {
                open.remove(SessionState.key(c.stepId(), c.index()));
            } else if (e instanceof JournalEvent.CheckFinished f && open.containsKey(f.result().key())) {
                finished.add(f.result().key());
            }
        }
        for (Map.Entry<String, JournalEvent.BackupBegan> entry : open.entrySet()) {
            JournalEvent.BackupBegan b = entry.getValue();
            Step step = session.runbook().steps().filter(s -> s.id().equals(b.stepId())).findFirst().orElse(null);
            if (step == null || b.index() < 0 || b.index() >= step.checks().size()
                    || !(step.checks().get(b.index()) instanceof CheckSpec.Backup spec)) {
                continue;
            }
            String untrusted = BackupChecks.untrustedLeftovers(session.id(), b.stepId(), spec, b.partialPath(),
                    b.scratchServer(), b.scratchDatabase(), b.scratchDataDir());
            List<String> left = untrusted != null
                    ? List.of("nothing removed: " + untrusted + "; the journal may have been edited, check by hand")
                    : BackupChecks.cleanUp(session.database(), b.partialPath(), b.scratchServer(),
                    b.scratchDatabase(), b.scratchDataDir());
            String removed = "the partial dump" + (b.scratchDatabase() == null ? "" : " and the scratch database "
                    + b.scratchDatabase());
            if (left.isEmpty()) {
                session.record(new JournalEvent.BackupCleaned(b.stepId(), b.index(), removed
                        + " removed on resume", Instant.now()));
            } else {
                log.warn("an interrupted backup left behind: {}", String.join("; ", left));
            }
            if (!finished.contains(entry.getKey())) {
                String why = "interrupted: the backup did not finish, so there is no backup from it; " + (left.isEmpty()
                        ? removed + " were removed" : "left behind: " + String.join("; ", left))
                        + ". Run the step again";
                Instant now = Instant.now();
                session.finish(step, new CheckResult(step.id(), b.index(), spec.kind(), spec.label(), Status.ERROR,
                        spec.describe(), why, null, 0, null, why, null, now, now));
            }
        }
    }
}
