package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogObject;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.ObjectKind;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the schema now with a snapshot taken earlier. Every change must be declared and every declaration
 * must have happened; a rename explains the removal and addition it causes, including the columns, constraints,
 * triggers and policies that move with a renamed table and the definitions that mention the old name.
 *
 * <p>Adding or removing a table also covers what belongs to it (its columns, indexes, constraints, triggers,
 * policies and owned sequences), so {@code removed: [table:git_sessions]} need not list every column.
 */
public final class SchemaDiffs {

    private static final Set<ObjectKind> SCHEMA_LEVEL = EnumSet.of(ObjectKind.TABLES, ObjectKind.VIEWS,
            ObjectKind.SEQUENCES, ObjectKind.FUNCTIONS, ObjectKind.EXTENSIONS, ObjectKind.TYPES,
            ObjectKind.STATISTICS, ObjectKind.SCHEMAS);
    private static final Pattern SIMPLE_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_$]*");
    // Reserved words PostgreSQL's quote_ident quotes; a name among them appears quoted in printed definitions.
    private static final Set<String> RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array", "as",
            "asc", "asymmetric", "both", "case", "cast", "check", "collate", "column", "constraint", "create",
            "current_catalog", "current_date", "current_role", "current_time", "current_timestamp", "current_user",
            "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for",
            "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into", "lateral",
            "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order",
            "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric",
            "system_user", "table", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
            "when", "where", "window", "with");

    private SchemaDiffs() {}

    private record Rename(String from, String to) {
        String text() { return from + " -> " + to; }
    }

    private record Change(String type, CatalogObject object, String before, String after, String what) {
        String key() { return object.key(); }

        String describe() {
            return object.key() + " " + type + (what == null ? "" : ": " + what);
        }
    }

    public static CheckOutcome evaluate(CheckSpec.SchemaDiff spec, SchemaSnapshot before, SchemaSnapshot now) {
        String sql = "catalog snapshot of schema " + now.schema() + " compared with snapshot '" + spec.compareTo()
                + "'";
        String expected = expected(spec);
        if (!before.schema().equals(now.schema())) {
            return new CheckOutcome(Status.ERROR, expected, "snapshot '" + spec.compareTo() + "' is of schema "
                    + before.schema() + ", not " + now.schema(), sql, null);
        }
        Map<String, CatalogObject> was = byKey(withoutIgnored(before.objects(), spec.ignore()));
        Map<String, CatalogObject> is = byKey(withoutIgnored(now.objects(), spec.ignore()));

        List<CheckDetail.SchemaChange> report = new ArrayList<>();
        List<String> notHappened = new ArrayList<>();
        List<Rename> happened = new ArrayList<>();
        Map<String, String> tableRenames = new LinkedHashMap<>();
        Map<String, CatalogObject> projected = was;
        // Tables and other schema-level objects first, so a column may be named under its old or new table.
        List<Map.Entry<String, String>> renames = new ArrayList<>(new TreeMap<>(spec.renamed()).entrySet());
        renames.sort((x, y) -> Boolean.compare(!schemaLevel(x.getKey()), !schemaLevel(y.getKey())));
        for (Map.Entry<String, String> r : renames) {
            Rename declaredRename = new Rename(r.getKey(), target(r.getKey(), r.getValue()));
            Rename rename = new Rename(resolve(movedWithTable(declaredRename.from(), tableRenames), projected),
                    resolve(movedWithTable(declaredRename.to(), tableRenames), is));
            String why = renameProblem(rename, projected, is);
            if (why != null) {
                notHappened.add("renamed " + declaredRename.text() + " (" + why + ")");
                report.add(new CheckDetail.SchemaChange("renamed", declaredRename.text(), declaredRename.from(),
                        declaredRename.to(), true, false));
                continue;
            }
            List<Rename> applied = new ArrayList<>(List.of(rename));
            for (Rename coupled : coupledRenames(rename, projected, is)) {
                if (!spec.renamed().containsKey(coupled.from())) applied.add(coupled);
            }
            for (Rename done : applied) {
                CatalogObject from = projected.get(done.from());
                CatalogObject to = is.get(done.to());
                if (from.kind() == ObjectKind.TABLES) tableRenames.put(from.name(), to.name());
                projected = applyRename(projected, from, to);
                happened.add(done);
                report.add(new CheckDetail.SchemaChange("renamed", done.text(), done.from(), done.to(), true, true));
            }
        }
        List<Change> changes = diff(projected, is);

        Map<String, List<String>> declared = new LinkedHashMap<>();
        declared.put("added", spec.added());
        declared.put("removed", spec.removed());
        declared.put("changed", spec.changed());
        Set<String> covered = new LinkedHashSet<>();
        for (Change c : changes) {
            if (matchesAny(declared.get(c.type()), c.key())) covered.add(c.type() + " " + c.key());
        }
        for (Change c : changes) {
            if (parentKeys(c.object()).stream().anyMatch(p -> covered.contains(c.type() + " " + p))) {
                covered.add(c.type() + " " + c.key());
            }
        }
        List<String> unexpected = new ArrayList<>();
        int[] counts = new int[3];
        for (Change c : changes) {
            boolean ok = covered.contains(c.type() + " " + c.key());
            if (!ok) unexpected.add(c.describe());
            counts[List.of("added", "removed", "changed").indexOf(c.type())]++;
            report.add(new CheckDetail.SchemaChange(c.type(), c.key(), c.before(), c.after(), ok, true, c.what()));
        }
        for (Map.Entry<String, List<String>> d : declared.entrySet()) {
            for (String pattern : d.getValue()) {
                boolean matched = changes.stream().anyMatch(c -> c.type().equals(d.getKey())
                        && keyMatches(pattern, c.key()));
                if (!matched) {
                    notHappened.add(d.getKey() + " " + pattern);
                    report.add(new CheckDetail.SchemaChange(d.getKey(), pattern, null, null, true, false));
                }
            }
        }

        boolean passed = unexpected.isEmpty() && notHappened.isEmpty();
        String actual;
        if (passed) {
            actual = changes.isEmpty() && happened.isEmpty() ? "no changes"
                    : counts[0] + " added, " + counts[1] + " removed, " + counts[2] + " changed"
                    + (happened.isEmpty() ? "" : ", " + happened.size() + " renamed") + " as declared";
        } else {
            List<String> parts = new ArrayList<>();
            if (!unexpected.isEmpty()) {
                parts.add(unexpected.size() + " unexpected change" + (unexpected.size() == 1 ? "" : "s") + ": "
                        + String.join(", ", unexpected));
            }
            if (!notHappened.isEmpty()) {
                parts.add(notHappened.size() + " declared change" + (notHappened.size() == 1 ? "" : "s")
                        + " did not happen: " + String.join(", ", notHappened));
            }
            actual = String.join("; ", parts);
        }
        return CheckOutcome.of(passed, expected, actual, sql,
                new CheckDetail.SchemaChanges(spec.compareTo(), report));
    }

    private static Map<String, CatalogObject> byKey(List<CatalogObject> objects) {
        Map<String, CatalogObject> map = new TreeMap<>();
        for (CatalogObject o : objects) map.put(o.key(), o);
        return map;
    }

    private static boolean schemaLevel(String key) {
        int colon = key.indexOf(':');
        return colon > 0 && ObjectKind.ofSingular(key.substring(0, colon)).map(SCHEMA_LEVEL::contains).orElse(false);
    }

    /** A key under a table renamed earlier in this diff ({@code column:old.x}), moved to the new table name. */
    private static String movedWithTable(String key, Map<String, String> tableRenames) {
        int colon = key.indexOf(':');
        if (colon < 0 || schemaLevel(key) || key.startsWith("index:")) return key;
        String kind = key.substring(0, colon + 1);
        for (Map.Entry<String, String> t : tableRenames.entrySet()) {
            if (key.startsWith(kind + t.getKey() + ".")) {
                return kind + t.getValue() + key.substring(kind.length() + t.getKey().length());
            }
        }
        return key;
    }

    /** The right side of a rename may leave out the kind, and for a column also its table. */
    private static String target(String from, String to) {
        int colon = to.indexOf(':');
        if (colon > 0 && ObjectKind.ofSingular(to.substring(0, colon)).isPresent()) return to;
        String kind = from.substring(0, Math.max(0, from.indexOf(':')));
        if (kind.equals("column") && !to.contains(".") && from.contains(".")) {
            return from.substring(0, from.lastIndexOf('.') + 1) + to;
        }
        return kind + ":" + to;
    }

    private static String renameProblem(Rename r, Map<String, CatalogObject> was, Map<String, CatalogObject> is) {
        if (!was.containsKey(r.from())) return r.from() + " was not in the snapshot";
        if (is.containsKey(r.from())) return r.from() + " still exists";
        if (!is.containsKey(r.to())) return r.to() + " does not exist";
        if (was.containsKey(r.to())) return r.to() + " existed before";
        if (was.get(r.from()).kind() != is.get(r.to()).kind()) return "the kinds differ";
        return null;
    }

    /**
     * PostgreSQL renames a primary-key, unique or exclusion constraint and its index together, whichever of the
     * two the migration renamed; the declared rename explains the other.
     */
    private static List<Rename> coupledRenames(Rename r, Map<String, CatalogObject> was,
                                               Map<String, CatalogObject> is) {
        CatalogObject from = was.get(r.from());
        CatalogObject to = is.get(r.to());
        Rename partner = null;
        if (from.kind() == ObjectKind.INDEXES) {
            partner = new Rename("constraint:" + from.table() + "." + from.name(),
                    "constraint:" + to.table() + "." + to.name());
        } else if (from.kind() == ObjectKind.CONSTRAINTS) {
            partner = new Rename("index:" + from.name(), "index:" + to.name());
        }
        return partner != null && renameProblem(partner, was, is) == null ? List.of(partner) : List.of();
    }

    /** The earlier snapshot as it would read had it been taken after the rename and nothing else. */
    private static Map<String, CatalogObject> applyRename(Map<String, CatalogObject> objects, CatalogObject from,
                                                          CatalogObject to) {
        String oldName = from.name();
        String newName = to.name();
        List<CatalogObject> out = new ArrayList<>();
        for (CatalogObject o : objects.values()) {
            String name = o.name();
            String table = o.table();
            Map<String, String> props = new TreeMap<>(o.properties());
            String definition = o.definition();
            boolean self = o.key().equals(from.key());
            if (self) {
                name = newName;
                table = to.table();
                definition = replaceIdentifier(definition, oldName, newName);
            }
            if (SCHEMA_LEVEL.contains(from.kind())) {
                if (from.kind() == ObjectKind.TABLES || from.kind() == ObjectKind.VIEWS) {
                    if (oldName.equals(table)) table = newName;
                    replaceValue(props, "table", oldName, newName);
                    replaceValue(props, "references", oldName, newName);
                    replaceValue(props, "partitionOf", oldName, newName);
                    replaceValue(props, "inherits", oldName, newName);
                    String owner = props.get("owner");
                    if (owner != null && owner.startsWith(oldName + ".")) {
                        props.put("owner", newName + owner.substring(oldName.length()));
                    }
                }
                if (from.kind() == ObjectKind.FUNCTIONS) replaceValue(props, "function", oldName, newName);
                if (from.kind() == ObjectKind.TYPES) {
                    // Columns, domains, functions and composite types name the type they use.
                    for (String p : List.of("type", "baseType", "returns", "arguments", "argumentTypes",
                            "attributes")) {
                        if (props.containsKey(p)) props.put(p, replaceIdentifier(props.get(p), oldName, newName));
                    }
                }
                definition = replaceIdentifier(definition, oldName, newName);
                if (props.containsKey("default")) {
                    props.put("default", replaceIdentifier(props.get("default"), oldName, newName));
                }
            } else if (from.kind() == ObjectKind.COLUMNS) {
                boolean onTable = Objects.equals(o.table(), from.table());
                boolean referencesTable = Objects.equals(o.property("references"), from.table());
                if (onTable) {
                    renameListItem(props, "columns", oldName, newName);
                    renameListItem(props, "include", oldName, newName);
                }
                if (onTable || referencesTable) definition = replaceIdentifier(definition, oldName, newName);
                replaceValue(props, "owner", from.table() + "." + oldName, to.table() + "." + newName);
            }
            out.add(new CatalogObject(o.kind(), name, table, props, definition));
        }
        return byKey(out);
    }

    private static void replaceValue(Map<String, String> props, String key, String old, String replacement) {
        if (old.equals(props.get(key))) props.put(key, replacement);
    }

    private static void renameListItem(Map<String, String> props, String key, String old, String replacement) {
        String list = props.get(key);
        if (list == null) return;
        List<String> items = new ArrayList<>();
        for (String item : list.split(", ")) items.add(item.equals(old) ? replacement : item);
        props.put(key, String.join(", ", items));
    }

    /** Replaces an identifier in printed SQL, quoted or bare, by the new one as PostgreSQL would print it. */
    static String replaceIdentifier(String text, String old, String replacement) {
        if (text == null) return null;
        String out = text.replace("\"" + old.replace("\"", "\"\"") + "\"", quoteIdent(replacement));
        if (SIMPLE_IDENTIFIER.matcher(old).matches()) {
            out = Pattern.compile("(?<![\\w$\"])" + Pattern.quote(old) + "(?![\\w$\"])").matcher(out)
                    .replaceAll(Matcher.quoteReplacement(quoteIdent(replacement)));
        }
        return out;
    }

    private static String quoteIdent(String name) {
        if (SIMPLE_IDENTIFIER.matcher(name).matches() && !RESERVED.contains(name)) return name;
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static List<Change> diff(Map<String, CatalogObject> was, Map<String, CatalogObject> is) {
        List<Change> changes = new ArrayList<>();
        Set<String> keys = new TreeSet<>(was.keySet());
        keys.addAll(is.keySet());
        for (String key : keys) {
            CatalogObject b = was.get(key);
            CatalogObject a = is.get(key);
            if (b == null) {
                changes.add(new Change("added", a, null, summary(a), null));
            } else if (a == null) {
                changes.add(new Change("removed", b, summary(b), null, null));
            } else if (!sameProperties(b, a) || !sameDefinition(b, a)) {
                List<String> was1 = new ArrayList<>();
                List<String> is1 = new ArrayList<>();
                List<String> what = new ArrayList<>();
                Set<String> props = new TreeSet<>(b.properties().keySet());
                props.addAll(a.properties().keySet());
                boolean attributeChanged = false;
                for (String p : props) {
                    if (!sameProperty(a.kind(), p, b.property(p), a.property(p))) {
                        was1.add(p + " " + describeValue(b.property(p)));
                        is1.add(p + " " + describeValue(a.property(p)));
                        what.addAll(ChangeWords.of(p, b.property(p), a.property(p)));
                        attributeChanged |= !p.equals("ownerRole") && !p.equals("comment") && !p.startsWith("grant ");
                    }
                }
                if (!sameDefinition(b, a)) {
                    was1.add("definition " + describeValue(b.definition()));
                    is1.add("definition " + describeValue(a.definition()));
                    // A function's definition is pg_get_functiondef as an md5: it changes with every attribute
                    // and is named only when no attribute explains it (a parameter default, say).
                    if (a.kind() != ObjectKind.FUNCTIONS || !attributeChanged) what.add("definition changed");
                }
                changes.add(new Change("changed", a, String.join("; ", was1), String.join("; ", is1),
                        String.join("; ", what)));
            }
        }
        return changes;
    }

    // Objects whose definition is SQL PostgreSQL prints back (a function's is an md5, compared as it is).
    private static final Set<ObjectKind> PRINTED_DEFINITIONS = EnumSet.of(ObjectKind.CONSTRAINTS, ObjectKind.INDEXES,
            ObjectKind.VIEWS, ObjectKind.TRIGGERS, ObjectKind.POLICIES, ObjectKind.RULES, ObjectKind.STATISTICS);

    /**
     * Printed SQL is compared by meaning where a dump and restore changes only how PostgreSQL prints it
     * ({@link DeparsedSql}); a baseline read on a copy made by pg_dump must match the objects a rollback recreates.
     */
    private static boolean sameDefinition(CatalogObject b, CatalogObject a) {
        return PRINTED_DEFINITIONS.contains(a.kind()) ? DeparsedSql.same(b.definition(), a.definition())
                : Objects.equals(b.definition(), a.definition());
    }

    private static boolean sameProperties(CatalogObject b, CatalogObject a) {
        if (!b.properties().keySet().equals(a.properties().keySet())) return false;
        for (String p : a.properties().keySet()) {
            if (!sameProperty(a.kind(), p, b.property(p), a.property(p))) return false;
        }
        return true;
    }

    /**
     * Properties that hold printed expressions: defaults (a view column's too), generated columns, index keys,
     * partition bounds and keys, domain constraints.
     */
    private static boolean sameProperty(ObjectKind kind, String property, String b, String a) {
        boolean printed = property.equals("default") || property.startsWith("default of column ")
                || property.equals("generated")
                || property.equals("partitionBound") || property.equals("partitionKey")
                || (kind == ObjectKind.INDEXES && property.equals("columns"))
                || (kind == ObjectKind.TYPES && property.startsWith("constraint "));
        return printed ? DeparsedSql.same(b, a) : Objects.equals(b, a);
    }

    /**
     * The objects without the properties of the classes a runbook chose to ignore: comments ({@code comment},
     * {@code comment on column ...}, {@code comment on constraint ...}), privileges ({@code grant ...}) and owners
     * ({@code ownerRole}).
     */
    private static List<CatalogObject> withoutIgnored(List<CatalogObject> objects, Set<CheckSpec.Ignorable> ignore) {
        if (ignore.isEmpty()) return objects;
        List<CatalogObject> out = new ArrayList<>(objects.size());
        for (CatalogObject o : objects) {
            Map<String, String> props = new TreeMap<>(o.properties());
            props.keySet().removeIf(p -> {
                CheckSpec.Ignorable c = ChangeWords.classOf(p);
                return c != null && ignore.contains(c);
            });
            out.add(new CatalogObject(o.kind(), o.name(), o.table(), props, o.definition()));
        }
        return out;
    }

    private static String describeValue(String v) {
        return v == null ? "(none)" : v;
    }

    private static String summary(CatalogObject o) {
        if (o.definition() != null && o.kind() != ObjectKind.FUNCTIONS) return o.definition();
        StringBuilder b = new StringBuilder();
        o.properties().forEach((k, v) -> {
            if (b.length() > 0) b.append("; ");
            b.append(k).append(' ').append(v);
        });
        return b.toString();
    }

    /** The table (or view) whose addition or removal brings this object along, as possible keys. */
    private static List<String> parentKeys(CatalogObject o) {
        if (o.kind() == ObjectKind.SEQUENCES) {
            String owner = o.property("owner");
            return owner == null || owner.lastIndexOf('.') <= 0 ? List.of()
                    : List.of("table:" + owner.substring(0, owner.lastIndexOf('.')));
        }
        if (o.table() == null) return List.of();
        // Triggers and indexes may hang on a view or a materialized view.
        return List.of("table:" + o.table(), "view:" + o.table());
    }

    private static boolean matchesAny(List<String> patterns, String key) {
        return patterns.stream().anyMatch(p -> keyMatches(p, key));
    }

    /** Kinds whose keys carry their table ({@code constraint:users.users_pkey}) though DBAs name them alone. */
    private static final Set<String> TABLE_SCOPED = Set.of("constraint", "trigger", "policy");

    /**
     * A pattern matches a key exactly (with globs), or — for constraints, triggers and policies written without
     * their table, as psql shows them ({@code constraint:users_pkey}) — matches the name part of the key.
     */
    static boolean keyMatches(String pattern, String key) {
        if (glob(pattern).matcher(key).matches()) return true;
        String kind = kindOf(pattern);
        if (!TABLE_SCOPED.contains(kind) || pattern.indexOf('.', kind.length()) >= 0 || !key.startsWith(kind + ":")) {
            return false;
        }
        int dot = key.indexOf('.', kind.length() + 1);
        return dot > 0 && glob(pattern).matcher(kind + ":" + key.substring(dot + 1)).matches();
    }

    private static String kindOf(String key) {
        int colon = key.indexOf(':');
        return colon < 0 ? "" : key.substring(0, colon);
    }

    /** A table-scoped name written without its table resolves to the one object of that name, if unique. */
    private static String resolve(String key, Map<String, CatalogObject> objects) {
        if (objects.containsKey(key) || !TABLE_SCOPED.contains(kindOf(key)) || key.indexOf('.') >= 0) return key;
        List<String> candidates = objects.keySet().stream().filter(k -> keyMatches(key, k) && !k.equals(key))
                .toList();
        return candidates.size() == 1 ? candidates.get(0) : key;
    }

    /** A {@code kind:name} pattern with {@code *} (any run of characters) and {@code ?} (one character). */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char ch : pattern.toCharArray()) {
            if (ch == '*' || ch == '?') {
                if (literal.length() > 0) regex.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                regex.append(ch == '*' ? ".*" : ".");
            } else {
                literal.append(ch);
            }
        }
        if (literal.length() > 0) regex.append(Pattern.quote(literal.toString()));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    private static String expected(CheckSpec.SchemaDiff spec) {
        List<String> parts = new ArrayList<>();
        if (!spec.added().isEmpty()) parts.add("added " + String.join(", ", spec.added()));
        if (!spec.removed().isEmpty()) parts.add("removed " + String.join(", ", spec.removed()));
        if (!spec.changed().isEmpty()) parts.add("changed " + String.join(", ", spec.changed()));
        if (!spec.renamed().isEmpty()) {
            List<String> renames = new ArrayList<>();
            new TreeMap<>(spec.renamed()).forEach((k, v) -> renames.add(k + " -> " + target(k, v)));
            parts.add("renamed " + String.join(", ", renames));
        }
        return parts.isEmpty() ? "no schema changes since '" + spec.compareTo() + "'"
                : "only the declared changes since '" + spec.compareTo() + "': " + String.join("; ", parts);
    }
}
