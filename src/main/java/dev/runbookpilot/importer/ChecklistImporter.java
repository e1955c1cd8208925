package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.importer.ImportResult.Use;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Turns a Markdown checklist into runbook YAML. Headings become phases and steps; checklist items become manual
 * confirmations, or automated checks when they carry SQL or a psql command with the expected result written next
 * to it, or when a recogniser ({@code intent/}) reads what they mean. Every source line ends up in a check, a
 * description or a warning; {@link ImportResult#lines()} says where.
 *
 * <p>The import is a pipeline of stages, each in its own file (docs/import.md, "How the import works"):
 * {@link ChecklistDocument} (the Markdown as line-numbered blocks; {@link ConfigValues} puts in the expected values
 * a configuration block states where the checklist refers to them) → {@link ItemReader} (the {@link Outline}:
 * title, phases, steps and their entries with notes and code) → {@link ActionSteps} (migration commands become
 * command steps of their own, their undo the command's rollback) → {@link StatementMapping} (each entry's statements
 * become checks, then the recognisers read what is left, through {@link Recognition}) → {@link UnrecognisedSql}
 * (SQL nothing read) → {@link RunbookSynthesis} (the YAML). Each stage writes what it did to every line into one
 * {@link ImportLedger}.
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
        ImportResult result = run(markdown, name);
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

    /** One import through the stages, in order; see the class comment. */
    private static ImportResult run(String markdown, String sourceName) {
        ChecklistDocument doc = ChecklistDocument.parse(markdown);
        ImportLedger ledger = new ImportLedger(doc.lines.size());
        ConfigValues.read(doc).resolveIn(doc, ledger);
        Outline outline = new ItemReader(doc, ledger, sourceName).read();
        new ActionSteps(doc, ledger, outline).split();
        new StatementMapping(doc, ledger, outline).mapAll();
        new UnrecognisedSql(doc, ledger).find();
        String yaml = new RunbookSynthesis(doc, ledger, outline, sourceName).yaml();
        LineUse[] uses = ledger.uses;
        for (int i = 0; i < uses.length; i++) {
            if (uses[i] == null) uses[i] = new LineUse(i + 1, Use.FORMAT, null, "");
        }
        int manual = ledger.items - ledger.automated;
        double ratio = ledger.verifiable == 0 ? 1.0
                : Math.min(1.0, (double) ledger.countAutomatedVerifiable / ledger.verifiable);
        ledger.warnings.sort((a, b) -> Integer.compare(a.line(), b.line()));
        ledger.unmapped.sort((a, b) -> Integer.compare(a.line(), b.line()));
        ImportSummary summary = new ImportSummary(sourceName, ledger.items, ledger.automated, manual,
                ledger.verifiable, ledger.countAutomatedVerifiable, ratio, ledger.warnings, ledger.unmapped);
        return new ImportResult(yaml, summary, List.of(uses));
    }

    /** The text built line by line, without the final line break (lines keep their own spacing). */
    static String withoutLastNewline(StringBuilder b) {
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == '\n') end--;
        return b.substring(0, end);
    }

    /** Heading or item text without Markdown emphasis markers. */
    static String clean(String text) {
        return text.replaceAll("\\*\\*|__", "").replaceAll("`", "").strip();
    }

    static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
