package dev.runbookpilot.importer;

import dev.runbookpilot.importer.MarkdownBlocks.Block;
import dev.runbookpilot.importer.MarkdownBlocks.Type;
import org.commonmark.node.Node;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The checklist's Markdown is read by commonmark-java, and each named rule of {@link ChecklistLeniency} reads one
 * way checklists are written that CommonMark reads otherwise. Each test shows what plain CommonMark makes of the
 * writing (so the rule is needed) and what the checklist's blocks are with the rule.
 */
class ChecklistLeniencyTest {

    private static List<Block> blocks(String markdown) {
        return ChecklistDocument.parse(markdown).blocks;
    }

    private static Block at(List<Block> blocks, int line) {
        return blocks.stream().filter(b -> b.line == line).findFirst().orElseThrow();
    }

    /** The names of the block nodes plain CommonMark reads, depth first. */
    private static List<String> commonmark(String markdown) {
        List<String> out = new ArrayList<>();
        walk(Parser.builder().build().parse(markdown), out);
        return out;
    }

    private static void walk(Node node, List<String> out) {
        for (Node n = node.getFirstChild(); n != null; n = n.getNext()) {
            if (n instanceof org.commonmark.node.Block) out.add(n.getClass().getSimpleName());
            walk(n, out);
        }
    }

    @Test
    void readsPlainCommonMarkBlocksWithTheirLines() {
        String md = "# Title\n\nIntro text\n\n## Before\n\n- [ ] Take a backup\n- [x] Done already\n\n"
                + "```sql\nSELECT 1;\n```\n\n<!-- a note\nover two lines -->\n***\nSection\n=======\n";
        List<Block> b = blocks(md);
        assertEquals(Type.HEADING, at(b, 1).type);
        assertEquals("Title", at(b, 1).text);
        assertEquals(1, at(b, 1).level);
        assertEquals(Type.TEXT, at(b, 3).type);
        assertEquals(2, at(b, 5).level);
        assertEquals(Type.ITEM, at(b, 7).type);
        assertEquals("Take a backup", at(b, 7).text);
        assertTrue(at(b, 7).box);
        assertFalse(at(b, 7).checked);
        assertTrue(at(b, 8).checked);
        Block fence = at(b, 10);
        assertEquals(Type.FENCE, fence.type);
        assertEquals("sql", fence.lang);
        assertEquals(List.of("SELECT 1;"), fence.content);
        assertEquals(12, fence.endLine);
        assertEquals(Type.COMMENT, at(b, 14).type);
        assertEquals(Type.COMMENT, at(b, 15).type);
        assertEquals(Type.RULE, at(b, 16).type);
        assertEquals(Type.HEADING, at(b, 17).type);
        assertEquals(Type.SETEXT_UNDERLINE, at(b, 18).type);
    }

    @Test
    void bulletsPastedFromAWordProcessorAreItems() {
        String md = "Before the upgrade:\n\n• Stop the workers\n• [ ] Take a backup\n";
        assertEquals(List.of("Paragraph", "Paragraph"), commonmark(md));
        List<Block> b = blocks(md);
        assertEquals(Type.ITEM, at(b, 3).type);
        assertEquals("Stop the workers", at(b, 3).text);
        assertEquals(Type.ITEM, at(b, 4).type);
        assertTrue(at(b, 4).box);
        assertEquals("Take a backup", at(b, 4).text);
    }

    @Test
    void aNumberedStepRightUnderProseIsAnItem() {
        String md = "Run these in order:\n2. Apply the migration\n3. Check the version\n";
        assertEquals(List.of("Paragraph"), commonmark(md));
        List<Block> b = blocks(md);
        assertEquals(Type.TEXT, at(b, 1).type);
        assertEquals(Type.ITEM, at(b, 2).type);
        assertEquals("Apply the migration", at(b, 2).text);
        assertEquals(Type.ITEM, at(b, 3).type);
    }

    @Test
    void anItemIndentedTooDeepToNestIsAnItem() {
        String md = "Check the indexes\n        - `idx_orders_customer`\n        - `idx_orders_created`\n";
        assertEquals(List.of("Paragraph"), commonmark(md));
        List<Block> b = blocks(md);
        assertEquals(Type.ITEM, at(b, 2).type);
        assertEquals("`idx_orders_customer`", at(b, 2).text);
        assertEquals(8, at(b, 2).indent);
    }

