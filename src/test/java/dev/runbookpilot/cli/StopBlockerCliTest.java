package dev.runbookpilot.cli;

import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --stop-blocker} on the command line: a migration that times out on a lock says how to stop the session it
 * waited for; given the option (and, on production, the typed database name) it terminates that session, journaled,
 * and the migration runs again and passes.
 */
class StopBlockerCliTest {

    private static String run(Path dir, String db, int[] code, String... extra) throws Exception {
        Path rb = dir.resolve("rb").resolve("runbook.yaml");
        Files.createDirectories(rb.getParent());
        Files.writeString(rb.resolveSibling("alter.sql"), "ALTER TABLE t ALTER COLUMN c TYPE bigint;\n");
        Files.writeString(rb, """
                runbook: Blocked on production
                target: { environment: production }
                phases:
                  - name: Only
                    steps:
                      - id: migrate
                        title: Widen c
                        execute: { file: alter.sql, lockTimeout: 500ms }
                """);
        StringWriter out = new StringWriter();
        List<String> args = new java.util.ArrayList<>(List.of("run", rb.toString(), "--db", TestPostgres.jdbcUrl(db),
                "--confirm-production", db, "--session-dir", dir.resolve("sessions").toString()));
        args.addAll(List.of(extra));
        code[0] = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
        return out.toString();
    }

    @Test
    void aBlockedMigrationNamesHowToStopTheBlockerAndWithTheOptionTerminatesItAndPasses(@TempDir Path dir)
            throws Exception {
        String db = TestPostgres.freshDatabase("stopcli");
        TestPostgres.exec(db, "CREATE TABLE t (c int)");
        try (Connection blocker = TestPostgres.connect(db); Statement st = blocker.createStatement()) {
            st.execute("SET application_name = 'forgotten-psql'");
            int pid;
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            blocker.setAutoCommit(false);
            st.execute("SELECT * FROM t");

            int[] code = new int[1];
            String first = run(dir.resolve("a"), db, code);
            assertThat(code[0]).as(first).isEqualTo(ExitCodes.CHECK_FAILED);
            assertThat(first).contains("pid " + pid, "'forgotten-psql'",
                    "--stop-blocker migrate=terminate:REASON");

            String second = run(dir.resolve("b"), db, code, "--stop-blocker", "migrate=terminate:left open overnight");
            assertThat(code[0]).as(second).isEqualTo(ExitCodes.OK);
            assertThat(second).contains("TERMINATED", "pid " + pid);
            try (Connection c = TestPostgres.connect(db); Statement q = c.createStatement();
                 ResultSet rs = q.executeQuery("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                         + " WHERE attrelid = 't'::regclass AND attname = 'c'")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("bigint");
            }
            Path journal;
            try (Stream<Path> files = Files.list(dir.resolve("b").resolve("sessions"))) {
                journal = files.filter(f -> f.toString().endsWith(".jsonl")).findFirst().orElseThrow();
            }
            assertThat(Journal.read(journal)).filteredOn(e -> e instanceof JournalEvent.BlockerStopped)
                    .map(e -> (JournalEvent.BlockerStopped) e)
                    .extracting(JournalEvent.BlockerStopped::outcome, JournalEvent.BlockerStopped::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("requested", "left open overnight"),
                            org.assertj.core.groups.Tuple.tuple("signalled", "left open overnight"));
        }
    }
}
