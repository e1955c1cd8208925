package dev.runbookpilot.cli;

import dev.runbookpilot.app.Workspace;
import dev.runbookpilot.report.ExportResult;
import dev.runbookpilot.report.PassphrasePrompt;
import dev.runbookpilot.report.PdfReport;
import dev.runbookpilot.report.ReportExporter;
import dev.runbookpilot.report.ReportFormat;
import dev.runbookpilot.report.SigningException;
import dev.runbookpilot.report.SigningIdentity;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.SessionState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "report", description = {"Write a session's report from its journal alone, optionally signed.",
        "PDF reports carry an embedded PAdES signature (check with pdfsig or '${ROOT-COMMAND-NAME} verify'); Markdown "
                + "reports get a detached SSH signature FILE.sig (check with 'ssh-keygen -Y verify').",
        "Key passphrases are asked on the terminal, or read from the environment variable "
                + ReportCommand.PASSPHRASE_ENV + " when there is no terminal."})
final class ReportCommand implements Callable<Integer>, QuickCompilerOnly.ShortLived {
    static final String PASSPHRASE_ENV = "RUNBOOK_PILOT_KEY_PASSPHRASE";

    enum Format {
        md(ReportFormat.MARKDOWN), pdf(ReportFormat.PDF);

        final ReportFormat format;

        Format(ReportFormat format) {
            this.format = format;
        }
    }

    @Parameters(index = "0", paramLabel = "SESSION", description = "session id (or prefix) or journal path")
    String sessionRef;

    @Option(names = "--format", defaultValue = "md", description = "report format: ${COMPLETION-CANDIDATES}")
    Format format;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "where to write the report")
    Path out;

    @Option(names = "--sign", description = "sign the report; without --key, with the identity generated on first "
            + "use in the config directory")
    boolean sign;

    @Option(names = "--key", paramLabel = "FILE", description = "signing key: a PKCS#12 file (.p12) for pdf, an "
            + "OpenSSH private key (e.g. ~/.ssh/id_ed25519) for md; implies --sign")
    Path key;

    @Option(names = "--signer", paramLabel = "NAME", description = "whose generated identity signs (default: the "
            + "session's operator, as in the wizard); not with --key, whose file names its signer")
    String signer;

    @Option(names = "--role", paramLabel = "ROLE", description = "the sign-off role the signer signs the report in "
            + "(default: the first role the journal shows signed under the signer's name; none if there is none)")
    String role;

    @Option(names = "--session-dir", paramLabel = "DIR", description = "where session journals live")
    Path sessionDir;

    @Option(names = "--config-dir", paramLabel = "DIR", description = "where generated signing identities live "
            + "(default: the workspace's config directory)")
    Path configDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        if (format == Format.pdf) {
            // The PDF's fonts are parsed on the other core while the journal is read and the signing key opened.
            PdfReport.prepare();
        }
        try {
            Path journal = SessionFiles.find(sessionRef,
                    sessionDir != null ? sessionDir : Interaction.defaultSessionDir());
            // Read once: the report is built from, and names, exactly these bytes while a session may append more.
            Journal.Snapshot read = Journal.snapshot(journal);
            SessionState state = SessionState.replay(read.events());
            SigningIdentity identity = identity(state.started().operator());
            if (role != null && identity == null) throw new IllegalArgumentException("--role needs --sign or --key");
            if (role != null && format == Format.md) {
                throw new IllegalArgumentException("--role applies to a PDF's signature; a Markdown report's export "
                        + "signature FILE.sig names no role: add yours with 'countersign FILE --role ROLE'");
            }
            ExportResult result = ReportExporter.export(read, format.format, out, identity,
                    journal.toAbsolutePath().getParent(), role);
            stdout.println("Report written to " + result.report());
            if (result.verification() != null) {
                stdout.println("Signed by " + result.verification().signer() + " with " + identity.describe());
                stdout.println("Fingerprint: " + result.verification().fingerprint());
                stdout.println("Verified: " + result.verification().reason());
            }
            if (result.signature() != null) {
                stdout.println("Signature written to " + result.signature());
                stdout.println("allowed_signers line (for ssh-keygen -Y verify -f FILE -I "
                        + result.verification().signer() + " -n file -s " + result.signature() + "):");
                stdout.println(result.verification().allowedSignersLine());
            }
            return ExitCodes.OK;
        } catch (Connector.Failure f) {
            err.println(f.getMessage());
            return f.exitCode;
        } catch (SigningException e) {
            err.println("cannot sign the report: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (IOException | IllegalArgumentException e) {
            err.println("cannot write the report: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    private SigningIdentity identity(String operator) {
        if (signer != null && key != null) {
            throw new IllegalArgumentException("--signer names a generated identity; a --key file names its own signer");
        }
        if (!sign && key == null) {
            if (signer != null) throw new IllegalArgumentException("--signer needs --sign");
            return null;
        }
        if (key != null) {
            return format == Format.pdf ? SigningIdentity.pkcs12(key, terminalPrompt())
                    : SigningIdentity.sshKey(key, terminalPrompt());
        }
        Path config = configDir != null ? configDir : Workspace.fromEnvironment().config();
        return SigningIdentity.generated(config, format.format, signer != null ? signer : operator);
    }

    /** The environment variable for scripts; otherwise the terminal, without echo; no terminal means no answer. */
    static PassphrasePrompt terminalPrompt() {
        return what -> {
            String env = System.getenv(PASSPHRASE_ENV);
            if (env != null) return env.toCharArray();
            Console console = System.console();
            return console == null ? null : console.readPassword("Passphrase for %s: ", what);
        };
    }

    /**
     * Writes the unsigned Markdown report of the journal as it is now (for {@code run --report}, {@code resume
     * --report} and {@code rehearse --report}), when {@code file} is given.
     */
    static void writeIfAsked(Path journal, Path file, PrintWriter out) throws IOException {
        if (file == null) return;
        try {
            ReportExporter.export(Journal.snapshot(journal), ReportFormat.MARKDOWN, file, null,
                    journal.toAbsolutePath().getParent());
        } catch (SigningException e) {
            throw new IllegalStateException("an unsigned export never signs", e);
        }
        out.println("Report written to " + file);
    }
}
