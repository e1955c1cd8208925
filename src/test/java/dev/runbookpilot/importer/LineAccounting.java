package dev.runbookpilot.importer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The import's promise, checked from the outside: every non-blank line of the checklist (its text, Markdown
 * markers aside) can be found in the generated runbook — a title, a description, a check's name, SQL or
 * expectation, a manual text — or in the summary's warnings. Searches the YAML as written, so a line the
 * importer claims to keep but the YAML lacks fails.
 */
final class LineAccounting {

    private static final YAMLMapper YAML = new YAMLMapper();

    private LineAccounting() {}

    /** The source lines whose text is nowhere in the runbook or the warnings, as "line N: text"; empty when none. */
    static List<String> lostLines(String markdown, ImportResult result) {
        StringBuilder all = new StringBuilder();
        try {
            collect(YAML.readTree(result.yaml()), all);
        } catch (IOException e) {
            throw new UncheckedIOException("the imported YAML does not parse", e);
        }
        for (ImportSummary.Warning w : result.summary().warnings()) all.append(w.message()).append('\n');
        String carried = SourceTrace.normalise(all.toString());
        List<String> lost = new ArrayList<>();
        List<String> lines = MarkdownBlocks.lines(markdown);
        for (int i = 0; i < lines.size(); i++) {
            if (!SourceTrace.carriedIn(lines.get(i), carried)) lost.add("line " + (i + 1) + ": " + lines.get(i));
        }
        return lost;
    }

    private static void collect(JsonNode node, StringBuilder out) {
        if (node == null) return;
        if (node.isValueNode()) {
            out.append(node.asText()).append('\n');
            return;
        }
        for (JsonNode child : node) collect(child, out);
    }
}
