package dev.runbookpilot.report.sign;

import dev.runbookpilot.report.Verification;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Detached SSH signatures in the SSHSIG format of OpenSSH's {@code PROTOCOL.sshsig}, the format of
 * {@code ssh-keygen -Y sign}: namespace {@code file}, hash SHA-512.
 */
public final class SshSig {
    public static final String NAMESPACE = "file";
    private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
    private static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
    private static final String END = "-----END SSH SIGNATURE-----";

    private SshSig() {}

    /** The armored signature of {@code message}, as ssh-keygen writes it to {@code FILE.sig}. */
    public static String sign(OpenSshKey key, byte[] message) throws GeneralSecurityException {
        return sign(key, message, NAMESPACE);
    }

    /** The armored signature of {@code message} in {@code namespace} (what {@code ssh-keygen -Y sign -n} makes). */
    public static String sign(OpenSshKey key, byte[] message, String namespace) throws GeneralSecurityException {
        byte[] signature = key.sign(signedData(namespace, "sha512", sha(message, "sha512")));
        return armor(new SshWire.Writer().raw(MAGIC).uint32(1).bytes(key.publicBlob()).string(namespace)
                .string("").string("sha512").bytes(signature).toByteArray());
    }

    /** The one text ssh-keygen writes for a signature: header, base64 in 70-column lines, footer, newline. */
    private static String armor(byte[] blob) {
        String b64 = Base64.getEncoder().encodeToString(blob);
        StringBuilder out = new StringBuilder(BEGIN).append('\n');
        for (int i = 0; i < b64.length(); i += 70) out.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
        return out.append(END).append('\n').toString();
    }

    /**
     * The {@code allowed_signers} line that makes {@code ssh-keygen -Y verify -I PRINCIPAL} accept this key for
     * files.
     */
    public static String allowedSignersLine(String principal, OpenSshKey key) {
        return principal + " namespaces=\"" + NAMESPACE + "\" " + key.type() + " "
                + Base64.getEncoder().encodeToString(key.publicBlob());
    }

    /**
     * Checks {@code sig} against {@code message}; with allowed signers, the key must be listed there (for the
     * {@code file} namespace) and the signer is its principals.
     */
    public static Verification verify(byte[] message, String sig, Path allowedSigners) {
        return verify(message, sig, allowedSigners, NAMESPACE);
    }

