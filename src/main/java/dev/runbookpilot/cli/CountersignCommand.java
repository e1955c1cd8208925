package dev.runbookpilot.cli;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.report.ReportChangedException;
import dev.runbookpilot.report.ReportFormat;
import dev.runbookpilot.report.ReportSigners;
import dev.runbookpilot.report.ReportVerifier;
import dev.runbookpilot.report.SigningException;
import dev.runbookpilot.report.SigningIdentity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "countersign", description = {"Add your signature, in a sign-off role, to a signed report someone "
        + "exported: no session is needed, so it works on any machine that has the report and your key.",
        "PDF: a further PAdES signature in an incremental update; every earlier signature stays valid. Markdown: a "
                + "detached SSH signature REPORT.md.ROLE.sig next to the report.",
        "The report must verify first, and a role signs once. Two countersigns of one report at the same moment: "
                + "one writes, the other is refused with exit code 9 and writes nothing; run it again."})
final class CountersignCommand implements Callable<Integer>, QuickCompilerOnly.ShortLived {

    @Parameters(index = "0", paramLabel = "REPORT", description = "the signed report (.pdf or .md)")
    Path report;

    @Option(names = "--role", required = true, paramLabel = "ROLE", description = "the sign-off role you sign in, "
            + "as the runbook names it (e.g. \"Backend lead\")")
    String role;

    @Option(names = "--key", paramLabel = "FILE", description = "your key: a PKCS#12 file (.p12) for a PDF, an "
            + "OpenSSH private key (e.g. ~/.ssh/id_ed25519) for Markdown")
    Path key;

    @Option(names = "--name", paramLabel = "NAME", description = "sign with the identity generated for NAME in the "
            + "config directory (made on first use) instead of --key")
    String name;

    @Option(names = "--config-dir", paramLabel = "DIR", description = "where generated identities live (default: the "
            + "workspace's config directory)")
    Path configDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(report)) {
            err.println("cannot countersign: no file at " + report);
            return ExitCodes.USAGE;
        }
        if ((key == null) == (name == null)) {
            err.println("cannot countersign: give exactly one of --key FILE (your key) and --name NAME (the identity "
                    + "generated for NAME in the config directory)");
            return ExitCodes.USAGE;
        }
        try {
            ReportFormat format = ReportVerifier.formatOf(report);
            SigningIdentity identity = key != null
                    ? (format == ReportFormat.PDF ? SigningIdentity.pkcs12(key, ReportCommand.terminalPrompt())
                    : SigningIdentity.sshKey(key, ReportCommand.terminalPrompt()))
                    : SigningIdentity.generated(configDir != null ? configDir : Workspace.fromEnvironment().config(),
                    format, name);
            if (format == ReportFormat.PDF) {
                ReportSigners.Check check = ReportSigners.countersignPdf(report, identity, role);
                out.println("Countersigned " + report + " as " + role.strip() + " by " + identity.signer()
                        + " (" + identity.fingerprint() + ")");
                VerifyCommand.print(out, check, format);
                return ExitCodes.OK;
            }
            ReportSigners.Countersigned done = ReportSigners.countersignMarkdown(report, identity, role);
            out.println("Countersigned " + report + " as " + role.strip() + " by " + done.principal() + " ("
                    + identity.fingerprint() + ")");
            out.println("Signature written to " + done.signature());
            out.println("allowed_signers line (for ssh-keygen -Y verify -f FILE -I " + done.principal()
                    + " -n file -s " + done.signature() + " < " + report + "):");
            out.println(done.allowedSignersLine());
            VerifyCommand.print(out, done.check(), format);
            return ExitCodes.OK;
        } catch (ReportChangedException e) {
            err.println("cannot countersign: " + e.getMessage());
            return ExitCodes.CHANGED_MEANWHILE;
        } catch (SigningException e) {
            err.println("cannot countersign: " + e.getMessage());
            return ExitCodes.CHECK_FAILED;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot countersign: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }
}
