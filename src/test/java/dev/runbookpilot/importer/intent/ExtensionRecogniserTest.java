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

class ExtensionRecogniserTest {

    @Test
    void oneExtensionNamedWithItsStateBacktickedOrNotBecomesAnExtensionsCheck() throws Exception {
        for (String item : List.of("Extension pg_trgm installed", "pg_trgm extension enabled (the search index needs it)",
                "The extension `pg_trgm` must be present in the database (we need it for the e-mail column).")) {
            assertThat(Imports.automated("# T\n## Pre\n- [ ] " + item + "\n")).as(item).singleElement()
                    .isInstanceOfSatisfying(CheckSpec.CatalogObjects.class, c -> {
                        assertThat(c.objectKind()).isEqualTo(ObjectKind.EXTENSIONS);
                        assertThat(c.exist()).extracting(CheckSpec.ObjectSpec::name).containsExactly("pg_trgm");
                    });
        }
    }

    @Test
    void instructionsNegationsAndSentencesWithoutANameStayManual() throws Exception {
        for (String item : List.of("Install extension pg_trgm", "Enable the pg_trgm extension",
                "Extension pg_trgm is not installed yet", "The extension is installed", "Extension pg_trgm",
                "If the extension pg_trgm is missing, stop")) {
            assertThat(Imports.automated("# T\n## Pre\n- [ ] " + item + "\n")).as(item).isEmpty();
        }
    }

    @Test
    void withoutTheExtensionTheCheckFailsAndOnceCreatedItPasses(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("extension");
        try (LiveImport live = LiveImport.open("# T\n## Pre\n- [ ] pg_trgm extension enabled\n", db, dir)) {
            live.runStep("Pre");
            assertThat(live.status("pg_trgm extension enabled")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "CREATE EXTENSION pg_trgm");
            live.runStep("Pre");
            assertThat(live.status("pg_trgm extension enabled")).isEqualTo(Status.PASSED);
        }
    }
}
