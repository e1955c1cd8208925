package dev.runbookpilot.report;

import dev.runbookpilot.check.CheckDetail;
import dev.runbookpilot.check.Status;
import dev.runbookpilot.io.Durations;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders a {@link Report} as GitHub-flavoured Markdown. Output depends only on the report, in a fixed order, so
 * the same journal always gives the same bytes (which a detached signature relies on).
 */
public final class MarkdownReport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private MarkdownReport() {}

    public static String render(Report r) {
        return render(r, null, null);
    }

    /**
     * The report with a closing section naming the SSH key that signs it in {@code report.md.sig}; the signature
     * itself is detached, so the text can say who signs but not when.
     */
    public static String render(Report r, String signer, String keyFingerprint) {
        StringBuilder b = new StringBuilder();
        SqlAppendix sql = SqlAppendix.of(r);
        Report.Rehearsal rh = r.rehearsal();
        if (rh != null) {
            b.append("# REHEARSAL ON A COPY — not the real window: ").append(inline(r.title())).append("\n\n");
            b.append(REHEARSAL_BANNER).append("\n\n");
        } else {
            b.append("# Sign-off report: ").append(inline(r.title())).append("\n\n");
        }
        b.append("**Verdict: ").append(r.verdict()).append(rh != null ? " (REHEARSAL)" : "").append("**\n\n");
        if (r.rollback() != null) b.append(inline(r.rollback().statement())).append("\n\n");
        // What the verdict rests on besides passes, where the reader of the verdict sees it: not on page 28.
        if (!r.waivers().isEmpty()) {
            b.append("Accepted with a waiver:\n\n");
            for (Report.Waiver w : r.waivers()) waiverLine(b, w);
            b.append('\n');
        }
        if (!r.skips().isEmpty()) {
            b.append("Skipped (optional steps, not counted as passed):\n\n");
            for (Report.Skip k : r.skips()) {
                b.append("- `").append(k.stepId()).append("` ").append(inline(k.title())).append(": skipped by ")
                        .append(inline(k.operator())).append(" at ").append(time(k.at())).append(" — ")
                        .append(inline(k.reason())).append('\n');
            }
            b.append('\n');
        }
        b.append("| | |\n|---|---|\n");
        row(b, "Runbook", r.title() + (r.runbookVersion() == null ? "" : " (version " + r.runbookVersion() + ")"));
        if (r.runbookFile() != null) row(b, "Runbook file", r.runbookFile());
        renderedRow(b, "Runbook SHA-256", code(r.runbookSha256()));
        renderedRow(b, "Session", code(r.sessionId()));
        if (r.journal() != null) renderedRow(b, "Journal", r.journal().markdownValue());
        row(b, "Environment", r.environment());
        Report.Target t = r.target();
        row(b, "Target", t.user() + "@" + t.host() + ":" + t.port() + "/" + t.database());
        row(b, "Server", "PostgreSQL " + t.serverVersion()
                + (t.systemIdentifier() == null ? "" : ", system identifier " + t.systemIdentifier()));
        row(b, "Checks", t.checkSafety());
        row(b, "Operator", r.operator());
        row(b, "Start", time(r.start()));
        row(b, "End", time(r.end()));
        row(b, "Duration", Durations.human(r.duration()));
        row(b, "Tool", "Runbook Pilot " + r.toolVersion());
        if (rh != null) {
            row(b, "Rehearsal of", rh.original());
            row(b, "Copy", rh.copy() + " (" + rh.data() + ")");
            row(b, "Not the original", rh.proof());
            row(b, "Copy dropped", rh.dropped());
        }
        b.append('\n');
        b.append("Paths are relative to the runbook's folder; `~` is the home folder.\n\n");

        b.append("## Migrations\n\n");
        if (r.migrations().isEmpty()) b.append("This runbook runs no migration file.\n\n");
        else b.append("| Step | Migration | SHA-256 of the file as it ran | Status |\n|---|---|---|---|\n");
        for (Report.Migration m : r.migrations()) {
            b.append("| `").append(m.stepId()).append("` | ").append(cell(m.what())).append(" | ")
                    .append(m.sha256() == null ? "not started" : code(m.sha256())).append(" | ")
                    .append(mark(m.status())).append(" |\n");
        }
        if (!r.migrations().isEmpty()) b.append('\n');
        if (r.description() != null && !r.description().isBlank()) {
            // The runbook author's Markdown, quoted: it cannot forge a heading or a verdict of the report.
            b.append("## About this runbook\n\n");
            for (String line : r.description().strip().split("\r?\n|\r", -1)) {
                b.append(line.isBlank() ? ">" : "> " + html(line)).append('\n');
            }
            b.append('\n');
        }

        Report.Summary s = r.summary();
        b.append("## Summary\n\n");
        b.append("| Checks | Passed | Failed | Errors | Waived | Confirmed | Pending | Skipped |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        b.append("| ").append(s.checks()).append(" | ").append(s.passed()).append(" | ").append(s.failed())
                .append(" | ").append(s.errors()).append(" | ").append(s.waived()).append(" | ")
                .append(s.confirmed()).append(" | ").append(s.pending()).append(" | ").append(s.skipped())
                .append(" |\n\n");

        times(b, r);
        plan(b, r);

        for (Report.PhaseReport p : r.phases()) {
            b.append("## ").append(inline(p.name())).append(rh != null ? " · REHEARSAL" : "").append("\n\n");
            for (Report.StepReport st : p.steps()) {
                b.append("### ").append(inline(st.title())).append(" — ").append(mark(st.status())).append("\n\n");
                b.append("Step `").append(st.id()).append("`");
                if (st.source() != null) b.append(" · from ").append(inline(st.source()));
                b.append("\n\n");
                if (st.checks().isEmpty()) continue;
                b.append("| # | Check | Status | Expected | Actual | Time |\n|---:|---|---|---|---|---:|\n");
                for (Report.CheckReport c : st.checks()) {
                    b.append("| ").append(c.index() + 1).append(" | ").append(cell(c.label()))
                            .append(sqlReference(sql, c))
                            .append(" | ")
                            .append(mark(c.status())).append(" | ").append(cell(c.expected())).append(" | ")
                            .append(cell(c.actual())).append(" | ")
                            .append(c.durationMillis() == null ? "" : Durations.human(c.durationMillis()))
                            .append(" |\n");
                }
                b.append('\n');
                for (Report.CheckReport c : st.checks()) details(b, c);
            }
        }

        if (r.rollback() != null) rollback(b, r.rollback(), sql);

        b.append("## Waivers\n\n");
        if (r.waivers().isEmpty()) b.append("None.\n\n");
        for (Report.Waiver w : r.waivers()) waiverLine(b, w);
        if (!r.waivers().isEmpty()) b.append('\n');

        b.append("## Manual confirmations\n\n");
        if (r.confirmations().isEmpty()) b.append("None.\n\n");
        for (Report.Confirmation c : r.confirmations()) {
            b.append("- `").append(c.stepId()).append("` ").append(inline(c.text())).append(" — confirmed by ")
                    .append(inline(c.operator())).append(" at ").append(time(c.at()))
                    .append(c.note().isBlank() ? "" : ". Note: " + inline(c.note())).append('\n');
        }
        if (!r.confirmations().isEmpty()) b.append('\n');

        b.append("## Timeline\n\n");
        for (Report.TimelineEntry e : r.timeline()) {
            b.append("- ").append(time(e.at())).append(" ").append(inline(e.what())).append('\n');
        }
        b.append('\n');

        b.append("## Sign-off").append(rh != null ? " · REHEARSAL (nobody signs a rehearsal)" : "").append("\n\n");
        List<String> lines = signoffLines(r);
        if (r.signoffs().stream().noneMatch(l -> !l.gate())) b.append("This runbook has no sign-off step.\n");
        for (String line : lines) {
            if (line.startsWith("- ")) b.append(line).append('\n');
            else b.append('\n').append(line).append("\n\n");
        }
        if (!sql.entries().isEmpty()) {
            b.append("\n## Appendix: SQL of the checks\n\nEach check names the SQL it ran; a text several checks "
                    + "ran is printed once.\n");
            for (SqlAppendix.Entry e : sql.entries()) {
                b.append("\n### ").append(e.name()).append("\n\nRun by ").append(inline(String.join(", ", e.usedBy())))
                        .append(".\n\n");
                fence(b, "sql", e.sql());
            }
        }
        if (signer != null) {
            b.append("\n## Signature\n\n").append("Signed by ").append(inline(signer)).append(" with SSH key `")
                    .append(keyFingerprint).append("` in the detached signature file next to this report (`.sig`, ")
                    .append("namespace `file`). Check it with `ssh-keygen -Y verify` or `runbook-pilot verify`.\n");
        }
        if (rh != null) b.append('\n').append(REHEARSAL_BANNER).append('\n');
        return new WorkstationPaths(r.runbookFile(), System.getProperty("user.home"), MarkdownReport::inline,
                MarkdownReport::cell, MarkdownReport::html).apply(b.toString());
    }

    private static void waiverLine(StringBuilder b, Report.Waiver w) {
        b.append("- `").append(w.stepId()).append("` ").append(inline(w.check()))
                .append(w.coversError() ? " (could not look: ERROR)" : " (FAILED)").append(": waived by ")
                .append(inline(w.operator())).append(" at ").append(time(w.at()))
                .append(w.inAdvance() ? ", granted in advance (run --waive) before anyone saw the failure" : "")
                .append(" — ").append(inline(w.reason())).append('\n');
    }

    private static void details(StringBuilder b, Report.CheckReport c) {
        // SQL is in the appendix; only a command line stays with its check.
        boolean hasSql = c.sql() != null && !c.sql().isBlank() && !SqlAppendix.holds(c);
        CheckDetail d = Restated.detail(c);
        if (!hasSql && d == null && c.error() == null) return;
        b.append("<details><summary>#").append(c.index() + 1).append(" ").append(html(c.label()))
                .append("</summary>\n\n");
        if (c.error() != null) {
            b.append("Error").append(c.sqlState() == null ? "" : " (SQLSTATE " + c.sqlState() + ")").append(": ")
                    .append(inline(c.error())).append("\n\n");
        }
        if (hasSql) fence(b, SqlAppendix.runsProgram(c) ? "sh" : "sql", c.sql());
        if (d instanceof CheckDetail.CommandRun run) {
            b.append("| | |\n|---|---|\n");
            CommandRecord.facts(run).forEach((k, v) -> row(b, k, v));
            b.append('\n');
            if (run.lines() > 0) {
                b.append(inline(CommandRecord.outputTitle(run))).append(":\n\n");
                fence(b, "text", CommandRecord.outputText(run));
            }
        } else if (d instanceof CheckDetail.RowCountDiff rc) {
            rowCounts(b, rc.lines());
        } else if (d instanceof CheckDetail.SchemaChanges sc) {
            schemaChanges(b, sc.changes());
        } else if (d instanceof CheckDetail.RestoredProof proof) {
            restored(b, proof);
        } else if (d instanceof CheckDetail.ObjectsDiff od) {
            list(b, "Missing", od.missing());
            list(b, "Unexpected", od.unexpected());
            list(b, "Mismatched", od.mismatched());
            list(b, "Found", od.found());
        } else if (d instanceof CheckDetail.Plan plan) {
            fence(b, "text", plan.text());
        } else if (d instanceof CheckDetail.Notices n) {
            list(b, "Notices received", n.received());
            list(b, "Expected notices missing", n.missing());
        } else if (d instanceof CheckDetail.BackupProof proof) {
            b.append("| Backup | |\n|---|---|\n");
            for (String[] row : BackupEvidence.rows(proof)) {
                b.append("| ").append(cell(row[0])).append(" | ").append(cell(row[1])).append(" |\n");
            }
            b.append('\n');
            list(b, "Missing from the dump", proof.missing());
            if (!proof.counts().isEmpty()) {
                b.append("| Table | Rows in the dump's snapshot | Rows restored | |\n|---|---:|---:|---|\n");
                for (CheckDetail.RestoredCount rc : proof.counts()) {
                    b.append("| ").append(cell(rc.table())).append(" | ").append(rc.snapshot()).append(" | ")
                            .append(rc.restored() == null ? "missing" : rc.restored().toString()).append(" | ")
                            .append(rc.matches() ? "=" : "**differs**").append(" |\n");
                }
                b.append('\n');
            }
        } else if (d instanceof CheckDetail.SnapshotTaken snap) {
            b.append("| Table | Rows |\n|---|---:|\n");
            snap.rowCounts().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                    .forEach(e -> b.append("| ").append(cell(e.getKey())).append(" | ").append(e.getValue())
                            .append(" |\n"));
            b.append('\n');
            if (!snap.checksums().isEmpty()) {
                b.append("| Table | Content checksum |\n|---|---|\n");
                new java.util.TreeMap<>(snap.checksums()).forEach((t, sum) -> b.append("| ").append(cell(t))
                        .append(" | ").append(cell(sum)).append(" |\n"));
                b.append('\n');
            }
            hotQueries(b, snap.queries());
        } else if (d instanceof CheckDetail.PlanComparison pc) {
            planComparison(b, pc);
        } else if (d instanceof CheckDetail.Rows rows && !rows.columns().isEmpty()) {
            b.append("| ").append(String.join(" | ", rows.columns().stream().map(MarkdownReport::cell).toList()))
                    .append(" |\n|").append("---|".repeat(rows.columns().size())).append('\n');
            for (List<String> row : rows.rows()) {
                b.append("| ").append(String.join(" | ", row.stream().map(v -> v == null ? "NULL" : cell(v))
                        .toList())).append(" |\n");
            }
            if (rows.truncated()) b.append("\n(more rows not shown)\n");
            b.append('\n');
        }
        locks(b, LockRecord.of(d));
        b.append("</details>\n\n");
    }

    private static void rowCounts(StringBuilder b, List<CheckDetail.RowCountLine> lines) {
        b.append("| Table (before) | Table (after) | Before | After | Delta | Status |\n");
        b.append("|---|---|---:|---:|---:|---|\n");
        for (CheckDetail.RowCountLine l : lines) {
            b.append("| ").append(cell(l.beforeTable())).append(" | ").append(cell(l.afterTable())).append(" | ")
                    .append(num(l.before())).append(" | ").append(num(l.after())).append(" | ")
                    .append(l.delta() == null ? "" : (l.delta() > 0 ? "+" : "") + l.delta()).append(" | ")
                    .append(mark(l.status())).append(l.note() == null || l.note().isBlank() ? ""
                            : " " + cell(l.note())).append(" |\n");
        }
        b.append('\n');
    }

    /** One row per change, the columns (constraints, ...) one table gained or lost together under one heading row. */
    private static void schemaChanges(StringBuilder b, List<CheckDetail.SchemaChange> changes) {
        b.append("| Change | Object | Declared | Happened | Before | After |\n|---|---|---|---|---|---|\n");
        for (SchemaRows.Row row : SchemaRows.of(changes)) {
            CheckDetail.SchemaChange ch = row.change();
            b.append("| ").append(cell(ch.change())).append(" | ")
                    .append(row.grouped() ? "**" + cell(row.heading()) + "**" : cell(row.heading())).append(" | ")
                    .append(ch.expected() ? "yes" : "**no**").append(" | ")
                    .append(ch.happened() ? "yes" : "**no**").append(" | ")
                    .append(row.grouped() ? "" : cell(ch.before())).append(" | ")
                    .append(row.grouped() ? "" : cell(ch.after())).append(" |\n");
            boolean removed = ch.before() != null && !ch.before().isBlank();
            for (SchemaRows.Member m : row.members()) {
                b.append("| | ").append(cell(m.name())).append(" | | | ")
                        .append(removed ? cell(m.definition()) : "").append(" | ")
                        .append(removed ? "" : cell(m.definition())).append(" |\n");
            }
        }
        b.append('\n');
    }

    /** Title of the section listing every gate's answers, after the sign-offs. */
    static final String GATES_SECTION = "## Go / no-go answers";

    /**
     * The report's sign-off lines ({@code - ROLE: ...}), then, when the runbook has gates, {@link #GATES_SECTION}
     * and a line per gate role: how the report shows them, and what {@code verify --journal} compares.
     */
    static List<String> signoffLines(Report r) {
        List<String> lines = new ArrayList<>();
        for (Report.SignoffLine l : r.signoffs()) {
            if (l.gate()) continue;
            lines.add("- " + inline(l.role()) + ": " + (l.name() == null ? "_not signed_"
                    : "**" + inline(l.name()) + "**, " + time(l.at()) + ", " + keyText(l)));
        }
        if (r.signoffs().stream().anyMatch(Report.SignoffLine::gate)) lines.add(GATES_SECTION);
        for (Report.SignoffLine l : r.signoffs()) {
            if (!l.gate()) continue;
            lines.add("- " + inline(l.stepId()) + " · " + inline(l.role()) + ": " + (l.name() == null
                    ? "_not answered_" : "**" + l.decision() + "** by **" + inline(l.name()) + "**, " + time(l.at())
                    + ", " + keyText(l) + (l.reason() == null ? "" : ": " + inline(l.reason()))));
        }
        return lines;
    }

    /** The key a sign-off or gate answer was signed with, or that it is only a typed name. */
    private static String keyText(Report.SignoffLine l) {
        return l.fingerprint() != null ? "key `" + l.fingerprint() + "`" : "_" + SignoffSignatures.TYPED + "_";
    }

    /** The proof of the way back: what could not be compared, then schema, counts and contents against the baseline. */
    private static void restored(StringBuilder b, CheckDetail.RestoredProof proof) {
        list(b, "Could not compare", proof.missing());
        b.append("Schema against snapshot ").append(inline(proof.snapshot())).append(": ");
        if (proof.schema().isEmpty()) {
            b.append("no change.\n\n");
        } else {
            b.append(proof.schema().size()).append(" change").append(proof.schema().size() == 1 ? "" : "s")
                    .append(".\n\n");
            schemaChanges(b, proof.schema());
        }
        rowCounts(b, proof.counts());
        if (!proof.checksums().isEmpty()) {
            b.append("| Table | Checksum in the snapshot | Checksum now | Status |\n|---|---|---|---|\n");
            for (CheckDetail.ChecksumLine l : proof.checksums()) {
                b.append("| ").append(cell(l.table())).append(" | ").append(cell(l.before())).append(" | ")
                        .append(l.now() == null ? "gone" : cell(l.now())).append(" | ")
                        .append(mark(l.status())).append(" ").append(cell(l.note())).append(" |\n");
            }
            b.append('\n');
        }
    }

    /** What a writer held (ACCESS EXCLUSIVE on a table in bold) and every lock it timed out on, with whom. */
    private static void locks(StringBuilder b, dev.runbookpilot.db.Locks.Report r) {
        if (r == null) return;
        b.append(inline(LockRecord.heldTitle(r))).append(":\n\n");
        if (!r.held().isEmpty()) {
            b.append("| ").append(String.join(" | ", LockRecord.HELD_HEADINGS)).append(" |\n|---|---|---:|\n");
            List<String[]> rows = LockRecord.heldRows(r);
            for (int i = 0; i < rows.size(); i++) {
                boolean strong = r.held().get(i).blocksReaders();
                String[] row = rows.get(i);
                b.append("| ").append(strong ? "**" + cell(row[0]) + "**" : cell(row[0])).append(" | ")
                        .append(strong ? "**" + cell(row[1]) + "**" : cell(row[1])).append(" | ")
                        .append(cell(row[2])).append(" |\n");
            }
            b.append('\n');
        }
        for (dev.runbookpilot.db.Locks.LockWait w : r.waits()) {
            b.append(inline(LockRecord.waitLine(w))).append("\n\n");
            if (w.blockers().isEmpty()) continue;
            b.append("| ").append(String.join(" | ", LockRecord.BLOCKER_HEADINGS)).append(" |\n")
                    .append("|---:|---|---|---|---:|---|\n");
            for (String[] row : LockRecord.blockerRows(w.blockers())) {
                b.append("| ").append(String.join(" | ", java.util.Arrays.stream(row).map(MarkdownReport::cell)
                        .toList())).append(" |\n");
            }
            b.append('\n');
        }
    }

    /** The baselines a snapshot timed: one line each, then each plan. */
    private static void hotQueries(StringBuilder b, List<CheckDetail.Measurement> queries) {
        if (queries.isEmpty()) return;
        b.append("| Hot query | Median | Fastest | Slowest | Runs | Indexes |\n|---|---:|---:|---:|---:|---|\n");
        for (CheckDetail.Measurement m : queries) {
            b.append("| ").append(cell(m.name())).append(" | ").append(ms(m.medianMs())).append(" | ")
                    .append(ms(m.minMs())).append(" | ").append(ms(m.maxMs())).append(" | ").append(m.runsMs().size())
                    .append(" | ").append(cell(String.join(", ", m.indexes()))).append(" |\n");
        }
        b.append('\n');
        for (CheckDetail.Measurement m : queries) {
            b.append("Plan of ").append(inline(m.name())).append(" (the median run):\n\n");
            fence(b, "text", m.planText());
        }
    }

    /** A hot query before and after: timings side by side, the verdict on them and on indexes, then both plans. */
    private static void planComparison(StringBuilder b, CheckDetail.PlanComparison pc) {
        CheckDetail.Measurement before = pc.before();
        CheckDetail.Measurement after = pc.after();
        b.append("| ").append(cell(before.name())).append(" | Before (snapshot ").append(cell(pc.snapshot()))
                .append(") | Now |\n|---|---:|---:|\n");
        b.append("| Median | ").append(ms(before.medianMs())).append(" | ").append(ms(after.medianMs())).append(" |\n");
        b.append("| Fastest | ").append(ms(before.minMs())).append(" | ").append(ms(after.minMs())).append(" |\n");
        b.append("| Slowest | ").append(ms(before.maxMs())).append(" | ").append(ms(after.maxMs())).append(" |\n");
        b.append("| Runs | ").append(before.runsMs().size()).append(" | ").append(after.runsMs().size())
                .append(" |\n");
        b.append("| Indexes | ").append(cell(String.join(", ", before.indexes()))).append(" | ")
                .append(cell(String.join(", ", after.indexes()))).append(" |\n\n");
        b.append("Time: ").append(inline(pc.timing())).append("\n\n");
        if (!pc.lostIndexes().isEmpty()) {
            b.append("Indexes no longer used: ").append(inline(String.join(", ", pc.lostIndexes()))).append("\n\n");
        }
        b.append("Plan before:\n\n");
        fence(b, "text", before.planText());
        b.append("Plan now:\n\n");
        fence(b, "text", after.planText());
    }

    private static String ms(double millis) {
        return String.format(java.util.Locale.ROOT, "%.3f ms", millis);
    }

    private static void list(StringBuilder b, String title, List<String> items) {
        if (items.isEmpty()) return;
        b.append(title).append(":\n\n");
        for (String i : items) b.append("- ").append(inline(i)).append('\n');
        b.append('\n');
    }

    /** A backtick fence longer than any run of backticks in the text, so the text cannot close it. */
    private static void fence(StringBuilder b, String lang, String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        b.append(fence).append(lang).append('\n').append(text.strip()).append('\n').append(fence).append("\n\n");
    }

    private static void row(StringBuilder b, String key, String value) {
        renderedRow(b, key, cell(value));
    }

    private static void renderedRow(StringBuilder b, String key, String markdown) {
        b.append("| ").append(key).append(" | ").append(markdown).append(" |\n");
    }

    /** A code span for hashes and ids; anything else in the journal's place is shown as escaped text. */
    private static String code(String s) {
        return s != null && s.matches("[A-Za-z0-9._:-]+") ? "`" + s + "`" : cell(s);
    }

    /** Said at the top, under every section and at the end: a part of the report read alone still says it. */
    static final String REHEARSAL_BANNER = "> **REHEARSAL** on a copy of the target. Nothing here happened on the real"
            + " database; manual steps and sign-offs were walked through, not confirmed or signed.";

    /** Planned against actual per phase and step, overruns marked. */
    private static void plan(StringBuilder b, Report r) {
        if (r.plan().isEmpty() && r.window() == null) return;
        b.append("## Planned vs actual\n\n| Phase / step | Planned | Actual | |\n|---|---|---|---|\n");
        Report.WindowLine w = r.window();
        if (w != null) {
            b.append("| **Window** | ").append(cell(plannedWindow(w))).append(" | ").append(cell(actualWindow(w)))
                    .append(" | ").append(w.overrun() ? "⚠ OVERRUN" : "").append(" |\n");
        }
        for (Report.PlanLine l : r.plan()) {
            String name = l.stepId() == null ? "**" + inline(l.title()) + "**" : "`" + l.stepId() + "` "
                    + inline(l.title());
            b.append("| ").append(name).append(" | ").append(l.planned() == null ? "—" : Durations.human(l.planned()))
                    .append(" | ").append(l.actual() == null ? "not begun" : Durations.human(l.actual())
                            + (l.open() ? " (open)" : ""))
                    .append(" | ").append(l.overrun() ? "⚠ OVERRUN" : "").append(" |\n");
        }
        b.append('\n');
    }

    /** Per-step times: a rehearsal's with the plan for the real window, or a real window's beside its rehearsal. */
    private static void times(StringBuilder b, Report r) {
        if (r.times().isEmpty()) return;
        boolean rehearsal = r.rehearsal() != null;
        b.append("## Step times").append(rehearsal ? " · REHEARSAL" : "").append("\n\n");
        if (rehearsal) {
            b.append("Planned for the real window: ").append(PLANNED_RULE).append("\n\n");
            b.append("| Step | Rehearsed | Planned for the window |\n|---|---:|---:|\n");
            for (Report.StepTime t : r.times()) {
                b.append("| `").append(t.stepId()).append("` ").append(cell(t.title())).append(" | ")
                        .append(millis(t.measured())).append(" | ").append(millis(t.planned())).append(" |\n");
            }
        } else {
            b.append("Beside the last rehearsal of this runbook (same SHA-256) before this window.\n\n");
            b.append("| Step | This window | Last rehearsal | Planned |\n|---|---:|---:|---:|\n");
            for (Report.StepTime t : r.times()) {
                b.append("| `").append(t.stepId()).append("` ").append(cell(t.title())).append(" | ")
                        .append(millis(t.measured())).append(" | ").append(millis(t.rehearsed())).append(" | ")
                        .append(millis(t.planned())).append(" |\n");
            }
        }
        b.append('\n');
    }

    /** " (SQL Q3)" linking to the appendix entry of the check's SQL; empty when its SQL stays with it. */
    private static String sqlReference(SqlAppendix sql, Report.CheckReport c) {
        if (!SqlAppendix.holds(c)) return "";
        String name = sql.entry(c).name();
        return " (SQL [" + name + "](#" + name.toLowerCase(java.util.Locale.ROOT) + "))";
    }

    /** How a planned duration comes from a rehearsed one, in the words both reports use. */
    static final String PLANNED_RULE = "1.5 × the rehearsed time, rounded up to whole seconds (the copy had no other"
            + " load; a schema-only copy had no rows, so data-bound steps will take longer)";

    static String millis(Long ms) {
        return Durations.human(ms);
    }

    static String mark(Status s) {
        return switch (s) {
            case PASSED -> "✅ PASSED";
            case FAILED -> "❌ FAILED";
            case ERROR -> "⛔ ERROR";
            case WAIVED -> "⚠️ WAIVED";
            case CONFIRMED -> "☑️ CONFIRMED";
            case SKIPPED -> "⏭ SKIPPED";
            case REHEARSED -> "🎭 REHEARSED";
            case RUNNING -> "RUNNING";
            case PENDING -> "⏳ PENDING";
        };
    }

    private static String num(Long n) {
        return n == null ? "—" : String.format("%,d", n);
    }

    /** A table cell: one line, pipes escaped. */
    static String cell(String s) {
        if (s == null) return "";
        return inline(s).replace("|", "\\|");
    }

    /**
     * Text from the journal must not be able to forge headings, links or HTML in the report. It stays on one
     * line: a line break in a title or a note would otherwise end its heading, list item or HTML block, and what
     * follows could be read as Markdown of its own (a rule, a setext heading, a block quote).
     */
    static String inline(String s) {
        if (s == null) return "";
        return lineBreaks(s.replace("\\", "\\\\").replace("<", "&lt;").replace(">", "&gt;").replace("*", "\\*")
                .replace("_", "\\_").replace("`", "\\`").replace("[", "\\[").replace("]", "\\]").replace("#", "\\#"));
    }

    private static String html(String s) {
        return s == null ? "" : lineBreaks(s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"));
    }

    private static String lineBreaks(String s) {
        return s.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "<br>");
    }

    private static String time(Instant t) {
        return t == null ? "—" : TIME.format(t);
    }

    /** The window's plan in words, the same in Markdown and PDF: start to end (length), and the start as written. */
    static String plannedWindow(Report.WindowLine w) {
        String text = time(w.plannedStart()) + " to " + time(w.plannedEnd()) + " (" + Durations.human(w.planned())
                + ")";
        return w.shown() == null || w.shown().equals(w.plannedStart().toString()) ? text
                : text + "; the runbook says " + w.shown();
    }

    /** The window as it went: the first action to the last (to now while open). */
    static String actualWindow(Report.WindowLine w) {
        if (w.firstAction() == null) return "no action yet";
        return "first action " + time(w.firstAction()) + ", last " + time(w.lastAction()) + " ("
                + Durations.human(w.actual()) + ")" + (w.open() ? " (open)" : "");
    }

    /** Each rollback with its result and output, then the proof with its diff: what the ROLLED BACK verdict rests on. */
    private static void rollback(StringBuilder b, Report.Rollback rb, SqlAppendix sql) {
        b.append("## Rollback\n\n");
        b.append("Begun by ").append(inline(rb.operator())).append(" at ").append(time(rb.began())).append(": ")
                .append(inline(rb.reason())).append("\n\n").append(inline(rb.statement())).append("\n\n");
        if (rb.stop() != null) b.append("**The plan stopped:** ").append(inline(rb.stop())).append("\n\n");
        List<Report.StepReport> all = new java.util.ArrayList<>(rb.steps());
        if (rb.proof() != null) all.add(rb.proof());
        else b.append("The proof has not run after the last rollback: the database is not proven back at its"
                + " baseline.\n\n");
        for (Report.StepReport st : all) {
            b.append("### ").append(inline(st.title())).append(" — ").append(mark(st.status())).append("\n\n");
            b.append("Step `").append(st.id()).append("`\n\n");
            if (st.checks().isEmpty()) {
                b.append("Not run.\n\n");
                continue;
            }
            b.append("| Check | Status | Expected | Actual | Time |\n|---|---|---|---|---:|\n");
            for (Report.CheckReport c : st.checks()) {
                b.append("| ").append(cell(c.label())).append(sqlReference(sql, c)).append(" | ")
                        .append(mark(c.status())).append(" | ")
                        .append(cell(c.expected())).append(" | ").append(cell(c.actual())).append(" | ")
                        .append(c.durationMillis() == null ? "" : c.durationMillis() + " ms").append(" |\n");
            }
            b.append('\n');
            for (Report.CheckReport c : st.checks()) details(b, c);
        }
    }
}
