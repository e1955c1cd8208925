package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The meta-command reading: {@code \d table} with an "Expected columns:" list under it becomes a {@code columns}
 * check; {@code \dt}, {@code \di}, {@code \dv}, {@code \ds}, {@code \df}, {@code \dx} (and {@code \dm}) with the
 * names expected (an "Expected ...:" list, {@code | grep} names, names quoted in a comment) and whether they must exist
 * or be absent become a {@code tables}, {@code indexes}, {@code views}, {@code sequences}, {@code functions} or
 * {@code extensions} check ({@code unique} kept for indexes marked so). Before the entries are mapped,
 * {@link #borrowDescribedTables} turns "all expected tables exist" after a block of {@code \d name} lines into a
 * {@code \dt} of those names. Takes the statement and its entry; gives checks and leftovers to the entry's
 * {@link Mapping}.
 */
final class MetaCommandMapping {

    private MetaCommandMapping() {
    }

    private static final Pattern TABLES_EXIST = Pattern.compile(
            "(?i)^\\W*(?:all\\s+)?(?:the\\s+)?(?:expected|new|migrated)\\s+tables\\s+(?:exist|are\\s+present|were\\s+created)"
                    + "\\b.*");
    private static final Pattern DESCRIBE_TABLE = Pattern.compile("^\\\\d\\+?\\s+([A-Za-z_][\\w$]*(?:\\.[A-Za-z_][\\w$]*)?)\\s*;?$");

    /**
     * "- [ ] All expected tables exist" after a block that describes tables one by one ({@code \d jobs},
     * {@code \d users}, ...): the tables the block names are the ones expected, so the item becomes a
     * {@code tables: exist} check of them. The {@code \d} lines themselves stay with the block (they list
     * columns nobody stated).
     */
    static void borrowDescribedTables(StepDraft step) {
        for (int k = 1; k < step.units.size(); k++) {
            Unit later = step.units.get(k);
            if (!later.stmts.isEmpty() || !later.blocks.isEmpty()
                    || !TABLES_EXIST.matcher(later.text).matches()) {
                continue;
            }
            for (int j = k - 1; j >= 0; j--) {
                List<String> names = new ArrayList<>();
                int first = 0;
                for (SqlText.Stmt x : step.units.get(j).stmts) {
                    Matcher d = DESCRIBE_TABLE.matcher(x.sql.strip());
                    if (d.matches() && !names.contains(d.group(1))) {
                        if (names.isEmpty()) first = x.line;
                        names.add(d.group(1));
                    }
                }
                if (names.size() < 2) continue;
                SqlText.Stmt tables = new SqlText.Stmt(first, first, "\\dt");
                tables.grepNames = names;
                later.stmts.add(tables);
                break;
            }
        }
    }

    private record ExpectedList(List<String> names, Set<String> unique, boolean clean, String label) {}

    private static final Pattern NAME_ENTRY = Pattern.compile("^`?([A-Za-z_][\\w$]*)`?\\s*(\\((unique|primary key|pk)\\))?\\s*$",
            Pattern.CASE_INSENSITIVE);

    private static ExpectedList expectedList(Unit u) {
        List<String> names = new ArrayList<>();
        Set<String> unique = new HashSet<>();
        boolean clean = true;
        String label = null;
        boolean collecting = false;
        for (Block n : u.notes) {
            String t = n.text.replace("**", "").strip();
            Matcher lm = Pattern.compile("(?i)^expected\\s*([\\w ]*?)\\s*:\\s*(.*)$").matcher(t);
            if (lm.matches()) {
                label = lm.group(1).toLowerCase(Locale.ROOT);
                collecting = true;
                String rest = lm.group(2).strip();
                if (!rest.isEmpty()) {
                    for (String part : rest.split("\\s*,\\s*")) clean &= addName(part, names, unique);
                }
                continue;
            }
            if (collecting && n.type == Type.ITEM) {
                clean &= addName(n.text, names, unique);
            }
        }
        return new ExpectedList(names, unique, clean && !names.isEmpty(), label);
    }

    private static boolean addName(String part, List<String> names, Set<String> unique) {
        Matcher m = NAME_ENTRY.matcher(part.strip());
        if (!m.matches()) return false;
        names.add(m.group(1));
        if (m.group(2) != null) unique.add(m.group(1));
        return true;
    }

    private static final Pattern ABSENT_WORDS = Pattern.compile(
            "(?i)\\b(removed|gone|absent|dropped|deleted|no longer|not exist|should not|must not|not show|not appear"
                    + "|not be listed|not list)\\b");
    private static final Pattern EXIST_WORDS = Pattern.compile(
            "(?i)\\b(exist|exists|appear|appears|present|created|restored|listed|show|shows|should see)\\b");

    private static final Pattern QUOTED_NAMES = Pattern.compile("['\"`]([A-Za-z_][\\w$]*)['\"`]");

    /** Maps the psql meta-command {@code s} ({@code \d}, {@code \dt}, {@code \di}, ...) of entry {@code u}. */
    static void map(Unit u, SqlText.Stmt s, String unitText, String comments, String name, Mapping m) {
        ExpectedList expected = expectedList(u);
        Matcher mm = Pattern.compile("^\\\\d([tivsfxmn]?)([S+]*)(?:\\s+(\\S+))?\\s*;?$").matcher(s.sql.strip());
        if (!mm.matches()) {
            m.leftover(s, "psql meta-command the importer does not map");
            return;
        }
        String letter = mm.group(1);
        String pattern = mm.group(3);
        String about = comments + "\n" + unitText;
        if (letter.isEmpty()) {
            if (pattern == null || !SqlText.isIdentifier(pattern) || !expected.clean()) {
                if (expected.label() != null || pattern != null && !expected.names().isEmpty()) m.stated.add(m.current);
                m.leftover(s, pattern == null || !SqlText.isIdentifier(pattern)
                        ? "no table named, or a placeholder instead of a table name"
                        : "no expected column list written next to it");
                return;
            }
            m.stated.add(m.current);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("table", pattern);
            body.put("include", new ArrayList<Object>(expected.names()));
            m.add("columns", body, s.line);
            return;
        }
        String kindKey = switch (letter) {
            case "t" -> "tables";
            case "i" -> "indexes";
            case "v" -> "views";
            case "s" -> "sequences";
            case "f" -> "functions";
            case "x" -> "extensions";
            case "m" -> "views";
            default -> null;
        };
        List<String> names = s.grepNames;
        if (names == null && expected.clean()) names = expected.names();
        if (names == null) {
            List<String> q = new ArrayList<>();
            Matcher qm = QUOTED_NAMES.matcher(String.join("\n", s.after));
            while (qm.find()) q.add(qm.group(1));
            if (!q.isEmpty()) names = q;
        }
        if (kindKey == null || names == null || names.isEmpty()) {
            if (expected.label() != null) m.stated.add(m.current);
            m.leftover(s, "no expected list of names written next to it");
            return;
        }
        if (s.piped && s.grepNames == null) {
            m.leftover(s, "its output is filtered by a shell pipe, which the check cannot reproduce");
            return;
        }
        String direction = null;
        String expectNote = comments + "\n" + u.notes.stream().map(n -> n.text).reduce("", (a, b) -> a + "\n" + b);
        if (ABSENT_WORDS.matcher(expectNote).find()) direction = "absent";
        else if (EXIST_WORDS.matcher(expectNote).find() || expected.clean() && s.grepNames == null) direction = "exist";
        else if (ABSENT_WORDS.matcher(about).find()) direction = "absent";
        else if (EXIST_WORDS.matcher(about).find()) direction = "exist";
        if (direction != null) m.stated.add(m.current);
        if (direction == null) {
            m.leftover(s, "lists names but the checklist does not say whether they must exist or be absent");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (kindKey.equals("indexes") && direction.equals("exist") && !expected.unique().isEmpty()) {
            List<Object> specs = new ArrayList<>();
            for (String n : names) {
                if (expected.unique().contains(n)) {
                    Map<String, Object> spec = new LinkedHashMap<>();
                    spec.put("name", n);
                    spec.put("unique", "true");
                    specs.add(spec);
                } else {
                    specs.add(n);
                }
            }
            body.put("exist", specs);
        } else {
            body.put(direction, new ArrayList<Object>(names));
        }
        m.add(kindKey, body, s.line);
    }
}
