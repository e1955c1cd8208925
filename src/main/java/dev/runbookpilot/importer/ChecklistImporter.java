package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.importer.ImportSummary.UnmappedSql;
import dev.runbookpilot.importer.ImportSummary.Warning;
import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import dev.runbookpilot.importer.intent.Confidence;
import dev.runbookpilot.importer.intent.Intent;
import dev.runbookpilot.importer.intent.Item;
import dev.runbookpilot.importer.intent.Recogniser;
import dev.runbookpilot.importer.intent.Recognisers;

import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a Markdown checklist into runbook YAML. Headings become phases and steps; checklist items become manual
 * confirmations, or automated checks when they carry SQL or a psql command with the expected result written next
 * to it. Every source line ends up in a check, a description or a warning; {@link ImportResult#lines()} says where.
 */
public final class ChecklistImporter {

    /** Runbook YAML above this size would exceed what the runbook loader accepts. */
    static final int MAX_YAML_CHARS = RunbookLoader.MAX_CHARS;

    private ChecklistImporter() {}

    public static ImportResult importMarkdown(String markdown, String sourceName) throws ImportException {
        if (markdown == null) throw new ImportException("no checklist text");
        String name = sourceName == null || sourceName.isBlank() ? "checklist.md" : sourceName;
        if (markdown.length() > MAX_YAML_CHARS / 2) {
            throw new ImportException(name + " has " + markdown.length() + " characters; the importer takes up to "
                    + MAX_YAML_CHARS / 2 + " (split the checklist into several runbooks)");
        }
        ImportResult result = new ChecklistImporter.Run(markdown, name).run();
        if (result.yaml().length() > MAX_YAML_CHARS) {
            throw new ImportException("the runbook made from " + name + " would have " + result.yaml().length()
                    + " characters, more than a runbook file may hold (" + MAX_YAML_CHARS
                    + "); split the checklist into several runbooks");
        }
        return result;
    }

    /**
     * Imports a checklist file and writes the runbook to {@code outYaml} atomically: the YAML goes to a temporary
     * file next to it, must load with {@link RunbookLoader} (it is checked as it will be run), and only then
     * replaces {@code outYaml}. A failed import never leaves a partial or invalid runbook behind.
     * Undecodable bytes (mojibake) are replaced rather than refusing the whole file.
     *
     * @throws IOException     the checklist cannot be read or the runbook cannot be written
     * @throws ImportException the checklist is too large, or (an importer bug) its runbook would not load
     */
    public static ImportResult importFile(Path markdown, Path outYaml) throws IOException, ImportException {
        String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .decode(ByteBuffer.wrap(Files.readAllBytes(markdown))).toString();
        Path name = markdown.getFileName();
        ImportResult result = importMarkdown(text, name == null ? null : name.toString());
        Path out = outYaml.toAbsolutePath();
        Path dir = out.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, result.yaml(), StandardCharsets.UTF_8);
            try {
                RunbookLoader.load(tmp);
            } catch (RunbookException e) {
                throw new ImportException("the runbook imported from " + markdown + " does not load (an importer "
                        + "bug, please report it with the checklist):\n" + e.getMessage());
            }
            try {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return result;
    }

    // ------------------------------------------------------------------ model of the document being imported

    /** A checklist entry: a list item, a table row, a code block outside items, or a fill-in field. */
    private static final class Unit {
        final int line;
        final String text;
        final List<Block> notes = new ArrayList<>();
        final List<Block> blocks = new ArrayList<>();
        final Set<Integer> lines = new LinkedHashSet<>();
        String tableSql;
        String tableExpect;
        /** A table row's other cells (not the SQL, the expectation or a row number): what the row checks. */
        String tableLabel;
        boolean requireNote;
        final int indent;
        /** Its statements, collected before mapping so that a later item can borrow plans. */
        final List<SqlText.Stmt> stmts = new ArrayList<>();

        Unit(int line, String text, int indent) {
            this.line = line;
            this.text = text;
            this.indent = indent;
            lines.add(line);
        }
    }

    private static final class StepDraft {
        final String title;
        final int line;
        final List<Integer> descriptionLines = new ArrayList<>();
        final List<Unit> units = new ArrayList<>();
        final List<String> roles = new ArrayList<>();
        final List<Integer> signLines = new ArrayList<>();
        final List<String> extraDescription = new ArrayList<>();
        final List<Map<String, Object>> checks = new ArrayList<>();
        final List<List<String>> checkComments = new ArrayList<>();
        String id;
        /** A backup a recogniser found the step to take and prove, or null. */
        Map<String, Object> backup;
        /** A rollback, troubleshooting or emergency section: it holds only when that happened. */
        boolean optional;

        StepDraft(String title, int line) {
            this.title = title;
            this.line = line;
        }
    }

    private static final class PhaseDraft {
        final String name;
        final int line;
        final List<Integer> descriptionLines = new ArrayList<>();
        final List<StepDraft> steps = new ArrayList<>();

        PhaseDraft(String name, int line) {
            this.name = name;
            this.line = line;
        }
    }

    // ------------------------------------------------------------------ one import

    private static final class Run {
        private final String sourceName;
        private final List<String> lines;
        private final LineUse[] uses;
        private final List<Warning> warnings = new ArrayList<>();
        private final List<UnmappedSql> unmapped = new ArrayList<>();
        private final List<Integer> runbookDescription = new ArrayList<>();
        private final List<PhaseDraft> phases = new ArrayList<>();
        private final Set<String> stepIds = new HashSet<>();
        private final Map<String, String> renames = new LinkedHashMap<>();
        private final List<String> snapshots = new ArrayList<>();
        private final Map<String, List<String>> snapshotTables = new LinkedHashMap<>();
        private String title;
        private int items;
        private int automated;
        private int verifiable;

        Run(String markdown, String sourceName) {
            this.sourceName = sourceName;
            this.lines = MarkdownBlocks.lines(markdown);
            this.uses = new LineUse[lines.size()];
        }

        private String raw(int line) {
            return lines.get(line - 1);
        }

        private void use(int line, Use use, String stepId, String kept) {
            if (line >= 1 && line <= uses.length) uses[line - 1] = new LineUse(line, use, stepId, kept);
        }

        private void warn(int line, String message) {
            warnings.add(new Warning(line, message));
        }

        /** Per line, the text the runbook carries: item text without its marker, code without the fence's indent. */
        private String[] keptText;

        ImportResult run() {
            List<Block> blocks = MarkdownBlocks.parse(lines);
            keptText = new String[lines.size()];
            fenceOf = new int[lines.size()];
            for (Block b : blocks) {
                if (b.type == Type.ITEM) {
                    keptText[b.line - 1] = b.text;
                } else if (b.type == Type.FENCE) {
                    for (int k = 0; k < b.content.size(); k++) {
                        keptText[b.line + k] = b.content.get(k);
                        fenceOf[b.line + k] = b.line;
                    }
                }
            }
            findRenames();
            structure(blocks);
            for (PhaseDraft p : phases) for (StepDraft s : p.steps) mapStep(p, s);
            findUnrecognised();
            foldEmpty();
            String yaml = emit();
            for (int i = 0; i < uses.length; i++) {
                if (uses[i] == null) uses[i] = new LineUse(i + 1, Use.FORMAT, null, "");
            }
            int manual = items - automated;
            double ratio = verifiable == 0 ? 1.0 : Math.min(1.0, (double) countAutomatedVerifiable / verifiable);
            warnings.sort((a, b) -> Integer.compare(a.line(), b.line()));
            unmapped.sort((a, b) -> Integer.compare(a.line(), b.line()));
            ImportSummary summary = new ImportSummary(sourceName, items, automated, manual, verifiable,
                    countAutomatedVerifiable, ratio,
                    warnings, unmapped);
            return new ImportResult(yaml, summary, List.of(uses));
        }

        private int countAutomatedVerifiable;
        /** Per line, the opening line of the fence whose content it is, else 0. */
        private int[] fenceOf;
        /** Lines some statement the importer parsed spans, and the entry each line belongs to. */
        private final Set<Integer> parsedLines = new HashSet<>();
        private final Map<Integer, Unit> unitOfLine = new HashMap<>();

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
        private void findUnrecognised() {
            List<Integer> group = new ArrayList<>();
            for (int l = 1; l <= lines.size(); l++) {
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
                Matcher code = INLINE_CODE.matcher(raw);
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
                for (int l = first; l <= Math.min(lines.size(), last + 2); l++) {
                    if (l > last && (raw(l).isBlank() || NEW_ENTRY.matcher(raw(l)).find())) break;
                    near.append(raw(l)).append('\n');
                }
            }
            String about = near.toString();
            if (ExpectationText.phrase(about) != null || ExpectationText.saysFails(about)
                    || ExpectationText.saysSucceeds(about)) {
                verifiable++;
            }
            StringBuilder sql = new StringBuilder();
            for (int l : group) sql.append(raw(l).strip()).append('\n');
            unmapped.add(new UnmappedSql(first, withoutLastNewline(sql), "not recognised"));
        }

        // -------------------------------------------------------------- structure: title, phases, steps, units

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
            title = titleHeading != null && !clean(titleHeading.text).isEmpty() ? clean(titleHeading.text)
                    : sourceName.replaceAll("\\.(md|markdown|txt)$", "");

            PhaseDraft phase = null;
            StepDraft step = null;
            String stepParent = null;
            Unit item = null;
            boolean itemOpen = false;
            Unit lastFree = null;
            boolean blankSince = false;
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
                    if (b.box || !anyBox && !deeper) {
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

        // -------------------------------------------------------------- mapping units to checks

        private void mapStep(PhaseDraft phase, StepDraft step) {
            step.id = uniqueId(step.title);
            step.optional = isConditional(phase.name + " " + step.title);
            previousStep = currentStep;
            currentStep = step;
            for (Unit u : step.units) {
                collectStatements(u, u.stmts);
                for (SqlText.Stmt x : u.stmts) for (int l = x.line; l <= x.endLine; l++) parsedLines.add(l);
                for (int l : u.lines) unitOfLine.putIfAbsent(l, u);
            }
            borrowPlans(step);
            borrowDescribedTables(step);
            for (Unit u : step.units) {
                mapUnit(phase, step, u);
                recent.add(u);
                recentStep.add(step);
            }
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
        private void borrowDescribedTables(StepDraft step) {
            for (int k = 1; k < step.units.size(); k++) {
                Unit later = step.units.get(k);
                if (!later.stmts.isEmpty() || !later.blocks.isEmpty() || !TABLES_EXIST.matcher(later.text).matches()) {
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

        private static final Pattern PLAN_VERDICT = Pattern.compile(
                "(?is)(?=.*\\bexplain\\b).*\\b(index(es)?\\s+(are\\s+)?(being\\s+)?used|uses?\\s+(an\\s+)?index(es)?"
                        + "|index\\s+scan|no\\s+seq(uential)?\\s*scans?)\\b.*");

        /**
         * "- [ ] Indexes being used (check EXPLAIN output)" after an item whose block runs EXPLAINs with no expected
         * plan: the later item states what the plans must show, so the EXPLAINs move to it and become its checks.
         * The earlier item keeps its block verbatim in its manual text.
         */
        private void borrowPlans(StepDraft step) {
            for (int k = 1; k < step.units.size(); k++) {
                Unit later = step.units.get(k);
                if (!later.stmts.isEmpty() || !later.blocks.isEmpty() || !PLAN_VERDICT.matcher(unitText(later)).matches()) {
                    continue;
                }
                for (int j = k - 1; j >= 0; j--) {
                    Unit earlier = step.units.get(j);
                    List<SqlText.Stmt> plans = earlier.stmts.stream()
                            .filter(x -> SqlText.kind(x.sql) == SqlText.Kind.EXPLAIN && x.comments().isBlank()).toList();
                    if (plans.isEmpty()) continue;
                    earlier.stmts.removeAll(plans);
                    later.stmts.addAll(plans);
                    break;
                }
            }
        }

        private String uniqueId(String text) {
            String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
            if (slug.length() > 60) slug = slug.substring(0, 60).replaceAll("-+$", "");
            if (slug.isEmpty()) slug = "step";
            String id = slug;
            for (int n = 2; !stepIds.add(id); n++) id = slug + "-" + n;
            return id;
        }

        /** What one unit produced: automated checks, statements left for the operator, and which stated results. */
        private final class Mapping {
            final List<Map<String, Object>> checks = new ArrayList<>();
            final List<Integer> checkLines = new ArrayList<>();
            /** Source lines of the statements that became checks, wrappers and continuation lines included. */
            final Set<Integer> checkedLines = new HashSet<>();
            final List<SqlText.Stmt> leftoverReads = new ArrayList<>();
            final List<SqlText.Stmt> leftoverWrites = new ArrayList<>();
            /** Placeholders ({@code <user_id>}, lower case) filled from an earlier RETURNING, and from which line. */
            final Map<String, Integer> filled = new LinkedHashMap<>();
            /**
             * Statements with an expected result written for them, whether or not they became checks: the ratio's
             * denominator counts statements, so an item with three stated queries and one check is one of three.
             */
            final Set<SqlText.Stmt> stated = new HashSet<>();
            /** Statements that became at least one automated check. */
            final Set<SqlText.Stmt> checked = new HashSet<>();
            /**
             * The item's notes that speak for the statement on their own line, by line: sub-steps (nested list
             * items) and notes that state their statement's result.
             */
            final Map<Integer, Block> subSteps = new HashMap<>();
            Unit unit;
            SqlText.Stmt current;
        }

        private static final Pattern TEXT_PLACEHOLDER = Pattern.compile(
                "<[A-Za-z_][\\w-]*>|YYYY[-_]?MM[-_]?DD|\\{\\{[^}]*}}|\\[(?:your|insert|enter)[^]]*]",
                Pattern.CASE_INSENSITIVE);

        private void mapUnit(PhaseDraft phase, StepDraft step, Unit u) {
            items++;
            Mapping m = new Mapping();
            List<SqlText.Stmt> stmts = u.stmts;
            String unitText = unitText(u);
            // A sub-step that carries its own statement ("1. Version bumped: `SELECT ...` → 7.2"), or a note that
            // states its own statement's result, speaks for that statement only: its expectation must not reach
            // its siblings' statements.
            Set<Integer> noteStatements = new HashSet<>();
            for (Block n : u.notes) {
                if (stmts.stream().noneMatch(x -> x.line == n.line)) continue;
                noteStatements.add(n.line);
                if (n.type == Type.ITEM || ExpectationText.phrase(n.text) != null) m.subSteps.put(n.line, n);
            }
            String unitPhrase = tablePhrase(u);
            if (unitPhrase == null && u.tableSql == null) unitPhrase = ExpectationText.phrase(u.text);
            if (unitPhrase == null && u.tableSql == null) {
                for (Block n : u.notes) {
                    if (noteStatements.contains(n.line)) continue;
                    String p = ExpectationText.phrase(n.text);
                    if (p != null) {
                        unitPhrase = p;
                        break;
                    }
                }
            }
            ExpectedList expectedList = expectedList(u);
            List<SqlText.Stmt> setup = new ArrayList<>();
            for (SqlText.Stmt s : stmts) mapStatement(u, s, stmts, unitText, unitPhrase, expectedList, setup, m);
            warnPlaceholders(u, m);
            String note = null;
            if (m.checks.isEmpty() && !hasPlaceholder(u)) {
                Intent intent = Recognisers.recognise(item(phase, step, u), recogniserContext).orElse(null);
                if (intent != null) note = applyIntent(step, u, m, intent);
            }
            boolean isAutomated = !m.checks.isEmpty();
            // A check is itself a stated result (a \dt list, a row-count block), so it counts as verifiable.
            Set<SqlText.Stmt> verifiableStmts = new HashSet<>(m.stated);
            verifiableStmts.addAll(m.checked);
            verifiable += verifiableStmts.size();
            countAutomatedVerifiable += m.checked.size();
            if (isAutomated) {
                automated++;
                Set<Integer> leftoverLines = new LinkedHashSet<>();
                for (SqlText.Stmt s : m.leftoverReads) for (int l = s.line; l <= s.endLine; l++) leftoverLines.add(l);
                Set<Integer> writeLines = new LinkedHashSet<>();
                for (SqlText.Stmt s : m.leftoverWrites) for (int l = s.line; l <= s.endLine; l++) writeLines.add(l);
                writeLines.removeAll(leftoverLines);
                int firstCheck = step.checks.size();
                for (int k = 0; k < m.checks.size(); k++) {
                    step.checks.add(m.checks.get(k));
                    step.checkComments.add(sourceComment(u, m.checkLines.get(k)));
                }
                List<Integer> byHand = new ArrayList<>(leftoverLines);
                List<Integer> uncarried = new ArrayList<>();
                sortAutomatedItemLines(u, m, leftoverLines, writeLines, byHand, uncarried, step.id);
                byHand.sort(null);
                if (!byHand.isEmpty()) {
                    StringBuilder t = new StringBuilder("Also do by hand (from the checklist item at line ")
                            .append(u.line).append("; the automated checks above do not cover these):\n");
                    for (int l : byHand) {
                        t.append(kept(l)).append('\n');
                        use(l, Use.MANUAL, step.id, kept(l));
                    }
                    // A command written before every checked statement (a pg_dump before the check) is done first.
                    int at = byHand.get(0) < m.checkedLines.stream().mapToInt(Integer::intValue).min().orElse(0)
                            ? firstCheck : step.checks.size();
                    step.checks.add(at, manual(withoutLastNewline(t), false));
                    step.checkComments.add(at, List.of("line " + u.line + ": commands left for the operator"));
                }
                if (!uncarried.isEmpty()) {
                    step.extraDescription.add("From the checklist item at line " + u.line + " (text the checks "
                            + "below do not quote):");
                    for (int l : uncarried) {
                        step.extraDescription.add(kept(l));
                        use(l, Use.DESCRIPTION, step.id, kept(l));
                    }
                }
                if (!writeLines.isEmpty()) {
                    step.extraDescription.add("Statements at lines " + range(writeLines) + " were not imported as "
                            + "checks: they write and no result was stated for them. The rejects/accepts checks "
                            + "above roll back, so they leave no test data to clean up.");
                    for (int l : writeLines) {
                        step.extraDescription.add(kept(l));
                        use(l, Use.DESCRIPTION, step.id, kept(l));
                    }
                }
            } else {
                StringBuilder t = new StringBuilder();
                for (int l : u.lines) {
                    t.append(kept(l)).append('\n');
                    use(l, Use.MANUAL, step.id, kept(l));
                }
                if (note != null) t.append(note);
                // An empty "- [ ]" still asks the operator for something: say which line it is.
                if (t.toString().isBlank()) t.append("(empty checklist item at line ").append(u.line).append(')');
                step.checks.add(manual(withoutLastNewline(t), u.requireNote));
                step.checkComments.add(sourceComment(u, u.line));
            }
            if (isConditional(phase.name + " " + step.title) && isAutomated) {
                warn(u.line, "automated check in a conditional section ('" + step.title + "'): it only holds when "
                        + "that situation happened; skip or waive the step otherwise");
            }
        }

        private boolean hasPlaceholder(Unit u) {
            for (int l : u.lines) if (TEXT_PLACEHOLDER.matcher(raw(l)).find()) return true;
            return u.stmts.stream().anyMatch(x -> SqlText.placeholder(x.sql) != null);
        }

        /** The unit as the recognisers see it: its text, notes, code, heading path and statements. */
        private Item item(PhaseDraft phase, StepDraft step, Unit u) {
            List<Item.Note> notes = u.notes.stream().map(n -> new Item.Note(n.line, n.text)).toList();
            List<Item.Code> code = u.blocks.stream()
                    .map(b -> new Item.Code(b.line, b.lang == null ? "" : b.lang, b.content)).toList();
            List<Item.Statement> stmts = u.stmts.stream()
                    .map(x -> new Item.Statement(x.line, x.sql, x.comments())).toList();
            return new Item(u.line, u.text, notes, code, List.of(phase.name, step.title), stmts);
        }

        private static final Pattern CREATE_INDEX = Pattern.compile(
                "(?is)^\\s*create\\s+(?:unique\\s+)?index\\s+(?:concurrently\\s+)?(?:if\\s+not\\s+exists\\s+)?"
                        + "([A-Za-z_][\\w$]*)\\s+on\\b");
        private static final Pattern CREATE_TABLE = Pattern.compile(
                "(?is)^\\s*create\\s+(?:unlogged\\s+)?table\\s+(?:if\\s+not\\s+exists\\s+)?([A-Za-z_][\\w$]*)\\s*\\(");
        private static final Pattern DROP_INDEX = Pattern.compile("(?is)^\\s*drop\\s+index\\b");
        private static final Pattern DROP_TABLE = Pattern.compile("(?is)^\\s*drop\\s+table\\b");
        /** Items mapped so far with their steps, for a criterion that names the objects a block above created. */
        private final List<Unit> recent = new ArrayList<>();
        private final List<StepDraft> recentStep = new ArrayList<>();
        private StepDraft currentStep;
        private StepDraft previousStep;

        /** Snapshots are named in one sequence, whether the statement mapping or a recogniser takes them. */
        private final Recogniser.Context recogniserContext = new Recogniser.Context() {
            @Override
            public String latestSnapshot() {
                return snapshots.isEmpty() ? null : snapshots.get(snapshots.size() - 1);
            }

            @Override
            public List<String> snapshotTables(String snapshot) {
                return snapshotTables.get(snapshot);
            }

            @Override
            public Map<String, String> renamedTables() {
                return Collections.unmodifiableMap(renames);
            }

            @Override
            public Created created(String kind) {
                Pattern create = kind.equals("indexes") ? CREATE_INDEX : CREATE_TABLE;
                Pattern drop = kind.equals("indexes") ? DROP_INDEX : DROP_TABLE;
                for (int k = recent.size() - 1; k >= 0; k--) {
                    Unit earlier = recent.get(k);
                    boolean sameStep = recentStep.get(k) == currentStep;
                    if (!sameStep && recentStep.get(k) != previousStep) return null;
                    List<String> names = new ArrayList<>();
                    int first = 0;
                    for (SqlText.Stmt x : earlier.stmts) {
                        if (drop.matcher(x.sql).find()) return null;
                        Matcher c = create.matcher(x.sql);
                        if (c.find() && !names.contains(c.group(1))) {
                            if (names.isEmpty()) first = x.line;
                            names.add(c.group(1));
                        }
                    }
                    if (!names.isEmpty()) return new Created(names, first, sameStep);
                }
                return null;
            }

            @Override
            public String newSnapshot(List<String> tables) {
                String snap = snapshots.isEmpty() ? "before" : "before-" + (snapshots.size() + 1);
                snapshots.add(snap);
                snapshotTables.put(snap, tables);
                return snap;
            }
        };

        /**
         * Puts what a recogniser found into the step: its checks become the item's automated checks (one
         * machine-verifiable statement, automated), a backup the step's, a note the end of the item's manual text
         * (returned). An unsure intent is said in the step's description next to the check and warned about.
         */
        private String applyIntent(StepDraft step, Unit u, Mapping m, Intent intent) {
            boolean applies = !intent.checks().isEmpty() || intent.backup() != null && step.backup == null
                    || intent.note() != null;
            if (applies && intent.confidence() == Confidence.UNSURE) {
                String what = truncate(clean(u.text), 120);
                step.extraDescription.add("Imported from line " + u.line + ": " + what + " — check this expectation: "
                        + intent.doubt() + ".");
                warn(u.line, "check this expectation (" + intent.doubt() + "): '" + what + "'");
            }
            if (!intent.checks().isEmpty()) {
                for (Intent.Check c : intent.checks()) {
                    Map<String, Object> check = new LinkedHashMap<>();
                    check.put(c.kind(), c.options());
                    m.checks.add(check);
                    m.checkLines.add(c.line());
                    m.checkedLines.add(c.line());
                }
                // The statement the recogniser read (a query in a code span) is the check now, not left over.
                Set<Integer> read = new HashSet<>();
                for (SqlText.Stmt x : m.leftoverReads) read.add(x.line);
                m.leftoverReads.clear();
                unmapped.removeIf(x -> read.contains(x.line()));
                // The item's lines are read now: SQL in them is not listed again as "not recognised", and its code
                // (the psql call the check replaces) is not work left to do by hand.
                parsedLines.addAll(u.lines);
                for (Block b : u.blocks) for (int l = b.line; l <= b.endLine; l++) m.checkedLines.add(l);
                verifiable++;
                countAutomatedVerifiable++;
                return null;
            }
            if (intent.backup() != null && step.backup == null) {
                step.backup = new LinkedHashMap<>(intent.backup());
                verifiable++;
                countAutomatedVerifiable++;
                return "\n(This step takes the backup with pg_dump and proves it (verify: " + intent.backup().get("verify")
                        + "); confirm here what the checklist asks beyond that.)";
            }
            return intent.note() == null ? null : "\n(" + intent.note() + ")";
        }

        /**
         * An automated item's lines beyond its leftover statements: a line whose text the checks carry (the item's
         * words in a check name, a statement in its sql) is automated; a command in the item's code that no check
         * runs ({@code pg_dump}, {@code mix ecto.migrate}, code in another language) is for the operator to do by
         * hand; any other line (a sub-bullet "if non-zero, page the on-call DBA", an expectation comment, the psql
         * wrapper around a checked statement) goes to the step description, so no line of the item is lost.
         */
        private void sortAutomatedItemLines(Unit u, Mapping m, Set<Integer> leftoverLines, Set<Integer> writeLines,
                                            List<Integer> byHand, List<Integer> uncarried, String stepId) {
            StringBuilder text = new StringBuilder();
            for (Map<String, Object> c : m.checks) strings(c, text);
            String carried = SourceTrace.normalise(text.toString());
            Set<Integer> code = new HashSet<>();
            for (Block b : u.blocks) {
                int last = b.closed ? b.endLine - 1 : b.endLine;
                for (int l = b.line + 1; l <= last; l++) code.add(l);
            }
            for (int l : u.lines) {
                if (leftoverLines.contains(l) || writeLines.contains(l)) continue;
                String t = kept(l).strip();
                if (SourceTrace.carriedIn(raw(l), carried)) {
                    use(l, Use.AUTOMATED, stepId, raw(l).strip());
                } else if (code.contains(l) && !m.checkedLines.contains(l) && !t.startsWith("#")
                        && !t.startsWith("--")) {
                    byHand.add(l);
                } else {
                    uncarried.add(l);
                }
            }
        }

        private static void strings(Object o, StringBuilder out) {
            if (o instanceof Map<?, ?> map) {
                for (Object v : map.values()) strings(v, out);
            } else if (o instanceof List<?> list) {
                for (Object v : list) strings(v, out);
            } else if (o != null) {
                out.append(o).append('\n');
            }
        }

        /**
         * Warns about each placeholder the operator must fill in, once per item; placeholders the import filled
         * from an earlier statement's RETURNING are named in a warning of their own so the reviewer sees the rewrite.
         */
        private void warnPlaceholders(Unit u, Mapping m) {
            Set<String> warned = new HashSet<>(m.filled.keySet());
            // Every form the statements are kept manual for (${VAR}, :var, HHMMSS, ...), once per item.
            for (SqlText.Stmt s : u.stmts) {
                String p = SqlText.placeholder(s.sql);
                if (p != null && warned.add(p.toLowerCase(Locale.ROOT))) {
                    warn(s.line, "placeholder " + p + " in the SQL: the operator fills it in, so this statement "
                            + "stays a manual step");
                }
            }
            for (int l : u.lines) {
                Matcher ph = TEXT_PLACEHOLDER.matcher(raw(l));
                while (ph.find()) {
                    if (!warned.add(ph.group().toLowerCase(Locale.ROOT))) continue;
                    warn(l, "placeholder " + ph.group() + ": the operator fills it in, so this stays a manual step");
                }
            }
        }

        private String range(Set<Integer> ls) {
            int min = ls.stream().mapToInt(Integer::intValue).min().orElse(0);
            int max = ls.stream().mapToInt(Integer::intValue).max().orElse(0);
            return min == max ? String.valueOf(min) : min + "–" + max;
        }

        private static final Pattern CONDITIONAL = Pattern.compile(
                "(?i)\\b(rollback|roll back|troubleshoot\\w*|emergency|if needed|if\\b.{0,40}\\bfails?|if issues|incident)\\b");

        private static boolean isConditional(String title) {
            return CONDITIONAL.matcher(title).find();
        }

        /** The source text a line contributes: its content without list markers' indentation. */
        private String kept(int line) {
            String k = keptText[line - 1];
            return k != null ? k : raw(line).strip();
        }

        private List<String> sourceComment(Unit u, int line) {
            return List.of("line " + line + ": " + truncate(raw(line).strip(), 160));
        }

        private static String truncate(String s, int max) {
            return s.length() <= max ? s : s.substring(0, max - 3) + "...";
        }

        private String unitText(Unit u) {
            StringBuilder b = new StringBuilder(u.text);
            for (Block n : u.notes) b.append('\n').append(n.text);
            return b.toString();
        }

        private static final Pattern INLINE_CODE = Pattern.compile("(`+)(.+?)\\1");

        private void collectStatements(Unit u, List<SqlText.Stmt> stmts) {
            if (u.tableSql != null) addCommand(u.tableSql, u.line, stmts);
            List<Block> texts = new ArrayList<>();
            if (u.tableSql == null) {
                texts.add(new Block(Type.TEXT, u.line, 0, u.text));
            }
            texts.addAll(u.notes);
            for (Block t : texts) {
                Matcher m = INLINE_CODE.matcher(t.text);
                boolean spans = false;
                while (m.find()) {
                    spans = true;
                    addCommand(m.group(2).strip(), t.line, stmts);
                }
                // An indented "psql -c '\dt x*'" under an item, written without backticks.
                if (!spans && !SqlText.psqlCommands(t.text).isEmpty()) addCommand(t.text.strip(), t.line, stmts);
            }
            for (Block b : u.blocks) {
                String lang = b.lang == null ? "" : b.lang;
                boolean sqlLang = lang.matches("sql|psql|pgsql|postgres|postgresql|plpgsql|plsql");
                boolean shellLang = lang.matches("|bash|sh|shell|console|zsh|terminal|shell-session|text");
                String firstCode = b.content.stream().map(String::strip)
                        .filter(x -> !x.isEmpty() && !x.startsWith("--") && !x.startsWith("#")).findFirst().orElse("");
                if (sqlLang || lang.isEmpty() && (SqlText.looksLikeSql(firstCode) || firstCode.startsWith("\\"))) {
                    stmts.addAll(SqlText.split(b.content, b.line + 1));
                } else if (shellLang) {
                    shellStatements(b, stmts);
                }
            }
        }

        private void addCommand(String code, int line, List<SqlText.Stmt> stmts) {
            List<SqlText.PsqlCommand> psql = SqlText.psqlCommands(code);
            if (!psql.isEmpty()) {
                for (SqlText.PsqlCommand c : psql) {
                    for (SqlText.Stmt s : SqlText.split(List.of(c.sql().split("\n", -1)), line)) {
                        SqlText.Stmt one = new SqlText.Stmt(line, line, s.sql);
                        one.before.addAll(s.before);
                        one.after.addAll(s.after);
                        pipe(one, c.tail());
                        stmts.add(one);
                    }
                }
            } else if (code.startsWith("\\") && !code.startsWith("\\\\")) {
                stmts.add(new SqlText.Stmt(line, line, code));
            } else if (SqlText.looksLikeSql(code) && (code.strip().endsWith(";") || code.strip().split("\\s+").length >= 3)) {
                for (SqlText.Stmt s : SqlText.split(List.of(code), line)) stmts.add(s);
            }
        }

        private void pipe(SqlText.Stmt s, String tail) {
            String t = tail.strip();
            if (t.startsWith("|") && !t.startsWith("||")) {
                s.grepNames = SqlText.grepNames(t);
                s.piped = true;
            }
            if (t.contains("||")) s.after.add(t.substring(t.indexOf("||") + 2).strip());
        }

        private void shellStatements(Block b, List<SqlText.Stmt> stmts) {
            String joined = String.join("\n", b.content);
            List<SqlText.PsqlCommand> cmds = SqlText.psqlCommands(joined);
            SqlText.Stmt last = null;
            int lastEndLine = -1;
            int ci = 0;
            for (int li = 0; li < b.content.size(); li++) {
                int no = b.line + 1 + li;
                String t = b.content.get(li).strip();
                if (last != null && no == lastEndLine + 1 && t.startsWith("#")) {
                    last.after.add(t.replaceFirst("^#+\\s*", ""));
                    lastEndLine = no;
                    continue;
                }
                int lineStart = offsetOfLine(joined, li);
                while (ci < cmds.size() && cmds.get(ci).start() >= lineStart
                        && cmds.get(ci).start() < lineStart + b.content.get(li).length() + 1) {
                    SqlText.PsqlCommand c = cmds.get(ci++);
                    int endNo = b.line + 1 + countNewlines(joined, c.end());
                    for (SqlText.Stmt s : SqlText.split(List.of(c.sql().split("\n", -1)), no)) {
                        SqlText.Stmt one = new SqlText.Stmt(no, endNo, s.sql);
                        one.before.addAll(s.before);
                        one.after.addAll(s.after);
                        pipe(one, c.tail());
                        stmts.add(one);
                        last = one;
                    }
                    lastEndLine = endNo;
                    li = Math.max(li, endNo - b.line - 1);
                }
            }
        }

        private static int offsetOfLine(String text, int lineIndex) {
            int off = 0;
            for (int i = 0; i < lineIndex; i++) {
                int n = text.indexOf('\n', off);
                if (n < 0) return text.length();
                off = n + 1;
            }
            return off;
        }

        private static int countNewlines(String text, int end) {
            int n = 0;
            for (int i = 0; i < end && i < text.length(); i++) if (text.charAt(i) == '\n') n++;
            return n;
        }

        /** Names listed under an "Expected:" note: inline after the colon or as the bullets below it. */
        private record ExpectedList(List<String> names, Set<String> unique, boolean clean, String label) {}

        private static final Pattern NAME_ENTRY = Pattern.compile("^`?([A-Za-z_][\\w$]*)`?\\s*(\\((unique|primary key|pk)\\))?\\s*$",
                Pattern.CASE_INSENSITIVE);

        private ExpectedList expectedList(Unit u) {
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

        /**
         * A table row's expected result comes from its own expected cell ("must return 0" read as a phrase, "7.1"
         * as it is); a blank cell states nothing. Without an expected column, the row's other cells may state it.
         */
        private static String tablePhrase(Unit u) {
            if (u.tableSql == null) return null;
            if (u.tableExpect == null) return ExpectationText.phrase(u.tableLabel);
            String cell = u.tableExpect.replace("`", "").strip();
            if (cell.isEmpty()) return null;
            String p = ExpectationText.phrase(cell);
            return p != null ? p : cell;
        }

        private void mapStatement(Unit u, SqlText.Stmt s, List<SqlText.Stmt> all, String unitText,
                                  String unitPhrase, ExpectedList expected, List<SqlText.Stmt> setup, Mapping m) {
            m.unit = u;
            m.current = s;
            Block sub = m.subSteps.get(s.line);
            if (sub != null) {
                unitText = sub.text;
                unitPhrase = ExpectationText.phrase(sub.text);
            }
            String name = checkName(u, s, sub != null && sub.type == Type.ITEM ? sub : null);
            SqlText.Kind kind = SqlText.kind(s.sql);
            String comments = s.comments();
            String stmtPhrase = ExpectationText.phrase(String.join("\n", s.after));
            if (stmtPhrase == null) stmtPhrase = ExpectationText.phrase(String.join("\n", s.before));
            String phrase = stmtPhrase != null ? stmtPhrase : unitPhrase;
            String placeholder = SqlText.placeholder(s.sql);
            switch (kind) {
                case META -> mapMeta(u, s, unitText, comments, expected, name, m);
                case READ -> {
                    if (placeholder != null) {
                        // Stated but not automatable: it counts against the ratio, as a machine could verify it.
                        if (phrase != null) m.stated.add(m.current);
                        leftover(u, s, "contains the placeholder " + placeholder + "; fill it in by hand", m);
                        return;
                    }
                    if (s.piped) {
                        if (phrase != null) m.stated.add(m.current);
                        leftover(u, s, "its output is filtered by a shell pipe, which the check cannot reproduce", m);
                        return;
                    }
                    if (s.sql.toLowerCase(Locale.ROOT).contains("pg_stat_activity") && unitText.matches(
                            "(?is).*\\bno\\s+(?:other\\s+|active\\s+|open\\s+)*(?:connections|sessions|clients)\\b.*")) {
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("name", name);
                        body.put("otherSessions", 0);
                        add(m, "activity", body, s.line);
                        m.stated.add(m.current);
                        return;
                    }
                    if (s.sql.toLowerCase(Locale.ROOT).contains("pg_stat_activity") && unitText.matches(
                            "(?is).*\\bno\\s+(?:active\\s+|open\\s+)*long[- ]running\\s+(?:queries|transactions"
                                    + "|statements)\\b.*")) {
                        // The engine's notion of long: open longer than longTransactionAge (default 5 minutes).
                        Map<String, Object> body = new LinkedHashMap<>();
                        body.put("name", name);
                        body.put("longTransactions", 0);
                        add(m, "activity", body, s.line);
                        m.stated.add(m.current);
                        return;
                    }
                    if (mapUnion(u, s, phrase, comments + "\n" + unitText, name, m)) return;
                    if (phrase == null) {
                        leftover(u, s, "no expected result written next to it", m);
                        return;
                    }
                    m.stated.add(m.current);
                    var g = ExpectationText.grammar(phrase);
                    if (g.isEmpty() && mapRowValues(s, phrase, comments + "\n" + unitText, name, m)) return;
                    if (g.isEmpty()) {
                        leftover(u, s, "expected result '" + truncate(phrase, 60) + "' is not a single value or "
                                + "comparison", m);
                        return;
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("name", name);
                    body.put("sql", stripSemicolon(s.sql));
                    body.put("expect", countAsValue(versionAsText(g.get(), s.sql), s.sql));
                    add(m, "query", body, s.line);
                }
                case EXPLAIN -> {
                    String about = comments + "\n" + unitText;
                    boolean indexScan = about.matches("(?is).*\\b(index\\s+scan|index\\s+usage|uses?\\s+(an\\s+)?index"
                            + "|indexes\\s+(are\\s+)?(being\\s+)?used|use\\s+indexes).*");
                    boolean noSeq = about.matches("(?is).*\\b(no|not|without)\\s+\"?seq(uential)?\\s*scans?.*");
                    if (placeholder != null || !(indexScan || noSeq)) {
                        if (indexScan || noSeq) m.stated.add(m.current);
                        leftover(u, s, placeholder != null ? "contains the placeholder " + placeholder
                                : "no expected plan written next to it", m);
                        return;
                    }
                    m.stated.add(m.current);
                    String target = SqlText.explainTarget(s.sql);
                    String expect = indexScan ? "indexScan" : "noSeqScan";
                    Set<String> joined = new LinkedHashSet<>();
                    Matcher jm = JOINED_TABLE.matcher(SqlText.withoutStrings(SqlText.withoutComments(target)));
                    while (jm.find()) joined.add(jm.group(1));
                    if (!joined.isEmpty()) {
                        // A join's driving table is read whole when nothing filters it; "uses indexes" is about the
                        // lookups into the joined tables, so each of those gets its own plan check.
                        for (String t : joined) {
                            Map<String, Object> body = new LinkedHashMap<>();
                            body.put("name", truncate(name, 140) + " — " + t);
                            body.put("sql", stripSemicolon(target));
                            body.put("expect", expect);
                            body.put("table", t);
                            add(m, "explain", body, s.line);
                        }
                        return;
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("name", name);
                    body.put("sql", stripSemicolon(target));
                    body.put("expect", expect);
                    String table = SqlText.firstTable(target);
                    if (table != null && indexScan) body.put("table", table);
                    add(m, "explain", body, s.line);
                }
                case WRITE -> {
                    // The item's own text speaks for its statement only when there is no other write to mean.
                    long writes = all.stream().filter(x -> SqlText.kind(x.sql) == SqlText.Kind.WRITE).count();
                    String about = ExpectationText.saysFails(comments) || ExpectationText.saysSucceeds(comments)
                            || writes != 1 && sub == null ? comments : comments + "\n" + unitText;
                    boolean fails = ExpectationText.saysFails(about);
                    boolean succeeds = !fails && ExpectationText.saysSucceeds(about);
                    if (!fails && !succeeds) {
                        setup.add(s);
                        leftover(u, s, "writes, and no expected error or success is written next to it", m);
                        return;
                    }
                    m.stated.add(m.current);
                    Filled f = fillFromReturning(setup, s);
                    if (f.unfilled() != null) {
                        leftover(u, s, "contains the placeholder " + f.unfilled() + "; fill it in by hand", m);
                        if (succeeds) setup.add(s);
                        return;
                    }
                    String probeSetup = f.setup().isEmpty() ? null : String.join(";\n", f.setup());
                    if (!SqlText.probeAllowed(probeSetup, f.sql())) {
                        leftover(u, s, "as a probe, the check guard would refuse it or its setup (a statement whose"
                                + " effect a rollback does not undo, or SQL read two ways); try it by hand", m);
                        if (succeeds) setup.add(s);
                        return;
                    }
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("name", name);
                    if (probeSetup != null) body.put("setup", probeSetup);
                    body.put("sql", f.sql());
                    if (fails) {
                        String error = ExpectationText.errorText(about);
                        String state = ExpectationText.sqlstate(error != null ? error : about);
                        if (state != null) {
                            body.put("sqlstate", state);
                        } else if (error != null) {
                            body.put("message", error);
                        } else {
                            leftover(u, s, "expected to fail, but no error message or SQLSTATE is written; any "
                                    + "failure would not prove the item", m);
                            return;
                        }
                        add(m, "rejects", body, s.line);
                    } else {
                        add(m, "accepts", body, s.line);
                        setup.add(s);
                    }
                    promoteSetupOutOfLeftovers(setup, m);
                    // The setup ran as part of the check (placeholders rewritten), so its lines are no work left to do.
                    for (SqlText.Stmt x : setup) for (int l = x.line; l <= x.endLine; l++) m.checkedLines.add(l);
                    for (Map.Entry<String, Integer> e : f.filled().entrySet()) {
                        if (m.filled.putIfAbsent(e.getKey(), e.getValue()) == null) {
                            warn(s.line, "placeholder " + e.getKey() + " filled with the value the statement at line "
                                    + e.getValue() + " returns (kept in a temporary table inside the check's "
                                    + "rolled-back transaction); review the rewritten SQL");
                        }
                    }
                }
                case CONTROL -> leftover(u, s, "transaction control or session setting; the checks manage their own "
                        + "transactions", m);
            }
        }

        private static final Pattern JOINED_TABLE = Pattern.compile(
                "(?i)\\bjoin\\s+(?:lateral\\s+)?((?:[A-Za-z_][\\w$]*\\.)?[A-Za-z_][\\w$]*)");

        /**
         * A probe's setup and statement with placeholders filled in, or the first placeholder that could not be.
         *
         * @param filled placeholder (lower case, with its angle brackets) -> line of the statement returning it
         */
        private record Filled(List<String> setup, String sql, Map<String, Integer> filled, String unfilled) {}

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
        private static Filled fillFromReturning(List<SqlText.Stmt> setup, SqlText.Stmt target) {
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
                String sql = stripSemicolon(b.toString());
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

        /** Statements that became setup of a rejects/accepts check are part of that check, not leftovers. */
        private void promoteSetupOutOfLeftovers(List<SqlText.Stmt> setup, Mapping m) {
            for (SqlText.Stmt x : setup) {
                if (m.leftoverWrites.remove(x)) {
                    unmapped.removeIf(um -> um.line() == x.line && um.sql().equals(x.sql));
                }
            }
        }

        private void leftover(Unit u, SqlText.Stmt s, String reason, Mapping m) {
            unmapped.add(new UnmappedSql(s.line, s.sql, reason));
            SqlText.Kind k = SqlText.kind(s.sql);
            if (k == SqlText.Kind.WRITE || k == SqlText.Kind.CONTROL) m.leftoverWrites.add(s);
            else m.leftoverReads.add(s);
        }

        /** Kinds that look at the database as it is, so they must not run before writes the operator still has to do. */
        private static final Set<String> READS_STATE = Set.of("query", "tables", "indexes", "columns", "views",
                "sequences", "functions", "extensions", "explain");

        private void add(Mapping m, String kind, Map<String, Object> body, int line) {
            if (READS_STATE.contains(kind) && !m.leftoverWrites.isEmpty()) {
                // The engine would run it at once, before the operator ran the writes above it in the same block.
                leftover(m.unit, m.current, "runs after statements left to the operator in the same block (from line "
                        + m.leftoverWrites.get(0).line + "); what it finds depends on them, so it is checked by "
                        + "hand after them", m);
                return;
            }
            Map<String, Object> check = new LinkedHashMap<>();
            check.put(kind, body);
            m.checks.add(check);
            m.checkLines.add(line);
            m.checked.add(m.current);
            for (int l = m.current.line; l <= m.current.endLine; l++) m.checkedLines.add(l);
        }

        /**
         * A decimal expected from a query about versions compares as text: numerically 1.10 would equal 1.1 and
         * the check would pass on the wrong version.
         */
        private static String versionAsText(String grammar, String sql) {
            if (grammar.matches("= \\d+\\.\\d+") && sql.toLowerCase(Locale.ROOT).contains("version")) {
                return "'" + grammar.substring(2) + "'";
            }
            return grammar;
        }

        private static final Pattern SINGLE_COUNT = Pattern.compile(
                "(?is)^\\s*select\\s+count\\s*\\([^)]*\\)(?:\\s*::\\s*\\w+)?(?:\\s+(?:as\\s+)?\\w+)?\\s+from\\b(?!.*\\bgroup\\s+by\\b).*");

        /**
         * "Result: 0 rows" under {@code SELECT count(*) FROM ...}: a count always returns one row, so the checklist
         * means the count; read as {@code empty} the check could never pass.
         */
        private static String countAsValue(String grammar, String sql) {
            if (!SINGLE_COUNT.matcher(SqlText.withoutComments(sql)).matches()) return grammar;
            if (grammar.equals("empty")) return "= 0";
            if (grammar.startsWith("rows = ")) return "= " + grammar.substring("rows = ".length());
            return grammar;
        }

        private static String stripSemicolon(String sql) {
            String s = sql.strip();
            while (s.endsWith(";")) s = s.substring(0, s.length() - 1).strip();
            return s;
        }

        private String checkName(Unit u, SqlText.Stmt s, Block sub) {
            String text = sub != null ? sub.text : u.text;
            String prose = clean(INLINE_CODE.matcher(text).replaceAll(" ")).replaceAll("\\s+", " ")
                    .replaceAll("[\\s:]+$", "");
            String base = prose.length() >= 3 ? prose : clean(text).replaceAll(":\\s*$", "");
            if (u.tableSql != null) base = u.tableLabel;
            if (u.text.isBlank() && !s.before.isEmpty()) base = String.join("; ", s.before);
            if (base.isBlank()) base = firstLine(s.sql);
            return truncate(base, 120) + " (line " + s.line + ")";
        }

        private static String firstLine(String sql) {
            return sql.lines().findFirst().orElse("").strip();
        }

        private boolean mapUnion(Unit u, SqlText.Stmt s, String phrase, String about, String name, Mapping m) {
            List<String> branches = SqlText.unionAllBranches(SqlText.withoutComments(s.sql));
            if (branches.size() < 2) return false;
            List<SqlText.Labelled> labelled = new ArrayList<>();
            for (String b : branches) {
                SqlText.Labelled l = SqlText.labelled(b);
                if (l == null) return false;
                labelled.add(l);
            }
            List<String> counted = new ArrayList<>();
            for (SqlText.Labelled l : labelled) {
                String t = SqlText.countedTable(l.sql());
                if (t == null) {
                    counted = null;
                    break;
                }
                counted.add(t);
            }
            var g = phrase == null ? java.util.Optional.<String>empty() : ExpectationText.grammar(phrase);
            boolean allPass = about.matches("(?is).*\\ball\\s+(should|must)\\s+pass\\b.*");
            if (counted != null && g.isEmpty()) {
                rowCountBlock(u, s, counted, about, name, m);
                return true;
            }
            if (g.isEmpty() && !allPass) return false;
            m.stated.add(m.current);
            for (SqlText.Labelled l : labelled) {
                String expect = g.orElse(null);
                if (expect == null) {
                    if (!l.sql().contains("'PASS'")) return false;
                    expect = "'PASS'";
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", truncate(l.label(), 80) + " (line " + s.line + ")");
                body.put("sql", l.sql());
                body.put("expect", expect);
                add(m, "query", body, s.line);
            }
            return true;
        }

        private static final Pattern ROW_VALUES = Pattern.compile("[^|]*\\S[^|]*(?:\\|[^|]*\\S[^|]*)+");
        private static final Pattern QUANTIFIER = Pattern.compile(
                "(?i)\\b(both|all|each|every\\s+row|all\\s+(\\d+|two|three|four|five))\\b[^\\n]*?\\b(should|must)\\b");

        /**
         * "Both should be: character varying | 200" — psql's row format: the last columns of every row the query
         * returns hold these values. The query is wrapped so that it counts the rows that match; "both" (or "all
         * three") also fixes how many rows there must be, "all"/"each" needs at least one. Values compare as psql
         * prints them (text). Only a plain select list whose column names are visible in the SQL is wrapped.
         */
        private boolean mapRowValues(SqlText.Stmt s, String phrase, String about, String name, Mapping m) {
            if (!ROW_VALUES.matcher(phrase).matches()) return false;
            List<String> values = new ArrayList<>();
            for (String v : phrase.split("\\|")) values.add(v.strip());
            List<String> columns = SqlText.selectColumns(s.sql);
            if (columns == null || columns.size() < values.size()) return false;
            Matcher q = QUANTIFIER.matcher(about);
            Integer rows = null;
            if (q.find()) {
                String word = q.group(2) != null ? q.group(2).toLowerCase(Locale.ROOT) : q.group(1).toLowerCase(Locale.ROOT);
                rows = switch (word) {
                    case "both", "two" -> 2;
                    case "three" -> 3;
                    case "four" -> 4;
                    case "five" -> 5;
                    default -> word.matches("\\d+") ? Integer.valueOf(word) : null;
                };
            }
            List<String> conds = new ArrayList<>();
            int offset = columns.size() - values.size();
            for (int i = 0; i < values.size(); i++) {
                conds.add("q." + columns.get(offset + i) + "::text IS NOT DISTINCT FROM "
                        + (values.get(i).isEmpty() || values.get(i).equalsIgnoreCase("null") ? "NULL"
                        : "'" + values.get(i).replace("'", "''") + "'"));
            }
            String cond = String.join(" AND ", conds);
            String inner = "(\n" + stripSemicolon(s.sql) + "\n) AS q";
            String sql;
            String expect;
            if (rows != null) {
                sql = "SELECT count(*) FILTER (WHERE " + cond + ") || ' of ' || count(*) || ' match' FROM " + inner;
                expect = "'" + rows + " of " + rows + " match'";
            } else {
                sql = "SELECT CASE WHEN count(*) > 0 AND count(*) FILTER (WHERE " + cond + ") = count(*) THEN "
                        + "'all match' ELSE count(*) FILTER (WHERE " + cond + ") || ' of ' || count(*) || ' match' END "
                        + "FROM " + inner;
                expect = "'all match'";
            }
            m.stated.add(m.current);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("sql", sql);
            body.put("expect", expect);
            add(m, "query", body, s.line);
            return true;
        }

        private static final Pattern AFTER_WORDS = Pattern.compile(
                "(?i)\\b(compare|after|post|match|matches|verify|same|unchanged|still)\\b");

        private void rowCountBlock(Unit u, SqlText.Stmt s, List<String> tables, String about, String name, Mapping m) {
            m.stated.add(m.current);
            boolean after = !snapshots.isEmpty() && AFTER_WORDS.matcher(about).find();
            if (!after) {
                String snap = snapshots.isEmpty() ? "before" : "before-" + (snapshots.size() + 1);
                snapshots.add(snap);
                snapshotTables.put(snap, tables);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", snap);
                body.put("rowCounts", new ArrayList<Object>(tables));
                add(m, "snapshot", body, s.line);
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
                    warn(s.line, "row count of '" + t + "' (snapshot '" + snap + "') has no counterpart after the "
                            + "change and the checklist states no rename for it; compare it by hand");
                }
            }
            for (String t : tables) {
                if (!covered.contains(t)) {
                    warn(s.line, "row count of '" + t + "' has no before-count in snapshot '" + snap
                            + "'; it is not compared");
                }
            }
            if (compared.isEmpty()) {
                leftover(u, s, "none of its tables were counted in snapshot '" + snap + "'", m);
                return;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("compareTo", snap);
            body.put("tables", new ArrayList<Object>(compared));
            if (!map.isEmpty()) body.put("map", map);
            if (!droppedHere.isEmpty()) body.put("dropped", new ArrayList<Object>(droppedHere));
            add(m, "rowCounts", body, s.line);
        }

        private static final Pattern QUOTED_NAMES = Pattern.compile("['\"`]([A-Za-z_][\\w$]*)['\"`]");

        private void mapMeta(Unit u, SqlText.Stmt s, String unitText, String comments, ExpectedList expected,
                             String name, Mapping m) {
            Matcher mm = Pattern.compile("^\\\\d([tivsfxmn]?)([S+]*)(?:\\s+(\\S+))?\\s*;?$").matcher(s.sql.strip());
            if (!mm.matches()) {
                leftover(u, s, "psql meta-command the importer does not map", m);
                return;
            }
            String letter = mm.group(1);
            String pattern = mm.group(3);
            String about = comments + "\n" + unitText;
            if (letter.isEmpty()) {
                if (pattern == null || !SqlText.isIdentifier(pattern) || !expected.clean()) {
                    if (expected.label() != null || pattern != null && !expected.names().isEmpty()) m.stated.add(m.current);
                    leftover(u, s, pattern == null || !SqlText.isIdentifier(pattern)
                            ? "no table named, or a placeholder instead of a table name"
                            : "no expected column list written next to it", m);
                    return;
                }
                m.stated.add(m.current);
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                body.put("table", pattern);
                body.put("include", new ArrayList<Object>(expected.names()));
                add(m, "columns", body, s.line);
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
                leftover(u, s, "no expected list of names written next to it", m);
                return;
            }
            if (s.piped && s.grepNames == null) {
                leftover(u, s, "its output is filtered by a shell pipe, which the check cannot reproduce", m);
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
                leftover(u, s, "lists names but the checklist does not say whether they must exist or be absent", m);
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
            add(m, kindKey, body, s.line);
        }

        private static Map<String, Object> manual(String text, boolean requireNote) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("text", text);
            body.put("requireNote", requireNote);
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("manual", body);
            return check;
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
        private final Set<String> dropped = new HashSet<>();

        private void findRenames() {
            for (String l : lines) {
                Matcher d = DROPPED.matcher(l);
                while (d.find()) dropped.add(d.group(1));
                for (Pattern p : List.of(RENAME, RENAMED, ALTER_RENAME)) {
                    Matcher m = p.matcher(l);
                    while (m.find()) renames.putIfAbsent(m.group(1), m.group(2));
                }
            }
        }

        // -------------------------------------------------------------- empty steps and phases fold into descriptions

        private void foldEmpty() {
            for (PhaseDraft p : phases) {
                List<StepDraft> kept = new ArrayList<>();
                for (StepDraft s : p.steps) {
                    if (s.checks.isEmpty() && s.roles.isEmpty()) {
                        p.descriptionLines.add(s.line);
                        use(s.line, Use.DESCRIPTION, null, kept(s.line));
                        p.descriptionLines.addAll(s.descriptionLines);
                        stepIds.remove(s.id);
                    } else {
                        kept.add(s);
                    }
                }
                p.steps.clear();
                p.steps.addAll(kept);
            }
            List<PhaseDraft> keptPhases = new ArrayList<>();
            for (PhaseDraft p : phases) {
                if (p.steps.isEmpty()) {
                    runbookDescription.add(p.line);
                    use(p.line, Use.DESCRIPTION, null, kept(p.line));
                    runbookDescription.addAll(p.descriptionLines);
                } else {
                    keptPhases.add(p);
                }
            }
            phases.clear();
            phases.addAll(keptPhases);
            if (phases.isEmpty()) {
                PhaseDraft p = new PhaseDraft("Checklist", 1);
                StepDraft s = new StepDraft("Review the checklist", 1);
                s.id = uniqueId("review-the-checklist");
                s.checks.add(manual("The checklist has no items; read its text (in the runbook description) and "
                        + "confirm it was followed.", false));
                s.checkComments.add(List.of("no items in " + truncate(sourceName, 100)));
                warn(0, "the checklist has no items (list items, checkboxes, tables or code blocks); the runbook "
                        + "has a single manual confirmation");
                p.steps.add(s);
                phases.add(p);
            }
        }

        // -------------------------------------------------------------- environment

        private String environment() {
            String t = title.toLowerCase(Locale.ROOT);
            if (t.matches(".*\\b(production|prod)\\b.*")) {
                warn(0, "target environment set to production because the title mentions it; check target.environment");
                return "production";
            }
            if (t.matches(".*\\bstaging\\b.*")) {
                warn(0, "target environment set to staging because the title mentions it; check target.environment");
                return "staging";
            }
            StringBuilder intro = new StringBuilder();
            for (int l : runbookDescription) intro.append(raw(l)).append('\n');
            String i = intro.toString().toLowerCase(Locale.ROOT);
            boolean prod = i.matches("(?s).*\\b(production|prod)\\s+only\\b.*");
            boolean staging = i.matches("(?s).*\\bstaging\\s+only\\b.*");
            if (prod != staging) {
                String env = prod ? "production" : "staging";
                warn(0, "target environment set to " + env + " because the introduction says '" + env
                        + " only'; check target.environment");
                return env;
            }
            warn(0, "target environment set to development: the title names neither production nor staging; "
                    + "set target.environment before running against another environment");
            return "development";
        }

        // -------------------------------------------------------------- YAML

        private String emit() {
            String env = environment();
            YamlText y = new YamlText();
            y.comment(0, "Imported by runbook-pilot import from " + truncate(sourceName, 200)
                    + ". Review every check before use.");
            y.comment(0, "Comments give the checklist line each check came from.");
            y.entry(0, "runbook", title);
            StringBuilder d = new StringBuilder();
            for (int l : runbookDescription) {
                d.append(kept(l)).append('\n');
                if (uses[l - 1] == null) use(l, Use.DESCRIPTION, null, kept(l));
            }
            d.append("\nImported from ").append(sourceName).append(" by runbook-pilot import.");
            y.entry(0, "description", withoutLastNewline(d));
            y.line(0, "target:");
            y.entry(2, "environment", env);
            y.line(0, "phases:");
            for (PhaseDraft p : phases) {
                y.comment(2, "line " + p.line);
                y.entry(2, "- name", p.name);
                if (!p.descriptionLines.isEmpty()) {
                    StringBuilder pd = new StringBuilder();
                    for (int l : p.descriptionLines) {
                        pd.append(kept(l)).append('\n');
                        if (uses[l - 1] == null || uses[l - 1].use() == Use.DESCRIPTION) {
                            use(l, Use.DESCRIPTION, null, kept(l));
                        }
                    }
                    y.entry(4, "description", withoutLastNewline(pd));
                }
                y.line(4, "steps:");
                for (StepDraft s : p.steps) emitStep(y, s);
            }
            return y.text();
        }

        private void emitStep(YamlText y, StepDraft s) {
            StringBuilder d = new StringBuilder();
            for (int l : s.descriptionLines) {
                d.append(kept(l)).append('\n');
                use(l, Use.DESCRIPTION, s.id, kept(l));
            }
            for (String x : s.extraDescription) d.append(x).append('\n');
            d.append("(").append(sourceName).append(", from line ").append(s.line).append(")");
            boolean hasChecks = !s.checks.isEmpty();
            if (hasChecks) {
                y.comment(6, "line " + s.line);
                y.entry(6, "- id", s.id);
                y.entry(8, "title", s.title);
                y.entry(8, "description", withoutLastNewline(d));
                if (s.optional) y.entry(8, "optional", true);
                if (s.backup != null) y.entry(8, "backup", s.backup);
                y.line(8, "checks:");
                for (int i = 0; i < s.checks.size(); i++) {
                    for (String c : s.checkComments.get(i)) y.comment(10, c);
                    y.list(10, List.of(s.checks.get(i)));
                }
            }
            if (!s.roles.isEmpty()) {
                String id = hasChecks ? uniqueId(s.id + "-signoff") : s.id;
                y.comment(6, "sign-off, line " + s.signLines.get(0));
                y.entry(6, "- id", id);
                y.entry(8, "title", hasChecks ? "Sign-off: " + s.title : s.title);
                StringBuilder sd = new StringBuilder();
                for (int l : s.signLines) {
                    sd.append(kept(l)).append('\n');
                    use(l, Use.SIGNOFF, id, kept(l));
                }
                if (!hasChecks) sd.append(d);
                else sd.append("(").append(sourceName).append(", line ").append(s.signLines.get(0)).append(")");
                y.entry(8, "description", withoutLastNewline(sd));
                List<String> roles = new ArrayList<>(new LinkedHashSet<>(s.roles));
                Map<String, Object> signoff = new LinkedHashMap<>();
                signoff.put("roles", new ArrayList<Object>(roles));
                y.entry(8, "signoff", signoff);
            }
        }
    }

    /** The text built line by line, without the final line break (lines keep their own spacing). */
    private static String withoutLastNewline(StringBuilder b) {
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == '\n') end--;
        return b.substring(0, end);
    }

    /** Heading or item text without Markdown emphasis markers. */
    static String clean(String text) {
        return text.replaceAll("\\*\\*|__", "").replaceAll("`", "").strip();
    }
}
