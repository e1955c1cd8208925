package dev.runbookpilot.cli;

import dev.runbookpilot.importer.ChecklistImporter;
import dev.runbookpilot.importer.ImportException;
import dev.runbookpilot.importer.ImportResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
            result = ChecklistImporter.importFile(checklist, out);
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("no such file: " + e.getFile() + " (give the path of a Markdown checklist, and an --out path "
                    + "in a folder that can be created)");
            return ExitCodes.USAGE;
        } catch (IOException e) {
            err.println("cannot import " + checklist + " to " + out + ": " + e);
            return ExitCodes.USAGE;
        } catch (ImportException e) {
            err.println(checklist + ": " + e.getMessage());
            return ExitCodes.USAGE;
        }
        PrintWriter o = spec.commandLine().getOut();
        o.println(result.summary().render());
        o.println("Runbook written to " + out + "; check it with: " + Invocation.command() + " validate " + out);
        return ExitCodes.OK;
    }
}
