package dev.runbookpilot.cli;

import dev.runbookpilot.report.JournalWitness;
import dev.runbookpilot.report.ReportFormat;
import dev.runbookpilot.report.ReportSigners;
import dev.runbookpilot.report.ReportVerifier;
import dev.runbookpilot.report.SignoffRows;
import dev.runbookpilot.report.SignoffSignatures;
import dev.runbookpilot.report.Verification;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

@Command(name = "verify", description = {"Check a signed report: every signature of a PDF, or a Markdown report "
        + "against its detached SSH signatures (FILE.sig and one FILE.ROLE.sig per countersigning role); or the "
        + "sign-offs and gate answers of a session journal (FILE.jsonl), each signed over the journal before it. "
        + "A report with --journal JOURNAL.jsonl: also that the journal is the one the report was made from (its "
        + "length and SHA-256 are in the report's Journal row), that its key signatures hold and that the report's "
        + "sign-off rows are its. A journal alone cannot show that it was not cut short: check it against its report.",
        "Without a trust list (--signer-fingerprint/--trusted-cert for PDF, --allowed-signers for Markdown) the "
                + "signature is checked but not who made it; the output says so.",
        "Exit 0 when the signature is valid, covers the whole file and (when a trust list is given) comes from a "
                + "trusted signer; 1 when not (the reason is printed); 2 when a file cannot be read or an option "
                + "does not apply to the file."})
final class VerifyCommand implements Callable<Integer>, QuickCompilerOnly.ShortLived {

    @Parameters(index = "0", paramLabel = "FILE", description = "the report (.pdf or .md)")
    Path file;

    @Option(names = "--sig", paramLabel = "FILE", description = "Markdown only: check this one detached signature "
            + "(default: every signature, FILE.sig and each FILE.ROLE.sig)")
    Path sig;

    @Option(names = "--allowed-signers", paramLabel = "FILE", description = "Markdown only: an ssh "
            + "allowed_signers file; the signer's key must be listed in it")
    Path allowedSigners;

    @Option(names = "--signer-fingerprint", paramLabel = "SHA256", description = "PDF or journal, repeatable: the "
            + "SHA-256 fingerprint (AB:CD:... or SHA256:base64) of a certificate, or of a journal's sign-off key,"
            + " allowed to sign")
    List<String> signerFingerprints = new ArrayList<>();

    @Option(names = "--trusted-cert", paramLabel = "FILE", description = "PDF only, repeatable: a certificate "
            + "(PEM or DER) allowed to sign")
    List<Path> trustedCerts = new ArrayList<>();

    @Option(names = "--journal", paramLabel = "JOURNAL.jsonl", description = "also check the session journal the "
            + "report was made from: that its first bytes are the ones the report's Journal row names (length and "
            + "SHA-256; cut short or changed is INVALID, lines after them a warning), every key-signed sign-off and "
            + "gate answer in it, and that the report's sign-off and gate rows (names, decisions, times, key "
            + "fingerprints) are the journal's")
    Path journal;

