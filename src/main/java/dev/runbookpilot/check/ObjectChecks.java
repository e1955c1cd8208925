package dev.runbookpilot.check;

import dev.runbookpilot.db.CatalogObject;
import dev.runbookpilot.db.CatalogReader;
import dev.runbookpilot.db.SchemaSnapshot;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.ObjectKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Evaluates the catalog checks ({@code tables}, {@code columns}, {@code indexes}, ...) against a schema snapshot.
 * Pure: the snapshot was read before, in one pass.
 *
 * <p>Names compare exactly (PostgreSQL stores them case-sensitively); property values compare the way a DBA
 * means them: {@code int} is {@code integer}, {@code yes} is {@code true}, trigger events in any order.
 */
public final class ObjectChecks {

    private static final Set<ObjectKind> TABLE_SCOPED = EnumSet.of(ObjectKind.COLUMNS, ObjectKind.INDEXES,
            ObjectKind.CONSTRAINTS, ObjectKind.TRIGGERS, ObjectKind.POLICIES, ObjectKind.RULES,
            ObjectKind.STATISTICS);
    private static final Set<String> BOOLEANS = Set.of("rls", "nullable", "unique", "primary", "partial",
            "materialized", "enabled", "permissive", "valid", "validated", "deferrable", "partitioned", "unlogged");
    private static final Set<String> KEYWORDS = Set.of("timing", "method", "language", "level", "volatility",
            "security", "kind", "identity");
    private static final Set<String> UNORDERED_LISTS = Set.of("events", "roles");
    private static final Set<String> ORDERED_LISTS = Set.of("columns", "include");

    private ObjectChecks() {}

    public static CheckOutcome evaluate(CheckSpec.CatalogObjects spec, SchemaSnapshot snapshot) {
        ObjectKind kind = spec.objectKind();
        String sql = CatalogReader.sqlFor(kind, snapshot.schema());
        String expected = expected(spec);
        if (spec.schema() != null && !spec.schema().equals(snapshot.schema())) {
            return error(expected, "the check names schema " + spec.schema() + " but the snapshot is of "
                    + snapshot.schema(), sql);
        }
        if (kind == ObjectKind.COLUMNS && spec.table() == null) {
            return error(expected, "a columns check needs a table", sql);
        }
        if (spec.exist().isEmpty() && spec.absent().isEmpty() && spec.exact() == null && spec.count() == null) {
            return error(expected, "nothing to compare: the check lists no objects and no count", sql);
        }
        boolean scoped = spec.table() != null && TABLE_SCOPED.contains(kind);
        if (scoped && snapshot.find("table:" + spec.table()).isEmpty()
                && snapshot.find("view:" + spec.table()).isEmpty()) {
            String actual = "table " + spec.table() + " does not exist in schema " + snapshot.schema()
                    + caseHint(spec.table(), snapshot.of(ObjectKind.TABLES));
            return new CheckOutcome(Status.FAILED, expected, actual, sql,
                    new CheckDetail.ObjectsDiff(List.of(), List.of(spec.table()), List.of(), List.of()));
        }
        List<CatalogObject> scope = scoped ? snapshot.of(kind, spec.table()) : snapshot.of(kind);
        List<CatalogObject> candidates = scope.stream().filter(o -> matchesAll(spec.filter(), o)).toList();

        Evaluation ev = new Evaluation(scoped);
        if (!spec.exist().isEmpty()) ev.exist(spec.exist(), scope, candidates);
        if (!spec.absent().isEmpty()) ev.absent(spec.absent(), candidates);
        if (spec.exact() != null) ev.exact(spec.exact(), candidates);
        if (spec.count() != null) {
            Expectations.Verdict v = Expectations.testCount(spec.count(), candidates.size());
            ev.part(v.passed(), "count = " + candidates.size());
            ev.evaluable &= v.evaluable();
        }
        Status status = !ev.evaluable ? Status.ERROR : ev.passed ? Status.PASSED : Status.FAILED;
        return new CheckOutcome(status, expected, String.join("; ", ev.actual), sql,
                new CheckDetail.ObjectsDiff(List.copyOf(ev.found), List.copyOf(ev.missing),
                        List.copyOf(ev.unexpected), List.copyOf(ev.mismatched)));
    }

