package dev.runbookpilot.report;

import dev.runbookpilot.report.sign.PdfSignatures;
import dev.runbookpilot.report.sign.SshSig;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Checks a signed report: a PDF's embedded signature, optionally against certificates the caller trusts, or a
 * Markdown file against its detached {@code .sig}, optionally against an {@code allowed_signers} file.
 */
public final class ReportVerifier {
    private ReportVerifier() {}

    /** PDF when the file starts like one or is named {@code .pdf}; Markdown otherwise. */
    public static ReportFormat formatOf(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(5);
        }
        boolean pdf = head.length == 5 && head[0] == '%' && head[1] == 'P' && head[2] == 'D' && head[3] == 'F'
                && head[4] == '-';
        return pdf || file.getFileName().toString().toLowerCase().endsWith(".pdf") ? ReportFormat.PDF
                : ReportFormat.MARKDOWN;
    }

    /**
     * @param trustedFingerprints SHA-256 fingerprints ({@code AB:CD:...}, see
     *                            {@link dev.runbookpilot.report.sign.PdfIdentity#canonicalFingerprint}) of the
     *                            certificates allowed to sign; empty when the signer is not to be checked, and then
     *                            the reason says so
     */
    public static Verification verifyPdf(Path file, Set<String> trustedFingerprints) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        PdfSignatures.Result all = PdfSignatures.check(bytes);
        if (!all.valid()) return Verification.invalid(String.join(" ", all.problems()));
        if (all.signers().size() > 1) {
            // Who signed in which role is ReportSigners.verifyPdf's to list; this answers only whether all is well.
            ReportSigners.Check c = ReportSigners.verifyPdf(file, trustedFingerprints);
            return c.valid() ? new Verification(true, all.signers().get(0).signer(),
                    all.signers().get(0).fingerprint(), all.signers().size() + " valid signatures; each update after "
                    + "the first adds only a signature.", null) : Verification.invalid(String.join(" ", c.problems()));
        }
        Verification v = all.signers().get(0).check();
        if (trustedFingerprints.isEmpty()) {
            return new Verification(true, v.signer(), v.fingerprint(), v.reason() + " The signer was not checked "
                    + "against a trust list: any self-signed certificate can carry that name.", null);
        }
        if (!trustedFingerprints.contains(v.fingerprint())) {
            return new Verification(false, v.signer(), v.fingerprint(), "Unknown signer: " + v.signer() + " "
                    + v.fingerprint() + " is not one of the trusted certificates given.", null);
        }
        return new Verification(true, v.signer(), v.fingerprint(), v.reason() + " The certificate is one of the "
                + "trusted certificates given.", null);
    }

    /**
     * @param signature      the detached signature; null means {@code FILE.sig}
     * @param allowedSigners an {@code allowed_signers} file the signer must be listed in; null to skip that check
     *                       (the reason then says the signer was not checked)
     */
    public static Verification verifyMarkdown(Path file, Path signature, Path allowedSigners) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Path sig = signatureFileOf(file, signature);
        if (!Files.isRegularFile(sig)) {
            return Verification.invalid("Not signed: there is no signature file " + sig + ".");
        }
        if (allowedSigners != null && !Files.isRegularFile(allowedSigners)) {
            throw new IOException("no allowed_signers file at " + allowedSigners);
        }
        return SshSig.verify(bytes, Files.readString(sig, StandardCharsets.ISO_8859_1), allowedSigners);
    }

    /** Where a Markdown report's detached signature is: {@code signature} when given, else {@code FILE.sig}. */
    public static Path signatureFileOf(Path report, Path signature) {
        return signature != null ? signature : report.resolveSibling(report.getFileName() + ".sig");
    }
}
