package dev.runbookpilot.importer;

import java.util.List;
import java.util.Locale;

/**
 * What an import did.
 *
 * @param items          checklist entries (list items, table rows, code blocks outside items, fill-in fields)
 * @param automated      entries that became at least one automated check
 * @param manual         entries that became manual confirmations only
 * @param verifiable     statements a machine could verify: each SQL statement or psql command (recognised by
 *                       the importer or not) with an expected result written next to it, each row-count block
 * @param verifiedAutomatically the verifiable statements that became automated checks
 * @param automatedRatio verifiedAutomatically / verifiable (1.0 when nothing was verifiable)
 * @param warnings       everything the operator should review, with the source line
 * @param unmapped       every SQL statement or psql command that did not become an automated check
 */
public record ImportSummary(String source, int items, int automated, int manual, int verifiable,
                            int verifiedAutomatically, double automatedRatio, List<Warning> warnings, List<UnmappedSql> unmapped) {
    public ImportSummary {
        warnings = List.copyOf(warnings);
        unmapped = List.copyOf(unmapped);
    }

    public record Warning(int line, String message) {
        @Override
        public String toString() {
            return (line > 0 ? "line " + line + ": " : "") + message;
        }
    }

    public record UnmappedSql(int line, String sql, String reason) {}

    /** The summary as the CLI prints it. */
    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("Imported ").append(source).append('\n');
        if (verifiable == 0) {
            b.append("  machine-verifiable statements found: none\n");
            b.append("    (nothing in the checklist states a result a machine could check, so there is no ratio)\n");
        } else {
            b.append(String.format(Locale.ROOT, "  machine-verifiable statements found: %d, automated as checks: %d (%.0f%%)%n",
                    verifiable, verifiedAutomatically, automatedRatio * 100));
            b.append("    (a statement is verifiable when the checklist says what proves it: a query or command with\n"
                    + "     its expected result, objects it names as created or dropped, row counts to keep)\n");
        }
        b.append(String.format(Locale.ROOT, "  checklist entries: %d (%d with automated checks, %d manual confirmations)%n",
                items, automated, manual));
        if (!unmapped.isEmpty()) {
            b.append("SQL not mapped to an automated check (").append(unmapped.size()).append("):\n");
            for (UnmappedSql u : unmapped) {
                String first = u.sql().lines().findFirst().orElse("").strip();
                if (first.length() > 80) first = first.substring(0, 77) + "...";
                b.append("  line ").append(u.line()).append(": ").append(first).append(" — ").append(u.reason())
                        .append('\n');
            }
        }
        if (!warnings.isEmpty()) {
            b.append("Warnings (").append(warnings.size()).append("):\n");
            for (Warning w : warnings) b.append("  ").append(w).append('\n');
        }
        return b.toString();
    }
}
