package dev.runbookpilot.report;

import dev.runbookpilot.report.sign.OpenSshKey;
import dev.runbookpilot.report.sign.PdfIdentity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who signs a report, chosen by the operator: a PKCS#12 file or a generated self-signed certificate for PDF, an
 * OpenSSH private key or a generated Ed25519 key for Markdown. Nothing is read until first needed (then at most one
 * passphrase prompt), so the wizard can build one while the person is still choosing.
 */
public final class SigningIdentity {
    private enum Source { PKCS12, SSH_KEY, GENERATED }

    private final Source source;
    private final ReportFormat format;
    private final Path path;
    private final PassphrasePrompt prompt;
    private final String signerName;
    private PdfIdentity pdf;
    private OpenSshKey ssh;

    private SigningIdentity(Source source, ReportFormat format, Path path, PassphrasePrompt prompt,
                            String signerName) {
        this.source = source;
        this.format = Objects.requireNonNull(format, "format");
        this.path = Objects.requireNonNull(path, "path");
        this.prompt = prompt == null ? PassphrasePrompt.NONE : prompt;
        this.signerName = signerName;
    }

    /** A PKCS#12 file (.p12/.pfx) for PDF reports; its password is asked only if an empty one does not open it. */
    public static SigningIdentity pkcs12(Path file, PassphrasePrompt prompt) {
        return new SigningIdentity(Source.PKCS12, ReportFormat.PDF, file, prompt, null);
    }

    /** An OpenSSH private key (Ed25519 or RSA) for Markdown reports; a passphrase is asked when the key has one. */
    public static SigningIdentity sshKey(Path file, PassphrasePrompt prompt) {
        return new SigningIdentity(Source.SSH_KEY, ReportFormat.MARKDOWN, file, prompt, null);
    }

