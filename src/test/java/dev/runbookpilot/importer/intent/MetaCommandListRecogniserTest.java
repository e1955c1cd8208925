package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.ObjectKind;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MetaCommandListRecogniserTest {

    private static final String CHECKLIST = """
            # T
            ## after
            * \\dt report_* should list: report_runs, report_jobs, report_archive
            * \\di report_runs* — expect `report_runs_pkey`, `report_runs_created_at_idx`
            """;

    @Test
    void aDescribeCommandWithTheObjectsItMustListBecomesAnObjectCheck() throws Exception {
        List<CheckSpec> checks = Imports.automated(CHECKLIST);
        assertThat(checks).hasSize(2);
        CheckSpec.CatalogObjects tables = (CheckSpec.CatalogObjects) checks.get(0);
        assertThat(tables.objectKind()).isEqualTo(ObjectKind.TABLES);
        assertThat(tables.exist()).extracting(CheckSpec.ObjectSpec::name)
                .containsExactly("report_runs", "report_jobs", "report_archive");
        CheckSpec.CatalogObjects indexes = (CheckSpec.CatalogObjects) checks.get(1);
        assertThat(indexes.objectKind()).isEqualTo(ObjectKind.INDEXES);
        assertThat(indexes.exist()).extracting(CheckSpec.ObjectSpec::name)
                .containsExactly("report_runs_pkey", "report_runs_created_at_idx");
    }

    @Test
    void namesOutsideThePatternOrNoListStayManual() throws Exception {
        for (String item : List.of("\\dt report_* should list: report_runs, audit_log", "\\dt report_*",
                "\\dt public.report_* should list: report_runs", "\\dt report_* should list nothing odd")) {
            assertThat(Imports.automated("# T\n## after\n* " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void aMissingListedObjectFailsAndOnceAllAreThereItPasses(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("metalist");
        TestPostgres.exec(db, "CREATE TABLE report_runs (id int PRIMARY KEY, created_at timestamptz);"
                + "CREATE TABLE report_jobs (id int)");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            live.runStep("after");
            assertThat(live.status("\\dt report_*")).isEqualTo(Status.FAILED);
            assertThat(live.status("\\di report_runs*")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "CREATE TABLE report_archive (id int);"
                    + "CREATE INDEX report_runs_created_at_idx ON report_runs (created_at)");
            live.runStep("after");
            assertThat(live.status("\\dt report_*")).isEqualTo(Status.PASSED);
            assertThat(live.status("\\di report_runs*")).isEqualTo(Status.PASSED);
        }
    }
}
