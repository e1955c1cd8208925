package dev.runbookpilot.importer.action;

import dev.runbookpilot.importer.action.ActionLine.Direction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The migration tools' commands a checklist runs, read one line at a time through {@link ActionLines}. */
class MigrationToolLinesTest {

    private static ActionLine read(String line) {
        return ActionLines.read(line).orElseThrow(() -> new AssertionError("not read: " + line));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "alembic upgrade head                        | alembic   | FORWARD",
            "alembic -c prod.ini upgrade head            | alembic   | FORWARD",
            "poetry run alembic upgrade +1               | alembic   | FORWARD",
            "alembic downgrade -1                        | alembic   | UNDO",
            "mix ecto.migrate                            | ecto      | FORWARD",
            "MIX_ENV=prod mix ecto.migrate --log-migrations-sql | ecto | FORWARD",
            "mix ecto.rollback --step 1                  | ecto      | UNDO",
            "flyway migrate                              | flyway    | FORWARD",
            "flyway -target=60 migrate                   | flyway    | FORWARD",
            "flyway undo                                 | flyway    | UNDO",
            "npx prisma migrate deploy                   | prisma    | FORWARD",
            "bin/rails db:migrate                        | rails     | FORWARD",
            "RAILS_ENV=production bundle exec rake db:migrate | rails | FORWARD",
            "bin/rails db:rollback STEP=1                | rails     | UNDO",
            "python manage.py migrate                    | django    | FORWARD",
            "python manage.py migrate catalog 0041       | django    | EITHER",
            "sqlx migrate run                            | sqlx      | FORWARD",
            "sqlx migrate revert                         | sqlx      | UNDO",
            "npx knex migrate:latest                     | knex      | FORWARD",
            "npx knex migrate:rollback                   | knex      | UNDO",
            "liquibase update                            | liquibase | FORWARD",
            "liquibase rollback-count 1                  | liquibase | UNDO",
            "$ alembic upgrade head   # takes a minute   | alembic   | FORWARD"})
    void readsEachToolsForwardAndUndoCommand(String line, String tool, Direction direction) {
        ActionLine a = read(line);
        assertThat(a.isRefused()).as(a.refused()).isFalse();
        assertThat(a.tool()).isEqualTo(tool);
        assertThat(a.direction()).isEqualTo(direction);
        assertThat(a.run()).doesNotContain("#").doesNotStartWith("$");
    }

    @ParameterizedTest
    @ValueSource(strings = {"alembic current", "alembic upgrade head --sql", "bin/rails db:migrate:status",
            "mix ecto.migrations", "flyway info", "prisma migrate status", "prisma migrate dev --create-only",
            "python manage.py migrate --plan", "python manage.py showmigrations", "sqlx migrate info",
            "liquibase update-sql", "liquibase status", "npx knex migrate:status", "echo alembic upgrade head",
            "git pull && alembic upgrade head"})
    void statusDryRunAndOtherCommandsAreNoAction(String line) {
        assertThat(ActionLines.read(line)).as(line).satisfiesAnyOf(
                a -> assertThat(a).isEmpty(),
                a -> assertThat(a.get().isRefused()).isTrue());
    }

    @Test
    void aLeadingCdBecomesTheFolderTheCommandRunsIn() {
        ActionLine a = read("cd services/api && npx prisma migrate deploy");
        assertThat(a.run()).isEqualTo("npx prisma migrate deploy");
        assertThat(a.cwd()).isEqualTo("services/api");
    }

    @Test
    void aPipeARedirectionOrASecondCommandIsRefusedBecauseItHidesTheToolsExitCode() {
        // "alembic upgrade head | tee log" exits with tee's 0 when the migration failed: it would read PASSED.
        for (String line : new String[] {"alembic upgrade head | tee migrate.log", "alembic upgrade head 2>&1",
                "alembic upgrade head; echo done", "alembic upgrade head || true"}) {
            assertThat(read(line).refused()).as(line).contains("exit code");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"alembic upgrade head & true", "alembic upgrade head &", "alembic upgrade head&&true",
            "alembic upgrade head >/dev/null", "alembic upgrade head < answers.txt", "alembic upgrade head)",
            "alembic upgrade head `true`", "alembic upgrade head \"$(true)\"", "alembic upgrade head;true",
            "alembic upgrade head\ntrue"})
    void everyShellControlOperatorOutsideQuotesIsRefusedNotOnlyTheOnesAtTheEnd(String line) {
        // "alembic upgrade head & true" backgrounds the migration and exits with true's 0: it would read PASSED.
        assertThat(read(line).isRefused()).as(line).isTrue();
        assertThat(read(line).refused()).as(line).contains("exit code");
    }

    @Test
    void anOperatorInsideQuotesIsAnArgumentNotPlumbing() {
        assertThat(ActionLines.controlOperator("alembic -x 'tenant=a&b' upgrade head")).isEqualTo(-1);
        assertThat(ActionLines.controlOperator("alembic -x \"tenant=a;b\" upgrade head")).isEqualTo(-1);
        assertThat(ActionLines.controlOperator("alembic -x \"t=$(id)\" upgrade head")).isPositive();
    }

    @Test
    void aConnectionOnTheLineIsRefusedSoTheToolNeverRunsAgainstAnotherDatabase() {
        assertThat(read("DATABASE_URL=postgres://prod-db/app alembic upgrade head").refused())
                .contains("connection");
        assertThat(read("flyway -url=jdbc:postgresql://other/db migrate").refused()).contains("connection");
        assertThat(read("PGHOST=replica mix ecto.migrate").refused()).contains("connection");
    }

    @Test
    void aPlaceholderIsRefused() {
        assertThat(read("alembic downgrade <previous_revision>").refused()).contains("<previous_revision>");
        assertThat(read("alembic downgrade $PREV").refused()).contains("fills in");
    }

    @Test
    void theJdbcToolsGetTheTargetThroughTheirOwnVariablesAndEveryToolSaysWhatToCheck() {
        assertThat(read("flyway migrate").env()).isEqualTo(Map.of(
                "FLYWAY_URL", "jdbc:postgresql://${PGHOST}:${PGPORT}/${PGDATABASE}", "FLYWAY_USER", "${PGUSER}"));
        assertThat(read("liquibase update").env()).containsKey("LIQUIBASE_COMMAND_URL");
        assertThat(read("alembic upgrade head").doubt()).contains("alembic.ini");
        assertThat(read("mix ecto.migrate").env()).isEmpty();
    }
}
