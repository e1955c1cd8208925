package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Objects named in prose with the state they must be in, and no SQL next to them:
 * "Confirm indexes created: `idx_a`, `idx_b`" ({@code indexes: exist}), "`users` has new fields `a`, `b`" and
 * "Columns `a`, `b` added to `users`" ({@code columns: exist} on that table), "Extensions installed (`pgcrypto`,
 * `uuid-ossp`)", "Tables `a`, `b` created" / "`legacy` table dropped" ({@code tables: exist / absent}).
 *
 * <p>Only backticked names count (or, for extensions, a parenthesised list), every code span of the item must be a
 * name, and the prose must say the state (created, exists, added, installed / dropped, removed, gone). An
 * instruction ("Create index `a`") is an action, not a state, and is left alone: checking it before the operator
 * acted would say nothing.
 */
public final class NamedObjectsRecogniser implements Recogniser {

    private static final Pattern EXTENSION_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern EXIST = Pattern.compile(
            "(?i)\\b(created|exists?|existing|present|in\\s+place|added|installed|built|available|enabled|has|have|now\\s+has"
                    + "|contains?|new)\\b");
    private static final Pattern ABSENT = Pattern.compile(
            "(?i)\\b(dropped|removed|deleted|gone|absent|no\\s+longer(?:\\s+(?:exists?|present|there|available))?|(?:do|does|should)\\s*(?:n't|\\s+not)\\s+exist"
                    + "|not\\s+(?:present|exist))\\b");
    private static final Pattern ACTION = Pattern.compile(
            "(?i)^\\W*(create|add|drop|remove|delete|install|run|build|rename|reindex|apply|execute|alter)\\b");
    private static final Pattern TABLE_BEFORE = Pattern.compile("(?i)\\b(?:to|on|in|of|into|for)\\s+(?:the\\s+)?(?:table\\s+)?$");
    private static final Pattern PAREN_LIST = Pattern.compile("\\(([A-Za-z_][A-Za-z0-9_-]*(?:\\s*,\\s*[A-Za-z_][A-Za-z0-9_-]*)*)\\)");

