package dev.runbookpilot.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each distinct SQL text the report's checks ran, numbered in order of first use. A catalog query that twenty
 * object checks share is printed once, at the end, and each check names its number: the report stays short
 * without losing a character of what ran.
 */
final class SqlAppendix {
    /** One numbered SQL text and the checks that ran it ("step#n"). */
    record Entry(int number, String sql, List<String> usedBy) {
        String name() {
            return "Q" + number;
        }
    }

    private final Map<String, Entry> bySql = new LinkedHashMap<>();

    private SqlAppendix() {}

    static SqlAppendix of(Report r) {
        SqlAppendix a = new SqlAppendix();
        for (Report.PhaseReport p : r.phases()) p.steps().forEach(a::add);
        if (r.rollback() != null) {
            // The rollbacks' SQL and the proof's are in the report's rollback section, after the phases.
            r.rollback().steps().forEach(a::add);
            if (r.rollback().proof() != null) a.add(r.rollback().proof());
        }
        return a;
    }

    private void add(Report.StepReport s) {
        for (Report.CheckReport c : s.checks()) {
            if (!holds(c)) continue;
            Entry e = bySql.computeIfAbsent(c.sql().strip(), sql -> new Entry(bySql.size() + 1, sql, new ArrayList<>()));
            e.usedBy().add(s.id() + " #" + (c.index() + 1));
        }
    }

    /** SQL goes to the appendix; a command line stays with its check, where its folder and output are. */
    static boolean holds(Report.CheckReport c) {
        return c.sql() != null && !c.sql().isBlank() && !runsProgram(c);
    }

    /** A command or a status command: its "SQL" is the command line a person would type, and where. */
    static boolean runsProgram(Report.CheckReport c) {
        return "command".equals(c.kind()) || "statusCommand".equals(c.kind());
    }

    /** The entry of a check's SQL; only for checks {@link #holds} accepts. */
    Entry entry(Report.CheckReport c) {
        Entry e = bySql.get(c.sql().strip());
        if (e == null) throw new IllegalArgumentException("check " + c.label() + " has no SQL in the appendix");
        return e;
    }

    List<Entry> entries() {
        return List.copyOf(bySql.values());
    }
}
