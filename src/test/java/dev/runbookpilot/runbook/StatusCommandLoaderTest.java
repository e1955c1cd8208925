package dev.runbookpilot.runbook;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code statusCommand:} as the loader reads it, and its mistakes with the line and column they are written at. */
class StatusCommandLoaderTest {

    private static final Path FILE = Path.of("runbooks", "status", "runbook.yaml");

    private static final String HEAD = """
            runbook: Status
            target: { environment: staging }
            phases:
              - name: P
                steps:
            """;

    private static Runbook load(String steps) throws RunbookException {
        return RunbookLoader.parse(HEAD + steps.indent(4), FILE, "0");
    }

    private static List<String> problems(String steps) {
        try {
            load(steps);
        } catch (RunbookException e) {
            return e.problems().stream().map(p -> p.location().line() + ":" + p.location().column() + " "
                    + p.message()).toList();
        }
        throw new AssertionError("expected problems in:\n" + steps);
    }

    @Test
    void aStatusCommandIsACheckWithItsPatternsAndASixtySecondTimeoutUnlessItSaysOtherwise() throws Exception {
        Runbook rb = load("""
                - id: status
                  title: Alembic is at head
                  checks:
                    - statusCommand:
                        run: alembic current
                        cwd: app
                        expectOutput: ['\\(head\\)']
                        rejectOutput: [Traceback]
                    - statusCommand: { run: [flyway, info], expectExit: 0, timeout: 2m, name: Flyway info }
                    - query: { sql: "SELECT 1", expect: "= 1" }
                """);
        Step step = rb.step("status").orElseThrow();
        assertThat(step.checks()).hasSize(3);
        CheckSpec.StatusCommand alembic = (CheckSpec.StatusCommand) step.checks().get(0);
        assertThat(alembic.kind()).isEqualTo("statusCommand");
        assertThat(alembic.run().program()).containsExactly("sh", "-c", "alembic current");
        assertThat(alembic.cwd()).isEqualTo(FILE.toAbsolutePath().getParent().resolve("app"));
        assertThat(alembic.expectOutput()).containsExactly("\\(head\\)");
        assertThat(alembic.rejectOutput()).containsExactly("Traceback");
        assertThat(alembic.meta().timeout()).isEqualTo(CheckSpec.DEFAULT_TIMEOUT);
        assertThat(alembic).isNotInstanceOf(CheckSpec.Writer.class);
        CheckSpec.StatusCommand flyway = (CheckSpec.StatusCommand) step.checks().get(1);
        assertThat(flyway.label()).isEqualTo("Flyway info");
        assertThat(flyway.meta().timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(step.mutates()).as("a status check is no migration").isFalse();
    }

    @Test
    void aCommandMayVerifyItselfWithAStatusCommand() throws Exception {
        Runbook rb = load("""
                - id: migrate
                  title: Upgrade
                  command:
                    run: alembic upgrade head
                    verify:
                      - statusCommand: { run: alembic current, expectOutput: ['\\(head\\)'] }
                """);
        Step step = rb.step("migrate").orElseThrow();
        assertThat(step.checks()).hasSize(2);
        assertThat(step.checks().get(1)).isInstanceOf(CheckSpec.StatusCommand.class);
        assertThat(step.verifies(1)).isZero();
    }

    @Test
    void itsMistakesAreReportedWhereTheyAreWritten() {
        assertThat(problems("""
                - id: s
                  title: S
                  checks:
                    - statusCommand: { cwd: app }
                    - statusCommand:
                        run: alembic current
                        expectOutput: ['(head']
                        env: { PGOPTIONS: "-c default_transaction_read_only=off" }
                        rollback: { run: alembic downgrade -1 }
                    - statusCommand: { run: flyway info, expectExit: 300, verify: [] }
                    - statusCommand: { run: alembic current, expectOutput: ['(head)?', '.*'], rejectOutput: ['a|'] }
                """)).containsExactly(
                "9:26 missing 'run'",
                "12:28 '(head' is not a regular expression: Unclosed group at character 6",
                "13:20 env cannot set PGOPTIONS: Runbook Pilot sets the libpq variables and DATABASE_URL to the"
                        + " connected target",
                "14:13 unknown key 'rollback' in a statusCommand check",
                "15:58 exit code 300 cannot happen",
                "15:63 unknown key 'verify' in a statusCommand check",
                "16:65 '(head)?' matches any line, even an empty one, so it proves nothing",
                "16:76 '.*' matches any line, even an empty one, so it proves nothing",
                "16:98 'a|' matches any line, even an empty one, so it proves nothing");
    }
}
