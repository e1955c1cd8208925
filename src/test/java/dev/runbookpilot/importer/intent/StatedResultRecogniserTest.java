package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatedResultRecogniserTest {

    private static CheckSpec.Query only(String item) throws Exception {
        List<CheckSpec> checks = Imports.automated("# T\n## Verify\n- [ ] " + item + "\n");
        assertThat(checks).as(item).hasSize(1);
        return (CheckSpec.Query) checks.get(0);
    }

    @Test
    void theResultSaidAroundOneQueryBecomesItsExpectation() throws Exception {
        assertThat(only("`SELECT count(*) FROM jobs WHERE status = 'running'` = 0, else wait").expect().describe())
                .isEqualTo("= 0");
        CheckSpec.Query kind = only("readings is partitioned now: `SELECT relkind FROM pg_class WHERE relname ="
                + " 'readings'` returns `p`");
        assertThat(kind.sql()).isEqualTo("SELECT relkind FROM pg_class WHERE relname = 'readings'");
        assertThat(kind.expect().describe()).isEqualTo("'p'");
        assertThat(only("Recorded — `select version from meta order by version desc limit 1` gives `20261127120000`")
                .expect().describe()).isEqualTo("'20261127120000'");
        assertThat(only("the column isn't there yet — you should get zero rows back from\n"
                + "      `SELECT column_name FROM information_schema.columns WHERE column_name = 'slug';`")
                .expect().describe()).isEqualTo("empty");
        assertThat(only("every row got a membership:\n\n      SELECT count(*) FROM team_users tu\n"
                + "      LEFT JOIN memberships m ON m.user_id = tu.user_id\n      WHERE m.id IS NULL;\n\n  should be 0")
                .expect().describe()).isEqualTo("= 0");
    }

    @Test
    void aBooleanInTheNextTableCellOrSaidInWordsIsComparedAsTrueOrFalseText() throws Exception {
        List<CheckSpec> checks = Imports.automated("# T\n## Pre\n| Check | Query | Expected |\n|---|---|---|\n"
                + "| Lock free | `SELECT locked FROM changelog_lock WHERE id = 1` | false |\n");
        assertThat(checks).singleElement().isInstanceOfSatisfying(CheckSpec.Query.class, q -> {
            assertThat(q.sql()).isEqualTo("SELECT (SELECT locked FROM changelog_lock WHERE id = 1)::text");
            assertThat(q.expect().describe()).isEqualTo("'false'");
        });
        assertThat(only("`SELECT locked FROM changelog_lock WHERE id = 1` returns `TRUE`").expect().describe())
                .isEqualTo("'true'");
        // A one-letter text value is not a boolean: relkind 'f' is a foreign table.
        assertThat(only("`SELECT relkind FROM pg_class WHERE relname = 'remote'` returns `f`").sql())
                .isEqualTo("SELECT relkind FROM pg_class WHERE relname = 'remote'");
    }

    @Test
    void wordsThatAreNoSingleValueANegationOrAWriteStayManual() throws Exception {
        for (String item : List.of(
                "`SELECT count(*) FROM jobs` returns the number of jobs",
                "`SELECT count(*) FROM jobs WHERE failed` is not 0",
                "`SELECT count(*) FROM jobs` returns 3 or `SELECT count(*) FROM x` returns 4",
                "`SELECT relkind FROM pg_class` returns `p` or `r`",
                "`DELETE FROM jobs WHERE done` returns 0", "Lock check: `SELECT 1 FROM jobs FOR UPDATE` returns 1",
                "`SELECT count(*) INTO tmp_counts FROM jobs` returns 0",
                "`SELECT count(*) FROM jobs` → see expected values")) {
            assertThat(Imports.automated("# T\n## Verify\n- [ ] " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void onTheWrongStateTheQueryFailsAndOnTheRightOneItPasses(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("stated");
        TestPostgres.exec(db, "CREATE TABLE jobs (id int, status text); INSERT INTO jobs VALUES (1, 'running');"
                + "CREATE TABLE readings (id int); CREATE TABLE changelog_lock (id int, locked boolean);"
                + "INSERT INTO changelog_lock VALUES (1, true)");
        String md = """
                # T
                ## Verify
                - [ ] `SELECT count(*) FROM jobs WHERE status = 'running'` = 0, else wait
                - [ ] readings is partitioned: `SELECT relkind::text FROM pg_class WHERE relname = 'readings'` returns `p`
                - [ ] lock free: `SELECT locked FROM changelog_lock WHERE id = 1` returns false
                """;
        try (LiveImport live = LiveImport.open(md, db, dir)) {
            live.runStep("Verify");
            assertThat(live.status("SELECT count(*) FROM jobs")).isEqualTo(Status.FAILED);
            assertThat(live.status("readings is partitioned")).isEqualTo(Status.FAILED);
            assertThat(live.status("lock free")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "UPDATE jobs SET status = 'done'; DROP TABLE readings; UPDATE changelog_lock SET locked = false;"
                    + "CREATE TABLE readings (id int) PARTITION BY RANGE (id)");
            live.runStep("Verify");
            assertThat(live.status("SELECT count(*) FROM jobs")).isEqualTo(Status.PASSED);
            assertThat(live.status("readings is partitioned")).isEqualTo(Status.PASSED);
            assertThat(live.status("lock free")).isEqualTo(Status.PASSED);
        }
    }
}
