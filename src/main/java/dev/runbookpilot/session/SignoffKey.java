package dev.runbookpilot.session;

import java.io.IOException;

/**
 * The key a person signs a sign-off with: their SSH key, their PKCS#12 certificate, or one generated for them on
 * the workstation. The session asks it to sign the text of {@link JournalEvent.Signed#signedText}; how (SSHSIG or
 * CMS) is the key's business, and checking it is the report layer's.
 */
public interface SignoffKey {
    /** The signer's name as the key names it (certificate CN, SSH key principal). */
    String name() throws IOException;

    /** {@code SHA256:...} for an SSH key, {@code AB:CD:...} for a certificate. */
    String fingerprint() throws IOException;

    /** The public key as an {@code authorized_keys} line ({@code ssh-ed25519 AAAA...}); null for a certificate. */
    String publicKey() throws IOException;

    /** The signature over {@code text}: an armored SSH signature or a base64 CMS SignedData. */
    String sign(byte[] text) throws IOException;
}
