package dev.runbookpilot.importer;

import dev.runbookpilot.importer.ImportResult.LineUse;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Phase;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.Step;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Properties (jqwik) that hold for any checklist: generated from fragments of real ones and mutated, or real ones
 * (the seeds and the fixtures) mutated line by line and character by character. No exception, YAML the runbook
 * loader accepts, every source line accounted for where the importer says it is, and every line's text in the
 * runbook. A failure shrinks to a small document and is replayed first on the next run (jqwik's database). The
 * random seeds tried before the seed was fixed (about 40,000 documents) found four bugs, each now a test of its own.
 */
class ImporterFuzzTest {

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
        "```bash\npsql -d shop <<'SQL'\nSELECT count(*) FROM d;\nSQL\n# Expected: 0\n```",
        "1. Lag: `psql -XAtc \"SELECT 1\"` must return < 5", "   - if non-zero, page the on-call DBA",
        "- [ ] Verify:\n  1. Bumped: `SELECT v FROM m;` → 7.2\n  2. Rejected: `INSERT INTO a VALUES (-1);` Expected error 23503",
        "| # | Check | psql | Pass criterion |\n|---|---|---|---|\n| 1 | Locks | `SELECT count(*) FROM pg_locks` | must return 0 |",
        "Sign-off: ______ (on-call DBA)", "DBA sign-off: ______ Date: ____", "echo \"SELECT 1\" | psql -At",
    };

    /** Checklists written by hand (the seeds and the fixtures): mutating them reaches shapes no fragment has. */
    private static final List<String> REAL = List.of("seeds/000_e9387a216e638fd6.txt",
            "seeds/001_d6444c5d4bc6e301.txt", "seeds/002_77f05fae06ba39ae.txt", "emoji-crlf-tabs.md",
            "numbered-oneliners.md", "numbered-setext.md", "table-checks.md", "html-nested.md", "numbered-psql.md",
            "tables-nested.md").stream().map(ImportFixtures::read).toList();

    /*
     * Fixed seeds keep CI deterministic: a random seed once found a new bug mid-CI, and a red CI lands nothing.
     * To explore, run with another seed (or none) locally; every failure found that way becomes a fixed test.
     */
    private static final String SEED = "20261130";

    @Property(tries = 4000, seed = SEED)
    void anyGeneratedAndMutatedChecklistImportsIntoALoadableRunbookAccountingForEveryLine(
            @ForAll("generated") String doc) {
        check(doc, "doc.md");
    }

    // Edge cases (the first checklist unmutated, ...) would use up all tries; the real ones are imported as they
    // are by the other tests already.
    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE, seed = SEED)
    void anyMutationOfARealChecklistImportsIntoALoadableRunbookAccountingForEveryLine(
            @ForAll("mutatedReal") String doc) {
        check(doc, "real.md");
    }

    @Provide
    Arbitrary<String> generated() {
        Arbitrary<String> lines = Combinators.combine(Arbitraries.of(FRAGMENTS), Arbitraries.of("\n", "\r\n", "\n\n", "\r"))
                .as((fragment, end) -> fragment + end);
        Arbitrary<String> doc = lines.list().ofMinSize(1).ofMaxSize(40).map(l -> String.join("", l));
        return Combinators.combine(doc, edits().list().ofMaxSize(12)).as(ImporterFuzzTest::apply);
    }

    @Provide
    Arbitrary<String> mutatedReal() {
        Arbitrary<String> real = Arbitraries.of(REAL);
        Arbitrary<List<LineEdit>> lineEdits = Combinators.combine(Arbitraries.doubles().between(0, 1),
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, FRAGMENTS.length - 1))
                .as(LineEdit::new).list().ofMaxSize(8);
        return Combinators.combine(real, lineEdits, edits().list().ofMaxSize(6))
                .as((text, byLine, byChar) -> apply(applyLines(text, byLine), byChar));
    }

    /** A character-level edit at a relative position (so that it shrinks independently of the text's length). */
    record Edit(double at, int kind, int value) {}

    /** A line-level edit of a real checklist: drop, repeat, indent or dedent a line, or insert a fragment. */
    record LineEdit(double at, int kind, int fragment) {}

    private static Arbitrary<Edit> edits() {
        return Combinators.combine(Arbitraries.doubles().between(0, 1), Arbitraries.integers().between(0, 6),
                Arbitraries.integers().between(0, 0x2FFF)).as(Edit::new);
    }

    @Test
    void importsAHugeChecklistAndRejectsOneTooLargeWithItsOwnError() throws Exception {
        StringBuilder b = new StringBuilder("# Huge\n");
        for (int i = 0; b.length() < ChecklistImporter.MAX_YAML_CHARS / 4; i++) b.append(FRAGMENTS[(i * 7) % FRAGMENTS.length]).append('\n');
        // Without the searches for every line's text: they grow with lines times runbook size, and the properties
        // cover them on documents of every shape.
        importAndLoad(b.toString(), "huge.md");
        String tooLarge = "- [ ] x\n".repeat(ChecklistImporter.MAX_YAML_CHARS / 16 + 1);
        try {
            ChecklistImporter.importMarkdown(tooLarge, "too-large.md");
            fail("a checklist beyond the size limit is refused");
        } catch (ImportException e) {
            assertTrue(e.getMessage().contains("split"), e.getMessage());
        }
    }

    private static final String NOISE = "`~#-*_|[]()<>:;'\"\\\t\r\n xX0123456789éü中🚀\u0000\u00A0\u2028\uFEFF\uD83D";

    private static String apply(String doc, List<Edit> edits) {
        StringBuilder b = new StringBuilder(doc);
        for (Edit e : edits) {
            if (b.length() == 0) break;
            int at = Math.min(b.length() - 1, (int) (e.at() * b.length()));
            switch (e.kind()) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, NOISE.charAt(e.value() % NOISE.length()));
                case 2 -> b.setLength(at);
                case 3 -> b.insert(at, b.substring(at, Math.min(b.length(), at + e.value() % 200)));
                case 4 -> b.insert(at, "x".repeat(e.value() % 5000));
                case 5 -> b.insert(at, "\n```" + (e.value() % 2 == 0 ? "sql" : "") + "\n");
                default -> b.replace(at, at + 1, String.valueOf((char) e.value()));
            }
        }
        return b.toString();
    }

    private static String applyLines(String doc, List<LineEdit> edits) {
        List<String> lines = new ArrayList<>(List.of(doc.split("\n", -1)));
        for (LineEdit e : edits) {
            int at = Math.min(lines.size() - 1, (int) (e.at() * lines.size()));
            switch (e.kind()) {
                case 0 -> {
                    if (lines.size() > 1) lines.remove(at);
                }
                case 1 -> lines.add(at, lines.get(at));
                case 2 -> lines.add(at, FRAGMENTS[e.fragment()]);
                case 3 -> lines.set(at, "  " + lines.get(at));
                default -> lines.set(at, lines.get(at).stripLeading());
            }
        }
        return String.join("\n", lines);
    }

    /**
     * Imports one document and checks every promise: no exception (the size limit is far off), YAML the loader
     * accepts, one use per line where the importer says, and every line's text in the runbook or a warning.
     */
    private static void check(String doc, String name) {
        Imported imported = importAndLoad(doc, name);
        ImportResult result = imported.result();
        Runbook runbook = imported.runbook();
        List<String> source = MarkdownBlocks.lines(doc);
        String carried = carriedText(runbook);
        for (LineUse use : result.lines()) {
            String raw = source.get(use.line() - 1);
            assertNotNull(use.use(), name + " line " + use.line());
            switch (use.use()) {
                case FORMAT -> assertTrue(raw.strip().matches("[-=*_|:~` \\t]*"),
                        name + " line " + use.line() + " is content, not formatting: " + raw);
                case DESCRIPTION, MANUAL, SIGNOFF -> {
                    assertTrue(raw.contains(use.kept()), "kept text comes from the line");
                    assertTrue(carried.contains(use.kept()), name + " line " + use.line() + " ("
                            + use.use() + ") is not in the runbook: " + use.kept() + "\n--- yaml\n" + result.yaml());
                }
                case AUTOMATED -> assertTrue(runbook.step(use.stepId()).map(s -> s.checks().stream()
                                .anyMatch(c -> !(c instanceof CheckSpec.Manual))).orElse(false),
                        name + " line " + use.line() + " is in an automated check of " + use.stepId());
                case HEADING -> assertFalse(raw.isBlank() && !raw.contains("#"), "a heading line has text");
            }
        }
        List<String> lost = LineAccounting.lostLines(doc, result);
        assertEquals(List.of(), lost, name + " lost lines\n--- markdown\n" + doc + "\n--- yaml\n" + result.yaml());
    }

    private record Imported(ImportResult result, Runbook runbook) {}

    private static Imported importAndLoad(String doc, String name) {
        ImportResult result;
        try {
            result = ChecklistImporter.importMarkdown(doc, name);
        } catch (ImportException e) {
            throw new AssertionError("a checklist of " + doc.length() + " characters was refused", e);
        }
        Runbook runbook;
        try {
            runbook = ImportFixtures.load(result);
        } catch (RunbookException e) {
            throw new AssertionError(name + " gave YAML the loader rejects: " + e.getMessage()
                    + "\n--- markdown\n" + doc + "\n--- yaml\n" + result.yaml());
        }
        List<String> source = MarkdownBlocks.lines(doc);
        assertEquals(source.size(), result.lines().size(), "one use per source line, " + name);
        ImportSummary s = result.summary();
        assertEquals(s.items(), s.automated() + s.manual());
        assertTrue(s.automatedRatio() >= 0 && s.automatedRatio() <= 1);
        assertTrue(s.verifiedAutomatically() <= s.verifiable(), "automated verifiable statements are verifiable");
        for (ImportSummary.UnmappedSql u : s.unmapped()) assertTrue(u.line() >= 1 && u.line() <= source.size());
        return new Imported(result, runbook);
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
