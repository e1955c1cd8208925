package dev.runbookpilot.report;

/**
 * The outcome of checking a signed report.
 *
 * @param valid              whether the signature is valid and covers the whole file
 * @param signer             who signed (certificate subject or SSH principal/comment); null when unknown
 * @param fingerprint        SHA-256 fingerprint of the signing certificate ({@code AB:CD:...}) or SSH key
 *                           ({@code SHA256:...}); null when there is no readable signature
 * @param reason             a sentence for people: why it is valid, or what is wrong
 * @param allowedSignersLine for Markdown, the {@code allowed_signers} line that lets ssh-keygen verify; else null
 */
public record Verification(boolean valid, String signer, String fingerprint, String reason,
                           String allowedSignersLine) {

    public static Verification invalid(String reason) {
        return new Verification(false, null, null, reason, null);
    }
}
