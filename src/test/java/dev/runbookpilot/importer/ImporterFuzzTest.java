package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.Step;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Feeds the importer thousands of generated and mutated checklists (fixed seed, so a failure reproduces) and
 * checks the promises that hold for any input: no exception but {@link ImportException}, YAML the runbook loader
 * accepts, and every source line accounted for where the importer says it is.
 */
class ImporterFuzzTest {

    private static final long SEED = 0x5EED_2025L;
    private static final int DOCUMENTS = 5_000;

    private static final String[] FRAGMENTS = {
        "# Migration checklist", "## Pre-flight", "### Step 1: Backup", "#### Sub step", "###### deep", "#",
        "Title\n=====", "Section\n-------", "---", "***", "",
        "- [ ] Take a backup", "- [x] Done already", "* [ ] Star item", "+ plain plus item", "1. Numbered item",
        "2) Other numbered", "  - [ ] nested item", "\t- [ ] tab nested", "    - deep note", "- [ ]", "- [ ] ",
        "- [ ] Check version: `psql $DB -c \"SELECT value FROM meta WHERE key = 'v';\"`",
        "- [ ] Check for invalid data (should return 0):",
        "  ```sql\n  SELECT count(*) FROM t WHERE x < 0;\n  ```",
        "```sql\nSELECT value FROM database_metadata WHERE key = 'version';\n-- Should return: 3.7.0\n```",
        "```sql\nSELECT count(*) FROM c WHERE n LIKE '%s%';\n-- Should be >= 4\n```",
        "```sql\n-- Expected: 0\nSELECT count(*) FROM orphans;\n```",
        "```sql\nINSERT INTO jobs(k) VALUES ('a');\n-- Should FAIL (duplicate key)\nINSERT INTO jobs(k) VALUES ('a');\n"
            + "-- Expected error: duplicate key violates unique constraint\nDELETE FROM jobs;\n```",
        "```sql\nUPDATE a SET b = 1 WHERE id = '<audit_id>';\n-- Expected error: append-only\n```",
        "```sql\n-- All should return 0\nSELECT 'a' AS issue, COUNT(*) AS count FROM t1 WHERE bad\nUNION ALL\n"
            + "SELECT 'b', COUNT(*) FROM t2 WHERE bad;\n```",
        "- [ ] Record row counts:\n  ```bash\n  psql db -c \"\n    SELECT 'old_a' AS t, COUNT(*) FROM old_a\n    UNION ALL\n"
            + "    SELECT 'old_b', COUNT(*) FROM old_b;\n  \" > pre.txt\n  ```",
        "- [ ] Compare row counts after (should match):\n  ```bash\n  psql db -c \"\n    SELECT 'new_a' AS t, COUNT(*) FROM new_a\n"
            + "    UNION ALL\n    SELECT 'old_b', COUNT(*) FROM old_b;\n  \"\n  ```",
        "Renamed old_a to new_a",
        "- [ ] Verify new tables exist:\n  ```bash\n  psql db -c \"\\dt\" | grep -E \"(new_a|old_b)\"\n  ```\n"
            + "  **Expected:** All 2 tables should appear",
        "- [ ] Check indexes:\n  ```bash\n  psql db -c \"\\di new_a*\"\n  ```\n  **Expected:**\n  - `new_a_pkey` (unique)\n"
            + "  - `new_a_x_index`",
        "- [ ] Check schema: `psql db -c \"\\d new_a\"`\n  **Expected fields:** id, name, created_at",
        "```bash\npg_dump $DATABASE_URL > backup_$(date +%Y%m%d).sql\nmix ecto.migrate\nalembic upgrade head\n```",
        "```elixir\nRepo.all(User)\n```", "```\nunlabelled fence\n```", "~~~sql\nSELECT 1;\n~~~", "```sql\nSELECT 'unclosed",
        "```bash\npsql -c \"SELECT 1\" | wc -l\n```", "```sql\nEXPLAIN ANALYZE SELECT * FROM t WHERE id = 1;\n"
            + "-- Verify \"Index Scan\" is used, not \"Seq Scan\"\n```",
        "**Expected:** 3 rows", "Expected: empty", "Signed: _________ Date: _______", "**Applied By**: ______",
        "**Backup Location**: ________", "Approved by DBA: ______",
        "| Check | SQL | Expected |\n|---|---|---|\n| orphans | `SELECT count(*) FROM o` | 0 |\n| version | `SELECT v FROM m` | '1.2' |",
        "| a | b |\n|---|---|\n| [ ] x | y |", "| lonely pipe", "<!-- hidden note -->", "<!--\nmulti\nline\n-->",
        "<details><summary>More</summary>", "</details>", "<br/>", "> [!WARNING]\n> Staging only",
        "✅ Schema version is 3.7.0", "- ✅ done", "☐ unchecked glyph", "🚀 Deploy 🎉", "Ã¢Å“â€¦ mojibake â€” text",
        "Placeholder <user_id> and YYYYMMDD", "\\dt", "SELECT * FROM t;", "plain paragraph text",
        "Text with trailing spaces   \t", "`SELECT 1` inline only", "psql -c \"\\d\"", "\u0000\u0001\u0007 control",
        "\u2028line sep\u2029para", "\u0085nel", "\uFEFFbom inside", "emoji 👩‍💻 zwj", "\uD800 lone high", "\uDC00 lone low",
        "\"quotes\" 'single' \\backslash\\ {braces} [brackets] # hash: colon - dash", "key: value", "- key: value",
        "&anchor *alias !tag %directive @at `back", "||| ||| |||", "#not a heading", "    indented code",
        "```sql\nINSERT INTO u (e) VALUES ('x') RETURNING id;\n-- Should SUCCEED\nINSERT INTO m (o) VALUES ('<id>');\n"
            + "-- Should FAIL:\nINSERT INTO m (o) VALUES ('<id>', '<other>');\n-- Expected error: not null\n```",
        "```sql\nINSERT INTO u (e) VALUES ('x') RETURNING id, e\n```",
        "```sql\nSELECT a, b.c, d AS e FROM t WHERE x IN ('|', '(');\n-- Both should be: varchar | 200\n```",
        "```sql\nSELECT (a, b FROM t;\n-- All should be: x | | y\n```",
        "```sql\nEXPLAIN SELECT * FROM a JOIN b ON a.id = b.a JOIN LATERAL (SELECT 1) z ON true;\n-- uses an index\n```",
        "- [ ] Verify no active long-running queries:\n  ```sql\n  SELECT pid FROM pg_stat_activity WHERE state <> 'idle';\n  ```",
        "1. Version moved on (should return 2.0): `psql -c \"SELECT v FROM m\"`", "Signed (DBA lead): ____ Date: ___",
        "```sql\nDROP TABLE t;\n\\dt\n-- Should not show 't'\n```",
    };

