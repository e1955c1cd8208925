package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expected values a checklist states once, in a configuration block ({@code ini}, {@code yaml}, {@code env},
 * {@code properties}, {@code toml} fences, or a two-column table), and refers to later: by the key
 * ({@code -- expected: see expected_orders_count}, {@code # should match EXPECTED_USERS}), or by the thing the key
 * names together with a pointer to the block ({@code partitions: `SELECT ...` → see expected values} under a
 * {@code partitions: 3} line). Runs between {@link ChecklistDocument} and {@link ItemReader}: the reference in the
 * block's text is replaced by the value, so every later stage reads {@code -- expected: 17} as if the checklist
 * had written it; the lines the runbook quotes stay as written, and a warning says which value was read from where.
 *
 * <p>Only an unambiguous reference is resolved. By key: the exact key, written as an identifier no prose word is
 * ({@code orders_count}, {@code EXPECTED_USERS}, {@code ledger.rows}) or marked as one ({@code $KEY},
 * {@code `KEY`}), defined with one value. By the thing named: every word of the key (past its namespace: the last
 * two segments of {@code ledger.accounts.new_columns}) is a word of the item, and no other key fits. A key that
 * only resembles the item's words ("rows" for "row counts") is never read, and a value that is not one
 * (a number, a comparison, a version, a quoted text, or for a key naming objects a list of names) is never put in:
 * "unchanged", "same as before" stay in the checklist's words, for a person or another reader.
 */
final class ConfigValues {

    private static final Pattern CONFIG_LANG = Pattern.compile(
            "(?i)ini|ya?ml|env|dotenv|properties|props|toml|conf|cfg|config");
    /** {@code key = value}, {@code key: value}, {@code export KEY=value}, indentation kept for YAML nesting. */
    private static final Pattern ASSIGNMENT = Pattern.compile(
            "^(\\s*)(?:export\\s+)?([A-Za-z_][\\w.-]*)\\s*[=:]\\s*(.*)$");
    private static final Pattern TRAILING_COMMENT = Pattern.compile("\\s+[#;].*$");
    private static final String NUM = "[-+]?\\d+(?:\\.\\d+)?";
    private static final Pattern SCALAR = Pattern.compile(
            "(?:(?:>=|<=|!=|<>|=|>|<)\\s*)?" + NUM + "|\\d+(?:\\.\\d+){1,3}|'[^']*'|\"[^\"]*\"");
    private static final String IDENT = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern NAME_LIST = Pattern.compile(
            "\\[?\\s*`?" + IDENT + "`?(?:\\s*,\\s*`?" + IDENT + "`?)*\\s*]?");
    /** Words of a key that name objects: only such a key's value may be a list of names. */
    private static final Pattern OBJECT_KIND = Pattern.compile(
            "(?i)columns?|fields?|tables?|indexe?s|indices|index|extensions?|views?|sequences?|functions?"
                    + "|triggers?|constraints?|schemas?|roles?|policies|policy|partitions?");

    /** A pointer to the key before it: "see", "should match", "expected:", "=", "→". */
    private static final Pattern KEY_REFERENCE = Pattern.compile(
            "(?i)(\\b(?:should|must|shall|will)\\s+(?:be\\s+)?(?:match(?:ing)?|equal(?:\\s+to)?|be)"
                    + "|\\b(?:see|matches|match|equals?|same\\s+as|as\\s+in|per)"
                    + "|\\bexpected(?:\\s+(?:value|count|result))?\\s*[:=]?|\\bexpect\\s*[:=]?"
                    + "|==|[=→|]|->)\\s*(?:the\\s+)?(?:value\\s+of\\s+)?");
    /** A pointer to the block itself: "see expected values", "as in the config block", "(see the config table)". */
    private static final Pattern BLOCK_REFERENCE = Pattern.compile(
            "(?i)\\s*\\(?\\b(?:see|as\\s+in|per|according\\s+to|as\\s+(?:stated|listed|given|set)\\s+in)\\s+"
                    + "(?:the\\s+)?(?:config(?:uration)?(?:\\s+(?:block|table|file|section|values?))?"
                    + "|expected[\\s-]+values?|values?\\s+(?:above|below|block|table))(?:\\s+(?:above|below))?\\)?");

    /**
     * Words that turn a reference into something other than "equals the value": a negation ("should not match K",
     * "must no longer equal K", "differs from K") or a bound or change ("at least K", "more than expected: K",
     * "grew from K"). A line with one is never resolved: "= K" would pass exactly when the checklist's intent fails.
     */
    private static final Pattern NOT_EQUALITY = Pattern.compile(
            "(?i)\\b(?:not|no|never|none|neither|nor|without|cannot|unlike|unequal|except(?:ing)?|mismatch\\w*)\\b"
                    + "|n['\u2019]t\\b|\\bdiffer\\w*|\\bother\\s+than|\\binstead\\s+of|\\bdeviat\\w*"
                    + "|\\b(?:more|less|fewer|greater|larger|bigger|smaller|higher|lower|older|newer)\\s+than"
                    + "|\\bat\\s+(?:least|most)|\\bup\\s+to\\b|\\bexceed\\w*|\\b(?:min|max)(?:imum)?\\b"
                    + "|\\b(?:in|de)creas\\w*|\\b(?:grow|grew|grown|shrink|shrank|shrunk|drop(?:s|ped)?|chang\\w*)\\b"
                    + "|\\b(?:within|about|around|approx\\w*|roughly|nearly|almost)\\b|\u00b1|\\+/-|%"
                    + "|!=|<>|[\u2260\u2264\u2265]|<=|>=|(?<![-=])>|<");

    /** One key as the block states it. */
    record Entry(String key, String value, int line) {}

    private final Map<String, List<Entry>> byKey = new LinkedHashMap<>();
    private final Map<String, List<Entry>> leaves = new LinkedHashMap<>();
    private final Set<Integer> configLines = new HashSet<>();

    private ConfigValues() {}

    /** The keys and values of every configuration block of the document. */
    static ConfigValues read(ChecklistDocument doc) {
        ConfigValues c = new ConfigValues();
        List<Block> blocks = doc.blocks;
        for (int i = 0; i < blocks.size(); i++) {
            Block b = blocks.get(i);
            if (b.type == Type.FENCE && b.lang != null && CONFIG_LANG.matcher(b.lang).matches()) {
                c.readFence(b);
            } else if (b.type == Type.TABLE_ROW) {
                int end = i;
                while (end + 1 < blocks.size() && blocks.get(end + 1).type == Type.TABLE_ROW) end++;
                c.readTable(blocks.subList(i, end + 1));
                i = end;
            }
        }
        return c;
    }

    private void readFence(Block b) {
        // YAML nesting: the keys above a line by indentation, joined with dots (expected: / orders: 17).
        List<Integer> indents = new ArrayList<>();
        List<String> parents = new ArrayList<>();
        for (int k = 0; k < b.content.size(); k++) {
            int line = b.line + 1 + k;
            configLines.add(line);
            String raw = b.content.get(k);
            String t = raw.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";") || t.startsWith("//") || t.startsWith("[")) {
                continue;
            }
            Matcher m = ASSIGNMENT.matcher(raw);
            if (!m.matches()) continue;
            int indent = MarkdownBlocks.indentOf(m.group(1));
            while (!indents.isEmpty() && indents.get(indents.size() - 1) >= indent) {
                indents.remove(indents.size() - 1);
                parents.remove(parents.size() - 1);
            }
            String value = unquoteComment(m.group(3));
            String key = parents.isEmpty() ? m.group(2) : String.join(".", parents) + "." + m.group(2);
            if (value.isEmpty()) {
                indents.add(indent);
                parents.add(m.group(2));
                continue;
            }
            add(key, value, line);
            // "see orders_count" may name a nested key by its leaf; as the thing named, only the full key counts.
            if (!key.equals(m.group(2))) leaves.computeIfAbsent(m.group(2), x -> new ArrayList<>())
                    .add(new Entry(m.group(2), value, line));
        }
    }

    /** A table of two columns, a key and its value per row. */
    private void readTable(List<Block> rows) {
        if (rows.size() < 3 || !MarkdownBlocks.isSeparatorRow(rows.get(1).text)) return;
        if (MarkdownBlocks.cells(rows.get(0).text).size() != 2) return;
        for (Block row : rows.subList(2, rows.size())) {
            List<String> cells = MarkdownBlocks.cells(row.text);
            if (cells.size() != 2) return;
        }
        for (Block row : rows.subList(2, rows.size())) {
            List<String> cells = MarkdownBlocks.cells(row.text);
            String key = cells.get(0).replace("`", "").replace("*", "").strip();
            if (key.matches("[A-Za-z_][\\w.-]*")) {
                add(key, unquoteComment(cells.get(1).replace("`", "")), row.line);
                configLines.add(row.line);
            }
        }
    }

    private void add(String key, String value, int line) {
        byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Entry(key, value, line));
    }

    private static String unquoteComment(String value) {
        String v = value.strip();
        if (!v.startsWith("'") && !v.startsWith("\"")) v = TRAILING_COMMENT.matcher(v).replaceFirst("").strip();
        return v;
    }

    /** The one entry of a key, or null when the key is missing or stated with two different values. */
    private static Entry entry(Map<String, List<Entry>> keys, String key) {
        List<Entry> es = keys.get(key);
        if (es == null || es.stream().map(Entry::value).distinct().count() != 1) return null;
        return es.get(0);
    }

    /**
     * Replaces every resolvable reference in the document's blocks by its value, and warns with what was read
     * from where; an ambiguous pointer to the block is warned about and left as written.
     */
    void resolveIn(ChecklistDocument doc, ImportLedger ledger) {
        if (byKey.isEmpty()) return;
        for (Block b : doc.blocks) {
            if (b.type == Type.FENCE) {
                if (configLines.contains(b.line + 1)) continue;
                List<String> content = new ArrayList<>(b.content);
                boolean changed = false;
                for (int k = 0; k < content.size(); k++) {
                    // Only a comment: the code itself is the checklist's, and a key may also be a column's name.
                    Matcher c = CODE_COMMENT.matcher(content.get(k));
                    if (!c.find()) continue;
                    String r = content.get(k).substring(0, c.start())
                            + resolve(content.get(k).substring(c.start()), b.line + 1 + k, ledger);
                    if (!r.equals(content.get(k))) {
                        content.set(k, r);
                        changed = true;
                    }
                }
                if (changed) b.content = List.copyOf(content);
            } else if ((b.type == Type.ITEM || b.type == Type.TEXT || b.type == Type.TABLE_ROW)
                    && !configLines.contains(b.line)) {
                b.text = resolve(b.text, b.line, ledger);
            }
        }
    }

    private static final Pattern CODE_COMMENT = Pattern.compile("(?:^|\\s)(?:--|#)");
    private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");

    /**
     * The text with its references resolved (the same text when there are none). Code spans other than a bare key
     * are left alone: {@code `SELECT ... WHERE n = orders_count`} names a column, whatever the block says.
     */
    String resolve(String text, int line, ImportLedger ledger) {
        List<String> code = new ArrayList<>();
        Matcher m = INLINE_CODE.matcher(text);
        StringBuilder masked = new StringBuilder();
        while (m.find()) {
            String span = m.group(2).strip().replaceAll("^\\$\\{?|}$", "");
            if (byKey.containsKey(span) || leaves.containsKey(span)) continue;
            code.add(m.group());
            m.appendReplacement(masked, Matcher.quoteReplacement("\u0000" + (code.size() - 1) + "\u0000"));
        }
        m.appendTail(masked);
        String in = masked.toString();
        // Code is masked: `... IS NOT NULL` in a query says nothing about the reference.
        if (NOT_EQUALITY.matcher(in).find()) return text;
        String out = resolveKeys(in, line, ledger);
        if (out.equals(in)) out = resolveBlockReference(in, code, line, ledger);
        if (out.equals(in)) return text;
        for (int i = 0; i < code.size(); i++) out = out.replace("\u0000" + i + "\u0000", code.get(i));
        return out;
    }

    private String resolveKeys(String text, int line, ImportLedger ledger) {
        String out = text;
        Set<String> keys = new java.util.LinkedHashSet<>(byKey.keySet());
        keys.addAll(leaves.keySet());
        for (String key : keys) {
            // A leaf is read as a key only where no top-level key has its name and all its parents agree.
            Entry e = byKey.containsKey(key) ? entry(byKey, key) : entry(leaves, key);
            if (e == null || e.line() == line || !SCALAR.matcher(e.value()).matches()) continue;
            boolean identifierLike = key.matches(".*[_.-].*");
            String keyRef = identifierLike ? "(?:\\$\\{|\\$|`)?" + Pattern.quote(key) + "(?:}|`)?"
                    : "(?:\\$\\{|\\$)" + Pattern.quote(key) + "}?|`" + Pattern.quote(key) + "`";
            Pattern p = Pattern.compile(KEY_REFERENCE.pattern() + "(?:" + keyRef + ")(?![\\w.-]*[\\w])");
            Matcher m = p.matcher(out);
            StringBuilder b = new StringBuilder();
            boolean found = false;
            while (m.find()) {
                found = true;
                m.appendReplacement(b, Matcher.quoteReplacement(keyReplacement(m.group(1), e.value())));
            }
            m.appendTail(b);
            if (found) {
                out = b.toString();
                ledger.warn(line, "read `" + key + "` as " + e.value() + ", its value in the configuration block at "
                        + "line " + e.line() + "; check that this is the expected result");
            }
        }
        return out;
    }

    /** "should match K" → "should be V"; "expected: see K", "= K", "→ K", "| K" keep their marker before V. */
    private static String keyReplacement(String reference, String value) {
        String r = reference.strip();
        String lower = r.toLowerCase(Locale.ROOT);
        if (lower.matches("(?:should|must|shall|will)\\b.*")) return lower.split("\\s+")[0] + " be " + value;
        if (lower.matches("see|as\\s+in|per")) return value;
        if (lower.matches("matches|match|equals?|same\\s+as")) return "should be " + value;
        return r + " " + value;
    }

    private String resolveBlockReference(String text, List<String> code, int line, ImportLedger ledger) {
        Matcher ref = BLOCK_REFERENCE.matcher(text);
        if (!ref.find()) return text;
        // The thing may be named in code too ("`SELECT count(*) FROM orders` → see expected values").
        Set<String> words = words(text.substring(0, ref.start()) + " " + text.substring(ref.end()) + " "
                + String.join(" ", code));
        List<Entry> fits = new ArrayList<>();
        for (String key : byKey.keySet()) {
            if (!words.containsAll(thingWords(key))) continue;
            Entry e = entry(byKey, key);
            // A key stated twice with two values fits twice: which one is meant is not said.
            if (e == null) fits.addAll(byKey.get(key));
            else fits.add(e);
        }
        if (fits.size() > 1) {
            ledger.warn(line, "refers to the configuration block, but several keys fit ("
                    + String.join(", ", fits.stream().map(Entry::key).toList()) + "); left as written");
            return text;
        }
        if (fits.isEmpty()) return text;
        Entry e = fits.get(0);
        String value;
        if (SCALAR.matcher(e.value()).matches()) {
            String before = text.substring(0, ref.start()).strip();
            value = before.matches("(?s).*(?:[:=→|]|->|(?i:expected|expect|should\\s+be|should\\s+return))$")
                    ? " " + e.value() : " should be " + e.value();
        } else if (NAME_LIST.matcher(e.value()).matches()
                && Arrays.stream(e.key().split("[._-]")).anyMatch(w -> OBJECT_KIND.matcher(w).matches())) {
            value = ": " + String.join(", ", Arrays.stream(e.value().replaceAll("[\\[\\]`]", "").split(","))
                    .map(n -> "`" + n.strip() + "`").toList());
        } else {
            return text;
        }
        ledger.warn(line, "read the reference to the configuration block as `" + e.key() + "` = " + e.value()
                + " (line " + e.line() + "); check that this is the expected result");
        String after = text.substring(ref.end());
        return text.substring(0, ref.start()) + value + (after.isEmpty() || after.matches("^[\\s.,;)].*") ? "" : " ")
                + after;
    }

    /** The words a key names its thing with: its last two segments (past a namespace), split at _ . - and case. */
    private static List<String> thingWords(String key) {
        String[] segments = key.split("\\.");
        int from = Math.max(0, segments.length - 2);
        List<String> out = new ArrayList<>();
        for (int i = from; i < segments.length; i++) {
            for (String w : segments[i].replaceAll("([a-z])([A-Z])", "$1_$2").split("[_-]+")) {
                if (!w.isEmpty()) out.add(w.toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    private static Set<String> words(String text) {
        Set<String> out = new HashSet<>();
        // Identifiers count by their parts: `new_columns` names "new" and "columns".
        for (String w : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!w.isEmpty()) out.add(w);
        }
        return out;
    }
}
