package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A lookup of one table in the catalogue whose point the words say, with no result written:
 * <ul>
 * <li>"verify table exists: `psql -c "\dt stock_movements"`", "verify table exists: {@code SELECT
 * to_regclass('public.memberships');}": the table exists ({@code tables: exist});</li>
 * <li>"`psql -c "\d stock_movements"` shows `reason_code` (varchar(16), not null)": the table has that column, of
 * that type and nullability when the parenthesis says them ({@code columns});</li>
 * <li>"`team_users` still exists" with no kind named and no query: read as a table, unsure (it could be a view);</li>
 * <li>"orders has no `fulfilled_at` yet": the table has no such column, unsure (the name is read as a column).</li>
 * </ul>
 * A parenthesis that explains ("(it is dropped next week, not tonight)") is not read for the state; a negation
 * outside it leaves the item to a person.
 */
public final class CatalogLookupRecogniser implements Recogniser {

    private static final Pattern EXISTS = Pattern.compile(
            "(?i)\\b(exists?|is\\s+there|still\\s+there|present|in\\s+place)\\b");
    private static final Pattern NEGATION = Pattern.compile(
            "(?i)\\b(no|not|never|n't|gone|dropped|removed|absent|missing|without|if|unless|no\\s+longer)\\b|n't\\b");
    private static final Pattern KIND = Pattern.compile(
            "(?i)\\b(tables?|columns?|fields?|index(es)?|views?|extensions?|functions?|sequences?|types?|schemas?"
                    + "|constraints?|triggers?|policies|policy|roles?|users?|databases?|keys?)\\b");
    private static final Pattern DT = Pattern.compile("^\\\\dt\\+?\\s+([A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?)\\s*;?$");
    private static final Pattern D = Pattern.compile("^\\\\d\\+?\\s+([A-Za-z_][A-Za-z0-9_$]*)\\s*;?$");
    private static final Pattern REGCLASS = Pattern.compile(
            "(?is)^\\s*select\\s+to_regclass\\s*\\(\\s*'([A-Za-z_][A-Za-z0-9_$]*(?:\\.[A-Za-z_][A-Za-z0-9_$]*)?)'\\s*\\)"
                    + "(?:\\s+is\\s+not\\s+null)?\\s*;?\\s*$");
    private static final Pattern SHOWS_COLUMN = Pattern.compile(
            "(?i)\\b(?:shows?|lists?|has|contains?)\\s+(?:the\\s+)?(?:new\\s+)?(?:column\\s+)?`([A-Za-z_][A-Za-z0-9_$]*)`"
                    + "(?:\\s*\\(([^()]*(?:\\([^()]*\\))?[^()]*)\\))?");
    private static final Pattern PARENTHESIS = Pattern.compile("\\([^()]*(?:\\([^()]*\\)[^()]*)*\\)");
    private static final Pattern HAS_NO = Pattern.compile(
            "(?i)^\\W*`?([A-Za-z_][A-Za-z0-9_$]*)`?\\s+(?:table\\s+)?(?:has|have)\\s+no\\s+(?:column\\s+)?`([A-Za-z_][A-Za-z0-9_$]*)`"
                    + "(?:\\s+column)?(?:\\s+(?:yet|any\\s*more))?\\s*[.!]?\\s*$");
    private static final Pattern ONE_SPAN = Pattern.compile("^[^`]*`([A-Za-z_][A-Za-z0-9_$]*)`[^`]*$");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        List<Item.Statement> statements = NoteSql.statements(item);
        String words = NoteSql.prose(item).replace("**", "");
        if (statements.size() > 1) return Optional.empty();
        if (statements.isEmpty()) return bareName(item, words);
        String sql = statements.get(0).sql().strip();
        Matcher d = D.matcher(sql);
        if (d.matches()) return column(item, d.group(1), words);
        String outside = PARENTHESIS.matcher(Names.proseOnly(words)).replaceAll(" ");
        if (!EXISTS.matcher(outside).find() || NEGATION.matcher(outside).find()) return Optional.empty();
        Matcher t = DT.matcher(sql);
        Matcher r = REGCLASS.matcher(sql);
        String table = t.matches() ? t.group(1) : r.matches() ? r.group(1) : null;
        if (table == null) return Optional.empty();
        if (!outside.toLowerCase(Locale.ROOT).matches("(?s).*\\btables?\\b.*") && !t.matches()) return Optional.empty();
        return Optional.of(Intent.sure(this, List.of(tables(item, table))));
    }

    /** "`\d t` shows `col` (varchar(16), not null)". */
    private Optional<Intent> column(Item item, String table, String words) {
        Matcher m = SHOWS_COLUMN.matcher(words);
        if (!m.find() || NEGATION.matcher(Names.proseOnly(words.substring(0, m.start()))).find()) {
            return Optional.empty();
        }
        var entry = Intent.options("name", m.group(1));
        if (m.group(2) != null) {
            List<String> parts = new ArrayList<>();
            for (String p : m.group(2).split(",(?![^()]*\\))")) parts.add(p.strip().toLowerCase(Locale.ROOT));
            for (String p : parts) {
                if (p.matches("not\\s+null")) entry.put("nullable", false);
                else if (p.matches("null|nullable")) entry.put("nullable", true);
                else if (p.matches("[a-z][a-z0-9 _]*(\\(\\s*\\d+(\\s*,\\s*\\d+)?\\s*\\))?(\\[\\])?")) {
                    if (entry.containsKey("type")) return Optional.empty();
                    entry.put("type", p);
                } else {
                    return Optional.empty();   // a default, a comment: more than this check says
                }
            }
        }
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), "columns", Intent.options(
                "name", Names.checkName(item), "table", table, "exist", List.of(entry))))));
    }

    /** "`team_users` still exists": one backticked name, no kind, no query; "orders has no `fulfilled_at` yet". */
    private Optional<Intent> bareName(Item item, String words) {
        if (!item.code().isEmpty()) return Optional.empty();
        Matcher hasNo = HAS_NO.matcher(item.text().replace("**", ""));
        if (hasNo.matches() && item.notes().isEmpty()) {
            return Optional.of(Intent.unsure(this, "`" + hasNo.group(2) + "` is read as a column of "
                    + hasNo.group(1), List.of(new Intent.Check(item.line(), "columns", Intent.options(
                    "name", Names.checkName(item), "table", hasNo.group(1), "absent", List.of(hasNo.group(2)))))));
        }
        Matcher one = ONE_SPAN.matcher(item.text());
        if (!one.matches() || !item.notes().isEmpty()) return Optional.empty();
        String outside = PARENTHESIS.matcher(Names.proseOnly(words)).replaceAll(" ");
        if (KIND.matcher(outside).find() || NEGATION.matcher(outside).find()) return Optional.empty();
        // The state must follow the name directly ("`a` still exists"), not be said of something else.
        String after = item.text().substring(item.text().indexOf('`', item.text().indexOf('`') + 1) + 1);
        if (!after.matches("(?is)\\s*(?:still\\s+|already\\s+)?(?:exists|is\\s+there|is\\s+present)\\b.*")) {
            return Optional.empty();
        }
        return Optional.of(Intent.unsure(this, "the checklist does not say what kind of object `" + one.group(1)
                + "` is; it is checked as a table", List.of(tables(item, one.group(1)))));
    }

    private static Intent.Check tables(Item item, String table) {
        var options = Intent.options("name", Names.checkName(item));
        int dot = table.indexOf('.');
        if (dot > 0) options.put("schema", table.substring(0, dot));
        options.put("exist", List.of(dot > 0 ? table.substring(dot + 1) : table));
        return new Intent.Check(item.line(), "tables", options);
    }
}
