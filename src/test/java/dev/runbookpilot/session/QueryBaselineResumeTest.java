package dev.runbookpilot.session;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hot query's baseline is journaled with its snapshot: it survives a crash, and older journals still load. And the
 * session times a comparison with nothing else of the step running beside it.
 */
class QueryBaselineResumeTest {
    private static final String SETUP = """
            CREATE TABLE items (id int PRIMARY KEY, name text);
            INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g;
            CREATE INDEX items_name_idx ON items (name);
            ANALYZE items;
            """;

    private static final String RUNBOOK = """
            runbook: Hot queries across a crash
            target: { environment: development }
            phases:
              - name: Before
                steps:
                  - id: baseline
                    title: Baseline
                    checks:
                      - snapshot:
                          name: before
                          rowCounts: [items]
                          queries: { by_name: "SELECT * FROM items WHERE name = 'item 42'" }
              - name: After
                steps:
                  - id: compare
                    title: Compare
                    checks:
                      - query: { sql: "SELECT count(*) FROM items", expect: "= 5000" }
                      - explain: { compareTo: before, query: by_name, slowerBy: "< 10%" }
            """;

    @TempDir
    Path dir;
    private SessionFixture f;

    @AfterEach
    void close() {
        if (f != null) f.close();
    }

    @Test
    void aBaselineTakenBeforeACrashJudgesTheComparisonAfterTheResume() throws Exception {
        f = SessionFixture.open("baseline_resume", SETUP, dir);
        Runbook rb = f.runbook(RUNBOOK);
        Path crashed = f.sessionDir.resolve("crashed.jsonl");
        CheckDetail.Measurement recorded;
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "baseline"), Session.Scope.ALL);
            assertThat(s.checkStatus(step(rb, "baseline"), 0)).isEqualTo(Status.PASSED);
            recorded = s.state().get("before").orElseThrow().queries().get("by_name");
            // As if the process died right after the snapshot reached the disk.
            Files.copy(s.journalFile(), crashed);
        }
        f.exec("DROP INDEX items_name_idx");

        try (Session s = Session.resume(crashed, rb, f.db, "bob", RunListener.NONE)) {
            Step compare = step(rb, "compare");
            s.runChecks(compare, Session.Scope.UNSETTLED);
            assertThat(s.checkStatus(compare, 1)).isEqualTo(Status.FAILED);
        }
        List<JournalEvent> events = Journal.read(crashed);
        CheckResult result = events.stream().filter(e -> e instanceof JournalEvent.CheckFinished cf
                        && cf.result().key().equals("compare#1")).map(e -> ((JournalEvent.CheckFinished) e).result())
                .findFirst().orElseThrow();
        CheckDetail.PlanComparison c = (CheckDetail.PlanComparison) result.detail();
        assertThat(c.before()).as("the baseline read back from the journal").isEqualTo(recorded);
        assertThat(c.lostIndexes()).containsExactly("items_name_idx");
        assertThat(events.stream().filter(e -> e instanceof JournalEvent.SnapshotRecorded).count())
                .as("the snapshot was not taken again").isEqualTo(1);
    }

    @Test
    void aComparisonStartsOnlyOnceTheStepsOtherChecksHaveFinished() throws Exception {
        f = SessionFixture.open("baseline_alone", SETUP, dir);
        Runbook rb = f.runbook(RUNBOOK.replace("\"SELECT count(*) FROM items\", expect: \"= 5000\"",
                "\"SELECT count(*) FROM items, pg_sleep(0.5)\", expect: \"= 5000\""));
        List<String> events = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        RunListener order = new RunListener() {
            @Override
            public void checkStarted(Step step, int index) {
                events.add("start " + step.id() + "#" + index);
            }

            @Override
            public void checkFinished(Step step, CheckResult result) {
                events.add("finish " + result.key());
            }
        };
        try (Session s = f.start(rb, "alice", order)) {
            s.runChecks(step(rb, "baseline"), Session.Scope.ALL);
            events.clear();
            s.runChecks(step(rb, "compare"), Session.Scope.ALL);
            assertThat(s.checkStatus(step(rb, "compare"), 0)).isEqualTo(Status.PASSED);
        }
        assertThat(events).containsExactly("start compare#0", "finish compare#0", "start compare#1",
                "finish compare#1");
    }

    @Test
    void aJournalWrittenBeforeSnapshotsTimedQueriesStillLoadsAndResumes() throws Exception {
        f = SessionFixture.open("baseline_old", SETUP, dir);
        Runbook rb = f.runbook(RUNBOOK.replace(
                "queries: { by_name: \"SELECT * FROM items WHERE name = 'item 42'\" }", "schema: public")
                .replace("- explain: { compareTo: before, query: by_name, slowerBy: \"< 10%\" }",
                        "- rowCounts: { compareTo: before }"));
        Path journal;
        try (Session s = f.start(rb, "alice", RunListener.NONE)) {
            s.runChecks(step(rb, "baseline"), Session.Scope.ALL);
            journal = s.journalFile();
        }
        // The lines as an older version wrote them: no "queries" in the snapshot nor in its result's detail.
        String text = Files.readString(journal, StandardCharsets.UTF_8);
        assertThat(text).contains(",\"queries\":{}").contains(",\"queries\":[]");
        Files.writeString(journal, text.replace(",\"queries\":{}", "").replace(",\"queries\":[]", ""),
                StandardCharsets.UTF_8);

        JournalEvent.SnapshotRecorded snap = Journal.read(journal).stream()
                .filter(e -> e instanceof JournalEvent.SnapshotRecorded).map(e -> (JournalEvent.SnapshotRecorded) e)
                .findFirst().orElseThrow();
        assertThat(snap.data().queries()).isEmpty();
        assertThat(snap.data().rowCounts()).containsEntry("items", 5000L);
        try (Session s = Session.resume(journal, rb, f.db, "bob", RunListener.NONE)) {
            s.runChecks(step(rb, "compare"), Session.Scope.ALL);
            assertThat(s.checkStatus(step(rb, "compare"), 1)).isEqualTo(Status.PASSED);
        }
    }
}
