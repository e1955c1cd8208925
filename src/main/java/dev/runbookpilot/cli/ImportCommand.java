package dev.runbookpilot.cli;

import dev.runbookpilot.importer.ChecklistImporter;
import dev.runbookpilot.importer.ImportException;
import dev.runbookpilot.importer.ImportResult;
import dev.runbookpilot.runbook.RunbookException;
import dev.runbookpilot.runbook.RunbookLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

@Command(name = "import", description = "Turn a Markdown migration checklist into a runbook: verifiable items become "
        + "live checks, the rest manual confirmations, nothing dropped. Exit 0 written, 2 unreadable or invalid.")
final class ImportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CHECKLIST.md", description = "the Markdown checklist")
    Path checklist;

    @Option(names = "--out", required = true, paramLabel = "runbook.yaml", description = "where to write the runbook")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ImportResult result;
        try {
            // Real checklists carry mojibake: replace undecodable bytes rather than refuse the whole file.
            String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(Files.readAllBytes(checklist))).toString();
            result = ChecklistImporter.importMarkdown(text, checklist.getFileName().toString());
        } catch (IOException e) {
            err.println("cannot read " + checklist + ": " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (ImportException e) {
            err.println(checklist + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        try {
            Path abs = out.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), abs.getFileName().toString(), ".tmp");
            try {
                Files.writeString(tmp, result.yaml(), StandardCharsets.UTF_8);
                // The result must load as it will be run; a runbook that does not is never left under --out.
                RunbookLoader.load(tmp);
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            err.println("cannot write " + out + ": " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (RunbookException e) {
            err.println("the imported runbook does not load (an importer bug, please report it):\n" + e.getMessage());
            return ExitCodes.USAGE;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println(result.summary().render());
        o.println("Runbook written to " + out + "; check it with: runbook-pilot validate " + out);
        return ExitCodes.OK;
    }
}
