package dev.runbookpilot.runbook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rollback:} on execute and command, and {@code pointOfNoReturn}, as the loader reads and refuses them. */
class RollbackLoaderTest {

    private static final String HEAD = """
            runbook: Rollbacks
            target: { environment: staging }
            phases:
              - name: P
                steps:
                  - id: base
                    title: Base
                    checks:
                      - snapshot: { name: before, rowCounts: [items], checksums: [items] }
            """;

    @TempDir
    Path dir;

    private Runbook load(String steps) throws Exception {
        Files.writeString(dir.resolve("m.sql"), "SELECT 1;\n");
        Files.writeString(dir.resolve("r.sql"), "SELECT 1;\n");
        return RunbookLoader.parse(HEAD + steps.indent(4), dir.resolve("runbook.yaml"), "0");
    }

    private List<String> problems(String steps) {
        try {
            load(steps);
            throw new AssertionError("expected problems in:\n" + steps);
        } catch (RunbookException e) {
            return e.problems().stream().map(p -> p.location().line() + ":" + p.location().column() + " "
                    + p.message()).toList();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anExecuteTakesARollbackFileOrAMappingWithTheProofsOptions() throws Exception {
        Runbook rb = load("""
                  - id: a
                    title: A
                    pointOfNoReturn: true
                    execute: { file: m.sql, rollback: r.sql }
                  - id: b
                    title: B
                    execute:
                      file: m.sql
                      rollback: { file: r.sql, transaction: false, baseline: before, countsMayDiffer: [log], checksums: [items] }
                """);
        Step a = rb.step("a").orElseThrow();
        assertThat(a.pointOfNoReturn()).isTrue();
        CheckSpec.Rollback ra = ((CheckSpec.Execute) a.checks().get(0)).rollback();
        assertThat(ra.undo()).isInstanceOfSatisfying(CheckSpec.Execute.class, x -> {
            assertThat(x.file()).isEqualTo(dir.resolve("r.sql"));
            assertThat(x.transaction()).as("a transaction unless it says otherwise").isTrue();
        });
        assertThat(ra.baseline()).isNull();
        CheckSpec.Rollback rb2 = ((CheckSpec.Execute) rb.step("b").orElseThrow().checks().get(0)).rollback();
        assertThat(((CheckSpec.Execute) rb2.undo()).transaction()).isFalse();
        assertThat(rb2.baseline()).isEqualTo("before");
        assertThat(rb2.countsMayDiffer()).containsExactly("log");
        assertThat(rb2.checksums()).containsExactly("items");
        assertThat(rb.step("b").orElseThrow().pointOfNoReturn()).isFalse();
    }

    @Test
    void aCommandsRollbackTakesTheForwardCommandsFieldsUnlessItGivesItsOwn() throws Exception {
        Runbook rb = load("""
                  - id: c
                    title: C
                    command:
                      run: alembic upgrade head
                      cwd: app
                      env: { APP_ENV: prod }
                      expectOutput: ["Running upgrade"]
                      rejectOutput: [Traceback]
                      timeout: 10m
                      rollback: { run: [alembic, downgrade, "-1"], expectOutput: [], baseline: before }
                """);
        CheckSpec.Command c = (CheckSpec.Command) rb.step("c").orElseThrow().checks().get(0);
        CheckSpec.Command undo = (CheckSpec.Command) c.rollback().undo();
        assertThat(undo.run().argv()).containsExactly("alembic", "downgrade", "-1");
        assertThat(undo.cwd()).isEqualTo(dir.resolve("app"));
        assertThat(undo.env()).containsEntry("APP_ENV", "prod");
        assertThat(undo.expectOutput()).isEmpty();
        assertThat(undo.rejectOutput()).containsExactly("Traceback");
        assertThat(undo.meta().timeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(undo.verify()).isEmpty();
        assertThat(c.rollback().baseline()).isEqualTo("before");
    }

    @Test
    void rollbackMistakesAreReportedWhereTheyAreWritten() {
        assertThat(problems("""
                  - id: a
                    title: A
                    execute: { file: m.sql, rollback: missing.sql }
                  - id: b
                    title: B
                    execute: { file: m.sql, rollback: { file: r.sql, baseline: after, transactoin: true } }
                  - id: c
                    title: C
                    command: { run: migrate, rollback: { cwd: app } }
                  - id: d
                    title: D
                    pointOfNoReturn: true
                    checks:
                      - query: { sql: "SELECT 1", expect: "= 1" }
                  - id: e
                    title: E
                    command: { run: migrate, rollback: { run: undo, verify: [] } }
                  - id: f
                    title: F
                    execute: { file: m.sql, rollback: { file: r.sql, countsMayDiffer: [items], checksums: [items] } }
                """)).containsExactly(
                "12:43 rollback file 'missing.sql' does not exist",
                "15:68 unknown snapshot 'after'",
                "15:75 unknown key 'transactoin' in an execute's rollback",
                "18:44 missing 'run'",
                "21:9 pointOfNoReturn marks a step that writes",
                "26:57 unknown key 'verify' in a command's rollback",
                "29:84 'items' is in both countsMayDiffer and checksums");
    }
}
