package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import dev.runbookpilot.importer.Outline.PhaseDraft;
import dev.runbookpilot.importer.Outline.StepDraft;
import dev.runbookpilot.importer.Outline.Unit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.runbookpilot.importer.ChecklistImporter.clean;

/**
 * Stage 2 of the import: reads the {@link ChecklistDocument}'s blocks into an {@link Outline}. The title heading
 * becomes the runbook's name; the two shallowest other heading levels become phases and steps; list items (the
 * checkboxes, when there are any), table rows with SQL, code blocks outside items and fill-in fields become the
 * steps' entries, with the lines nested under them (notes, code); signature lines become sign-off roles; all other
 * text becomes descriptions. Every line it places is recorded in the {@link ImportLedger}.
 */
final class ItemReader {

    private final ChecklistDocument doc;
    private final ImportLedger ledger;
    private final Outline outline = new Outline();
    private final List<PhaseDraft> phases = outline.phases;
    private final List<Integer> runbookDescription = outline.runbookDescription;
    private final String sourceName;

    ItemReader(ChecklistDocument doc, ImportLedger ledger, String sourceName) {
        this.doc = doc;
        this.ledger = ledger;
        this.sourceName = sourceName;
    }

    /** The outline of the whole document. */
    Outline read() {
        structure(doc.blocks);
        return outline;
    }

    private String raw(int line) {
        return doc.raw(line);
    }

    private void use(int line, Use use, String stepId, String kept) {
        ledger.use(line, use, stepId, kept);
    }

    private void warn(int line, String message) {
        ledger.warn(line, message);
    }

