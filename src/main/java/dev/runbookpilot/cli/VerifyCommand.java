package dev.runbookpilot.cli;

import dev.runbookpilot.report.ReportVerifier;
import dev.runbookpilot.report.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "verify", description = {"Check a signed report: a PDF's embedded signature, or a Markdown report "
        + "against its detached SSH signature.",
        "Exit 0 when the signature is valid and covers the whole file, 1 when it is not (the reason is printed), "
                + "2 when a file cannot be read."})
final class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "the report (.pdf or .md)")
    Path file;

    @Option(names = "--sig", paramLabel = "FILE", description = "detached signature of a Markdown report "
            + "(default: FILE.sig)")
    Path sig;

    @Option(names = "--allowed-signers", paramLabel = "FILE", description = "an ssh allowed_signers file; the "
            + "Markdown signer's key must be listed in it")
    Path allowedSigners;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            err.println("cannot verify: no file at " + file);
            return ExitCodes.USAGE;
        }
        try {
            Verification v = ReportVerifier.verify(file, sig, allowedSigners);
            if (v.valid()) {
                out.println("VALID: " + v.reason());
                if (v.signer() != null) out.println("Signer: " + v.signer());
                out.println("Fingerprint: " + v.fingerprint());
                return ExitCodes.OK;
            }
            out.println("INVALID: " + v.reason());
            return ExitCodes.CHECK_FAILED;
        } catch (IOException e) {
            err.println("cannot verify: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
