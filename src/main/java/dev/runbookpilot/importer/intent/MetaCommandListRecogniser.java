package dev.runbookpilot.importer.intent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A psql describe command written as the item's own text, not in a code block, with the objects it must list:
 * "\dt report_* should list: report_runs, report_jobs, report_archive", "\di report_runs* — expect
 * `report_runs_pkey`, `report_runs_created_at_idx`". Becomes {@code tables}, {@code indexes}, {@code views},
 * {@code sequences}, {@code functions} or {@code extensions} with {@code exist} of the listed names. Each listed name
 * must match the command's pattern, so a list that is about something else is not read as the output.
 */
public final class MetaCommandListRecogniser implements Recogniser {

    private static final Map<String, String> KINDS = Map.of("dt", "tables", "di", "indexes", "dv", "views",
            "ds", "sequences", "df", "functions", "dx", "extensions");
    private static final Pattern LISTING = Pattern.compile(
            "(?i)^\\s*`?\\\\(dt|di|dv|ds|df|dx)\\+?\\s+([A-Za-z_*][A-Za-z0-9_$*.]*)`?\\s*(?:[—–:-]\\s*)?"
                    + "(?:should\\s+(?:list|show|include|contain)|expect(?:ed)?|lists?|shows?|→|->)\\s*:?\\s*"
                    + "((?:`?[A-Za-z_][A-Za-z0-9_$-]*`?)(?:\\s*(?:,|and)\\s*`?[A-Za-z_][A-Za-z0-9_$-]*`?)*)\\s*[.;]?\\s*$");

    @Override
    public Optional<Intent> recognise(Item item, Context context) {
        if (!item.code().isEmpty() || !item.notes().isEmpty()) return Optional.empty();
        Matcher m = LISTING.matcher(item.text().replace("**", ""));
        if (!m.matches()) return Optional.empty();
        String kind = KINDS.get(m.group(1).toLowerCase(java.util.Locale.ROOT));
        String pattern = m.group(2);
        if (pattern.contains(".")) return Optional.empty();   // a schema-qualified pattern: left to a person
        Pattern glob = Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
        List<Object> names = new ArrayList<>();
        for (String n : m.group(3).split("\\s*(?:,|\\band\\b)\\s*")) {
            String name = n.replace("`", "").strip();
            if (name.isEmpty()) continue;
            if (!glob.matcher(name).matches()) return Optional.empty();
            if (!names.contains(name)) names.add(name);
        }
        if (names.isEmpty()) return Optional.empty();
        return Optional.of(Intent.sure(this, List.of(new Intent.Check(item.line(), kind,
                Intent.options("name", Names.checkName(item), "exist", names)))));
    }
}
