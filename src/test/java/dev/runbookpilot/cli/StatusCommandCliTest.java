package dev.runbookpilot.cli;

import static dev.runbookpilot.cli.CliRun.cli;

import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code run} with a {@code statusCommand} against production: nothing here can hold its tool to only reading. */
class StatusCommandCliTest {

    @Test
    void againstProductionAStatusCommandRunsOnlyOnceApprovedAndItsLineIsPrintedFirst(@TempDir Path dir)
            throws Exception {
        String db = TestPostgres.freshDatabase("status_cli");
        Path rb = Files.createDirectories(dir.resolve("rb")).resolve("runbook.yaml");
        Files.writeString(rb, """
                runbook: Status on production
                target: { environment: production }
                phases:
                  - name: Only
                    steps:
                      - id: status
                        title: Migrations at head
                        checks:
                          - statusCommand: { run: "echo ran >> ran.txt; echo '9c1d (head)'", expectOutput: ['\\(head\\)'] }
                """);
        CliRun unapproved = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--session-dir",
                dir.resolve("s1").toString());
        assertThat(unapproved.code()).as(unapproved.output()).isEqualTo(ExitCodes.UNCONFIRMED);
        assertThat(unapproved.output()).contains("--confirm-production " + db).doesNotContain("PASSED");
        assertThat(dir.resolve("rb/ran.txt")).as("not approved: it did not run").doesNotExist();

        CliRun approved = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--confirm-production", db,
                "--session-dir", dir.resolve("s2").toString());
        assertThat(approved.code()).as(approved.output()).isEqualTo(ExitCodes.OK);
        assertThat(approved.output()).contains("status command (its tool promises it only reads")
                .contains("$ echo ran >> ran.txt; echo '9c1d (head)'")
                .contains("PGOPTIONS=-c default_transaction_read_only=on");
        assertThat(dir.resolve("rb/ran.txt")).exists();
    }
}
