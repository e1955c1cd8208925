package dev.runbookpilot.importer.action;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One shell line of a checklist read as an action on the database: a migration tool's forward or undo command, or
 * psql running a file. It is either a command the runbook can run ({@link #run} set), or a line this importer
 * refuses to run for a stated reason ({@link #refused} set: it would connect elsewhere, hide its exit code, or
 * holds a placeholder) — the item then stays a manual confirmation and the import warns.
 *
 * @param tool      the tool family ({@code alembic}, {@code psql}, ...): a rollback is matched to a forward command
 *                  of the same family
 * @param direction whether the line applies a change, undoes one, or (psql running a file, Django migrating to a
 *                  named migration) is either, as its section says
 * @param run       the shell line the {@code command} step runs, or null when refused
 * @param cwd       the folder the checklist ran it in ({@code cd DIR && ...}), or null
 * @param env       extra variables that point the tool at the target (Flyway, Liquibase), in YAML order
 * @param doubt     what a reviewer should check before trusting the step; null when the line says it all
 * @param refused   why the line is not imported as a command, or null
 */
public record ActionLine(String tool, Direction direction, String run, String cwd, Map<String, Object> env,
                         String doubt, String refused) {

    /** Which way a line moves the database's schema. */
    public enum Direction { FORWARD, UNDO, EITHER }

    public ActionLine {
        Objects.requireNonNull(tool, "tool");
        Objects.requireNonNull(direction, "direction");
        if ((run == null) == (refused == null)) throw new IllegalArgumentException("a line is run or refused");
        env = env == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(env));
    }

    public static ActionLine refuse(String tool, Direction direction, String why) {
        return new ActionLine(tool, direction, null, null, null, null, why);
    }

    public boolean isRefused() {
        return refused != null;
    }

    /** Whether it applies a change in an execution section ({@code forward}) or undoes one in a rollback section. */
    public boolean goes(boolean forward) {
        return direction == Direction.EITHER || direction == (forward ? Direction.FORWARD : Direction.UNDO);
    }
}
