package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Foreign keys the checklist says are there, with or without a catalogue query next to the words:
 * <ul>
 * <li>a listing of a table's foreign keys with the rows it must print ("Check foreign key constraints:
 * `SELECT conname FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype = 'f'` → a, b"): exactly those
 * foreign keys on that table;</li>
 * <li>foreign keys named in backticks ("You should see `orders_user_id_fkey` pointing to `users`", "the foreign key
 * `orders_user_id_fkey` is still there"): each exists and is a foreign key (and references the table named after
 * "pointing to" / "references" when one key is named);</li>
 * <li>no names, only where they point ("Check foreign key constraints on memberships (to users and to teams)"): the
 * table has a foreign key to each of them.</li>
 * </ul>
 * Instructions ("Add a foreign key ...") and negations ("no foreign key", "dropped") are left alone.
 */
public final class ForeignKeysRecogniser implements Recogniser {

    private static final Pattern FK = Pattern.compile("(?i)\\bforeign[- ]keys?\\b|\\bFKs?\\b");
    private static final Pattern ACTION = Pattern.compile(
            "(?i)^\\W*(add|create|drop|remove|delete|disable|rename|validate|alter)\\b");
    private static final Pattern NEGATION = Pattern.compile(
            "(?i)\\b(no|not|never|without|dropped|removed|deleted|gone|absent|missing|if|unless|no\\s+longer)\\b");
    private static final Pattern CONRELID = Pattern.compile(
            "(?i)\\bconrelid\\s*=\\s*'([A-Za-z_][A-Za-z0-9_$]*)'\\s*::\\s*regclass");
    private static final Pattern ON_TABLE = Pattern.compile(
            "(?i)\\b(?:constraints?|keys?|FKs?)\\s+(?:on|of|for)\\s+(?:the\\s+)?(?:table\\s+)?`?([A-Za-z_][A-Za-z0-9_$]*)`?");
    private static final Pattern ROWS = Pattern.compile(
            "^\\s*(?:→|->|⇒)\\s*([A-Za-z_][A-Za-z0-9_$]*(?:\\s*,\\s*[A-Za-z_][A-Za-z0-9_$]*)*)\\s*$");
    private static final Pattern POINTING = Pattern.compile(
            "(?i)\\b(?:pointing\\s+to|points\\s+to|referenc(?:es|ing))\\s+`([A-Za-z_][A-Za-z0-9_$]*)`");
    private static final Pattern TARGETS = Pattern.compile(
            "(?i)\\(\\s*to\\s+([A-Za-z_][A-Za-z0-9_$]*)((?:\\s*(?:,|and)\\s*(?:to\\s+)?[A-Za-z_][A-Za-z0-9_$]*)*)\\s*\\)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        List<Item.Statement> statements = NoteSql.statements(item);
        String words = NoteSql.prose(item).replace("**", "");
        String prose = Names.proseOnly(words);
        if (!FK.matcher(prose).find() || ACTION.matcher(prose).find() || NEGATION.matcher(prose).find()) {
            return Optional.empty();
        }
        if (statements.size() > 1 || !item.code().isEmpty() && statements.isEmpty()) return Optional.empty();
        String table = null;
        if (statements.size() == 1) {
            Matcher m = CONRELID.matcher(statements.get(0).sql());
            if (!m.find()) return Optional.empty();   // a query this reading does not know
            table = m.group(1);
        } else {
            Matcher m = ON_TABLE.matcher(prose);
            if (m.find()) table = m.group(1);
        }
        String name = Names.checkName(item);

        // The rows the listing must print: exactly those foreign keys.
        List<String> rows = null;
        for (Item.Note n : item.notes()) {
            Matcher m = ROWS.matcher(n.text());
            if (m.matches()) {
                if (rows != null) return Optional.empty();
                rows = List.of(m.group(1).split("\\s*,\\s*"));
            }
        }
        if (rows != null) {
            if (table == null || statements.isEmpty()) return Optional.empty();
            return check(item, Intent.options("name", name, "table", table,
                    "where", Intent.options("type", "foreign key"), "exact", new ArrayList<Object>(rows)));
        }

        // Keys named in backticks, the query's own span and the table it points to left out.
        String references = null;
        Matcher p = POINTING.matcher(words);
        if (p.find()) references = p.group(1);
        List<String> keys = new ArrayList<>();
        Matcher span = CODE_SPAN.matcher(words);
        while (span.find()) {
            String s = span.group(2).strip();
            if (!NAME.matcher(s).matches()) {
                if (statements.isEmpty()) return Optional.empty();
                continue;
            }
            if (s.equals(references) || s.equals(table) || keys.contains(s)) continue;
            keys.add(s);
        }
        if (!keys.isEmpty()) {
            List<Object> entries = new ArrayList<>();
            for (String k : keys) {
                var e = Intent.options("name", k, "type", "foreign key");
                if (references != null && keys.size() == 1) e.put("references", references);
                entries.add(e);
            }
            var options = Intent.options("name", name);
            if (table != null) options.put("table", table);
            options.put("exist", entries);
            return check(item, options);
        }

        // No names: the tables they point to, one check each.
        Matcher t = TARGETS.matcher(prose);
        if (table == null || !t.find()) return Optional.empty();
        List<String> targets = new ArrayList<>();
        targets.add(t.group(1));
        Matcher more = Pattern.compile("(?i)(?:,|and)\\s*(?:to\\s+)?([A-Za-z_][A-Za-z0-9_$]*)").matcher(t.group(2));
        while (more.find()) targets.add(more.group(1));
        List<Intent.Check> checks = new ArrayList<>();
        for (String target : targets) {
            checks.add(new Intent.Check(item.line(), "constraints", Intent.options("name",
                    "Foreign key to " + target + ": " + name, "table", table,
                    "where", Intent.options("type", "foreign key", "references", target), "count", ">= 1")));
        }
        return Optional.of(Intent.sure(this, checks));
    }

    private Optional<Intent> check(Item item, java.util.Map<String, Object> options) {
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "constraints", options))));
    }
}
