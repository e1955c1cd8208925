package dev.runbookpilot.check;

import dev.runbookpilot.runbook.CheckSpec;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One property of a catalog object that changed, in the words a DBA reads in a migration review:
 * "STRICT added", "fillfactor 100 → 70", "value 'NC-18' added", "SELECT granted to reporting".
 */
final class ChangeWords {

    /** Properties that are on or off, by the clause that turns them on. */
    private static final Map<String, String> FLAGS = Map.ofEntries(
            Map.entry("strict", "STRICT"), Map.entry("leakproof", "LEAKPROOF"),
            Map.entry("rls", "ROW LEVEL SECURITY"), Map.entry("forceRls", "FORCE ROW LEVEL SECURITY"),
            Map.entry("unlogged", "UNLOGGED"), Map.entry("cycle", "CYCLE"), Map.entry("unique", "UNIQUE"),
            Map.entry("deferrable", "DEFERRABLE"), Map.entry("partitioned", "PARTITION BY"),
            Map.entry("materialized", "MATERIALIZED"));

    /** Names for properties whose key is not already the word a DBA uses. */
    private static final Map<String, String> LABELS = Map.ofEntries(
            Map.entry("ownerRole", "owner"), Map.entry("owner", "owned by"),
            Map.entry("replicaIdentity", "REPLICA IDENTITY"), Map.entry("clusterOn", "CLUSTER ON"),
            Map.entry("partitionKey", "partition key"), Map.entry("partitionBound", "partition bound"),
            Map.entry("accessMethod", "access method"), Map.entry("baseType", "base type"),
            Map.entry("minValue", "MINVALUE"), Map.entry("maxValue", "MAXVALUE"), Map.entry("increment", "INCREMENT"),
            Map.entry("start", "START"), Map.entry("cache", "CACHE"), Map.entry("parallel", "PARALLEL"),
            Map.entry("cost", "COST"), Map.entry("rows", "ROWS"), Map.entry("volatility", "volatility"),
            Map.entry("security", "SECURITY"), Map.entry("statistics", "STATISTICS"), Map.entry("storage", "STORAGE"),
            Map.entry("compression", "COMPRESSION"), Map.entry("collation", "COLLATE"),
            Map.entry("attachedTo", "attached to index"), Map.entry("fires", "fires"),
            Map.entry("argumentTypes", "argument types"), Map.entry("ofType", "OF type"));

    private ChangeWords() {}

    /** The class a runbook may ignore that a property belongs to, or null. */
    static CheckSpec.Ignorable classOf(String property) {
        if (property.equals("comment") || property.startsWith("comment on ")) {
            return CheckSpec.Ignorable.COMMENTS;
        }
        if (property.startsWith("grant ")) return CheckSpec.Ignorable.PRIVILEGES;
        if (property.equals("ownerRole")) return CheckSpec.Ignorable.OWNERS;
        return null;
    }

    /** The change of one property in words; a list because one privilege entry may grant and revoke at once. */
    static List<String> of(String property, String before, String after) {
        if (FLAGS.containsKey(property)) {
            boolean was = "true".equals(before);
            boolean is = "true".equals(after);
            if (was == is) return List.of(property + " " + value(before) + " → " + value(after));
            return List.of(FLAGS.get(property) + (is ? " added" : " removed"));
        }
        if (property.equals("nullable")) {
            return List.of("NOT NULL " + ("false".equals(after) ? "added" : "removed"));
        }
        if (property.equals("enabled")) return List.of("false".equals(after) ? "disabled" : "enabled");
        if (property.equals("body")) return List.of("body changed");
        if (property.equals("values")) return enumValues(before, after);
        if (property.startsWith("grant ")) return privileges(property.substring("grant ".length()), before, after);
        if (property.startsWith("option ")) {
            return List.of(property.substring("option ".length()) + " " + orDefault(before) + " → "
                    + orDefault(after));
        }
        if (property.startsWith("set ")) {
            String name = "SET " + property.substring("set ".length());
            if (before == null) return List.of(name + " = " + after + " added");
            if (after == null) return List.of(name + " removed (was " + before + ")");
            return List.of(name + " " + before + " → " + after);
        }
        if (property.equals("partitionOf")) {
            if (before == null) return List.of("attached as a partition of " + after);
            if (after == null) return List.of("detached from " + before);
            return List.of("moved from partition of " + before + " to partition of " + after);
        }
        if (property.equals("comment") || property.startsWith("comment on ")
                || property.startsWith("constraint ") || property.startsWith("default of column ")) {
            String what = property.equals("comment") ? "comment" : property;
            if (before == null) return List.of(what + " added: " + after);
            if (after == null) return List.of(what + " removed (was " + before + ")");
            return List.of(what + " " + before + " → " + after);
        }
        String label = LABELS.getOrDefault(property, property);
        return List.of(label + " " + value(before) + " → " + value(after));
    }

    private static String value(String v) {
        return v == null ? "(none)" : v;
    }

    private static String orDefault(String v) {
        return v == null ? "(default)" : v;
    }

    /**
     * Enum labels are stored as quoted literals in sort order. A label in the same place with another name was
     * renamed (ALTER TYPE ... RENAME VALUE); other labels were added or removed.
     */
    private static List<String> enumValues(String before, String after) {
        List<String> was = splitQuoted(before);
        List<String> is = splitQuoted(after);
        List<String> out = new ArrayList<>();
        if (was.size() == is.size()) {
            for (int i = 0; i < was.size(); i++) {
                if (!was.get(i).equals(is.get(i))) out.add("value " + was.get(i) + " renamed to " + is.get(i));
            }
            return out.isEmpty() ? List.of("values reordered") : out;
        }
        for (String v : is) if (!was.contains(v)) out.add("value " + v + " added");
        for (String v : was) if (!is.contains(v)) out.add("value " + v + " removed");
        return out.isEmpty() ? List.of("values " + value(before) + " → " + value(after)) : out;
    }

    /** Splits {@code 'a', 'b''c'} into its quoted literals, commas inside quotes included. */
    static List<String> splitQuoted(String list) {
        List<String> out = new ArrayList<>();
        if (list == null || list.isEmpty()) return out;
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < list.length(); i++) {
            char ch = list.charAt(i);
            if (ch == '\'') quoted = !quoted;
            if (!quoted && ch == ',' && i + 1 < list.length() && list.charAt(i + 1) == ' ') {
                out.add(cur.toString());
                cur.setLength(0);
                i++;
                continue;
            }
            cur.append(ch);
        }
        out.add(cur.toString());
        return out;
    }

    private static List<String> privileges(String grantee, String before, String after) {
        Set<String> was = items(before);
        Set<String> is = items(after);
        String who = grantee.equals("owner") ? "the owner" : grantee;
        List<String> out = new ArrayList<>();
        for (String p : is) if (!was.contains(p)) out.add(p + " granted to " + who);
        for (String p : was) if (!is.contains(p)) out.add(p + " revoked from " + who);
        return out.isEmpty() ? List.of("privileges of " + who + " " + value(before) + " → " + value(after)) : out;
    }

    private static Set<String> items(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            for (String s : list.split(", ")) if (!Objects.equals(s, "")) out.add(s);
        }
        return out;
    }
}
