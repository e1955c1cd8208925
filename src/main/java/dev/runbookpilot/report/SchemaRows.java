package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.runbook.ObjectKind;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Schema changes as a report lays them out: one row per change, except that the columns (constraints, triggers,
 * policies, rules) one table gained or lost, declared and happened alike, share one row headed "24 columns of
 * technology_knowledge", a line per member with its name and definition. A migration that adds or drops a table
 * changes each of its columns; a row per column printed the table's name a hundred times and took three pages.
 * Both writers group the same way, so the PDF and the Markdown list the same rows.
 */
final class SchemaRows {
    /** Kinds whose key names their table: {@code column:users.email}. Indexes and statistics do not. */
    private static final Set<ObjectKind> PER_TABLE = Set.of(ObjectKind.COLUMNS, ObjectKind.CONSTRAINTS,
            ObjectKind.TRIGGERS, ObjectKind.POLICIES, ObjectKind.RULES);
    /** {@code kind:table.name} with exactly one dot: a name with a dot of its own could split two ways. */
    private static final Pattern KEY = Pattern.compile("([a-z]+):([^.\\s]+)\\.([^.\\s]+)");

    private SchemaRows() {}

    /**
     * A row: a single change ({@code members} empty), or a group of changes alike in all but the member's name and
     * definition ({@code change} is the first of them).
     */
    record Row(CheckDetail.SchemaChange change, String heading, List<Member> members) {
        boolean grouped() {
            return !members.isEmpty();
        }
    }

    /** One member of a group: its name within the table and its definition (empty when it has none). */
    record Member(String name, String definition) {}

    static List<Row> of(List<CheckDetail.SchemaChange> changes) {
        // Keyed by change, kind, table, declared and happened; each group stands where its first member stood.
        Map<String, List<CheckDetail.SchemaChange>> groups = new LinkedHashMap<>();
        List<Object> order = new ArrayList<>();
        for (CheckDetail.SchemaChange ch : changes) {
            String key = groupKey(ch);
            if (key == null) {
                order.add(ch);
                continue;
            }
            List<CheckDetail.SchemaChange> group = groups.get(key);
            if (group == null) {
                group = new ArrayList<>();
                groups.put(key, group);
                order.add(key);
            }
            group.add(ch);
        }
        List<Row> rows = new ArrayList<>();
        for (Object o : order) {
            if (o instanceof CheckDetail.SchemaChange ch) {
                rows.add(new Row(ch, ch.label(), List.of()));
                continue;
            }
            List<CheckDetail.SchemaChange> group = groups.get((String) o);
            CheckDetail.SchemaChange first = group.get(0);
            if (group.size() == 1) {
                rows.add(new Row(first, first.label(), List.of()));
                continue;
            }
            Matcher m = KEY.matcher(first.object());
            if (!m.matches()) throw new IllegalStateException("grouped a change whose key does not name its table");
            String plural = ObjectKind.ofSingular(m.group(1)).map(ObjectKind::yamlKey).orElseThrow();
            List<Member> members = new ArrayList<>();
            for (CheckDetail.SchemaChange ch : group) {
                Matcher mm = KEY.matcher(ch.object());
                if (!mm.matches()) throw new IllegalStateException("grouped a change whose key does not name its table");
                members.add(new Member(mm.group(3), definition(ch)));
            }
            rows.add(new Row(first, group.size() + " " + plural + " of " + m.group(2), members));
        }
        return rows;
    }

    /**
     * The key a change groups under, or null when it stands alone: only an object added or removed whole (one
     * definition, nothing said about what changed in it) of a kind that belongs to a table.
     */
    private static String groupKey(CheckDetail.SchemaChange ch) {
        if (ch.what() != null && !ch.what().isEmpty()) return null;
        if (blank(ch.before()) == blank(ch.after()) && !(blank(ch.before()) && blank(ch.after()))) return null;
        Matcher m = KEY.matcher(ch.object());
        if (!m.matches()) return null;
        ObjectKind kind = ObjectKind.ofSingular(m.group(1)).orElse(null);
        if (kind == null || !PER_TABLE.contains(kind)) return null;
        return ch.change() + "\n" + kind + "\n" + m.group(2) + "\n" + ch.expected() + "\n" + ch.happened();
    }

    private static String definition(CheckDetail.SchemaChange ch) {
        return !blank(ch.before()) ? ch.before().strip() : blank(ch.after()) ? "" : ch.after().strip();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