    /**
     * Where the generated identity of {@code signerName} lives: {@code report-signing-HASH.p12} (PDF) or
     * {@code report-signing-ed25519-HASH} (Markdown), HASH being the first 12 hex digits of the SHA-256 of the
     * name (NFC, trimmed). A hash rather than the name itself: names hold spaces, accents and characters no file
     * system agrees on.
     */
    public static Path generatedFile(Path configDir, ReportFormat format, String signerName) {
        String name = Normalizer.normalize(signerName.strip(), Normalizer.Form.NFC);
        String hash;
        try {
            hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(name.getBytes(StandardCharsets.UTF_8))).substring(0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        return configDir.resolve(format == ReportFormat.PDF ? "report-signing-" + hash + ".p12"
                : "report-signing-ed25519-" + hash);
    }

    /**
     * The identity kept in {@code configDir} for the format and signer, made on first use: a self-signed RSA
     * certificate for PDF, an Ed25519 key for Markdown, named after the signer. Each signer name has its own file
     * (see {@link #generatedFile}), so operators sharing a workstation never sign under each other's names.
     */
    public static SigningIdentity generated(Path configDir, ReportFormat format, String signerName) {
        if (signerName == null || signerName.isBlank()) throw new IllegalArgumentException("a signer name is needed");
        return new SigningIdentity(Source.GENERATED, format, configDir, null,
                Normalizer.normalize(signerName.strip(), Normalizer.Form.NFC));
    }

    public ReportFormat format() {
        return format;
    }

    /** For people: what will sign, e.g. "SSH key /home/ann/.ssh/id_ed25519". */
    public String describe() {
        return switch (source) {
            case PKCS12 -> "PKCS#12 certificate " + path;
            case SSH_KEY -> "SSH key " + path;
            case GENERATED -> (format == ReportFormat.PDF ? "generated self-signed certificate "
                    : "generated Ed25519 key ") + generatedFile(path, format, signerName);
        };
    }

    /** SHA-256 fingerprint: {@code AB:CD:...} of the certificate, or {@code SHA256:...} of the SSH key. */
    public synchronized String fingerprint() throws SigningException {
        return format == ReportFormat.PDF ? pdfIdentity().fingerprint() : sshKey().fingerprint();
    }

    /** The name that signs: the certificate's common name, or the SSH key's principal. */
    public synchronized String signer() throws SigningException {
        return format == ReportFormat.PDF ? pdfIdentity().signerName() : principal(sshKey());
    }

    /**
     * The signer's name as a person writes it: the name a generated identity was made for, else the certificate's
     * common name or the SSH key's principal.
     */
    public synchronized String personName() throws SigningException {
        return source == Source.GENERATED ? signerName : signer();
    }

    synchronized PdfIdentity pdfIdentity() throws SigningException {
        if (format != ReportFormat.PDF) throw new SigningException(describe() + " signs Markdown reports, not PDF");
        if (pdf != null) return pdf;
        try {
            if (source == Source.GENERATED) {
                PdfIdentity made = PdfIdentity.generated(generatedFile(path, format, signerName), signerName);
                requireNamed(made.signerName(), signerName);
                pdf = made;
            } else {
                if (!Files.isRegularFile(path)) throw new SigningException("no PKCS#12 file at " + path);
                pdf = openPkcs12();
            }
            return pdf;
        } catch (IOException | GeneralSecurityException e) {
            throw new SigningException("cannot use " + describe() + ": " + e.getMessage(), e);
        }
    }

    private PdfIdentity openPkcs12() throws IOException, GeneralSecurityException, SigningException {
        try {
            return PdfIdentity.loadPkcs12(path, new char[0]);
        } catch (IOException | GeneralSecurityException firstTry) {
            char[] password = prompt.ask("the PKCS#12 file " + path);
            if (password == null) {
                throw new SigningException(path + " needs a password and none was given");
            }
            try {
                return PdfIdentity.loadPkcs12(path, password);
            } catch (IOException e) {
                throw new SigningException("cannot open " + path + ": wrong password or not a PKCS#12 file ("
                        + e.getMessage() + ")", e);
            } finally {
                Arrays.fill(password, '\0');
            }
        }
    }

    synchronized OpenSshKey sshKey() throws SigningException {
        if (format != ReportFormat.MARKDOWN) throw new SigningException(describe() + " signs PDF reports, not Markdown");
        if (ssh != null) return ssh;
        try {
            if (source == Source.GENERATED) {
                Path file = generatedFile(path, format, signerName);
                if (!Files.exists(file)) {
                    OpenSshKey made = OpenSshKey.generateEd25519(principalOf(signerName));
                    made.writeUnencrypted(file);
                }
                OpenSshKey read = OpenSshKey.read(file, PassphrasePrompt.NONE);
                requireNamed(principal(read), principalOf(signerName));
                ssh = read;
            } else {
                if (!Files.isRegularFile(path)) throw new SigningException("no SSH private key at " + path);
                ssh = OpenSshKey.read(path, prompt);
            }
            return ssh;
        } catch (IOException | GeneralSecurityException e) {
            throw new SigningException("cannot use " + describe() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A generated identity must carry the name of whoever signs with it: the report shows that name as the signer.
     * It can differ only when the file was replaced by hand or two names share a hash.
     */
    private void requireNamed(String carried, String expected) throws SigningException {
        if (!carried.equals(expected)) {
            throw new SigningException(describe() + " names " + carried + ", not " + expected + "; move that file "
                    + "away to have a new identity made for " + expected);
        }
    }

    /** The allowed_signers principal: the key's comment when it is one word (user@host), else a safe form. */
    static String principal(OpenSshKey key) {
        return principalOf(key.comment());
    }

    private static String principalOf(String name) {
        String p = name == null ? "" : name.strip().replaceAll("[\\s,\"#*?!]+", "_");
        return p.isEmpty() ? "runbook-pilot" : p;
    }

    @Override
    public String toString() {
        return describe();
    }
}
