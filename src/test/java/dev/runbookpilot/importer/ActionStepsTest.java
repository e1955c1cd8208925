package dev.runbookpilot.importer;

import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import dev.runbookpilot.runbook.Step;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actions' stage: which migration lines become command steps (and rollbacks), how the step is split around them,
 * and every line left alone.
 */
class ActionStepsTest {

    private static ImportResult imported(String md) throws Exception {
        return ChecklistImporter.importMarkdown(md, "checklist.md");
    }

    private static Runbook load(ImportResult r) throws Exception {
        return RunbookLoader.parse(r.yaml(), Path.of("imported", "runbook.yaml"),
                RunbookLoader.sha256(r.yaml().getBytes(StandardCharsets.UTF_8)));
    }

    private static List<CheckSpec.Command> commands(Runbook r) {
        return r.steps().flatMap(s -> s.checks().stream()).filter(c -> c instanceof CheckSpec.Command)
                .map(c -> (CheckSpec.Command) c).toList();
    }

    private static List<String> manualTexts(Runbook r) {
        return r.steps().flatMap(s -> s.checks().stream()).filter(c -> c instanceof CheckSpec.Manual)
                .map(c -> ((CheckSpec.Manual) c).text()).toList();
    }

    @Test
    void aMigrationLineBecomesACommandStepAndWhatFollowsItIsConfirmedAfterItRan() throws Exception {
        ImportResult r = imported("""
                # Release 7

                ## Execute

                - [ ] Announce the window
                - [ ] Run migration: `alembic upgrade head`
                - [ ] Watch the logs for errors
                """);
        Runbook rb = load(r);
        assertThat(rb.steps().map(Step::title).toList())
                .containsExactly("Execute", "Run migration: alembic upgrade head", "Execute (continued)");
        Step cmd = rb.steps().toList().get(1);
        assertThat(cmd.checks()).singleElement().isInstanceOf(CheckSpec.Command.class);
        assertThat(commands(rb).get(0).run().shell()).isEqualTo("alembic upgrade head");
        assertThat(cmd.description()).contains("Imported from line 6: - [ ] Run migration: `alembic upgrade head`"
                + " — check the command, its folder and its expected output");
        assertThat(cmd.description()).contains("alembic.ini");
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 6 && w.message().contains("command step"));
        assertThat(manualTexts(rb)).containsExactly("Announce the window", "Watch the logs for errors");
    }

    @Test
    void theMatchingUndoOfARollbackSectionBecomesTheCommandsRollbackAndLeavesTheSection() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Migrate

                ```bash
                cd backend
                alembic upgrade head
                ```

                ## Rollback

                - [ ] Rollback: `alembic downgrade -1`
                - [ ] Tell the team
                """));
        CheckSpec.Command c = commands(rb).get(0);
        assertThat(c.run().shell()).isEqualTo("alembic upgrade head");
        assertThat(c.cwd().toString()).endsWith("backend");
        assertThat(c.rollback()).isNotNull();
        assertThat(((CheckSpec.Command) c.rollback().undo()).run().shell()).isEqualTo("alembic downgrade -1");
        assertThat(((CheckSpec.Command) c.rollback().undo()).cwd().toString()).endsWith("backend");
        Step rollback = rb.steps().filter(s -> s.title().equals("Rollback")).findFirst().orElseThrow();
        assertThat(rollback.optional()).isTrue();
        assertThat(rollback.checks()).singleElement()
                .satisfies(m -> assertThat(((CheckSpec.Manual) m).text()).isEqualTo("Tell the team"));
    }

    @Test
    void anUndoWithNoMatchingForwardCommandStaysManual() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Migrate

                - [ ] `mix ecto.migrate`

                ## Rollback

                - [ ] `alembic downgrade -1`
                """));
        assertThat(commands(rb)).singleElement().satisfies(c -> assertThat(c.rollback()).isNull());
        assertThat(manualTexts(rb)).containsExactly("`alembic downgrade -1`");
    }

    @Test
    void examplesProhibitionsTriggersRehearsalsAndVerificationSectionsRunNothing() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Execute

                - [ ] Do NOT run `alembic upgrade head` before the backup is verified
                - [ ] Never use `flyway migrate` on the replica
                - [ ] If the deploy job failed, run `mix ecto.migrate` again
                - [ ] Example: `psql -f migrate.sql`
                - [ ] Rehearse on staging: `sqlx migrate run`

                For example:

                ```bash
                npx prisma migrate deploy
                ```

                ## Verify

                - [ ] `bin/rails db:migrate` prints nothing new
                """));
        assertThat(commands(rb)).isEmpty();
        assertThat(manualTexts(rb)).hasSize(7);
    }

    @Test
    void anItemThatRunsMoreAfterTheMigrationOrTwoMigrationsStaysManualWithAWarning() throws Exception {
        ImportResult r = imported("""
                # Release 7

                ## Execute

                - [ ] Migrate and check:
                  ```bash
                  alembic upgrade head
                  alembic current
                  ```
                - [ ] Both: `mix ecto.migrate` and `flyway migrate`
                """);
        assertThat(commands(load(r))).isEmpty();
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 7 && w.message().contains("other commands"));
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 10 && w.message().contains("2 migration"));
    }

    @Test
    void codeBeforeTheMigrationInTheSameItemKeepsItManualBecauseItSetsUpHowTheMigrationRuns() throws Exception {
        // Imported alone, "\\i 002_tenant.sql" would run without the search_path and lock_timeout the checklist set,
        // and "\\i 004_billing.sql" against the runbook's target instead of the billing database.
        ImportResult r = imported("""
                # Release 7

                ## Execute

                - [ ] Tenant A:
                  ```sql
                  SET search_path TO tenant_a; SET lock_timeout='5s';
                  \\i 002_tenant.sql
                  ```
                - [ ] Billing:
                  ```sql
                  \\c billing
                  \\i 004_billing.sql
                  ```
                - [ ] Install and migrate:
                  ```bash
                  npm ci
                  npx prisma migrate deploy
                  ```
                - [ ] Then: `mix ecto.migrate`
                """);
        Runbook rb = load(r);
        assertThat(commands(rb)).singleElement().satisfies(c -> assertThat(c.run().shell())
                .isEqualTo("mix ecto.migrate"));
        for (int line : new int[] {8, 13, 18}) {
            assertThat(r.summary().warnings()).as("line " + line)
                    .anyMatch(w -> w.line() == line && w.message().contains("other commands"));
        }
        assertThat(String.join("\n", manualTexts(rb))).contains("search_path").contains("002_tenant.sql")
                .contains("\\c billing").contains("004_billing.sql").contains("npm ci").contains("prisma");
    }

    @Test
    void aCommandContinuedWithABackslashIsReadWholeSoItsFirstHalfIsNeverDropped() throws Exception {
        ImportResult r = imported("""
                # Release 7

                ## Execute

                - [ ] Migrate in the pod:
                  ```bash
                  kubectl exec -n prod deploy/api -- \\
                    alembic upgrade head
                  ```
                - [ ] Migrate billing:
                  ```bash
                  DATABASE_URL=postgres://billing-primary/billing \\
                    mix ecto.migrate
                  ```
                - [ ] Migrate the app:
                  ```bash
                  psql -v ON_ERROR_STOP=1 \\
                    -f 001_add.sql
                  ```
                """);
        assertThat(commands(load(r))).singleElement()
                .satisfies(c -> assertThat(c.run().shell()).isEqualTo("psql -X -v ON_ERROR_STOP=1 -f 001_add.sql"));
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 7 && w.message().contains("continued"));
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 12 && w.message().contains("connection"));
    }

    @Test
    void aProhibitionOrRehearsalInTheSentenceThatIntroducesTheListHoldsForEveryEntryOfIt() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Execute

                Never run these two against production; they are for the staging copy only:

                - [ ] `alembic upgrade head`
                - [ ] `mix ecto.migrate`

                ## Apply

                ### On the staging copy

                - [ ] `flyway migrate`
                """));
        assertThat(commands(rb)).isEmpty();
        assertThat(manualTexts(rb)).contains("`alembic upgrade head`", "`mix ecto.migrate`", "`flyway migrate`");
    }

    @Test
    void theSameForwardLineWrittenAgainStaysManualSoTheRunbookNeverRunsItTwice() throws Exception {
        ImportResult r = imported("""
                # Release 7

                ## Execution

                - [ ] `psql -f 001_add_column.sql`

                ## Second attempt after a lock timeout

                - [ ] `psql -f 001_add_column.sql`
                """);
        assertThat(commands(load(r))).hasSize(1);
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 9 && w.message().contains("already a command"));
    }

    @Test
    void anUndoIsMatchedAgainstRefusedForwardLinesTooAndByTheFilesName() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Execute

                - [ ] `psql -h reporting -f 001_archive.sql`
                - [ ] `psql -f 002_orders.sql`

                ## Rollback

                - [ ] `psql -f 001_archive_down.sql`
                """));
        // 001_archive_down undoes the refused 001_archive, never the imported 002_orders.
        assertThat(commands(rb)).singleElement().satisfies(c -> assertThat(c.rollback()).isNull());
        Runbook named = load(imported("""
                # Release 7

                ## Execute

                - [ ] `psql -f 001_archive.sql`
                - [ ] `psql -f 002_orders.sql`

                ## Rollback

                - [ ] `psql -f 002_orders_down.sql`
                """));
        assertThat(commands(named)).filteredOn(c -> c.rollback() != null).singleElement()
                .satisfies(c -> assertThat(c.run().shell()).endsWith("002_orders.sql"));
        Runbook alembic = load(imported("""
                # Release 7

                ## Execute

                - [ ] `DATABASE_URL=postgres://other/db alembic upgrade head`
                - [ ] `cd api && alembic upgrade head`

                ## Rollback

                - [ ] `alembic downgrade -1`
                """));
        assertThat(commands(alembic)).singleElement().satisfies(c -> assertThat(c.rollback()).isNull());
    }

    @Test
    void aPsqlLineThatConnectsElsewhereStaysManualWithAWarning() throws Exception {
        ImportResult r = imported("""
                # Release 7

                ## Execute

                - [ ] `psql -h reporting-db -d analytics -f refresh.sql`
                """);
        assertThat(commands(load(r))).isEmpty();
        assertThat(r.summary().warnings()).anyMatch(w -> w.line() == 5 && w.message().contains("-h reporting-db"));
    }

    @Test
    void aFolderChangedByTheItemBeforeIsTheCommandsFolderAndSignaturesComeAfterTheCommand() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Run migration

                - [ ] Go to the app: `cd services/app`
                - [ ] `mix ecto.migrate`

                Signed by DBA: ________
                """));
        assertThat(commands(rb).get(0).cwd().toString()).endsWith("services/app");
        List<Step> steps = rb.steps().toList();
        assertThat(steps.get(steps.size() - 1).checks()).singleElement().isInstanceOf(CheckSpec.Signoff.class);
    }

    @Test
    void aPsqlRollbackFileInTheExecutionSectionIsNeverRunForward() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Execute

                - [ ] `psql -f 042_rollback.sql`
                """));
        assertThat(commands(rb)).isEmpty();
    }

    @Test
    void aPsqlFileInATroubleshootingSectionIsNoRollbackUnlessItSaysItUndoes() throws Exception {
        Runbook rb = load(imported("""
                # Release 7

                ## Execute

                - [ ] `psql -f migrate.sql`

                ## Troubleshooting

                - [ ] Locks piling up: `psql -f kill_locks.sql`
                - [ ] Revert: `psql -f undo_migrate.sql`
                """));
        assertThat(commands(rb)).singleElement().satisfies(c -> assertThat(((CheckSpec.Command) c.rollback().undo())
                .run().shell()).isEqualTo("psql -X -v ON_ERROR_STOP=1 -f undo_migrate.sql"));
        assertThat(manualTexts(rb)).containsExactly("Locks piling up: `psql -f kill_locks.sql`");
    }

    @Test
    void aMigrationLineInTheProseUnderAnItemStaysTextAndTheItemStaysManual() throws Exception {
        // Each entry is about something else; the migration is mentioned in the words under it, or shown indented
        // as code (a sample, read as text). Each became a command step that took the entry's place: the runbook ran
        // a migration the checklist gives to someone else, and "Deploy the new API image" was no checkbox any more.
        for (String entry : List.of(
                "- [ ] Deploy the new API image.\n  The platform team's job then runs `alembic upgrade head` on its"
                        + " own schedule.\n",
                "- [ ] Deploy the new API image.\n\n      The platform team's job then runs `alembic upgrade head` on"
                        + " its own schedule.\n\n",
                "- [ ] Deploy the new API image.\n\n      `alembic upgrade head`\n\n",
                "- [ ] Deploy the new API image. Ops then runs\n  `alembic upgrade head`\n  from the bastion.\n",
                "- [ ] Deploy the new API image\n  - the platform job then runs `psql -f migrate.sql` later\n")) {
            ImportResult r = imported("# Release 44\n\n## Execute\n\n" + entry + "- [ ] Announce in #ops.\n");
            Runbook rb = load(r);
            assertThat(commands(rb)).as(entry).isEmpty();
            assertThat(manualTexts(rb)).as(entry).hasSize(2).first().asString()
                    .startsWith("Deploy the new API image");
            assertThat(r.summary().warnings()).as(entry).anyMatch(w -> w.message().contains("not imported as a"
                    + " command step: the line is"));
        }
    }

    @Test
    void aMigrationLineStandingAloneUnderTheItemsWordsIsStillTheItemsCommand() throws Exception {
        for (String entry : List.of(
                "- [ ] Run the migration:\n  `alembic upgrade head`\n",
                "- [ ] Run the migration\n  - `alembic upgrade head`\n",
                "- [ ] Run the migration.\n\n  `alembic upgrade head`\n\n")) {
            Runbook rb = load(imported("# Release 44\n\n## Execute\n\n" + entry + "- [ ] Announce in #ops.\n"));
            assertThat(commands(rb)).as(entry).singleElement()
                    .satisfies(c -> assertThat(c.run().shell()).isEqualTo("alembic upgrade head"));
        }
    }
}
