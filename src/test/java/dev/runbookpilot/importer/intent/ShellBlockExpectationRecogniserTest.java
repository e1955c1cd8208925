package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ShellBlockExpectationRecogniserTest {

    private static final String CAPTURED = """
            # Orders cleanup
            ## After
            - [ ] No orphaned items:
              ```bash
              ORPHANS=$(psql -t -c "SELECT count(*) FROM order_items oi LEFT JOIN orders o ON o.id = oi.order_id WHERE o.id IS NULL")
              echo $ORPHANS
              # Expected: 0
              ```
            """;

    @Test
    void aPsqlCallCapturedInAVariableWithTheExpectationTwoLinesBelowBecomesAQuery() throws Exception {
        ImportResult r = Imports.of(CAPTURED);
        assertThat(Imports.automated(CAPTURED)).singleElement().isInstanceOfSatisfying(CheckSpec.Query.class, q -> {
            assertThat(q.sql()).startsWith("SELECT count(*) FROM order_items oi");
            assertThat(q.expect().describe()).isEqualTo("= 0");
        });
        assertThat(r.summary().verifiable()).isEqualTo(1);
        assertThat(r.summary().verifiedAutomatically()).isEqualTo(1);
        assertThat(r.summary().unmapped()).isEmpty();
    }

    @Test
    void bareSqlInABashFenceIsReadWithTheProjectsLexer() throws Exception {
        String md = "# T\n## After\n- [ ] Status filled:\n  ```bash\n  SELECT count(*) FROM orders WHERE status IS NULL;\n"
                + "  # Expected: 0 rows\n  ```\n";
        assertThat(Imports.automated(md)).singleElement().isInstanceOfSatisfying(CheckSpec.Query.class,
                q -> assertThat(q.expect().describe()).isEqualTo("= 0"));
        assertThat(Imports.of(md).summary().unmapped()).isEmpty();
    }

    @Test
    void aPipeTwoStatementsTwoExpectationsOrAWriteStayManual() throws Exception {
        assertThat(Imports.automated(CAPTURED.replace("IS NULL\")", "IS NULL\" | wc -l)"))).isEmpty();
        assertThat(Imports.automated("# T\n## A\n- [ ] x:\n  ```bash\n  SELECT 1;\n  SELECT 2;\n  # Expected: 1\n"
                + "  ```\n")).isEmpty();
        assertThat(Imports.automated("# T\n## A\n- [ ] x:\n  ```bash\n  SELECT count(*) FROM t;\n  # Expected: 1\n"
                + "  # Expected: 2\n  ```\n")).isEmpty();
        assertThat(Imports.automated("# T\n## A\n- [ ] x:\n  ```bash\n  DELETE FROM t;\n  # Expected: 0\n  ```\n"))
                .isEmpty();
    }

    @Test
    void anOrphanLeftFailsTheCheck(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("shell");
        TestPostgres.exec(db, "CREATE TABLE orders (id int); CREATE TABLE order_items (id int, order_id int); "
                + "INSERT INTO orders VALUES (1); INSERT INTO order_items VALUES (1, 1), (2, 99)");
        try (LiveImport live = LiveImport.open(CAPTURED, db, dir)) {
            live.runStep("After");
            assertThat(live.status("No orphaned items")).isEqualTo(Status.FAILED);
            TestPostgres.exec(db, "DELETE FROM order_items WHERE order_id = 99");
            live.runStep("After");
            assertThat(live.status("No orphaned items")).isEqualTo(Status.PASSED);
        }
    }
}
