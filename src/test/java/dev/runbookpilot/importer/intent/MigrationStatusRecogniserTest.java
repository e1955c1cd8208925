package dev.runbookpilot.importer.intent;

import dev.runbookpilot.check.Status;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationStatusRecogniserTest {

    private static List<CheckSpec.StatusCommand> statuses(String markdown) throws Exception {
        return Imports.automated(markdown).stream().filter(CheckSpec.StatusCommand.class::isInstance)
                .map(CheckSpec.StatusCommand.class::cast).toList();
    }

    private static CheckSpec.StatusCommand only(String markdown) throws Exception {
        List<CheckSpec.StatusCommand> all = statuses(markdown);
        assertThat(all).as(markdown).hasSize(1);
        return all.get(0);
    }

    @Test
    void aStatedResultIsWhatTheOutputMustShowOrMustNotShowAfterANegation() throws Exception {
        CheckSpec.StatusCommand alembic = only("# T\n## Verify\n- [ ] `alembic current` shows `9c1d (head)`, not"
                + " `3f2a`\n");
        assertThat(alembic.run().shell()).isEqualTo("alembic current");
        assertThat(alembic.expectOutput()).containsExactly("\\b9c1d \\(head\\)");
        assertThat(alembic.rejectOutput()).containsExactly("\\b3f2a\\b",
                MigrationStatusRecogniser.ALEMBIC_NOT_AT_HEAD);
        CheckSpec.StatusCommand prisma = only("# T\n## After deploy\n- [ ] Run `npx prisma migrate status`;"
                + " expected: \"Database schema is up to date!\"\n");
        assertThat(prisma.run().shell()).isEqualTo("npx prisma migrate status");
        assertThat(prisma.expectOutput()).containsExactly("\\bDatabase schema is up to date!");
    }

    @Test
    void withoutAStatedTextTheToolsOwnUpToDateAnswerIsExpected() throws Exception {
        assertThat(only("# T\n## Post\n- [ ] Migrations up to date: `alembic -c prod.ini current`\n").expectOutput())
                .containsExactly("\\(head\\)");
        assertThat(only("# T\n## Post\n- [ ] `flyway info` — no pending migrations\n").rejectOutput())
                .containsExactly("\\bPending\\b", "\\bFailed\\b", "\\bIgnored\\b", "\\bMissing\\b", "\\bFuture\\b",
                        "\\bOutdated\\b", "\\bUndone\\b");
        assertThat(only("# T\n## Post\n- [ ] All migrations applied (`sqlx migrate info`)\n").rejectOutput())
                .containsExactly("(?i)\\bpending\\b");
        assertThat(only("# T\n## Post\n- [ ] `MIX_ENV=prod mix ecto.migrations` — all up\n").rejectOutput())
                .containsExactly("^\\s*down\\s");
        assertThat(only("# T\n## Post\n- [ ] `mix ecto.migrations` — all `up`\n").rejectOutput())
                .as("every row up: no row down").containsExactly("^\\s*down\\s");
        CheckSpec.StatusCommand check = only("# T\n## Post\n- [ ] Models in sync with the database:\n"
                + "  ```bash\n  cd backend && alembic check   # no new upgrade operations\n  ```\n");
        assertThat(check.run().shell()).isEqualTo("alembic check");
        assertThat(check.cwd().getFileName()).hasToString("backend");
        assertThat(check.expectExit()).isZero();
    }

    @Test
    void aStatusInAVerificationSectionWithNoStatedResultIsUnsureAndSaysSo() throws Exception {
        ImportResult r = Imports.of("# T\n## Post-migration verification\n- [ ] `sqlx migrate info`\n");
        assertThat(Imports.runbook(r).steps().flatMap(s -> s.checks().stream()))
                .filteredOn(CheckSpec.StatusCommand.class::isInstance).hasSize(1);
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 3
                && w.message().contains("the checklist states no result"));
    }

    @Test
    void toolsThatReadTheirOwnConfigurationAreAlwaysUnsure() throws Exception {
        ImportResult r = Imports.of("# T\n## Verify\n- [ ] `mix ecto.migrations` shows no `down`\n");
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 3 && w.message().contains("config/*.exs"));
        ImportResult flyway = Imports.of("# T\n## Verify\n- [ ] `cd db && flyway info` shows no `Pending`\n");
        assertThat(flyway.summary().warnings()).noneMatch(w -> w.line() == 3);
    }

    @Test
    void flywayAndSqlxOutsideTheirProjectFolderAreUnsureForOutsideItTheyFindNothingPending() throws Exception {
        for (String tool : List.of("flyway info", "sqlx migrate info")) {
            ImportResult r = Imports.of("# T\n## Verify\n- [ ] `" + tool + "` shows no `pending`\n");
            assertThat(r.summary().warnings()).as(tool)
                    .anyMatch(w -> w.line() == 3 && w.message().contains("set cwd: to the project's folder"));
        }
    }

    @Test
    void aStatedVersionOrAStatedRejectionNeverDropsTheToolsOwnNotAppliedReading() throws Exception {
        // flyway info prints a row for 5.2 while it is still Pending: the version alone would pass.
        CheckSpec.StatusCommand version = only("# T\n## Verify\n- [ ] `cd db && flyway info` shows version `5.2`\n");
        assertThat(version.expectOutput()).containsExactly("\\b5\\.2\\b");
        assertThat(version.rejectOutput()).contains("\\bPending\\b", "\\bFailed\\b");
        CheckSpec.StatusCommand noError = only("# T\n## Verify\n- [ ] `cd db && sqlx migrate info`: no `ERROR`\n");
        assertThat(noError.rejectOutput()).containsExactly("(?i)\\bpending\\b", "\\bERROR\\b");
    }

    @Test
    void aStatusExpectedPendingNotedForLaterAfterARollbackOrBesideAMigrationStaysManual() throws Exception {
        assertThat(statuses("# T\n## Pre-flight\n- [ ] `flyway info` shows V5 as pending\n")).isEmpty();
        assertThat(statuses("# T\n## Before\n- [ ] Record the current revision: `alembic current`\n")).isEmpty();
        // A version is printed on its row whatever its state: "shows it" would pass when it is up.
        assertThat(statuses("# T\n## Verify\n- [ ] `mix ecto.migrations` must show `20261201090000` as down\n"))
                .isEmpty();
        assertThat(statuses("# T\n## Verify\n- [ ] `mix ecto.migrations` — tonight's two are `down`, the rest"
                + " `up`\n")).isEmpty();
        assertThat(statuses("# T\n## Rollback\n- [ ] `alembic current` shows the previous revision\n")).isEmpty();
        assertThat(statuses("# T\n## Verify\n- [ ] `alembic upgrade head && alembic current`\n")).isEmpty();
        assertThat(statuses("# T\n## Deploy\n- [ ] Run `mix ecto.migrate` then `mix ecto.migrations`\n")).isEmpty();
        assertThat(statuses("# T\n## Verify\n- [ ] `alembic current | grep head`\n")).isEmpty();
        assertThat(statuses("# T\n## Verify\n- [ ] `flyway -url=jdbc:postgresql://db/app info` up to date\n"))
                .isEmpty();
        assertThat(statuses("# T\n## Notes\n- [ ] `prisma migrate status`\n")).as("no stated result, no"
                + " verification").isEmpty();
        assertThat(statuses("# T\n## Verify\n- [ ] `alembic heads` shows one head\n")).as("reads the scripts,"
                + " not the database").isEmpty();
    }

    /**
     * Stands in for every tool: a real program that reads the real database through psql (Flyway's copy connects
     * where FLYWAY_URL says) and prints what the tool prints. Migrations 1 and 2 exist; {@code applied} says which
     * the database has.
     */
    private static final String FAKE_TOOL = """
            #!/bin/sh
            tool=$(basename "$0")
            if [ "$tool" = flyway ]; then
              hostportdb=${FLYWAY_URL#jdbc:postgresql://}
              export PGHOST=${hostportdb%%:*} PGDATABASE=${hostportdb#*/} PGUSER=$FLYWAY_USER
              rest=${hostportdb#*:}; export PGPORT=${rest%%/*}
            fi
            applied=$(psql -X -A -t -v ON_ERROR_STOP=1 -c 'SELECT string_agg(version::text, chr(32) ORDER BY version) FROM applied') || exit 2
            has() { case " $applied " in *" $1 "*) return 0;; esac; return 1; }
            case "$tool $*" in
              "alembic current")
                echo "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl." >&2
                if has 2; then echo "0002 (head)"; elif has 1; then echo "0001"; fi ;;
              "alembic check")
                if has 2; then echo "No new upgrade operations detected."; else echo "FAILED: New upgrade operations detected: [('add_column', 'users', 'email')]"; exit 1; fi ;;
              "flyway info")
                for v in 1 2; do if has $v; then s=Success; else s=Pending; fi; echo "| Versioned | $v | step $v | SQL | $s |"; done ;;
              "sqlx migrate info")
                for v in 1 2; do if has $v; then s=installed; else s=pending; fi; echo "$v/$s step $v"; done ;;
              "mix ecto.migrations")
                echo "Repo: MyApp.Repo"; echo "  Status    Migration ID    Migration Name"
                for v in 1 2; do if has $v; then s=up; else s=down; fi; echo "  $s        $v               step_$v"; done ;;
              "prisma migrate status")
                if has 2; then echo "Database schema is up to date!"; else echo "Following migration have not yet been applied:"; echo "2_step"; exit 1; fi ;;
              *) echo "unknown: $tool $*" >&2; exit 64 ;;
            esac
            """;

    private static final String CHECKLIST = """
            # Release 42
            ## Verify
            - [ ] `alembic current` shows head
            - [ ] `alembic check` reports no new upgrade operations
            - [ ] `flyway info`: no pending migrations
            - [ ] All migrations installed: `sqlx migrate info`
            - [ ] `mix ecto.migrations` shows no `down`
            - [ ] `prisma migrate status` says "Database schema is up to date"
            """;

    /** The checklist lines of the six items; each check's name ends with its line. */
    private static final List<Integer> LINES = List.of(3, 4, 5, 6, 7, 8);

    private static String actual(LiveImport live, int line) {
        return live.results.entrySet().stream().filter(e -> e.getKey().endsWith("(line " + line + ")"))
                .map(e -> e.getValue().actual()).findFirst().orElse("no check");
    }

    private static Status statusOfLine(LiveImport live, int line) {
        return live.results.entrySet().stream().filter(e -> e.getKey().endsWith("(line " + line + ")"))
                .map(e -> e.getValue().status()).findFirst()
                .orElseThrow(() -> new AssertionError("no check from line " + line + ": " + live.results.keySet()));
    }

    /** Writes the fake tools into {@code bin} and points each imported check's shell line at them. */
    private static void installFakeTools(Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        for (String tool : List.of("alembic", "flyway", "sqlx", "mix", "prisma")) {
            Path f = bin.resolve(tool);
            Files.writeString(f, FAKE_TOOL);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    private static String checklistOnFakeTools(Path dir) {
        // Only where the programs are found changes: the imported command lines and expectations are the ones judged.
        String path = dir.resolve("bin") + ":" + System.getenv("PATH");
        return CHECKLIST.replaceAll("`(alembic|flyway|sqlx|mix|prisma) ", "`PATH=" + path + " $1 ");
    }

    @Test
    void onADatabaseOneMigrationBehindEveryImportedStatusCheckFailsAndAtTheLatestEveryOnePasses(@TempDir Path dir)
            throws Exception {
        installFakeTools(dir);
        String behind = TestPostgres.freshDatabase("status_behind");
        TestPostgres.exec(behind, "CREATE TABLE applied (version int); INSERT INTO applied VALUES (1);");
        try (LiveImport live = LiveImport.open(checklistOnFakeTools(dir), behind,
                Files.createDirectories(dir.resolve("behind")))) {
            live.runStep("Verify");
            assertThat(live.results).hasSize(LINES.size());
            for (int line : LINES) {
                assertThat(statusOfLine(live, line)).as("line " + line + ": " + actual(live, line))
                        .isEqualTo(Status.FAILED);
                // Failed on the tool's answer, not because the stand-in could not read the database.
                assertThat(actual(live, line)).doesNotContain("exit code 2,").doesNotContain("exit code 64");
            }
        }
        String latest = TestPostgres.freshDatabase("status_latest");
        TestPostgres.exec(latest, "CREATE TABLE applied (version int); INSERT INTO applied VALUES (1), (2);");
        try (LiveImport live = LiveImport.open(checklistOnFakeTools(dir), latest,
                Files.createDirectories(dir.resolve("latest")))) {
            live.runStep("Verify");
            for (int line : LINES) {
                assertThat(statusOfLine(live, line)).as("line " + line + ": " + actual(live, line))
                        .isEqualTo(Status.PASSED);
            }
        }
    }

    /**
     * Alembic as it is with two branches: {@code alembic_version} holds a row per branch, and {@code alembic current}
     * prints each, with "(head)" after the ones at their branch's head (a2 and b2 here), its log line on stderr.
     */
    private static final String FAKE_BRANCHED_ALEMBIC = """
            #!/bin/sh
            [ "$*" = current ] || { echo "unknown: $*" >&2; exit 64; }
            echo "INFO  [alembic.runtime.migration] Context impl PostgresqlImpl." >&2
            psql -X -A -t -v ON_ERROR_STOP=1 -c 'SELECT version_num FROM alembic_version ORDER BY 1' | while read -r v; do
              case "$v" in a2|b2) echo "$v (head)";; *) echo "$v";; esac
            done
            """;

    @Test
    void withTwoBranchesOneBehindItsHeadAnAlembicStatusFailsAndPassesOnlyWithBothAtHead(@TempDir Path dir)
            throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("alembic"), FAKE_BRANCHED_ALEMBIC);
        Files.setPosixFilePermissions(bin.resolve("alembic"), PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = "PATH=" + bin + ":" + System.getenv("PATH");
        String checklist = """
                # Release 43
                ## Verify
                - [ ] `%1$s alembic current` shows head
                - [ ] `%1$s alembic current` prints `a2 (head)`
                """.formatted(path);
        String behind = TestPostgres.freshDatabase("alembic_branch_behind");
        TestPostgres.exec(behind, "CREATE TABLE alembic_version (version_num text); INSERT INTO alembic_version"
                + " VALUES ('a2'), ('b1');");
        try (LiveImport live = LiveImport.open(checklist, behind, Files.createDirectories(dir.resolve("behind")))) {
            live.runStep("Verify");
            for (int line : List.of(3, 4)) {
                assertThat(statusOfLine(live, line)).as("line " + line + ": " + actual(live, line))
                        .isEqualTo(Status.FAILED);
                assertThat(actual(live, line)).contains("line 3 (").contains(": b1");
            }
            assertThat(live.imported.summary().warnings()).anyMatch(w -> w.line() == 3
                    && w.message().contains("--check-heads"));
        }
        String atHeads = TestPostgres.freshDatabase("alembic_branch_heads");
        TestPostgres.exec(atHeads, "CREATE TABLE alembic_version (version_num text); INSERT INTO alembic_version"
                + " VALUES ('a2'), ('b2');");
        try (LiveImport live = LiveImport.open(checklist, atHeads, Files.createDirectories(dir.resolve("heads")))) {
            live.runStep("Verify");
            for (int line : List.of(3, 4)) {
                assertThat(statusOfLine(live, line)).as("line " + line + ": " + actual(live, line))
                        .isEqualTo(Status.PASSED);
            }
        }
    }
}
