package dev.runbookpilot.importer;

import dev.runbookpilot.importer.Outline.Unit;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The placeholders of an entry the operator fills in by hand ({@code <user_id>}, {@code YYYY-MM-DD},
 * {@code {{name}}}, {@code [your host]}, and in SQL {@code ${VAR}}, {@code :var}, ...): an entry holding one is not
 * offered to the recognisers, and each is warned about once per entry in the {@link ImportLedger}. Takes the entry
 * and what its {@link Mapping} filled from a RETURNING.
 */
final class Placeholders {

    private final ChecklistDocument doc;
    private final ImportLedger ledger;

    Placeholders(ChecklistDocument doc, ImportLedger ledger) {
        this.doc = doc;
        this.ledger = ledger;
    }

    private static final Pattern TEXT_PLACEHOLDER = Pattern.compile(
            "<[A-Za-z_][\\w-]*>|YYYY[-_]?MM[-_]?DD|\\{\\{[^}]*}}|\\[(?:your|insert|enter)[^]]*]",
            Pattern.CASE_INSENSITIVE);

    /** Whether the entry holds a placeholder, in its text or its SQL: it then stays a manual step. */
    boolean any(Unit u) {
        for (int l : u.lines) if (TEXT_PLACEHOLDER.matcher(doc.raw(l)).find()) return true;
        return u.stmts.stream().anyMatch(x -> SqlText.placeholder(x.sql) != null);
    }

    /**
     * Warns about each placeholder the operator must fill in, once per item; placeholders the import filled
     * from an earlier statement's RETURNING are named in a warning of their own so the reviewer sees the rewrite.
     */
    void warn(Unit u, Mapping m) {
        Set<String> warned = new HashSet<>(m.filled.keySet());
        // Every form the statements are kept manual for (${VAR}, :var, HHMMSS, ...), once per item.
        for (SqlText.Stmt s : u.stmts) {
            String p = SqlText.placeholder(s.sql);
            if (p != null && warned.add(p.toLowerCase(Locale.ROOT))) {
                ledger.warn(s.line, "placeholder " + p + " in the SQL: the operator fills it in, so this statement "
                        + "stays a manual step");
            }
        }
        for (int l : u.lines) {
            Matcher ph = TEXT_PLACEHOLDER.matcher(doc.raw(l));
            while (ph.find()) {
                if (!warned.add(ph.group().toLowerCase(Locale.ROOT))) continue;
                ledger.warn(l, "placeholder " + ph.group() + ": the operator fills it in, so this stays a manual step");
            }
        }
    }
}
