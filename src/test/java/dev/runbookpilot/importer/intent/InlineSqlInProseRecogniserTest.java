package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class InlineSqlInProseRecogniserTest {

    @Test
    void aQueryInACodeSpanWithItsResultSaidInTheProseBecomesAQueryCheck() throws Exception {
        assertThat(Imports.automated("# T\n## After\n- [ ] `SELECT count(*) FROM users WHERE email IS NULL` is empty "
                + "(expected)\n")).singleElement().isInstanceOfSatisfying(CheckSpec.Query.class, q -> {
                    assertThat(q.sql()).isEqualTo("SELECT count(*) FROM users WHERE email IS NULL");
                    // A count returns one row: "empty" means it is 0.
                    assertThat(q.expect().describe()).isEqualTo("= 0");
                });
        assertThat(Imports.automated("# T\n## After\n- [ ] `SELECT id FROM users WHERE email IS NULL` comes back "
                + "empty\n")).singleElement().isInstanceOfSatisfying(CheckSpec.Query.class,
                        q -> assertThat(q.expect().describe()).isEqualTo("empty"));
    }

    @Test
    void aNegatedOrUnstatedResultOrAWriteStaysManual() throws Exception {
        assertThat(Imports.automated("# T\n## After\n- [ ] `SELECT id FROM users` is not empty\n")).isEmpty();
        assertThat(Imports.automated("# T\n## After\n- [ ] Look at `SELECT id FROM users`\n")).isEmpty();
        assertThat(Imports.automated("# T\n## After\n- [ ] `DELETE FROM users` is empty\n")).isEmpty();
    }

    @Test
    void rowsWhereTheProseSaysNoneFailTheCheck(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("inline");
        TestPostgres.exec(db, "CREATE TABLE users (id int, email text); INSERT INTO users VALUES (1, NULL)");
        String md = "# Backfill\n## After\n- [ ] `SELECT count(*) FROM users WHERE email IS NULL` is empty (expected)\n";
        try (LiveImport live = LiveImport.open(md, db, dir)) {
            live.runStep("After");
            assertThat(live.status("SELECT count(*) FROM users")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "UPDATE users SET email = 'a@b'");
            live.runStep("After");
            assertThat(live.status("SELECT count(*) FROM users")).isEqualTo(Status.PASSED);
        }
    }
}
