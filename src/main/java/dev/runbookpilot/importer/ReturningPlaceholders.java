package dev.runbookpilot.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The RETURNING-placeholder reading, for {@link ProbeMapping}: takes a probe's setup statements and its statement,
 * gives them back with each {@code <placeholder>} an earlier statement's RETURNING produces replaced by a query of
 * that value, or names the first placeholder nothing returns (the probe then stays with the operator).
 */
final class ReturningPlaceholders {

    private ReturningPlaceholders() {
    }

    /**
     * A probe's setup and statement with placeholders filled in, or the first placeholder that could not be.
     *
     * @param filled placeholder (lower case, with its angle brackets) -> line of the statement returning it
     */
    record Filled(List<String> setup, String sql, Map<String, Integer> filled, String unfilled) {}

    private static final Pattern ANGLE_PLACEHOLDER = Pattern.compile("'<([A-Za-z_]\\w*)>'|<([A-Za-z_]\\w*)>");
    private static final Pattern RETURNING = Pattern.compile(
            "(?is)^\\s*(?:insert\\s+into|update|delete\\s+from)\\s+((?:[A-Za-z_][\\w$]*\\.)?[A-Za-z_][\\w$]*)\\b.*"
                    + "\\breturning\\s+([A-Za-z_][\\w$]*(?:\\s*,\\s*[A-Za-z_][\\w$]*)*)\\s*$");

    /**
     * Checklists save a generated key by hand ({@code RETURNING user_id; -- Save user_id: ____}) and paste it
     * into later statements as {@code '<user_id>'}. Inside the probe's one transaction the import does the same
     * without a person: the returning statement's rows go to a temporary table ({@code ON COMMIT DROP}, and the
     * probe rolls back anyway) and the placeholder becomes a scalar subquery of it, typed like the column. A
     * placeholder no earlier statement returns stays unfilled, and the item manual. If the statement returns
     * more than one row the subquery raises an error, so the check errs rather than passing on a guess.
     */
    static Filled fill(List<SqlText.Stmt> setup, SqlText.Stmt target) {
        List<SqlText.Stmt> all = new ArrayList<>(setup);
        all.add(target);
        Set<String> used = new HashSet<>();
        for (SqlText.Stmt x : all) {
            Matcher pm = ANGLE_PLACEHOLDER.matcher(x.sql);
            while (pm.find()) used.add((pm.group(1) != null ? pm.group(1) : pm.group(2)).toLowerCase(Locale.ROOT));
        }
        Map<String, String> source = new HashMap<>();
        Map<String, Integer> sourceLine = new HashMap<>();
        Map<String, Integer> filled = new LinkedHashMap<>();
        List<String> out = new ArrayList<>();
        int temp = 0;
        for (int i = 0; i < all.size(); i++) {
            SqlText.Stmt x = all.get(i);
            Matcher pm = ANGLE_PLACEHOLDER.matcher(x.sql);
            StringBuilder b = new StringBuilder();
            while (pm.find()) {
                String key = (pm.group(1) != null ? pm.group(1) : pm.group(2)).toLowerCase(Locale.ROOT);
                String src = source.get(key);
                if (src == null) return new Filled(List.of(), x.sql, Map.of(), pm.group().replace("'", ""));
                pm.appendReplacement(b, Matcher.quoteReplacement(src));
                filled.putIfAbsent("<" + key + ">", sourceLine.get(key));
            }
            pm.appendTail(b);
            String sql = Mapping.stripSemicolon(b.toString());
            String left = SqlText.placeholder(sql);
            if (left != null) return new Filled(List.of(), x.sql, Map.of(), left);
            if (i == all.size() - 1) return new Filled(out, sql, filled, null);
            Matcher r = RETURNING.matcher(SqlText.withoutComments(sql).strip());
            List<String> columns = r.matches() ? List.of(r.group(2).split("\\s*,\\s*")) : List.of();
            if (columns.stream().anyMatch(c -> used.contains(c.toLowerCase(Locale.ROOT)))) {
                String table = "rp_returned_" + (++temp);
                String cols = String.join(", ", columns);
                out.add("CREATE TEMP TABLE " + table + " ON COMMIT DROP AS SELECT " + cols + " FROM " + r.group(1)
                        + " WITH NO DATA");
                out.add("WITH returned AS (\n" + SqlText.withoutComments(sql).strip() + "\n) INSERT INTO " + table
                        + " SELECT " + cols + " FROM returned");
                for (String c : columns) {
                    source.put(c.toLowerCase(Locale.ROOT), "(SELECT " + c + " FROM " + table + ")");
                    sourceLine.put(c.toLowerCase(Locale.ROOT), x.line);
                }
            } else {
                out.add(sql);
            }
        }
        throw new IllegalStateException("unreachable: the target is the last statement");
    }
}