    @Option(names = "--whole-journal", description = "with --journal: the report must cover the whole journal; a "
            + "journal that went on after the report was made (a report exported mid-window) is then INVALID, not "
            + "VALID with a warning; so is a report that names no journal (exported by an older version)")
    boolean wholeJournal;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // Names, roles, reasons and event kinds come from the files being verified: none may print a line of its own.
        PrintWriter out = TerminalText.oneLinePerPrintln(spec.commandLine().getOut());
        PrintWriter err = spec.commandLine().getErr();
        if (!Files.isRegularFile(file)) {
            err.println("cannot verify: no file at " + file);
            return ExitCodes.USAGE;
        }
        try {
            if (file.getFileName().toString().endsWith(".jsonl")) {
                if (sig != null || allowedSigners != null || !trustedCerts.isEmpty() || journal != null
                        || wholeJournal) {
                    err.println("cannot verify: " + file + " is a session journal; its sign-offs name their own keys:"
                            + " give the fingerprints your team registered with --signer-fingerprint");
                    return ExitCodes.USAGE;
                }
                byte[] bytes = Files.readAllBytes(file);
                ReportSigners.Check check = SignoffSignatures.verifyJournal(file, bytes);
                // Each line carries its own public key: without a list of registered keys, a journal edited and
                // signed again with fresh keys under the same names would verify.
                if (!signerFingerprints.isEmpty()) check = registeredOnly(check, signerFingerprints);
                print(out, check, null);
                out.println(alone(bytes));
                if (!check.valid()) return ExitCodes.CHECK_FAILED;
                if (signerFingerprints.isEmpty()) {
                    out.println("Signers NOT checked against a trust list; to require it, give --signer-fingerprint"
                            + " once per registered key.");
                }
                return ExitCodes.OK;
            }
            if (wholeJournal && journal == null) {
                err.println("cannot verify: --whole-journal needs --journal JOURNAL.jsonl");
                return ExitCodes.USAGE;
            }
            if (journal != null && !Files.isRegularFile(journal)) {
                err.println("cannot verify: no journal at " + journal);
                return ExitCodes.USAGE;
            }
            boolean pdf = ReportVerifier.formatOf(file) == ReportFormat.PDF;
            String misplaced = pdf ? misplaced("a PDF report (its signature is embedded)", sig != null, "--sig",
                    allowedSigners != null, "--allowed-signers")
                    : misplaced("a Markdown report (trust its signers with --allowed-signers)",
                    !signerFingerprints.isEmpty(), "--signer-fingerprint", !trustedCerts.isEmpty(), "--trusted-cert");
            if (misplaced != null) {
                err.println("cannot verify: " + misplaced);
                return ExitCodes.USAGE;
            }
            boolean trustChecked = pdf ? !signerFingerprints.isEmpty() || !trustedCerts.isEmpty()
                    : allowedSigners != null;
            List<String> journalFailures = journal == null ? List.of() : journalFailures(out);
            if (!journalFailures.isEmpty()) {
                // The report's own signatures are still checked and listed below, so every problem shows at once.
                if (pdf) print(out, ReportSigners.verifyPdf(file, trusted()), ReportFormat.PDF);
                else if (sig == null) print(out, ReportSigners.verifyMarkdown(file, allowedSigners), ReportFormat.MARKDOWN);
                // The last line is the verdict: a "VALID" above is the report's own signatures, not the pair.
                out.println("INVALID with this journal: " + String.join("; ", journalFailures)
                        + " (the INVALID lines above).");
                return ExitCodes.CHECK_FAILED;
            }
            if (pdf) {
                ReportSigners.Check check = ReportSigners.verifyPdf(file, trusted());
                print(out, check, ReportFormat.PDF);
                if (!check.valid()) return ExitCodes.CHECK_FAILED;
                if (!trustChecked) {
                    out.println("Signers NOT checked against a trust list; to require it, give "
                            + "--signer-fingerprint or --trusted-cert.");
                }
                return ExitCodes.OK;
            }
            if (sig == null) {
                ReportSigners.Check check = ReportSigners.verifyMarkdown(file, allowedSigners);
                print(out, check, ReportFormat.MARKDOWN);
                if (!check.valid()) return ExitCodes.CHECK_FAILED;
                if (!trustChecked) {
                    out.println("Signers NOT checked against a trust list; to require it, give --allowed-signers.");
                }
                return ExitCodes.OK;
            }
            Verification v = ReportVerifier.verifyMarkdown(file, sig, allowedSigners);
            if (!v.valid()) {
                out.println("INVALID: " + v.reason());
                return ExitCodes.CHECK_FAILED;
            }
            out.println("VALID: " + v.reason());
            if (v.signer() != null) out.println("Signer: " + v.signer());
            out.println("Fingerprint: " + v.fingerprint());
            if (!trustChecked) {
                out.println("Signer NOT checked against a trust list; to require it, give --allowed-signers.");
            }
            return ExitCodes.OK;
        } catch (IllegalArgumentException | IOException e) {
            err.println("cannot verify: " + e.getMessage());
            return ExitCodes.USAGE;
        }
    }

    /** The journal's check with every key-signed line's key looked up among the registered fingerprints. */
    private static ReportSigners.Check registeredOnly(ReportSigners.Check check, List<String> registered) {
        Set<String> known = new java.util.HashSet<>();
        for (String fp : registered) known.add(fp.strip());
        List<String> problems = new ArrayList<>(check.problems());
        List<ReportSigners.Signer> signers = new ArrayList<>();
        for (ReportSigners.Signer s : check.signers()) {
            Boolean trusted = s.fingerprint() == null ? null : known.contains(s.fingerprint());
            if (Boolean.FALSE.equals(trusted)) {
                problems.add("Unknown signer: " + s.name() + " as " + s.role() + ", key " + s.fingerprint()
                        + " is not among the --signer-fingerprint given");
            }
            signers.add(new ReportSigners.Signer(s.number(), s.name(), s.fingerprint(), s.role(), s.at(), trusted));
        }
        return new ReportSigners.Check(signers, problems, check.signed(), check.unsigned());
    }

    /**
     * VALID, or INVALID with every problem; then every signer with role, fingerprint and time; then which sign-off
     * roles of the report have signed and which not yet.
     */
    static void print(PrintWriter out, ReportSigners.Check check, ReportFormat format) {
        if (check.valid()) {
            out.println("VALID: " + check.signers().size() + (check.signers().size() == 1 ? " signature" : " signatures")
                    + (format == ReportFormat.PDF ? ", each valid over its revision; every update after the first adds"
                    + " only a signature; the last covers the whole file." : format == null ? ", each a sign-off "
                    + "signed with a key over the journal before it, unchanged since." : ", each valid over the "
                    + "whole file."));
        } else {
            for (String p : check.problems()) out.println("INVALID: " + p);
        }
        String kind = format == ReportFormat.PDF ? "certificate SHA-256 " : "key ";
        String noName = format == ReportFormat.MARKDOWN ? "(signer not checked)" : "(unnamed)";
        for (ReportSigners.Signer s : check.signers()) {
            out.println((format == null ? "Sign-off " : "Signature ") + s.number() + ": "
                    + (s.name() == null ? noName : s.name())
                    + (s.role() == null ? " (no role)" : " as " + s.role()) + ", "
                    + (s.fingerprint() == null ? "no key (a typed name)" : kind + s.fingerprint())
                    + (s.at() == null ? "" : ", signed " + TIME.format(s.at()))
                    + (s.trusted() == null ? "" : s.trusted() ? ", trusted" : ", NOT TRUSTED"));
        }
        if (!check.signed().isEmpty() || !check.unsigned().isEmpty()) {
            out.println("Sign-off roles signed" + (format == null ? " with a key: " : ": ") + (check.signed().isEmpty()
                    ? "none"
                    : String.join(", ", check.signed())));
            out.println("Sign-off roles not signed yet: " + (check.unsigned().isEmpty() ? "none"
                    : String.join(", ", check.unsigned())));
        }
    }

    /**
     * What a journal checked alone cannot show, where the lines no key signature covers are, and how to check them
     * against the report made from the journal.
     */
    private String alone(byte[] bytes) {
        int lines = 0;
        int end = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines++;
                end = i + 1;
            }
        }
        int last = SignoffSignatures.lastKeySignedLine(bytes);
        String uncovered = last == 0 ? "none of its " + lines + " lines carries a key signature"
                : last == lines ? "its last line (" + lines + ") carries a key signature"
                : last + 1 == lines ? "line " + lines + " comes after its last key signature (line " + last + ")"
                : "lines " + (last + 1) + " to " + lines + " come after its last key signature (line " + last + ")";
        return "A journal on its own cannot show that it was not cut short, nor that a line no key signature covers "
                + "was not changed: " + uncovered + (end < bytes.length ? "; its last line is cut mid-way ("
                + (bytes.length - end) + " bytes without a line end)" : "") + ". Check it against the signed report "
                + "made from it: " + Invocation.command() + " verify REPORT --journal " + file + " (by hand: the "
                + "report's Journal row gives its lines, bytes and SHA-256; head -c BYTES " + file + " | sha256sum "
                + "must print that SHA-256).";
    }

    /**
     * The journal against the report: that it is the one the report was made from (the report's journal witness),
     * what it holds after that, its key signatures, and the report's sign-off rows against it. Prints what it
     * found; returns what fails, a short clause each, none when all check out.
     */
    private List<String> journalFailures(PrintWriter out) throws IOException {
        List<String> failures = new ArrayList<>();
        // Read once: every check below is of these same bytes.
        byte[] bytes = Files.readAllBytes(journal);
        ReportSigners.Check keyed = SignoffSignatures.verifyJournal(journal, bytes);
        JournalWitness.Comparison against = JournalWitness.of(file).map(w -> w.compare(bytes)).orElse(null);
        for (String p : keyed.problems()) out.println("INVALID journal: " + p);
        if (!keyed.valid()) failures.add("its sign-offs and gate answers are not all signed with valid keys");
        if (against == null) {
            out.println((wholeJournal ? "INVALID journal: " : "WARNING: ") + "the report names no journal (it was "
                    + "exported before reports carried a Journal row, or the row was taken out after signing, which "
                    + "the report's signature check shows): nothing shows whether this journal was cut short, or "
                    + "changed after its last key signature.");
            if (wholeJournal) failures.add("the report names no journal");
        } else if (!against.same()) {
            out.println("INVALID journal: " + against.problem());
            failures.add("it is not the journal the report was made from");
        } else {
            JournalWitness w = against.witness();
            out.println("The journal is the one this report was made from: its " + w.lines() + " lines ("
                    + w.bytes() + " bytes) have the SHA-256 the report carries.");
            String extra = against.extra();
            if (extra != null && wholeJournal) {
                out.println("INVALID journal: " + extra);
                failures.add("the journal goes on after what the report was made from");
            } else if (extra != null) {
                out.println("WARNING: " + extra + " Export a new report to cover the whole journal; --whole-journal "
                        + "refuses a report that does not cover it.");
            }
        }
        // The rows are of the lines the report was made from, when the journal holds them unchanged; else (and for a
        // report that names none) of the whole journal.
        List<JournalEvent> events;
        try {
            events = Journal.snapshot(journal, against != null && against.same()
                    ? Arrays.copyOf(bytes, (int) against.witness().bytes()) : bytes).events();
        } catch (IOException unreadable) {
            out.println("INVALID journal: " + unreadable.getMessage());
            failures.add("the journal is unreadable");
            return failures;
        }
        List<String> rows = SignoffRows.compare(file, journal, events);
        for (String p : rows) out.println("INVALID sign-off rows: " + p);
        if (keyed.valid()) {
            out.println("Journal " + journal + ": " + keyed.signers().size() + " sign-offs and gate answers, each "
                    + "signed with a key over the journal before it, unchanged since.");
        }
        if (rows.isEmpty()) out.println("The report's sign-off rows are the journal's (names, times, keys).");
        else failures.add("the report's sign-off rows are not the journal's");
        return failures;
    }

    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);

    /** The options given that do not apply to this kind of report, as a sentence; null when there are none. */
    private String misplaced(String kind, boolean firstGiven, String first, boolean secondGiven, String second) {
        List<String> names = new ArrayList<>();
        if (firstGiven) names.add(first);
        if (secondGiven) names.add(second);
        return names.isEmpty() ? null : String.join(" and ", names) + (names.size() == 1 ? " does" : " do")
                + " not apply to " + file + ", " + kind + ".";
    }

    private Set<String> trusted() throws IOException {
        Set<String> fingerprints = new LinkedHashSet<>();
        for (String f : signerFingerprints) fingerprints.add(PdfIdentity.canonicalFingerprint(f));
        for (Path cert : trustedCerts) fingerprints.add(PdfIdentity.certificateFileFingerprint(cert));
        return fingerprints;
    }
}