    /** Accumulates the verdict and the evidence of every clause of one check. */
    private static final class Evaluation {
        final boolean scoped;
        boolean passed = true;
        boolean evaluable = true;
        final List<String> actual = new ArrayList<>();
        final Set<String> found = new LinkedHashSet<>();
        final Set<String> missing = new LinkedHashSet<>();
        final Set<String> unexpected = new LinkedHashSet<>();
        final Set<String> mismatched = new LinkedHashSet<>();

        Evaluation(boolean scoped) {
            this.scoped = scoped;
        }

        void part(boolean ok, String text) {
            passed &= ok;
            actual.add(text);
        }

        void exist(List<CheckSpec.ObjectSpec> specs, List<CatalogObject> scope, List<CatalogObject> candidates) {
            List<String> missingHere = new ArrayList<>();
            List<String> mismatchedHere = new ArrayList<>();
            for (CheckSpec.ObjectSpec os : specs) {
                List<CatalogObject> named = named(os.name(), candidates);
                if (named.isEmpty()) {
                    if (!named(os.name(), scope).isEmpty()) {
                        mismatchedHere.add(os.name() + ": exists but does not match the where filter");
                    } else {
                        missingHere.add(os.name() + caseHint(os.name(), scope));
                        missing.add(os.name());
                    }
                    continue;
                }
                List<String> diffs = closestDifferences(os, named);
                if (diffs.isEmpty()) {
                    found.add(display(named.get(0)));
                } else {
                    mismatchedHere.addAll(diffs);
                }
            }
            mismatched.addAll(mismatchedHere);
            if (missingHere.isEmpty() && mismatchedHere.isEmpty()) {
                // Each part names what it is about: beside an "absent" part, a bare "present" reads as a contradiction.
                part(true, specs.size() == 1 ? specs.get(0).name() + " present" : "all " + specs.size() + " present");
            } else {
                List<String> text = new ArrayList<>();
                if (!missingHere.isEmpty()) text.add("missing: " + String.join(", ", missingHere));
                text.addAll(mismatchedHere);
                part(false, String.join("; ", text));
            }
        }

        void absent(List<String> names, List<CatalogObject> candidates) {
            List<String> present = new ArrayList<>();
            for (String name : names) {
                List<CatalogObject> named = named(name, candidates);
                if (!named.isEmpty()) present.add(display(named.get(0)));
            }
            unexpected.addAll(present);
            part(present.isEmpty(), present.isEmpty() ? (names.size() == 1 ? names.get(0) + " absent"
                    : "all " + names.size() + " absent") : "present: " + String.join(", ", present));
        }

        void exact(List<CheckSpec.ObjectSpec> specs, List<CatalogObject> candidates) {
            Map<CatalogObject, Boolean> matched = new IdentityHashMap<>();
            List<String> missingHere = new ArrayList<>();
            List<String> mismatchedHere = new ArrayList<>();
            for (CheckSpec.ObjectSpec os : specs) {
                List<CatalogObject> named = named(os.name(), candidates);
                named.forEach(o -> matched.put(o, true));
                if (named.isEmpty()) {
                    missingHere.add(os.name() + caseHint(os.name(), candidates));
                    missing.add(os.name());
                    continue;
                }
                List<String> diffs = closestDifferences(os, named);
                if (diffs.isEmpty()) found.add(display(named.get(0)));
                mismatchedHere.addAll(diffs);
            }
            List<String> extra = candidates.stream().filter(o -> !matched.containsKey(o)).map(this::display).toList();
            unexpected.addAll(extra);
            mismatched.addAll(mismatchedHere);
            if (missingHere.isEmpty() && extra.isEmpty() && mismatchedHere.isEmpty()) {
                part(true, "exactly as listed (" + candidates.size() + ")");
                return;
            }
            List<String> text = new ArrayList<>();
            if (!missingHere.isEmpty()) text.add("missing: " + String.join(", ", missingHere));
            if (!extra.isEmpty()) text.add("extra: " + String.join(", ", extra));
            text.addAll(mismatchedHere);
            part(false, String.join("; ", text));
        }

        /** How an object is named to the operator: as the runbook would name it. */
        String display(CatalogObject o) {
            if (o.kind() == ObjectKind.FUNCTIONS) return o.qualifiedName();
            if (scoped || o.table() == null || o.kind() == ObjectKind.INDEXES
                    || o.kind() == ObjectKind.STATISTICS) return o.name();
            return o.table() + "." + o.name();
        }

