package dev.runbookpilot.importer;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The row-count reading: a block that counts the rows of named tables ({@code SELECT 'a', count(*) FROM a UNION ALL
 * ...}) becomes a {@code snapshot} of their counts, and a later one that says it compares ("after", "should match")
 * a {@code rowCounts} check against the latest snapshot, following the renames and drops the checklist states
 * anywhere. Takes the counting statement, its tables and the entry's text; gives the check to the entry's
 * {@link Mapping}, and warnings about tables it cannot compare to the {@link ImportLedger}. Its snapshots and renames
 * are also {@link Recognition}'s: snapshots are named in one sequence, whoever takes them.
 */
final class RowCountMapping {

    private final ImportLedger ledger;
    /** Tables the checklist renames, old name to new. */
    final Map<String, String> renames = new LinkedHashMap<>();
    /** Snapshot names in the order taken ({@code before}, {@code before-2}, ...). */
    final List<String> snapshots = new ArrayList<>();
    /** The tables each snapshot counted. */
    final Map<String, List<String>> snapshotTables = new LinkedHashMap<>();
    /** Tables the checklist drops. */
    private final Set<String> dropped = new HashSet<>();

    RowCountMapping(ImportLedger ledger) {
        this.ledger = ledger;
    }

    private static final Pattern AFTER_WORDS = Pattern.compile(
            "(?i)\\b(compare|after|post|match|matches|verify|same|unchanged|still)\\b");

    /**
     * Maps the statement {@code s}, which counts the rows of {@code tables}: a snapshot of their counts, or, when
     * {@code about} says it compares and there is a snapshot to compare with, a {@code rowCounts} check against it.
     */
    void map(SqlText.Stmt s, List<String> tables, String about, String name, Mapping m) {
        m.stated.add(m.current);
        boolean after = !snapshots.isEmpty() && AFTER_WORDS.matcher(about).find();
        if (!after) {
            String snap = snapshots.isEmpty() ? "before" : "before-" + (snapshots.size() + 1);
            snapshots.add(snap);
            snapshotTables.put(snap, tables);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", snap);
            body.put("rowCounts", new ArrayList<Object>(tables));
            m.add("snapshot", body, s.line);
            return;
        }
        String snap = snapshots.get(snapshots.size() - 1);
        List<String> before = snapshotTables.get(snap);
        List<String> compared = new ArrayList<>();
        Map<String, Object> map = new LinkedHashMap<>();
        List<String> droppedHere = new ArrayList<>();
        Set<String> covered = new HashSet<>();
        for (String t : before) {
            if (tables.contains(t)) {
                compared.add(t);
                covered.add(t);
            } else if (renames.containsKey(t) && tables.contains(renames.get(t))) {
                compared.add(t);
                map.put(t, renames.get(t));
                covered.add(renames.get(t));
            } else if (dropped.contains(t)) {
                compared.add(t);
                droppedHere.add(t);
            } else {
                ledger.warn(s.line, "row count of '" + t + "' (snapshot '" + snap + "') has no counterpart after the "
                        + "change and the checklist states no rename for it; compare it by hand");
            }
        }
        for (String t : tables) {
            if (!covered.contains(t)) {
                ledger.warn(s.line, "row count of '" + t + "' has no before-count in snapshot '" + snap
                        + "'; it is not compared");
            }
        }
        if (compared.isEmpty()) {
            m.leftover(s, "none of its tables were counted in snapshot '" + snap + "'");
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("compareTo", snap);
        body.put("tables", new ArrayList<Object>(compared));
        if (!map.isEmpty()) body.put("map", map);
        if (!droppedHere.isEmpty()) body.put("dropped", new ArrayList<Object>(droppedHere));
        m.add("rowCounts", body, s.line);
    }

    private static final Pattern RENAME = Pattern.compile(
            "(?i)\\brenam\\w*\\s+(?:table\\s+)?[`\"']?([A-Za-z_][\\w$]*)[`\"']?\\s+(?:to|->|→|=>|as|into)\\s+"
                    + "(?:table\\s+)?[`\"']?([A-Za-z_][\\w$]*)");
    /** "The table `kunden` is renamed into `customers`": the passive form names the old table first. */
    private static final Pattern RENAMED = Pattern.compile(
            "(?i)\\btable\\s+[`\"']?([A-Za-z_][\\w$]*)[`\"']?\\s+(?:is|was|gets|got|has\\s+been|will\\s+be|must\\s+be"
                    + "|should\\s+be)\\s+renamed\\s+(?:in)?to\\s+(?:table\\s+)?[`\"']?([A-Za-z_][\\w$]*)");
    private static final Pattern ALTER_RENAME = Pattern.compile(
            "(?i)\\balter\\s+table\\s+(?:if\\s+exists\\s+)?\"?([A-Za-z_][\\w$]*)\"?\\s+rename\\s+to\\s+\"?([A-Za-z_][\\w$]*)");

    private static final Pattern DROPPED = Pattern.compile(
            "(?i)\\bdrop(?:ped)?\\s+(?:table\\s+(?:if\\s+exists\\s+)?)?[`\"']?([A-Za-z_][\\w$]*)[`\"']?(?:\\s+table\\b)?");

    /** Reads, from every line of the checklist, the tables it renames or drops. */
    void findRenames(ChecklistDocument doc) {
        for (String l : doc.lines) {
            Matcher d = DROPPED.matcher(l);
            while (d.find()) dropped.add(d.group(1));
            for (Pattern p : List.of(RENAME, RENAMED, ALTER_RENAME)) {
                Matcher m = p.matcher(l);
                while (m.find()) renames.putIfAbsent(m.group(1), m.group(2));
            }
        }
    }
}