    @Test
    void importsEveryGeneratedAndMutatedDocumentIntoALoadableRunbookAccountingForEveryLine() {
        Random random = new Random(SEED);
        int imported = 0;
        for (int i = 0; i < DOCUMENTS; i++) {
            String doc = generate(random);
            if (random.nextInt(3) > 0) doc = mutate(doc, random);
            if (check(doc, "doc-" + i + ".md", i)) imported++;
        }
        assertTrue(imported > DOCUMENTS * 0.99, "almost every document imports: " + imported);
    }

    @Test
    void importsAHugeChecklistAndRejectsOneTooLargeWithItsOwnError() throws Exception {
        StringBuilder b = new StringBuilder("# Huge\n");
        Random random = new Random(SEED);
        while (b.length() < 600_000) b.append(generate(random)).append('\n');
        assertTrue(check(b.toString(), "huge.md", -1));
        String tooLarge = "- [ ] x\n".repeat(ChecklistImporter.MAX_YAML_CHARS / 16 + 1);
        try {
            ChecklistImporter.importMarkdown(tooLarge, "too-large.md");
            fail("a checklist beyond the size limit is refused");
        } catch (ImportException e) {
            assertTrue(e.getMessage().contains("split"), e.getMessage());
        }
    }

    private static String generate(Random r) {
        int parts = 1 + r.nextInt(40);
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < parts; i++) {
            b.append(FRAGMENTS[r.nextInt(FRAGMENTS.length)]);
            b.append(switch (r.nextInt(6)) {
                case 0 -> "\r\n";
                case 1 -> "\n\n";
                case 2 -> "\r";
                default -> "\n";
            });
        }
        return b.toString();
    }

    private static final String NOISE = "`~#-*_|[]()<>:;'\"\\\t\r\n xX0123456789éü中🚀\u0000\u00A0\u2028\uFEFF\uD83D";

    private static String mutate(String doc, Random r) {
        StringBuilder b = new StringBuilder(doc);
        int edits = 1 + r.nextInt(12);
        for (int e = 0; e < edits && b.length() > 0; e++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(7)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, NOISE.charAt(r.nextInt(NOISE.length())));
                case 2 -> b.setLength(at);
                case 3 -> {
                    int end = Math.min(b.length(), at + r.nextInt(200));
                    b.insert(at, b.substring(at, end));
                }
                case 4 -> b.insert(at, "x".repeat(r.nextInt(5000)));
                case 5 -> b.insert(at, "\n```" + (r.nextBoolean() ? "sql" : "") + "\n");
                default -> b.replace(at, Math.min(b.length(), at + 1), String.valueOf((char) r.nextInt(0x3000)));
            }
        }
        return b.toString();
    }

    /** Imports one document and checks every promise; false only when the importer refused it with its own error. */
    private static boolean check(String doc, String name, int index) {
        ImportResult result;
        try {
            result = ChecklistImporter.importMarkdown(doc, name);
        } catch (ImportException e) {
            return false;
        } catch (RuntimeException e) {
            throw new AssertionError("document " + index + " crashed the importer:\n" + doc, e);
        }
        Runbook runbook;
        try {
            runbook = ImportFixtures.load(result);
        } catch (RunbookException e) {
            throw new AssertionError("document " + index + " gave YAML the loader rejects: " + e.getMessage()
                    + "\n--- markdown\n" + doc + "\n--- yaml\n" + result.yaml());
        }
        List<String> source = MarkdownBlocks.lines(doc);
        assertEquals(source.size(), result.lines().size(), "one use per source line, document " + index);
        String carried = carriedText(runbook);
        for (LineUse use : result.lines()) {
            String raw = source.get(use.line() - 1);
            assertNotNull(use.use(), "line " + use.line() + " of document " + index);
            switch (use.use()) {
                case FORMAT -> assertTrue(raw.strip().matches("[-=*_|:~` \\t]*"),
                        "document " + index + " line " + use.line() + " is content, not formatting: " + raw);
                case DESCRIPTION, MANUAL, SIGNOFF -> {
                    assertTrue(raw.contains(use.kept()), "kept text comes from the line");
                    assertTrue(carried.contains(use.kept()), "document " + index + " line " + use.line() + " ("
                            + use.use() + ") is not in the runbook: " + use.kept() + "\n--- yaml\n" + result.yaml());
                }
                case AUTOMATED -> assertTrue(runbook.step(use.stepId()).map(s -> s.checks().stream()
                                .anyMatch(c -> !(c instanceof CheckSpec.Manual))).orElse(false),
                        "document " + index + " line " + use.line() + " is in an automated check of " + use.stepId());
                case HEADING -> assertFalse(raw.isBlank() && !raw.contains("#"), "a heading line has text");
            }
        }
        List<String> lost = LineAccounting.lostLines(doc, result);
        assertEquals(List.of(), lost, "document " + index + " lost lines\n--- markdown\n" + doc + "\n--- yaml\n"
                + result.yaml());
        ImportSummary s = result.summary();
        assertEquals(s.items(), s.automated() + s.manual());
        assertTrue(s.automatedRatio() >= 0 && s.automatedRatio() <= 1);
        assertTrue(s.verifiedAutomatically() <= s.verifiable(), "automated verifiable statements are verifiable");
        for (ImportSummary.UnmappedSql u : s.unmapped()) assertTrue(u.line() >= 1 && u.line() <= source.size());
        return true;
    }

    /** Every text of the runbook a source line can be carried in. */
    private static String carriedText(Runbook runbook) {
        List<String> parts = new ArrayList<>();
        parts.add(runbook.description());
        for (Phase p : runbook.phases()) {
            parts.add(p.description());
            for (Step st : p.steps()) {
                parts.add(st.description());
                for (CheckSpec c : st.checks()) if (c instanceof CheckSpec.Manual m) parts.add(m.text());
            }
        }
        return String.join("\n", parts.stream().filter(x -> x != null).toList());
    }
}
