package dev.runbookpilot.importer.intent;

import dev.runbookpilot.importer.ChecklistImporter;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.CheckSpec;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;

import java.util.List;

/** Importing a checklist from text and reading back the checks of its runbook. */
final class Imports {

    private Imports() {}

    static ImportResult of(String markdown) throws Exception {
        return ChecklistImporter.importMarkdown(markdown, "checklist.md");
    }

    static Runbook runbook(ImportResult r) throws Exception {
        byte[] bytes = r.yaml().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return RunbookLoader.parse(r.yaml(), java.nio.file.Path.of("imported", "runbook.yaml"),
                RunbookLoader.sha256(bytes));
    }

    static List<CheckSpec> automated(String markdown) throws Exception {
        return runbook(of(markdown)).steps().flatMap(s -> s.checks().stream())
                .filter(c -> !(c instanceof CheckSpec.Manual) && !(c instanceof CheckSpec.Signoff)).toList();
    }
}
