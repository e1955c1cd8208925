package dev.runbookpilot.importer;

import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Reads checklist fixtures and loads imported YAML the way `runbook-pilot validate` does. */
final class ImportFixtures {

    private ImportFixtures() {}

    static String read(String resource) {
        try (InputStream in = ImportFixtures.class.getResourceAsStream("/checklists/" + resource)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + resource);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static Runbook load(ImportResult r) throws RunbookException {
        byte[] bytes = r.yaml().getBytes(StandardCharsets.UTF_8);
        return RunbookLoader.parse(r.yaml(), Path.of("imported", "runbook.yaml"), RunbookLoader.sha256(bytes));
    }
}
