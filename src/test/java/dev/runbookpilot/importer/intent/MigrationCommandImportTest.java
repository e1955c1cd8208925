package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.CheckResult;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.cli.ExitCodes;
import dev.runbookpilot.cli.Main;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import dev.runbookpilot.session.Session;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A checklist's {@code psql -f} line imported as a command step, loaded with {@code importFile} and run by the real
 * session engine with the real psql against the embedded server: a file that fails half-way must FAIL the step (plain
 * {@code psql -f} exits 0 there), the step asks for approval before it runs (and the CLI runs nothing without it),
 * and the rollback section's {@code psql -f rollback.sql} undoes it when the window is rolled back.
 */
class MigrationCommandImportTest {

    private static final String CHECKLIST = """
            # Release 9 migration

            ## Execute

            - [ ] Apply the migration: `psql -f migrate.sql`

            ## Rollback

            - [ ] Undo it: `psql -f rollback.sql`
            """;

    private static boolean tableExists(String db, String table) throws Exception {
        try (Connection c = TestPostgres.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('public." + table + "') IS NOT NULL")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static Step commandStep(LiveImport live) {
        return live.runbook.steps().filter(s -> s.checks().stream().anyMatch(c -> c instanceof CheckSpec.Command))
                .findFirst().orElseThrow();
    }

    @Test
    void aFileThatFailsHalfWayFailsTheStepWherePlainPsqlWouldHaveExitedZero(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("cmdfail");
        Files.writeString(dir.resolve("migrate.sql"), """
                CREATE TABLE first_half (id int);
                INSERT INTO no_such_table VALUES (1);
                CREATE TABLE second_half (id int);
                """);
        Files.writeString(dir.resolve("rollback.sql"), "DROP TABLE IF EXISTS first_half;\n");
        // The checklist's line as written: psql reports the error, carries on, and exits 0.
        Process plain = new ProcessBuilder("psql", "-X", "-q", "-h", "localhost", "-p",
                String.valueOf(TestPostgres.server().port()), "-U", "postgres", "-d", db, "-f", "migrate.sql")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        plain.getInputStream().readAllBytes();
        assertThat(plain.waitFor()).as("plain psql -f on a failing file").isZero();
        TestPostgres.exec(db, "DROP TABLE first_half; DROP TABLE second_half");

        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            Step step = commandStep(live);
            live.session().runChecks(step, Session.Scope.ALL);
            CheckResult r = live.session().state().result(step.id(), 0).orElseThrow();
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.FAILED);
            assertThat(r.actual()).contains("exit code 3");
            assertThat(tableExists(db, "first_half")).isTrue();
            assertThat(tableExists(db, "second_half")).as("psql stopped at the first error").isFalse();
        }
    }

    @Test
    void theImportedCommandAsksForApprovalPassesOnAGoodFileAndItsImportedRollbackUndoesIt(@TempDir Path dir)
            throws Exception {
        String db = TestPostgres.freshDatabase("cmdok");
        Files.writeString(dir.resolve("migrate.sql"), "CREATE TABLE invoices (id int);\n");
        Files.writeString(dir.resolve("rollback.sql"), "DROP TABLE invoices;\n");
        try (LiveImport live = LiveImport.open(CHECKLIST, db, dir)) {
            Step step = commandStep(live);
            CheckSpec.Command c = (CheckSpec.Command) step.checks().get(0);
            assertThat(c.run().shell()).isEqualTo("psql -X -v ON_ERROR_STOP=1 -f migrate.sql");
            assertThat(live.session().needsApproval(step)).as("a command never runs unapproved").isTrue();
            live.session().runChecks(step, Session.Scope.ALL);
            CheckResult r = live.session().state().result(step.id(), 0).orElseThrow();
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            assertThat(tableExists(db, "invoices")).isTrue();

            Session.RollbackRun undo = live.session().rollBack("the release was pulled", item -> true);
            assertThat(tableExists(db, "invoices")).as(undo.statement()).isFalse();
            // Nothing recorded the schema before the migration: the way back cannot be proved, and says so.
            assertThat(undo.proved()).isFalse();
        }
    }

    @Test
    void theCliRunsTheImportedCommandOnlyOnceApproved(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("cmdcli");
        Files.writeString(dir.resolve("checklist.md"), CHECKLIST);
        Files.writeString(dir.resolve("migrate.sql"), "CREATE TABLE invoices (id int);\n");
        Files.writeString(dir.resolve("rollback.sql"), "DROP TABLE invoices;\n");
        Path runbook = dir.resolve("runbook.yaml");
        assertThat(cli("import", dir.resolve("checklist.md").toString(), "--out", runbook.toString()))
                .startsWith("0:");

        String unapproved = cli("run", runbook.toString(), "--db", TestPostgres.jdbcUrl(db), "--session-dir",
                dir.resolve("s1").toString());
        assertThat(unapproved).startsWith(ExitCodes.UNCONFIRMED + ":")
                .contains("psql -X -v ON_ERROR_STOP=1 -f migrate.sql");
        assertThat(tableExists(db, "invoices")).as("nothing ran unapproved").isFalse();

        String approved = cli("run", runbook.toString(), "--db", TestPostgres.jdbcUrl(db), "--yes",
                "--session-dir", dir.resolve("s2").toString());
        assertThat(approved).startsWith(ExitCodes.OK + ":");
        assertThat(tableExists(db, "invoices")).isTrue();
    }

    /**
     * {@code psql -v AUTOCOMMIT=off -f migrate.sql}: real psql opens a transaction before the file's first statement,
     * reaches the end of a file without COMMIT, disconnects, and the server rolls the work back; psql exits 0. As a
     * command step that would PASS having changed nothing. The importer keeps such a line manual, and the loader
     * refuses it written by hand, where it is written; what the refusal suggests instead ({@code -1}) does commit.
     */
    @Test
    void anAutocommitOffLineNeverBecomesACommandThatCouldPassHavingChangedNothing(@TempDir Path dir) throws Exception {
        String db = TestPostgres.freshDatabase("cmdautocommit");
        Files.writeString(dir.resolve("migrate.sql"), "CREATE TABLE invoices (id int);\n");
        Process p = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", "-v", "AUTOCOMMIT=off", "-h",
                "localhost", "-p", String.valueOf(TestPostgres.server().port()), "-U", "postgres", "-d", db, "-f",
                "migrate.sql").directory(dir.toFile()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("real psql with AUTOCOMMIT off: " + said).isZero();
        assertThat(tableExists(db, "invoices")).as("rolled back at disconnect").isFalse();

        Path imported = Files.createDirectories(dir.resolve("imported"));
        Files.copy(dir.resolve("migrate.sql"), imported.resolve("migrate.sql"));
        try (LiveImport live = LiveImport.open("""
                # Release 9 migration

                ## Execute

                - [ ] Apply the migration: `psql -v AUTOCOMMIT=off -f migrate.sql`
                """, db, imported)) {
            assertThat(live.runbook.steps().flatMap(s -> s.checks().stream()))
                    .noneMatch(c -> c instanceof CheckSpec.Command)
                    .anySatisfy(c -> assertThat(c).isInstanceOfSatisfying(CheckSpec.Manual.class,
                            m -> assertThat(m.text()).contains("psql -v AUTOCOMMIT=off -f migrate.sql")));
            assertThat(live.imported.summary().warnings()).anyMatch(w -> w.line() == 5
                    && w.message().contains("not imported as a command step: the line sets AUTOCOMMIT=off"));
        }

        Path hand = dir.resolve("hand.yaml");
        Files.writeString(hand, """
                runbook: Release 9
                target: { environment: development }
                phases:
                  - name: Execute
                    steps:
                      - id: migrate
                        title: Apply the migration
                        command: { run: psql -X -v ON_ERROR_STOP=1 -v AUTOCOMMIT=off -f migrate.sql }
                """);
        assertThatThrownBy(() -> RunbookLoader.load(hand)).isInstanceOf(RunbookException.class)
                .hasMessageContaining(hand + ":8:25: the command runs psql with AUTOCOMMIT off")
                .hasMessageContaining("use psql -1 (--single-transaction)");

        Path single = Files.createDirectories(dir.resolve("single"));
        Files.copy(dir.resolve("migrate.sql"), single.resolve("migrate.sql"));
        try (LiveImport live = LiveImport.open(CHECKLIST.replace("psql -f migrate.sql", "psql -1 -f migrate.sql"),
                db, single)) {
            Step step = commandStep(live);
            assertThat(((CheckSpec.Command) step.checks().get(0)).run().shell())
                    .isEqualTo("psql -X -v ON_ERROR_STOP=1 -1 -f migrate.sql");
            live.session().runChecks(step, Session.Scope.ALL);
            CheckResult r = live.session().state().result(step.id(), 0).orElseThrow();
            assertThat(r.status()).as(r.actual()).isEqualTo(Status.PASSED);
            assertThat(tableExists(db, "invoices")).as("one transaction, committed at the end").isTrue();
        }
    }

    /** The CLI's exit code, a colon, and everything it printed. */
    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
        return code + ":" + out;
    }
}