    @Test
    void pipeRowsWithoutASeparatorRowAreTableRows() {
        String md = "| [ ] | Backup taken |\n| [ ] | Workers stopped |\n";
        assertEquals(List.of("Paragraph"), commonmark(md));
        List<Block> b = blocks(md);
        assertEquals(Type.TABLE_ROW, at(b, 1).type);
        assertEquals(Type.TABLE_ROW, at(b, 2).type);
    }

    @Test
    void aFenceIndentedAsCodeUnderAnItemIsAFence() {
        String md = "- [ ] Count the rows before:\n\n      ```sql\n      SELECT count(*) FROM orders;\n      ```\n"
                + "- [ ] Next\n";
        assertTrue(commonmark(md).contains("IndentedCodeBlock"), commonmark(md).toString());
        List<Block> b = blocks(md);
        Block fence = at(b, 3);
        assertEquals(Type.FENCE, fence.type);
        assertEquals("sql", fence.lang);
        assertEquals(List.of("SELECT count(*) FROM orders;"), fence.content);
        assertEquals(6, fence.indent);
        assertTrue(fence.closed);
        assertEquals(Type.ITEM, at(b, 6).type);
    }

    @Test
    void aHeadingIndentedAsCodeStaysText() {
        List<Block> b = blocks("Intro\n\n    # not a heading\n");
        assertEquals(Type.TEXT, at(b, 3).type);
    }

    @Test
    void anIndentedCodeBlockThatIsNoFenceStaysText() throws ImportException {
        // A sample of tool output is code, whether under a paragraph or under an item: its lines are no items.
        String md = "# Deploy\n\n## Steps\n\nSample of the tool output, do not paste:\n\n"
                + "    - [ ] `mix ecto.migrate`\n    - [ ] `SELECT count(*) FROM orders` returns 0\n\n"
                + "- [ ] Run the release\n\n      Output looks like:\n      - [ ] `mix ecto.migrate`\n";
        assertEquals(List.of("Heading", "Heading", "Paragraph", "IndentedCodeBlock", "BulletList", "ListItem",
                "Paragraph", "IndentedCodeBlock"), commonmark(md));
        List<Block> b = blocks(md);
        for (int line : List.of(7, 8, 12, 13)) {
            assertEquals(Type.TEXT, b.stream().filter(x -> x.line <= line && line <= x.endLine).findFirst()
                    .orElseThrow().type, "line " + line);
        }
        assertEquals(Type.ITEM, at(b, 10).type);
        String sample = md.substring(0, md.indexOf("- [ ] Run the release"));
        ImportResult r = ChecklistImporter.importMarkdown(sample, "sample.md");
        assertEquals(0, r.summary().automated(), r.yaml());
        assertFalse(r.yaml().contains("run: \"mix ecto.migrate\""), r.yaml());
    }

    @Test
    void theContentOfAPreOrScriptElementStaysText() throws ImportException {
        for (String element : List.of("pre", "PRE class=\"old\"", "script", "style", "textarea")) {
            String tag = element.split(" ")[0];
            String md = "# Old runbook, kept for history\n\n<" + element + ">\n"
                    + "- [ ] `SELECT count(*) FROM orders` returns 0\n\n- [ ] `mix ecto.migrate`\n</" + tag + ">\n";
            assertEquals(List.of("Heading", "HtmlBlock"), commonmark(md), element);
            List<Block> b = blocks(md);
            for (int line : List.of(4, 6)) {
                assertEquals(Type.TEXT, b.stream().filter(x -> x.line <= line && line <= x.endLine).findFirst()
                        .orElseThrow().type, element + " line " + line);
            }
            ImportResult r = ChecklistImporter.importMarkdown(md, "history.md");
            assertEquals(0, r.summary().automated(), r.yaml());
        }
    }

    @Test
    void markdownInsideAnHtmlBlockIsRead() {
        String md = "<details><summary>Optional checks</summary>\n- [ ] Vacuum the table\n</details>\n";
        assertEquals(List.of("HtmlBlock"), commonmark(md));
        List<Block> b = blocks(md);
        assertEquals(Type.TEXT, at(b, 1).type);
        assertEquals(Type.ITEM, at(b, 2).type);
        assertEquals("Vacuum the table", at(b, 2).text);
    }

