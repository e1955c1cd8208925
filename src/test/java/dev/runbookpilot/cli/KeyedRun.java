package dev.runbookpilot.cli;

import dev.runbookpilot.testing.TestPostgres;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static dev.runbookpilot.cli.CliRun.cli;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A `run` whose gate and sign-offs are answered with a fresh SSH key of "ada@example.org" (role DBA), on a fresh
 * database holding a table {@code t} of three rows: the journal an auditor is handed.
 */
record KeyedRun(Path journal, String output) {
    static KeyedRun of(Path dir, String database, String runbook, int expectedExit) throws Exception {
        Path key = dir.resolve("id_ed25519");
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "ada@example.org", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor()).isZero();
        String db = TestPostgres.freshDatabase(database);
        TestPostgres.exec(db, "CREATE TABLE t (id int); INSERT INTO t SELECT generate_series(1, 3)");
        Path rb = dir.resolve("runbook.yaml");
        Files.writeString(rb, runbook);
        Path sessions = dir.resolve("sessions");
        CliRun run = cli("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db), "--gate", "DBA=go", "--sign-key",
                "DBA=" + key, "--session-dir", sessions.toString(), "--operator", "Grace Hopper");
        assertThat(run.code()).as(run.output()).isEqualTo(expectedExit);
        try (Stream<Path> files = Files.list(sessions)) {
            return new KeyedRun(files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow(),
                    run.output());
        }
    }
}
