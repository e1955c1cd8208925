package dev.runbookpilot.importer;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file API the CLI and the wizard call: read, import, write atomically, and never leave a bad file. */
class ImportFileTest {

    @Test
    void writesARunbookTheLoaderLoadsAndReturnsTheSummaryToShow(@TempDir Path dir) throws Exception {
        Path checklist = dir.resolve("release.md");
        Files.writeString(checklist, "# Release\n\n## Checks\n- [ ] No orphans (expected: 0)\n"
                + "  ```sql\n  SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = o.user_id);\n"
                + "  ```\n- [ ] Tell the team\n");
        Path out = dir.resolve("nested/folder/runbook.yaml");

        ImportResult result = ChecklistImporter.importFile(checklist, out);

        Runbook runbook = RunbookLoader.load(out);
        assertThat(runbook.title()).isEqualTo("Release");
        assertThat(Files.readString(out)).isEqualTo(result.yaml());
        assertThat(result.summary().render()).startsWith("Imported release.md\n  machine-verifiable statements found: 1, "
                + "automated as checks: 1 (100%)\n");
        assertThat(result.summary().render()).contains("  checklist entries: 2 (1 with automated checks, 1 manual "
                + "confirmations)\n");
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("runbook.yaml");
        }
    }

    @Test
    void replacesUndecodableBytesInsteadOfRefusingTheChecklist(@TempDir Path dir) throws Exception {
        Path checklist = dir.resolve("latin1.md");
        byte[] head = "# Caf".getBytes(StandardCharsets.UTF_8);
        byte[] tail = " migration\n- [ ] Done\n".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[head.length + 1 + tail.length];
        System.arraycopy(head, 0, bytes, 0, head.length);
        bytes[head.length] = (byte) 0xE9; // 'é' in Latin-1: not UTF-8
        System.arraycopy(tail, 0, bytes, head.length + 1, tail.length);
        Files.write(checklist, bytes);

        ChecklistImporter.importFile(checklist, dir.resolve("runbook.yaml"));

        assertThat(RunbookLoader.load(dir.resolve("runbook.yaml")).title()).isEqualTo("Caf\uFFFD migration");
    }

    @Test
    void aChecklistThatCannotBeImportedLeavesTheExistingRunbookUntouchedAndNoTemporaryFile(@TempDir Path dir)
            throws Exception {
        Path out = dir.resolve("runbook.yaml");
        Files.writeString(out, "previous runbook");
        Path tooLarge = dir.resolve("huge.md");
        Files.writeString(tooLarge, "- [ ] x\n".repeat(ChecklistImporter.MAX_YAML_CHARS / 16 + 1));

        assertThatThrownBy(() -> ChecklistImporter.importFile(tooLarge, out)).isInstanceOf(ImportException.class)
                .hasMessageContaining("split the checklist");
        assertThatThrownBy(() -> ChecklistImporter.importFile(dir.resolve("missing.md"), out))
                .isInstanceOf(NoSuchFileException.class);

        assertThat(Files.readString(out)).isEqualTo("previous runbook");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("runbook.yaml", "huge.md");
        }
    }
}