        /**
         * The property differences of the best match among same-named objects (overloads, or one constraint name
         * on two tables); empty when one of them matches fully.
         */
        List<String> closestDifferences(CheckSpec.ObjectSpec os, List<CatalogObject> named) {
            List<String> best = null;
            for (CatalogObject o : named) {
                List<String> diffs = new ArrayList<>();
                for (Map.Entry<String, String> p : new TreeMap<>(os.properties()).entrySet()) {
                    String actualValue = o.property(p.getKey());
                    if (!propertyMatches(p.getKey(), p.getValue(), actualValue)) {
                        diffs.add(display(o) + ": " + p.getKey() + " is "
                                + (actualValue == null ? "not set" : actualValue) + ", expected " + p.getValue());
                    }
                }
                if (best == null || diffs.size() < best.size()) best = diffs;
            }
            return best == null ? List.of() : best;
        }
    }

    private static List<CatalogObject> named(String name, List<CatalogObject> objects) {
        return objects.stream().filter(o -> nameMatches(name, o)).toList();
    }

    /**
     * A runbook names an object by its name, by {@code table.name}, or a function also by
     * {@code name(argument types)} or {@code name(arguments)}.
     */
    static boolean nameMatches(String name, CatalogObject o) {
        if (name.equals(o.name())) return true;
        if (o.table() != null && name.equals(o.table() + "." + o.name())) return true;
        if (o.kind() == ObjectKind.FUNCTIONS && name.endsWith(")")) {
            int open = name.indexOf('(');
            if (open < 0 || !name.substring(0, open).strip().equals(o.name())) return false;
            String args = normalizeType(name.substring(open + 1, name.length() - 1));
            return args.equals(normalizeType(o.properties().getOrDefault("argumentTypes", "")))
                    || args.equals(normalizeType(o.properties().getOrDefault("arguments", "")));
        }
        return false;
    }

    private static boolean matchesAll(Map<String, String> filter, CatalogObject o) {
        for (Map.Entry<String, String> f : filter.entrySet()) {
            if (!propertyMatches(f.getKey(), f.getValue(), o.property(f.getKey()))) return false;
        }
        return true;
    }

    /** Compares a property as the runbook wrote it with the catalog's value. */
    static boolean propertyMatches(String key, String expected, String actual) {
        if (actual == null) return false;
        if (BOOLEANS.contains(key)) {
            String e = bool(expected);
            return e != null && e.equals(bool(actual));
        }
        if (UNORDERED_LISTS.contains(key)) {
            return items(expected, key.equals("events")).stream().sorted().toList()
                    .equals(items(actual, key.equals("events")).stream().sorted().toList());
        }
        if (ORDERED_LISTS.contains(key)) return items(expected, false).equals(items(actual, false));
        switch (key) {
            case "type":
                // A column's or sequence's type, or a constraint's kind; the normalisations do not collide.
                return normalizeType(constraintType(expected)).equals(normalizeType(constraintType(actual)));
            case "arguments":
            case "returns":
                return normalizeType(expected).equals(normalizeType(actual));
            case "command":
                return keyword(expected).replace("*", "all").equals(keyword(actual));
            case "function":
                return stripCallParens(expected).equals(stripCallParens(actual));
            case "definition":
                return expected.strip().replaceAll("\\s+", " ").equals(actual.strip().replaceAll("\\s+", " "));
            default:
                if (KEYWORDS.contains(key)) return keyword(expected).equals(keyword(actual));
                return expected.strip().equals(actual.strip());
        }
    }

