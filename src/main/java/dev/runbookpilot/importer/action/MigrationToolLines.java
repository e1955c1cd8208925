package dev.runbookpilot.importer.action;

import dev.runbookpilot.importer.action.ActionLine.Direction;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises the commands of the migration tools teams run from a checklist: {@code alembic upgrade head},
 * {@code mix ecto.migrate}, {@code flyway migrate}, {@code prisma migrate deploy}, {@code rails db:migrate},
 * {@code python manage.py migrate}, {@code sqlx migrate run}, {@code knex migrate:latest}, {@code liquibase update},
 * and their undo ({@code alembic downgrade -1}, {@code mix ecto.rollback}, {@code flyway undo},
 * {@code rails db:rollback}, {@code sqlx migrate revert}, {@code knex migrate:rollback}, {@code liquibase rollback}).
 * Status and dry-run forms ({@code db:migrate:status}, {@code --sql}, {@code --plan}, {@code update-sql}) are not
 * actions. The tool runs with the command environment Runbook Pilot gives it (PG* variables and
 * {@code DATABASE_URL} of the target); where the tool reads its connection from its own configuration instead, the
 * reading says so as its doubt.
 */
final class MigrationToolLines {

    private MigrationToolLines() {}

    /** Variables set in front of the command ({@code MIX_ENV=prod}), and runners ({@code bundle exec}, {@code npx}). */
    private static final String PREFIX = "^(?:[A-Za-z_][A-Za-z0-9_]*=\\S*\\s+)*"
            + "(?:(?:(?:poetry|pipenv|uv|pdm|hatch)\\s+run|bundle\\s+exec|npx(?:\\s+--yes)?|pnpm(?:\\s+(?:exec|dlx))?"
            + "|yarn|python3?\\s+-m|time)\\s+)*";
    /** Options between the program and its subcommand ({@code alembic -c prod.ini upgrade}). */
    private static final String OPTIONS = "(?:\\s+-{1,2}[\\w.-]+(?:[= ](?!upgrade\\b|downgrade\\b|migrate\\b|undo\\b"
            + "|update\\b|rollback)[^\\s-]\\S*)?)*";
    /** Forms that only print, check or pretend: not an action on the database. */
    private static final Pattern NO_OP = Pattern.compile("(?i)\\s--?(?:sql|plan|check|dry-?run|fake|fake-initial"
            + "|preview|create-only|help|list|info)\\b|\\s-dryRunOutput|\\s--?dryRun\\b");

    private static final String CONFIG_DOUBT = " connects where its own configuration says (%s); make sure that is"
            + " the target";

    private record Tool(String name, Pattern forward, Pattern undo, Pattern either, String doubt,
                        Map<String, Object> env) {}

    private static Pattern command(String body) {
        return Pattern.compile(PREFIX + body + "(?=\\s|$)");
    }

    private static final List<Tool> TOOLS = List.of(
            new Tool("alembic", command("alembic" + OPTIONS + "\\s+upgrade\\s+\\S+"),
                    command("alembic" + OPTIONS + "\\s+downgrade\\s+\\S+"), null,
                    "Alembic" + CONFIG_DOUBT.formatted("alembic.ini or env.py, e.g. sqlalchemy.url from DATABASE_URL"),
                    Map.of()),
            new Tool("ecto", command("mix\\s+ecto\\.migrate"), command("mix\\s+ecto\\.rollback"), null,
                    "Ecto" + CONFIG_DOUBT.formatted("config/*.exs, e.g. url: System.get_env(\"DATABASE_URL\")"),
                    Map.of()),
            new Tool("flyway", command("flyway" + OPTIONS + "\\s+migrate"), command("flyway" + OPTIONS + "\\s+undo"),
                    null, "Flyway reads its migrations from the folder it runs in; make sure cwd: is the project's",
                    jdbcEnv("FLYWAY_URL", "FLYWAY_USER")),
            new Tool("prisma", command("prisma\\s+migrate\\s+deploy"), null, null,
                    "Prisma" + CONFIG_DOUBT.formatted("the variable schema.prisma's datasource names; it must be"
                            + " DATABASE_URL"), Map.of()),
            new Tool("rails", command("(?:bin/)?(?:rails|rake)\\s+db:migrate(?:\\s+[A-Z_]+=\\S+)*"),
                    command("(?:bin/)?(?:rails|rake)\\s+db:rollback(?:\\s+[A-Z_]+=\\S+)*"), null,
                    "Rails" + CONFIG_DOUBT.formatted("config/database.yml, which DATABASE_URL overrides"), Map.of()),
            new Tool("django", command("(?:python3?\\s+)?(?:\\./)?manage\\.py\\s+migrate"), null,
                    command("(?:python3?\\s+)?(?:\\./)?manage\\.py\\s+migrate\\s+\\w+\\s+\\w+"),
                    "Django" + CONFIG_DOUBT.formatted("DATABASES in the settings module"), Map.of()),
            new Tool("sqlx", command("sqlx\\s+migrate\\s+run"), command("sqlx\\s+migrate\\s+revert"), null,
                    "sqlx reads its migrations from ./migrations of the folder it runs in; make sure cwd: is the"
                            + " project's", Map.of()),
            new Tool("knex", command("knex\\s+migrate:(?:latest|up)"), command("knex\\s+migrate:(?:rollback|down)"),
                    null, "Knex" + CONFIG_DOUBT.formatted("knexfile.js"), Map.of()),
            new Tool("liquibase", command("liquibase" + OPTIONS + "\\s+update(?:-count\\s+\\d+)?"),
                    command("liquibase" + OPTIONS + "\\s+rollback(?:-count|Count)?\\s+\\S+"), null,
                    "Liquibase reads its changelog from liquibase.properties in the folder it runs in; make sure"
                            + " cwd: is the project's", jdbcEnv("LIQUIBASE_COMMAND_URL",
                            "LIQUIBASE_COMMAND_USERNAME")));

    /** The JDBC tools ignore PG* variables: they get the target's URL and user through their own. */
    private static Map<String, Object> jdbcEnv(String url, String user) {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put(url, "jdbc:postgresql://${PGHOST}:${PGPORT}/${PGDATABASE}");
        env.put(user, "${PGUSER}");
        return env;
    }

    /** The line (prompt, comment and {@code cd DIR &&} already taken off) as a tool's command, or empty. */
    static Optional<ActionLine> read(String line) {
        for (Tool t : TOOLS) {
            Direction d = t.either() != null && t.either().matcher(line).find() ? Direction.EITHER
                    : t.forward() != null && t.forward().matcher(line).find() ? Direction.FORWARD
                    : t.undo() != null && t.undo().matcher(line).find() ? Direction.UNDO : null;
            if (d == null) continue;
            if (NO_OP.matcher(line).find()) return Optional.empty();
            String why = ActionLines.whyNot(line);
            if (why != null) return Optional.of(ActionLine.refuse(t.name(), d, why));
            return Optional.of(new ActionLine(t.name(), d, line, null, t.env(), t.doubt(), null));
        }
        return Optional.empty();
    }
}
