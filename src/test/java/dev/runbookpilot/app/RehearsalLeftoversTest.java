package dev.runbookpilot.app;

import dev.runbookpilot.check.TargetCopy;
import dev.runbookpilot.db.ServerInfo;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.RehearsalPlan;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the next start removes after a rehearsal was killed, and what it leaves alone. */
class RehearsalLeftoversTest {

    /**
     * The wizard rehearses a demo it started in the workspace (not a rehearsal's own demo under the session
     * directory): killed mid-run, its embedded copy server is still removed by the next start, the wizard's demo
     * folder is not touched (the next demo start sweeps it).
     */
    @Test
    void aKilledWizardDemoRehearsalHasItsCopyServerRemovedAndTheWizardsDemoLeftAlone(@TempDir Path dir)
            throws Exception {
        Path sessions = dir.resolve("sessions");
        Path demo = dir.resolve("demo").resolve("server-1");
        Files.createDirectories(demo);
        Files.writeString(demo.resolve("PG_VERSION"), "15\n");
        Runbook rb = RunbookLoader.load(TestPostgres.projectDir().resolve("runbooks/alembic-upgrade/runbook.yaml"));
        JournalEvent.Connection original = new JournalEvent.Connection("localhost", 5432, "shop", "postgres", null,
                true, demo.toString());
        ServerInfo server = new ServerInfo("localhost", 5432, "shop", "postgres", "15.4", 150004, "7001", true, null);
        RehearsalPlan plan = RehearsalPlan.create(rb, sessions, "dba", CheckSpec.Scratch.EMBEDDED,
                TargetCopy.Data.SCHEMA, original, server);
        Path copyServer = Path.of(plan.planned().copyDataDir());
        Files.createDirectories(copyServer);
        Files.writeString(copyServer.resolve("PG_VERSION"), "15\n");
        Path journal;
        try (var files = Files.list(sessions)) {
            journal = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
        }
        plan.close();

        List<String> said = new ArrayList<>();
        List<String> left = Rehearsal.cleanUpLeftovers(sessions, "dba", new Targets(Map.of(), dir), said::add);

        assertThat(left).as(said.toString()).isEmpty();
        assertThat(copyServer).as("the killed rehearsal's copy server").doesNotExist();
        assertThat(demo.resolve("PG_VERSION")).as("the wizard's demo is not the rehearsal's to remove").exists();
        assertThat(Journal.read(journal)).anyMatch(e -> e instanceof JournalEvent.RehearsalCopyDropped);
    }
}