    private enum Kind { INDEXES, EXTENSIONS, COLUMNS, TABLES }

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.statements().isEmpty() || !item.code().isEmpty()) return Optional.empty();
        String text = item.text().replace("**", "").replace("__", "");
        if (ACTION.matcher(Names.proseOnly(text)).find()) return Optional.empty();
        String prose = Names.proseOnly(text).toLowerCase(java.util.Locale.ROOT);
        // A rename names the old object and the new one with one verb: only "table `a` renamed to `b`" says which
        // must exist (the new name) and which must be gone (the old one).
        if (prose.matches("(?s).*\\brenam\\w*.*")) return tableRename(item, text);
        Kind kind = prose.matches("(?s).*\\b(columns?|fields?)\\b.*") ? Kind.COLUMNS
                : prose.matches("(?s).*\\bindex(es)?\\b.*") ? Kind.INDEXES
                : prose.matches("(?s).*\\bextensions?\\b.*") ? Kind.EXTENSIONS
                : prose.matches("(?s).*\\btables?\\b.*") ? Kind.TABLES : null;
        if (kind == null) return Optional.empty();
        boolean absent = ABSENT.matcher(prose).find();
        // "no longer exists" is about absence: its "exists" must not also read as presence.
        boolean exist = EXIST.matcher(ABSENT.matcher(prose).replaceAll(" ")).find();
        if (exist == absent) return Optional.empty();

        List<Span> spans = spans(text);
        if (spans == null) return Optional.empty();
        List<String> names = new ArrayList<>();
        String table = null;
        if (kind == Kind.EXTENSIONS) {
            for (Span s : spans) if (EXTENSION_NAME.matcher(s.name).matches()) names.add(s.name);
            if (names.size() != spans.size()) return Optional.empty();
            if (names.isEmpty()) {
                Matcher p = PAREN_LIST.matcher(text);
                if (p.find()) for (String n : p.group(1).split("\\s*,\\s*")) names.add(n);
            }
        } else {
            for (Span s : spans) if (!Names.IDENTIFIER.matcher(s.name).matches()) return Optional.empty();
            if (kind == Kind.COLUMNS) {
                Columns c = columns(text, spans);
                if (c == null) return Optional.empty();
                table = c.table;
                names.addAll(c.names);
            } else {
                for (Span s : spans) names.add(s.name);
            }
        }
        if (names.isEmpty()) return Optional.empty();
        // "has now the type citext", "not null", "default now()": more than existence, which a bare name would not
        // check, so the check could pass while the column is wrong.
        if (kind == Kind.COLUMNS && prose.matches("(?s).*\\b(type|typed|default|null|nullable|length|precision)\\b.*")) {
            // "has now the type citext" of one column: the type is checked with it.
            Matcher typed = TYPED.matcher(Names.proseOnly(text));
            if (names.size() != 1 || !exist || !typed.find()
                    || prose.matches("(?s).*\\b(default|null|nullable|length|precision)\\b.*")) {
                return Optional.empty();
            }
            var options = Intent.options("name", Names.checkName(item), "table", table,
                    "exist", List.of(Intent.options("name", names.get(0), "type", typed.group(1).strip())));
            return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "columns", options))));
        }
        // "unique index `a`": the index must be unique too, so the check says so; for several names it is not
        // clear which.
        boolean unique = kind == Kind.INDEXES && prose.matches("(?s).*\\bunique\\b.*");
        if (unique && names.size() != 1) return Optional.empty();
        // "valid" / "none left INVALID" is more than existence (a failed concurrent build leaves the index there).
        if (kind == Kind.INDEXES && prose.matches("(?s).*\\b(primary|partial|where|gin|gist|brin|hash|concurrently|valid|invalid)\\b.*")) {
            return Optional.empty();
        }
        String schema = null;
        if (kind != Kind.COLUMNS && kind != Kind.EXTENSIONS) {
            // Schema-qualified names: one schema for the whole list, else a person reads it.
            List<String> plain = new ArrayList<>();
            for (String n : names) {
                int dot = n.indexOf('.');
                String s = dot < 0 ? null : n.substring(0, dot);
                if (!plain.isEmpty() && !java.util.Objects.equals(s, schema)) return Optional.empty();
                schema = s;
                plain.add(dot < 0 ? n : n.substring(dot + 1));
            }
            names = plain;
        }
        var options = Intent.options("name", Names.checkName(item));
        if (schema != null) options.put("schema", schema);
        if (table != null && table.contains(".")) {
            options.put("schema", table.substring(0, table.indexOf('.')));
            table = table.substring(table.indexOf('.') + 1);
        }
        if (table != null) options.put("table", table);
        List<Object> entries = new ArrayList<>(names);
        if (unique && exist) entries = List.of(Intent.options("name", names.get(0), "unique", true));
        options.put(exist ? "exist" : "absent", entries);
        String yamlKind = switch (kind) {
            case INDEXES -> "indexes";
            case EXTENSIONS -> "extensions";
            case COLUMNS -> "columns";
            case TABLES -> "tables";
        };
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), yamlKind, options))));
    }

    private static final Pattern TYPED = Pattern.compile(
            "(?i)\\b(?:has|have|is|are|gets?|got)\\s+(?:now\\s+)?(?:the\\s+)?(?:data\\s+)?(?:type|typed|of\\s+type)\\s+"
                    + "([a-z][a-z0-9_]*(?:\\s+(?:precision|varying|zone|time))*(?:\\s*\\(\\s*\\d+(?:\\s*,\\s*\\d+)?\\s*\\))?)"
                    + "\\s*(?:now\\s*)?[.;!]?\\s*$");
    private static final Pattern TABLE_RENAMED = Pattern.compile(
            "(?i)^\\W*(?:the\\s+)?table\\s+`([A-Za-z_][A-Za-z0-9_$]*)`\\s+(?:is|was|has\\s+been|got)?\\s*renamed\\s+(?:in)?to\\s+"
                    + "`([A-Za-z_][A-Za-z0-9_$]*)`(?:\\s*[,;]\\s*the\\s+old\\s+name\\s+(?:must|should|does)\\s*(?:n't|\\s+not)\\s+exist"
                    + "(?:\\s+any\\s*more|\\s+anymore)?)?\\s*[.!]?\\s*$");

    /** "The table `a` is renamed into `b`": `b` exists and `a` does not. */
    private Optional<Intent> tableRename(Item item, String text) {
        Matcher m = TABLE_RENAMED.matcher(text);
        if (!m.matches()) return Optional.empty();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "tables", Intent.options(
                "name", Names.checkName(item), "exist", List.of(m.group(2)), "absent", List.of(m.group(1)))))));
    }

    private record Span(String name, String before) {}

    /** The item's code spans with the prose just before each; null when a span is no single word. */
    private static List<Span> spans(String text) {
        List<Span> out = new ArrayList<>();
        Matcher m = Pattern.compile("(`+)(.+?)\\1").matcher(text);
        int end = 0;
        while (m.find()) {
            String name = m.group(2).strip();
            if (name.isEmpty() || name.contains(" ")) return null;
            out.add(new Span(name, text.substring(end, m.start())));
            end = m.end();
        }
        return out;
    }

    private record Columns(String table, List<String> names) {}

    /**
     * Which span is the table: the first when the prose right after it says it has them ("`users` has new fields
     * `a`, `b`"), the last when the words before it say where they went ("columns `a`, `b` added to `users`"), or
     * the qualifier of {@code users.a}, {@code users.b}. Anything else is not read.
     */
    private static Columns columns(String text, List<Span> spans) {
        if (spans.isEmpty()) return null;
        if (spans.size() >= 2 && spans.get(1).before.matches(
                "(?is)\\s*(?:table\\s+)?(?:now\\s+)?(?:has|have|gets|got|with|contains?)\\s+(?:the\\s+)?(?:new\\s+)?"
                        + "(?:columns?|fields?)\\s*:?\\s*(?:\\(\\s*)?")) {
            return plainColumns(spans.get(0).name, spans.subList(1, spans.size()));
        }
        // "New columns on `accounts`: `a`, `b`": the table named right after "columns on", the list after a colon.
        if (spans.size() >= 2 && spans.get(0).before.matches(
                "(?is)\\W*(?:the\\s+)?(?:new\\s+)?(?:columns?|fields?)\\s+(?:on|of|in|to)\\s+(?:the\\s+)?(?:table\\s+)?")
                && spans.get(1).before.matches("\\s*[:—–-]\\s*(?:\\(\\s*)?")) {
            return plainColumns(spans.get(0).name, spans.subList(1, spans.size()));
        }
        Span last = spans.get(spans.size() - 1);
        if (spans.size() >= 2 && TABLE_BEFORE.matcher(last.before).find()) {
            return plainColumns(last.name, spans.subList(0, spans.size() - 1));
        }
        String table = null;
        List<String> names = new ArrayList<>();
        for (Span s : spans) {
            int dot = s.name.indexOf('.');
            if (dot < 0) return null;
            String t = s.name.substring(0, dot);
            if (table != null && !table.equals(t)) return null;
            table = t;
            names.add(s.name.substring(dot + 1));
        }
        return table == null ? null : new Columns(table, names);
    }

    private static Columns plainColumns(String table, List<Span> columns) {
        List<String> names = new ArrayList<>();
        for (Span s : columns) {
            if (s.name.contains(".")) return null;
            names.add(s.name);
        }
        return new Columns(table, names);
    }
}
