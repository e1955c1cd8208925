package dev.runbookpilot.report;

import dev.runbookpilot.report.sign.PdfSignatureCheck;
import dev.runbookpilot.report.sign.SshSig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a signed report: a PDF's embedded signature, or a Markdown file against its detached {@code .sig}. */
public final class ReportVerifier {
    private ReportVerifier() {}

    /**
     * @param signature      the detached signature of a Markdown report; null means {@code FILE.sig}
     * @param allowedSigners an {@code allowed_signers} file the Markdown signer must be listed in; null to skip
     */
    public static Verification verify(Path file, Path signature, Path allowedSigners) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (isPdf(bytes) || file.getFileName().toString().toLowerCase().endsWith(".pdf")) {
            return PdfSignatureCheck.verify(bytes);
        }
        Path sig = signature != null ? signature : file.resolveSibling(file.getFileName() + ".sig");
        if (!Files.isRegularFile(sig)) {
            return Verification.invalid("Not signed: there is no signature file " + sig + ".");
        }
        if (allowedSigners != null && !Files.isRegularFile(allowedSigners)) {
            throw new IOException("no allowed_signers file at " + allowedSigners);
        }
        return SshSig.verify(bytes, Files.readString(sig, StandardCharsets.ISO_8859_1), allowedSigners);
    }

    static boolean isPdf(byte[] bytes) {
        return bytes.length >= 5 && bytes[0] == '%' && bytes[1] == 'P' && bytes[2] == 'D' && bytes[3] == 'F'
                && bytes[4] == '-';
    }
}