    private static String bool(String s) {
        switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "t": case "y": case "1":
                return "true";
            case "false": case "no": case "off": case "f": case "n": case "0":
                return "false";
            default:
                return null;
        }
    }

    private static List<String> items(String list, boolean lowerCase) {
        String s = lowerCase ? list.toLowerCase(Locale.ROOT) : list;
        return Arrays.stream(s.split(lowerCase ? "\\s*,\\s*|\\s+or\\s+" : "\\s*,\\s*"))
                .map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    private static String keyword(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    }

    private static String constraintType(String s) {
        String k = keyword(s);
        switch (k) {
            case "pk": case "primary": return "primary key";
            case "fk": case "foreign": return "foreign key";
            default: return s;
        }
    }

    private static String stripCallParens(String s) {
        String t = s.strip();
        return t.endsWith("()") ? t.substring(0, t.length() - 2) : t;
    }

    private static final List<Map.Entry<Pattern, String>> TYPE_ALIASES = List.of(
            alias("\\btimestamptz\\b(\\(\\d+\\))?+", "timestamp$1 with time zone"),
            alias("\\btimetz\\b(\\(\\d+\\))?+", "time$1 with time zone"),
            alias("\\btimestamp\\b(\\(\\d+\\))?+(?! with)", "timestamp$1 without time zone"),
            alias("\\btime\\b(\\(\\d+\\))?+(?! with)(?! zone)", "time$1 without time zone"),
            alias("\\b(?:int8|bigserial|serial8)\\b", "bigint"),
            alias("\\b(?:int4|int|serial4|serial)\\b", "integer"),
            alias("\\b(?:int2|smallserial|serial2)\\b", "smallint"),
            alias("\\b(?:float8|float)\\b|\\bdouble\\b(?! precision)", "double precision"),
            alias("\\bfloat4\\b", "real"),
            alias("\\bbool\\b", "boolean"),
            alias("\\bvarchar\\b", "character varying"),
            alias("\\b(?:char|bpchar)\\b(?! varying)", "character"),
            alias("\\bvarbit\\b", "bit varying"),
            alias("\\bdecimal\\b", "numeric"));

    private static Map.Entry<Pattern, String> alias(String regex, String replacement) {
        return Map.entry(Pattern.compile(regex), replacement);
    }

    /**
     * A type (or a list of them) in the spelling {@code format_type} prints: {@code int4} and {@code int} become
     * {@code integer}, {@code varchar(80)} {@code character varying(80)}, {@code timestamptz}
     * {@code timestamp with time zone}. Both sides of a comparison go through it, so spacing is irrelevant.
     */
    static String normalizeType(String type) {
        String s = type.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
        s = s.replaceAll("\\s*\\(\\s*", "(").replaceAll("\\s*\\)", ")");
        for (Map.Entry<Pattern, String> a : TYPE_ALIASES) {
            Matcher m = a.getKey().matcher(s);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String group = m.groupCount() > 0 && m.group(1) != null ? m.group(1) : "";
                m.appendReplacement(out, Matcher.quoteReplacement(a.getValue().replace("$1", group)));
            }
            m.appendTail(out);
            s = out.toString();
        }
        return s.replaceAll("\\s*([(),\\[\\]])\\s*", "$1");
    }

    private static String caseHint(String name, List<CatalogObject> objects) {
        return objects.stream().map(CatalogObject::name)
                .filter(n -> !n.equals(name) && n.equalsIgnoreCase(name)).findFirst()
                .map(n -> " (there is " + n + "; names are case-sensitive)").orElse("");
    }

    private static CheckOutcome error(String expected, String actual, String sql) {
        return new CheckOutcome(Status.ERROR, expected, actual, sql, null);
    }

    private static String expected(CheckSpec.CatalogObjects spec) {
        StringBuilder b = new StringBuilder(spec.objectKind().yamlKey());
        if (spec.table() != null && TABLE_SCOPED.contains(spec.objectKind())) b.append(" of ").append(spec.table());
        if (!spec.filter().isEmpty()) {
            b.append(" where ").append(new TreeMap<>(spec.filter()).entrySet().stream()
                    .map(e -> e.getKey() + " = " + e.getValue()).collect(Collectors.joining(", ")));
        }
        List<String> parts = new ArrayList<>();
        if (!spec.exist().isEmpty()) parts.add("present: " + describe(spec.exist()));
        if (!spec.absent().isEmpty()) parts.add("absent: " + String.join(", ", spec.absent()));
        if (spec.exact() != null) {
            parts.add(spec.exact().isEmpty() ? "exactly none" : "exactly: " + describe(spec.exact()));
        }
        if (spec.count() != null) parts.add("count " + spec.count().describe());
        return b.append(": ").append(String.join("; ", parts)).toString();
    }

    private static String describe(List<CheckSpec.ObjectSpec> specs) {
        List<String> out = new ArrayList<>();
        for (CheckSpec.ObjectSpec os : specs) {
            if (os.properties().isEmpty()) {
                out.add(os.name());
            } else {
                out.add(os.name() + " (" + new TreeMap<>(os.properties()).entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")) + ")");
            }
        }
        return String.join(", ", out);
    }
}
