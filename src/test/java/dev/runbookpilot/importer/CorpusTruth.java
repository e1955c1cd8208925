package dev.runbookpilot.importer;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ground truth of one checklist of the measuring corpus, from its sidecar {@code NAME.truth.yaml}: what the
 * checklist states that a machine could verify, and databases in which each statement holds or fails.
 *
 * <p>The database states are SQL: {@code before} builds the database as the checklist expects it before the
 * change, {@code migration} makes the change as it should be made; together they are the right state. Each
 * {@code wrong} state is the right one with one more script run at one point ({@code when}: after {@code before},
 * or after {@code migration}) and/or {@code sessions} extra connections held open, and names the statements it
 * breaks. Every statement carries an {@code oracle} (a query returning true exactly when the statement holds), so the
 * truth is checked before the importer is measured against it: each oracle is true on the right state, and the
 * oracles a wrong state turns false are exactly the statements it declares broken. A statement only a tool can
 * verify (the migration files, not the database, know it) names the {@code tool} instead of an oracle.
 *
 * @param afterFrom   the first line of the after-state: checks traced to lines above it run before the migration
 * @param conditional line ranges ({@code "27-30"}) of rollback or troubleshooting sections: their checks hold only
 *                    when that happened, so they are not run
 * @param floor       the fewest statements the importer must automate on this checklist (it may only rise)
 * @param knownWrong  the wrong checks the importer makes on this checklist today, each with why: the test fails
 *                    on any other, and on an entry that no longer happens (then delete it), so the list only shrinks
 */
record CorpusTruth(@JsonProperty("after_from") int afterFrom, List<String> conditional, int floor,
                   @JsonProperty("known_wrong") List<KnownWrong> knownWrong, List<Statement> statements,
                   String before, String migration, List<Wrong> wrong) {

    static final String BEFORE = "before";
    static final String AFTER = "after";

    CorpusTruth {
        conditional = conditional == null ? List.of() : List.copyOf(conditional);
        knownWrong = knownWrong == null ? List.of() : List.copyOf(knownWrong);
        statements = statements == null ? List.of() : List.copyOf(statements);
        wrong = wrong == null ? List.of() : List.copyOf(wrong);
    }

    /**
     * @param line the line holding the statement; {@code also} the other lines that belong to it (the expected
     *             value's comment, the rest of its query, the configuration line stating the value)
     * @param text words the line must hold, so that a checklist edited without its truth fails instead of measuring
     *             the wrong line
     */
    record Statement(String id, int line, List<Integer> also, String text, String when, String tool, String asserts,
                     String oracle) {
        Statement {
            also = also == null ? List.of() : List.copyOf(also);
        }

        SortedSet<Integer> lines() {
            SortedSet<Integer> all = new TreeSet<>(also);
            all.add(line);
            return all;
        }
    }

    record Wrong(String name, String when, String sql, int sessions, List<String> breaks) {
        Wrong {
            breaks = breaks == null ? List.of() : List.copyOf(breaks);
        }
    }

    /**
     * A wrong check the importer is known to make here.
     *
     * @param state {@code right}, or the name of the wrong state
     * @param line  on the right state the failing check's line, on a wrong state the broken statement's line
     */
    record KnownWrong(String state, int line, String note) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads and validates the sidecar of a checklist whose lines are given; every mistake is named with its place. */
    static CorpusTruth load(Path sidecar, List<String> checklist) throws IOException {
        CorpusTruth t = YAML.readValue(sidecar.toFile(), CorpusTruth.class);
        List<String> problems = new ArrayList<>();
        String where = sidecar.getFileName().toString();
        int n = checklist.size();
        if (t.afterFrom < 1 || t.afterFrom > n) {
            problems.add("after_from " + t.afterFrom + " is not a line of the checklist");
        }
        for (String range : t.conditional) {
            if (!range.matches("\\d+-\\d+")) problems.add("conditional range '" + range + "' is not FIRST-LAST");
        }
        if (t.before == null || t.before.isBlank()) problems.add("no before script");
        if (t.migration == null || t.migration.isBlank()) problems.add("no migration script");
        if (t.statements.isEmpty()) problems.add("no statements");
        Set<String> ids = new HashSet<>();
        for (Statement s : t.statements) {
            String at = "statement " + s.id + ": ";
            if (s.id == null || !ids.add(s.id)) problems.add(at + "needs an id of its own");
            if (!BEFORE.equals(s.when) && !AFTER.equals(s.when)) problems.add(at + "when is before or after");
            for (int l : s.lines()) if (l < 1 || l > n) problems.add(at + "line " + l + " is not in the checklist");
            if (s.line >= 1 && s.line <= n && (s.text == null || !checklist.get(s.line - 1).contains(s.text))) {
                problems.add(at + "line " + s.line + " does not hold '" + s.text + "': " + checklist.get(s.line - 1));
            }
            if ((s.oracle == null) == (s.tool == null)) problems.add(at + "needs an oracle or (only) a tool");
            if (BEFORE.equals(s.when) != s.line < t.afterFrom) problems.add(at + "when does not match after_from");
            if (t.conditional(s.line)) problems.add(at + "is in a conditional section");
        }
        Set<String> names = new HashSet<>();
        for (Wrong w : t.wrong) {
            String at = "wrong state '" + w.name + "': ";
            if (w.name == null || !names.add(w.name)) problems.add(at + "needs a name of its own");
            if (!BEFORE.equals(w.when) && !AFTER.equals(w.when)) problems.add(at + "when is before or after");
            if ((w.sql == null || w.sql.isBlank()) && w.sessions <= 0) problems.add(at + "changes nothing");
            if (w.breaks.isEmpty()) problems.add(at + "breaks no statement");
            for (String id : w.breaks) {
                Statement s = t.statement(id);
                if (s == null) problems.add(at + "breaks unknown statement " + id);
                else if (!s.when.equals(w.when)) problems.add(at + "breaks " + id + ", which is checked " + s.when);
                else if (s.oracle == null) problems.add(at + "breaks " + id + ", which has no oracle");
            }
        }
        for (KnownWrong k : t.knownWrong) {
            if (k.note == null || k.note.isBlank()) problems.add("known_wrong at line " + k.line + " needs a note");
            if (!"right".equals(k.state) && !names.contains(k.state)) {
                problems.add("known_wrong names no state of this truth: " + k.state);
            }
        }
        if (!problems.isEmpty()) throw new IllegalStateException(where + ":\n  " + String.join("\n  ", problems));
        return t;
    }

    Statement statement(String id) {
        return statements.stream().filter(s -> s.id.equals(id)).findFirst().orElse(null);
    }

    boolean conditional(int line) {
        for (String range : conditional) {
            String[] ends = range.split("-");
            if (line >= Integer.parseInt(ends[0]) && line <= Integer.parseInt(ends[1])) return true;
        }
        return false;
    }

    /** The statements checked in one phase ({@link #BEFORE} or {@link #AFTER}), in order. */
    List<Statement> checkedIn(String phase) {
        return statements.stream().filter(s -> s.when.equals(phase)).toList();
    }

    /** Ids of the statements the wrong state breaks, or none for the right state (null). */
    Set<String> broken(Wrong w) {
        return w == null ? Set.of() : new LinkedHashSet<>(w.breaks);
    }
}