    private void structure(List<Block> blocks) {
        List<Block> headings = blocks.stream().filter(b -> b.type == Type.HEADING).toList();
        boolean anyBox = blocks.stream().anyMatch(b -> b.type == Type.ITEM && b.box);
        int phaseLevel = 0;
        int stepLevel = 0;
        Block titleHeading = null;
        if (!headings.isEmpty()) {
            int min = headings.stream().mapToInt(b -> b.level).min().orElse(1);
            long atMin = headings.stream().filter(b -> b.level == min).count();
            if (atMin == 1 && headings.get(0).level == min) {
                titleHeading = headings.get(0);
            }
            List<Integer> levels = headings.stream().filter(b -> b != headings.get(0) || headings.get(0).level != min
                    || atMin > 1).map(b -> b.level).distinct().sorted().toList();
            if (levels.size() == 1) {
                stepLevel = levels.get(0);
            } else if (levels.size() > 1) {
                phaseLevel = levels.get(0);
                stepLevel = levels.get(1);
            }
        }
        outline.title = titleHeading != null && !clean(titleHeading.text).isEmpty() ? clean(titleHeading.text)
                : sourceName.replaceAll("\\.(md|markdown|txt)$", "");

        PhaseDraft phase = null;
        StepDraft step = null;
        String stepParent = null;
        Unit item = null;
        boolean itemOpen = false;
        Unit lastFree = null;
        boolean blankSince = false;
        // Under a heading or a label line that announces criteria, plain bullets are items (CriteriaLists).
        boolean criteriaHeading = false;
        boolean criteriaLabel = false;
        for (int bi = 0; bi < blocks.size(); bi++) {
            Block b = blocks.get(bi);
            switch (b.type) {
                case BLANK, RULE, SETEXT_UNDERLINE -> {
                    use(b.line, Use.FORMAT, null, "");
                    blankSince = true;
                    continue;
                }
                case HEADING -> {
                    item = null;
                    lastFree = null;
                    criteriaHeading = CriteriaLists.announcedByHeading(b.text);
                    criteriaLabel = false;
                    String text = clean(b.text).isEmpty() ? "Untitled (line " + b.line + ")" : clean(b.text);
                    if (b == titleHeading) {
                        use(b.line, Use.HEADING, null, b.text);
                    } else if (phaseLevel > 0 && b.level <= phaseLevel) {
                        phase = new PhaseDraft(text, b.line);
                        phases.add(phase);
                        step = null;
                        use(b.line, Use.HEADING, null, b.text);
                    } else {
                        if (phase == null) {
                            phase = new PhaseDraft(phaseLevel > 0 ? "Introduction" : "Checklist", b.line);
                            phases.add(phase);
                        }
                        String t = text;
                        if (b.level <= stepLevel || stepParent == null) {
                            stepParent = text;
                        } else {
                            t = stepParent + " — " + text;
                        }
                        step = new StepDraft(t, b.line);
                        phase.steps.add(step);
                        use(b.line, Use.HEADING, null, b.text);
                    }
                    blankSince = false;
                    continue;
                }
                default -> { }
            }
            // Content: make sure there is a phase and, for checks, a step.
            if (b.type == Type.TEXT || b.type == Type.COMMENT) {
                if (isSignature(b.text)) {
                    step = ensureStep(phase, step, b.line);
                    phase = phases.get(phases.size() - 1);
                    signature(step, b);
                    item = null;
                    blankSince = false;
                    continue;
                }
                if (anyBox && CriteriaLists.isLabel(b.text) && (item == null || b.indent <= item.indent)) {
                    criteriaLabel = true;
                    item = null;
                    lastFree = null;
                    describe(phase, step, b.line);
                    blankSince = false;
                    continue;
                }
                if (item != null && itemOpen && (b.indent > item.indent || !blankSince
                        || (isExpectationNote(b.text) && !item.blocks.isEmpty()))) {
                    item.notes.add(b);
                    item.lines.add(b.line);
                    blankSince = false;
                    continue;
                }
                if (lastFree != null && isExpectationNote(b.text)) {
                    lastFree.notes.add(b);
                    lastFree.lines.add(b.line);
                    blankSince = false;
                    continue;
                }
                if (isField(b.text)) {
                    step = ensureStep(phase, step, b.line);
                    phase = phases.get(phases.size() - 1);
                    field(step, b);
                    item = null;
                    blankSince = false;
                    continue;
                }
                if (item != null && b.indent <= item.indent) itemOpen = false;
                lastFree = null;
                criteriaLabel = false;
                describe(phase, step, b.line);
                blankSince = false;
                continue;
            }
            if (b.type == Type.ITEM) {
                boolean deeper = item != null && itemOpen && b.indent > item.indent;
                if (!b.box && isSignature(b.text)) {
                    step = ensureStep(phase, step, b.line);
                    phase = phases.get(phases.size() - 1);
                    signature(step, b);
                    blankSince = false;
                    continue;
                }
                boolean criterion = !b.box && anyBox && !deeper && (criteriaHeading || criteriaLabel)
                        && CriteriaLists.isCriterion(b.text);
                if (b.box || !anyBox && !deeper || criterion) {
                    step = ensureStep(phase, step, b.line);
                    phase = phases.get(phases.size() - 1);
                    item = new Unit(b.line, b.text, b.indent);
                    item.requireNote = b.text.matches(".*_{3,}.*");
                    step.units.add(item);
                    itemOpen = true;
                    lastFree = null;
                } else if (deeper) {
                    item.notes.add(b);
                    item.lines.add(b.line);
                } else if (isField(b.text)) {
                    step = ensureStep(phase, step, b.line);
                    phase = phases.get(phases.size() - 1);
                    field(step, b);
                    item = null;
                } else {
                    describe(phase, step, b.line);
                    item = null;
                }
                blankSince = false;
                continue;
            }
            if (b.type == Type.FENCE) {
                if (!b.closed) {
                    warn(b.line, "code fence opened here is never closed; everything to the end of the file "
                            + "was read as its content");
                }
                step = ensureStep(phase, step, b.line);
                phase = phases.get(phases.size() - 1);
                if (item != null && itemOpen && (b.indent > item.indent || item.text.strip().endsWith(":"))) {
                    item.blocks.add(b);
                    for (int l = b.line; l <= b.endLine; l++) item.lines.add(l);
                    lastFree = null;
                } else {
                    Unit free = new Unit(b.line, "", b.indent);
                    free.blocks.add(b);
                    for (int l = b.line; l <= b.endLine; l++) free.lines.add(l);
                    step.units.add(free);
                    lastFree = free;
                    item = null;
                }
                blankSince = false;
                continue;
            }
            if (b.type == Type.TABLE_ROW) {
                int end = bi;
                while (end + 1 < blocks.size() && blocks.get(end + 1).type == Type.TABLE_ROW) end++;
                step = ensureStep(phase, step, b.line);
                phase = phases.get(phases.size() - 1);
                table(phase, step, blocks.subList(bi, end + 1));
                bi = end;
                item = null;
                lastFree = null;
                blankSince = false;
            }
        }
    }

