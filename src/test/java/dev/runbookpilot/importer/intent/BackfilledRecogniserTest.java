package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class BackfilledRecogniserTest {

    @Test
    void aBackfilledColumnBecomesTheDerivedCountOfItsUnfilledRows() throws Exception {
        assertThat(Imports.automated("# T\n## After\n- [ ] `users.email_normalized` 100% backfilled\n"))
                .singleElement().isInstanceOfSatisfying(CheckSpec.Query.class, q -> {
                    assertThat(q.sql()).isEqualTo("SELECT count(*) - count(email_normalized) FROM users");
                    assertThat(q.expect().describe()).isEqualTo("= 0");
                });
    }

    @Test
    void aColumnAndTableNamedApartAreReadWithAVisibleNoteAndAWarning() throws Exception {
        ImportResult r = Imports.of("# T\n## After\n- [ ] Total row count = filled count (100% backfilled) for "
                + "`email_normalized` in `users`\n");
        assertThat(Imports.runbook(r).steps().findFirst().orElseThrow().description())
                .contains("Imported from line 3: Total row count = filled count").contains("check this expectation");
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 3 && w.message().contains("check this expectation"));
        assertThat(r.yaml()).contains("SELECT count(*) - count(email_normalized) FROM users");
    }

    @Test
    void withoutANamedColumnTheItemStaysManual() throws Exception {
        assertThat(Imports.automated("# T\n## After\n- [ ] Total row count = filled count (100% backfilled)\n"))
                .isEmpty();
    }

    @Test
    void oneUnfilledRowFailsTheCheck(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("backfill");
        TestPostgres.exec(db, "CREATE TABLE users (id int, email_normalized text); "
                + "INSERT INTO users VALUES (1, 'a'), (2, NULL)");
        String md = "# Backfill\n## After\n- [ ] `users.email_normalized` fully backfilled\n";
        try (LiveImport live = LiveImport.open(md, db, dir)) {
            live.runStep("After");
            assertThat(live.status("users.email_normalized")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "UPDATE users SET email_normalized = 'b' WHERE id = 2");
            live.runStep("After");
            assertThat(live.status("users.email_normalized")).isEqualTo(Status.PASSED);
        }
    }
}