    @Test
    void aFenceRunsToItsClosingLineWhenItsContentIsLessIndentedThanTheItem() {
        String md = "- [ ] Check for orphans:\n  ```sql\nSELECT count(*) FROM orders o\nWHERE NOT EXISTS (SELECT 1);\n"
                + "  ```\n- [ ] Next\n";
        List<String> cm = commonmark(md);
        assertEquals(2, cm.stream().filter("FencedCodeBlock"::equals).count(), cm.toString());
        List<Block> b = blocks(md);
        Block fence = at(b, 2);
        assertEquals(Type.FENCE, fence.type);
        assertTrue(fence.closed);
        assertEquals(5, fence.endLine);
        assertEquals(List.of("SELECT count(*) FROM orders o", "WHERE NOT EXISTS (SELECT 1);"), fence.content);
        assertEquals(Type.ITEM, at(b, 6).type);
    }

    @Test
    void aFenceClosesAtAClosingLineIndentedDeeperThanCommonMarkAllows() {
        String md = "```sql\nSELECT 1;\n     ```\n- [ ] After the fence\n";
        List<Block> b = blocks(md);
        assertEquals(3, at(b, 1).endLine);
        assertEquals(Type.ITEM, at(b, 4).type);
    }

    @Test
    void aFenceWithoutAClosingLineRunsToTheEndOfTheDocument() {
        String md = "- [ ] Check:\n  ```sql\n  SELECT 1;\n- [ ] Not an item: inside the fence\n";
        List<Block> b = blocks(md);
        Block fence = at(b, 2);
        assertFalse(fence.closed);
        assertEquals(4, fence.endLine);
        assertEquals(2, fence.content.size());
    }

    @Test
    void dashesUnderAnItemOrATableRowAreARuleNotAHeading() {
        String item = "- [ ] Take a backup\n  ---\n";
        assertTrue(commonmark(item).contains("Heading"), commonmark(item).toString());
        List<Block> b = blocks(item);
        assertEquals(Type.ITEM, at(b, 1).type);
        assertEquals(Type.RULE, at(b, 2).type);
        String row = "| check | result |\n---\n";
        assertTrue(commonmark(row).contains("Heading"), commonmark(row).toString());
        List<Block> r = blocks(row);
        assertEquals(Type.TABLE_ROW, at(r, 1).type);
        assertEquals(Type.RULE, at(r, 2).type);
    }

    @Test
    void anUnderlinedLineRightUnderAnItemIsAHeading() {
        String md = "- [ ] Take a backup\nUpgrade\n=======\n- [ ] Apply\n";
        assertFalse(commonmark(md).contains("Heading"), commonmark(md).toString());
        List<Block> b = blocks(md);
        assertEquals(Type.ITEM, at(b, 1).type);
        assertEquals(Type.HEADING, at(b, 2).type);
        assertEquals("Upgrade", at(b, 2).text);
        assertEquals(1, at(b, 2).level);
        assertEquals(Type.SETEXT_UNDERLINE, at(b, 3).type);
    }

    @Test
    void everyLineBelongsToExactlyOneBlock() {
        String md = "# T\n- [ ] a\n\n      ```sql\n      SELECT 1;\n      ```\n<details>\n• b\n</details>\n"
                + "| x |\n---\n```\nunclosed\n";
        List<Block> b = blocks(md);
        int next = 1;
        for (Block block : b) {
            assertEquals(next, block.line, "blocks in order, no line twice or left out");
            next = block.endLine + 1;
        }
        assertEquals(MarkdownBlocks.lines(md).size() + 1, next);
    }

    @Test
    void anIndentedFenceUnderAnItemBecomesTheItemsCheck() throws ImportException {
        String md = "# Upgrade\n\n## Before\n\n- [ ] No orphaned orders (expected: 0):\n\n"
                + "      ```sql\n      SELECT count(*) FROM orders o\n"
                + "      WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id);\n      ```\n";
        ImportResult r = ChecklistImporter.importMarkdown(md, "indented.md");
        assertEquals(1, r.summary().automated(), r.yaml());
        assertTrue(r.yaml().contains("WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = o.customer_id)"),
                r.yaml());
    }
}