    private StepDraft ensureStep(PhaseDraft phase, StepDraft step, int line) {
        if (step != null) return step;
        PhaseDraft p = phase;
        if (p == null) {
            p = new PhaseDraft("Checklist", line);
            phases.add(p);
        }
        StepDraft s = new StepDraft(p.name, line);
        p.steps.add(s);
        return s;
    }

    private void describe(PhaseDraft phase, StepDraft step, int line) {
        if (step != null) step.descriptionLines.add(line);
        else if (phase != null) phase.descriptionLines.add(line);
        else runbookDescription.add(line);
    }

    private static final Pattern EXPECTED_NOTE = Pattern.compile("(?i)^[*_>\\s-]*(expected|should|must)\\b.*");

    private static boolean isExpectationNote(String text) {
        return EXPECTED_NOTE.matcher(text).matches();
    }

    private static final Pattern SIGNATURE = Pattern.compile(
            "(?i)^[*_\\s-]*(signed|signature|sign[- ]?off\\s+by|approved\\s+by|signed\\s+off\\s+by)\\b[^_]*_{3,}.*");
    private static final Pattern FIELD = Pattern.compile("^\\s*[*_]*([^_:]{1,80}?)[*_]*\\s*:\\s*[*_]*\\s*_{3,}.*");
    private static final Pattern SIGNER_LABEL = Pattern.compile(
            "(?i).*\\b(signed|sign[- ]?off|approved|applied|performed|executed|reviewed|verified|completed"
                    + "|signature|person|operator|dba|engineer|lead|owner|approver|reviewer|by)\\b.*");

    private static boolean isSignature(String text) {
        return SIGNATURE.matcher(text).matches();
    }

    private static boolean isField(String text) {
        return FIELD.matcher(text).matches();
    }

    private void signature(StepDraft step, Block b) {
        step.signLines.add(b.line);
        Matcher m = Pattern.compile("(?i)(?:signed|sign[- ]?off|approved)\\s+(?:off\\s+)?by\\s*:?\\s*([A-Za-z][\\w /&-]{0,40}?)\\s*[:_]")
                .matcher(b.text.replace("*", ""));
        String role = m.find() && !m.group(1).isBlank() ? m.group(1).strip() : roleNear(step, b.line);
        step.roles.add(role);
    }

    private static final Pattern ROLE_WORD = Pattern.compile(
            "(?i)\\b((?:[A-Z][\\w-]*\\s+)?(?:DBA|DBE|SRE|lead|manager|owner|approver|reviewer|on-call|operator"
                    + "|engineer|administrator))\\b");

    /** A role named on the signature line, just above it or in the step title, else a generic one (warned). */
    private String roleNear(StepDraft step, int line) {
        for (int l = line; l >= Math.max(1, line - 3); l--) {
            Matcher m = ROLE_WORD.matcher(raw(l));
            if (m.find()) return m.group(1).strip();
        }
        Matcher m = ROLE_WORD.matcher(step.title);
        if (m.find()) return m.group(1).strip();
        warn(line, "signature line names no role; the sign-off step asks for a 'Signer' — rename the role in "
                + "the runbook if a specific person must sign");
        return "Signer";
    }

    private static final Pattern ROLE_AFTER_BLANK = Pattern.compile("_{3,}\\s*\\(([^()_]{1,60})\\)");
    private static final Pattern SIGN_WORDS = Pattern.compile("(?i)\\b(sign[- ]?off|signature|signed)\\b");

