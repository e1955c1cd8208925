package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.importer.ImportSummary.UnmappedSql;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.runbookpilot.importer.ChecklistImporter.truncate;
import static dev.runbookpilot.importer.ChecklistImporter.withoutLastNewline;

/**
 * Stage 4 of the import, after the mapping: finds SQL and psql commands in the checklist that no stage read as a
 * statement and lists them in the {@link ImportLedger} as unmapped ("not recognised"), counting the ones with an
 * expected result written near them as verifiable and not automated, so the ratio never looks better because the
 * importer failed to read something.
 */
final class UnrecognisedSql {

    private final ChecklistDocument doc;
    private final ImportLedger ledger;
    private final LineUse[] uses;
    private final int[] fenceOf;
    private final Set<Integer> parsedLines;
    private final Map<Integer, Unit> unitOfLine;
    private final List<UnmappedSql> unmapped;

    UnrecognisedSql(ChecklistDocument doc, ImportLedger ledger) {
        this.doc = doc;
        this.ledger = ledger;
        this.uses = ledger.uses;
        this.fenceOf = doc.fenceOf;
        this.parsedLines = ledger.parsedLines;
        this.unitOfLine = ledger.unitOfLine;
        this.unmapped = ledger.unmapped;
    }

    private String raw(int line) {
        return doc.raw(line);
    }

    private static final Pattern SQL_SHAPE = Pattern.compile(
            "(?is)^(select\\s.*\\bfrom\\s|select\\s+\\w+\\s*\\(|insert\\s+into\\s|update\\s+\\S+\\s+set\\s"
                    + "|delete\\s+from\\s|explain\\s|with\\s+\\w+\\s+as\\s*\\(|alter\\s+table\\s|truncate\\s).*");
    /**
     * A psql invocation that carries SQL: -c/--command (combined flags too), a heredoc, or SQL echoed into it
     * (a dump piped into psql restores, it checks nothing).
     */
    private static final Pattern PSQL_WITH_SQL = Pattern.compile(
            "(?s).*(\\bpsql\\b[^|;&]*?(\\s-[A-Za-z]*c|\\s--command\\b|<<)|\\b(echo|printf)\\b.*\\|\\s*psql\\b).*");
    /** psql's command tags in pasted output ("INSERT 0 1", "UPDATE 3", "CREATE INDEX"): results, not SQL. */
    private static final Pattern COMMAND_TAG = Pattern.compile(
            "(?i)(?:insert\\s+\\d+\\s+\\d+|(?:update|delete|select|copy|move|fetch|merge)\\s+\\d+"
                    + "|(?:create|alter|drop|truncate|grant|revoke)(?:\\s+[a-z]+){1,2})");
    private static final Pattern NEW_ENTRY = Pattern.compile("^\\s*(?:[-*+•]|\\d{1,9}[.)]|#{1,6})\\s");

    /**
     * SQL or a psql command the importer did not parse into a statement (an unknown psql flag, a heredoc, SQL
     * in a plain list item of a checkbox checklist, ...). Listed as unmapped so that it never disappears
     * silently, and, when an expected result is written near it, counted as verifiable and not automated:
     * the ratio must not look better because the importer failed to read something.
     */
    void find() {
        List<Integer> group = new ArrayList<>();
        for (int l = 1; l <= doc.lines.size(); l++) {
            boolean candidate = !parsedLines.contains(l)
                    && (uses[l - 1] == null || uses[l - 1].use() != Use.HEADING) && carriesSql(l);
            // A statement spans lines only inside a code block (a heredoc and its SQL); list items are one each.
            boolean continues = !group.isEmpty() && group.get(group.size() - 1) == l - 1 && fenceOf[l - 1] > 0
                    && fenceOf[l - 1] == fenceOf[group.get(0) - 1];
            if (candidate && (group.isEmpty() || continues)) {
                group.add(l);
                continue;
            }
            unrecognised(group);
            group.clear();
            if (candidate) group.add(l);
        }
        unrecognised(group);
    }

    private boolean carriesSql(int l) {
        String raw = raw(l);
        String t = raw.strip();
        if (t.startsWith("--") || t.startsWith("#") && fenceOf[l - 1] > 0 || COMMAND_TAG.matcher(t).matches()) {
            return false;
        }
        if (fenceOf[l - 1] > 0) return PSQL_WITH_SQL.matcher(raw).matches() || SqlText.looksLikeSql(t);
        List<String> pieces = new ArrayList<>();
        if (t.startsWith("|")) {
            for (String cell : MarkdownBlocks.cells(t)) pieces.add(cell.replaceAll("^`+|`+$", "").strip());
        } else {
            Matcher code = StatementReader.INLINE_CODE.matcher(raw);
            while (code.find()) pieces.add(code.group(2).strip());
        }
        // The same test as for code the importer reads (a lone `ALTER TABLE` in prose is a name, not SQL).
        for (String p : pieces) {
            if (PSQL_WITH_SQL.matcher(p).matches() || SqlText.looksLikeSql(p)
                    && (p.endsWith(";") || p.split("\\s+").length >= 3)) {
                return true;
            }
        }
        if (!pieces.isEmpty() || t.startsWith("|")) return false;
        if (PSQL_WITH_SQL.matcher(raw).matches()) return true;
        String plain = t.replaceFirst("^(?:[-*+•]|\\d{1,9}[.)])\\s+(?:\\[[ xX]]\\s*)?", "");
        return SQL_SHAPE.matcher(plain).matches();
    }

    private void unrecognised(List<Integer> group) {
        if (group.isEmpty()) return;
        int first = group.get(0);
        StringBuilder near = new StringBuilder();
        Unit u = unitOfLine.get(first);
        if (u != null) {
            for (int l : u.lines) near.append(raw(l)).append('\n');
        } else {
            int last = group.get(group.size() - 1);
            // The two lines after it, unless they start something else (a blank, a list item, a heading).
            for (int l = first; l <= Math.min(doc.lines.size(), last + 2); l++) {
                if (l > last && (raw(l).isBlank() || NEW_ENTRY.matcher(raw(l)).find())) break;
                near.append(raw(l)).append('\n');
            }
        }
        String about = near.toString();
        if (ExpectationText.phrase(about) != null || ExpectationText.saysFails(about)
                || ExpectationText.saysSucceeds(about)) {
            ledger.verifiable++;
        }
        StringBuilder sql = new StringBuilder();
        for (int l : group) sql.append(raw(l).strip()).append('\n');
        unmapped.add(new UnmappedSql(first, withoutLastNewline(sql), "not recognised"));
    }
}
