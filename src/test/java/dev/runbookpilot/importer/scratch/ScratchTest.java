package dev.runbookpilot.importer.scratch;

import dev.runbookpilot.importer.ChecklistImporter;
import org.junit.jupiter.api.Test;
import java.nio.file.*;

class ScratchTest {
    @Test
    void print() throws Exception {
        String md = Files.readString(Path.of(System.getProperty("scratch.md", "/tmp/actscratch/a.md")));
        var r = ChecklistImporter.importMarkdown(md, "a.md");
        System.out.println(r.yaml());
        System.out.println(r.summary().render());
        dev.runbookpilot.runbook.RunbookLoader.parse(r.yaml(), Path.of("x/runbook.yaml"), "00");
    }
}