    /**
     * The role a fill-in signature field names: in parentheses after the blank ({@code Sign-off: ___ (on-call
     * DBA)}), else the label without the words that only say "sign here" ({@code DBA sign-off} -> DBA), else a
     * role named near it.
     */
    private String signerRole(String label, String text, StepDraft step, int line) {
        Matcher after = ROLE_AFTER_BLANK.matcher(text);
        if (after.find() && !after.group(1).isBlank()) return after.group(1).strip();
        String rest = SIGN_WORDS.matcher(label).replaceAll(" ").replaceAll("[^\\p{L}\\p{N}&/ -]", " ")
                .replaceAll("\\s+", " ").strip().replaceAll("^-+\\s*|\\s*-+$", "");
        if (!rest.isEmpty()) return rest;
        return roleNear(step, line);
    }

    private void field(StepDraft step, Block b) {
        Matcher m = FIELD.matcher(b.text);
        String label = m.matches() ? m.group(1).replace("*", "").strip() : b.text;
        if (SIGNER_LABEL.matcher(label).matches() && !label.toLowerCase(Locale.ROOT).startsWith("date")) {
            step.signLines.add(b.line);
            step.roles.add(signerRole(label, b.text, step, b.line));
            return;
        }
        Unit u = new Unit(b.line, b.text, b.indent);
        u.requireNote = true;
        step.units.add(u);
    }

    private static final Pattern SQL_HEADER = Pattern.compile(
            "(?i).*\\b(sql|psql|query|queries|command|cmd|statement)\\b.*");
    private static final Pattern EXPECT_HEADER = Pattern.compile(
            "(?i).*\\b(expect\\w*|results?|should|pass(?:es)?(?:\\s+(?:if|when|criteri\\w*))?|criteri\\w*"
                    + "|outcome)\\b.*");

    private void table(PhaseDraft phase, StepDraft step, List<Block> rows) {
        List<String> header = MarkdownBlocks.cells(rows.get(0).text);
        boolean hasSeparator = rows.size() > 1 && MarkdownBlocks.isSeparatorRow(rows.get(1).text);
        int sqlCol = -1;
        int expectCol = -1;
        if (hasSeparator) {
            for (int i = 0; i < header.size(); i++) {
                if (sqlCol < 0 && SQL_HEADER.matcher(header.get(i)).matches()) sqlCol = i;
                else if (expectCol < 0 && EXPECT_HEADER.matcher(header.get(i)).matches()) expectCol = i;
            }
        }
        int first = hasSeparator ? 2 : 0;
        if (hasSeparator) {
            describe(phase, step, rows.get(0).line);
            use(rows.get(1).line, Use.FORMAT, null, "");
        }
        for (int r = first; r < rows.size(); r++) {
            Block row = rows.get(r);
            List<String> cells = MarkdownBlocks.cells(row.text);
            boolean box = row.text.matches(".*(\\[[ xX]\\]|[☐☑☒✅]).*");
            if (sqlCol >= 0 && sqlCol < cells.size() && !cells.get(sqlCol).isBlank()) {
                Unit u = new Unit(row.line, row.text, row.indent);
                u.tableSql = cells.get(sqlCol).replaceAll("^`+|`+$", "").strip();
                u.tableExpect = expectCol >= 0 && expectCol < cells.size() ? cells.get(expectCol) : null;
                List<String> label = new ArrayList<>();
                for (int c = 0; c < cells.size(); c++) {
                    String cell = clean(cells.get(c));
                    if (c != sqlCol && c != expectCol && !cell.isEmpty() && !cell.matches("\\d+\\.?")) {
                        label.add(cell);
                    }
                }
                u.tableLabel = String.join(" — ", label);
                step.units.add(u);
            } else if (box || sqlCol >= 0) {
                step.units.add(new Unit(row.line, row.text, row.indent));
            } else {
                describe(phase, step, row.line);
            }
        }
    }
}