    /** As {@link #verify(byte[], String, Path)}, for a signature made in {@code expectedNamespace}. */
    public static Verification verify(byte[] message, String sig, Path allowedSigners, String expectedNamespace) {
        int footer = sig.indexOf(END);
        if (!sig.startsWith(BEGIN) || footer < 0) {
            return Verification.invalid("Not signed: the signature file is not an SSH signature (it does not "
                    + "start with '" + BEGIN + "' and hold '" + END + "').");
        }
        byte[] blob = base64Lines(sig.substring(BEGIN.length(), footer));
        if (blob == null) {
            return Verification.invalid("The signature file is damaged: its base64 does not decode.");
        }
        // Only the exact text that was written verifies: a changed byte must never pass, even one ssh-keygen
        // would skip (a line break turned into another space character, bytes after the footer).
        if (!armor(blob).equals(sig)) {
            return Verification.invalid("The signature file has been altered: it is not exactly the text "
                    + "ssh-keygen writes (header, base64 in 70-column lines ending in \\n, footer, one final "
                    + "newline, nothing else).");
        }
        try {
            if (blob.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(blob, MAGIC.length), MAGIC)) {
                return Verification.invalid("The signature file is damaged: it does not start with SSHSIG.");
            }
            SshWire.Reader r = new SshWire.Reader(Arrays.copyOfRange(blob, MAGIC.length, blob.length));
            int version = r.uint32();
            if (version != 1) return Verification.invalid("The signature has version " + version + "; 1 is known.");
            byte[] publicBlob = r.bytes();
            String namespace = r.string();
            String reserved = r.string();
            String hash = r.string();
            byte[] signature = r.bytes();
            if (r.remaining() != 0) {
                return Verification.invalid("The signature file is damaged: data follows the signature.");
            }
            String fingerprint = OpenSshKey.fingerprint(publicBlob);
            if (!expectedNamespace.equals(namespace)) {
                return new Verification(false, null, fingerprint, "The signature is for namespace '" + namespace
                        + "', not '" + expectedNamespace + "'.", null);
            }
            if (!"sha512".equals(hash) && !"sha256".equals(hash)) {
                return new Verification(false, null, fingerprint, "The signature uses hash " + hash
                        + "; sha512 or sha256 is expected.", null);
            }
            boolean ok = OpenSshKey.verify(publicBlob, signature, signedData(namespace, reserved, hash,
                    sha(message, hash)));
            String keyLine = new SshWire.Reader(publicBlob).string() + " "
                    + Base64.getEncoder().encodeToString(publicBlob);
            if (!ok) {
                return new Verification(false, null, fingerprint, "Digest mismatch: the file or its signature was "
                        + "changed after signing (key " + fingerprint + ").", null);
            }
            if (allowedSigners == null) {
                return new Verification(true, null, fingerprint, "Valid signature by key " + fingerprint
                        + " covering the whole file; give an allowed_signers file to check who holds that key.",
                        null);
            }
            List<String> principals = principalsFor(allowedSigners, publicBlob);
            if (principals.isEmpty()) {
                return new Verification(false, null, fingerprint, "Unknown signer: key " + fingerprint
                        + " is not listed in " + allowedSigners + " for namespace '" + NAMESPACE + "'.", null);
            }
            String signer = String.join(",", principals);
            return new Verification(true, signer, fingerprint, "Valid signature by " + signer + " (key "
                    + fingerprint + ") covering the whole file.", signer + " namespaces=\"" + NAMESPACE + "\" "
                    + keyLine);
        } catch (SshWire.MalformedKeyException e) {
            return Verification.invalid("The signature file is damaged: " + e.getMessage() + ".");
        } catch (GeneralSecurityException e) {
            return Verification.invalid("The signature cannot be checked: " + e.getMessage() + ".");
        } catch (IOException e) {
            return Verification.invalid("Cannot read " + allowedSigners + ": " + e.getMessage());
        }
    }

    /**
     * Principals of the allowed_signers lines holding this key: {@code principals [options] keytype base64}, with
     * a {@code namespaces="..."} option, when present, having to list {@code file}.
     */
    static List<String> principalsFor(Path allowedSigners, byte[] publicBlob) throws IOException {
        String key = Base64.getEncoder().encodeToString(publicBlob);
        List<String> found = new ArrayList<>();
        for (String line : Files.readAllLines(allowedSigners, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            List<String> fields = fields(l);
            int keyAt = fields.indexOf(key);
            if (keyAt < 2) continue;
            boolean namespaceOk = true;
            for (String option : fields.subList(1, keyAt - 1)) {
                for (String o : option.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
                    if (o.toLowerCase().startsWith("namespaces=")) {
                        String list = o.substring("namespaces=".length()).replace("\"", "");
                        namespaceOk = Arrays.asList(list.split(",")).contains(NAMESPACE);
                    }
                }
            }
            if (namespaceOk) found.add(fields.get(0));
        }
        return found;
    }

    /** Whitespace-separated fields; double quotes keep spaces inside a field. */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '"') quoted = !quoted;
            if (Character.isWhitespace(c) && !quoted) {
                if (cur.length() > 0) out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    /** Base64 lines; null when they do not decode (the exact layout is checked against {@link #armor}). */
    private static byte[] base64Lines(String armored) {
        try {
            return Base64.getDecoder().decode(armored.replace("\n", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] signedData(String namespace, String hash, byte[] digest) {
        return signedData(namespace, "", hash, digest);
    }

    private static byte[] signedData(String namespace, String reserved, String hash, byte[] digest) {
        return new SshWire.Writer().raw(MAGIC).string(namespace).string(reserved).string(hash).bytes(digest)
                .toByteArray();
    }

    private static byte[] sha(byte[] message, String hash) throws GeneralSecurityException {
        return MessageDigest.getInstance("sha512".equals(hash) ? "SHA-512" : "SHA-256").digest(message);
    }
}
