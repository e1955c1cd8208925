package dev.runbookpilot.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.runbookpilot.report.sign.OpenSshKey;
import dev.runbookpilot.report.sign.PadesSigner;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.report.sign.PdfSignatureCheck;
import dev.runbookpilot.report.sign.SshSig;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.JournalEvent;
import dev.runbookpilot.session.SignoffKey;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Sign-offs and gate answers made with a key, and their check. Each signs the text of
 * {@link JournalEvent.Signed#signedText}: session, step, role, name, decision and reason, time and the SHA-256 of
 * every journal byte before its line. An SSH key signs it as
 * SSHSIG in the namespace {@value #NAMESPACE} (check with {@code ssh-keygen -Y check-novalidate}); a PKCS#12
 * certificate as a detached CMS SignedData, base64 (check with {@code openssl cms -verify}).
 */
public final class SignoffSignatures {
    /** The SSHSIG namespace of sign-offs: a sign-off signature is never valid as a file signature, nor back. */
    public static final String NAMESPACE = "runbook-pilot-signoff";

    private SignoffSignatures() {}

    /**
     * A person's own key file: a PKCS#12 certificate ({@code .p12}, {@code .pfx}) or else an OpenSSH private key.
     * Nothing is read until the session signs (then its passphrase may be asked): off the FX thread.
     */
    public static SignoffKey keyFile(Path file, PassphrasePrompt prompt) {
        String lower = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return key(lower.endsWith(".p12") || lower.endsWith(".pfx") ? SigningIdentity.pkcs12(file, prompt)
                : SigningIdentity.sshKey(file, prompt));
    }

    /**
     * The Ed25519 key generated for {@code person} on this workstation, kept in {@code configDir} owner-only and
     * made on first use; the same file the person's Markdown report signing uses
     * ({@link SigningIdentity#generatedFile}), so the next sign-off by the same name signs with the same key.
     */
    public static SignoffKey generated(Path configDir, String person) {
        return key(SigningIdentity.generated(configDir, ReportFormat.MARKDOWN, person));
    }

    /** Where {@link #generated} keeps the key of {@code person}. */
    public static Path generatedFile(Path configDir, String person) {
        return SigningIdentity.generatedFile(configDir, ReportFormat.MARKDOWN, person);
    }

    /**
     * The person's key as the session signs with it. For an SSH key or a generated identity ({@link ReportFormat}
     * MARKDOWN), SSHSIG; for a PKCS#12 file (PDF), CMS. Loading the key may ask its passphrase: off the FX thread.
     */
    public static SignoffKey key(SigningIdentity identity) {
        return new SignoffKey() {
            @Override
            public String name() throws IOException {
                return call(identity::personName);
            }

            @Override
            public String fingerprint() throws IOException {
                return call(identity::fingerprint);
            }

            @Override
            public String publicKey() throws IOException {
                if (identity.format() != ReportFormat.MARKDOWN) return null;
                OpenSshKey k = call(identity::sshKey);
                return k.type() + " " + Base64.getEncoder().encodeToString(k.publicBlob());
            }

            @Override
            public String sign(byte[] text) throws IOException {
                try {
                    if (identity.format() == ReportFormat.MARKDOWN) {
                        return SshSig.sign(call(identity::sshKey), text, NAMESPACE);
                    }
                    PdfIdentity id = call(identity::pdfIdentity);
                    return Base64.getEncoder().encodeToString(PadesSigner.cms(id, text));
                } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                         | org.bouncycastle.cms.CMSException e) {
                    throw new IOException("cannot sign with " + identity.describe() + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private interface Load<T> {
        T get() throws SigningException;
    }

    private static <T> T call(Load<T> load) throws IOException {
        try {
            return load.get();
        } catch (SigningException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Checks every sign-off of a journal: a signed one must carry a signature by the key it names over the journal
     * exactly as it was before its line; a typed name is listed as not signed with a key.
     *
     * @return signers in journal order (trusted: null); {@code signed} the sign-off roles signed with a key,
     *         {@code unsigned} the runbook's sign-off roles that are not
     */
    public static ReportSigners.Check verifyJournal(Path journal) throws IOException {
        return verifyJournal(journal, Files.readAllBytes(journal));
    }

    /** {@link #verifyJournal(Path)} of {@code bytes}, read from {@code journal}. */
    public static ReportSigners.Check verifyJournal(Path journal, byte[] bytes) {
        List<ReportSigners.Signer> signers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> roles = new LinkedHashSet<>();
        Set<String> keyed = new LinkedHashSet<>();
        String sessionId = null;
        int start = 0;
        int lineNo = 0;
        while (start < bytes.length) {
            int nl = indexOf(bytes, start);
            if (nl < 0) break;
            lineNo++;
            String line = new String(bytes, start, nl - start, StandardCharsets.UTF_8);
            JournalEvent e;
            try {
                e = line.isBlank() ? null : Journal.JSON.readValue(line, JournalEvent.class);
            } catch (JsonProcessingException bad) {
                problems.add(journal + ":" + lineNo + ": not a journal event (" + bad.getOriginalMessage() + ")");
                e = null;
            }
            if (e instanceof JournalEvent.Started st) {
                sessionId = st.sessionId();
                for (JournalEvent.PhaseOutline p : st.outline()) {
                    for (JournalEvent.StepOutline s : p.steps()) {
                        for (JournalEvent.CheckOutline c : s.checks()) {
                            for (String r : c.roles()) roles.add(roleLabel(r, "gate".equals(c.kind()), s.id()));
                        }
                    }
                }
            } else if (e instanceof JournalEvent.Signed sg) {
                String where = journal + ":" + lineNo + ": " + (sg.decision() == null ? "the sign-off of "
                        : "the " + sg.decision() + " at the gate '" + sg.stepId() + "' of ") + sg.role() + " by "
                        + sg.name();
                if (sg.signature() == null) {
                    problems.add(where + " is a typed name, not signed with a key.");
                } else {
                    String problem = check(sg, sessionId, Journal.sha256(bytes, start));
                    if (problem != null) problems.add(where + " " + problem);
                    else keyed.add(roleLabel(sg.role(), sg.decision() != null, sg.stepId()));
                }
                signers.add(new ReportSigners.Signer(signers.size() + 1, sg.name(), sg.fingerprint(),
                        sg.decision() == null ? sg.role()
                                : sg.role() + " (" + sg.decision() + " at the gate '" + sg.stepId() + "')",
                        sg.at(), null));
            }
            start = nl + 1;
        }
        List<String> signed = new ArrayList<>();
        List<String> unsigned = new ArrayList<>();
        for (String r : roles) (keyed.contains(r) ? signed : unsigned).add(r);
        return new ReportSigners.Check(List.copyOf(signers), List.copyOf(problems), List.copyOf(signed),
                List.copyOf(unsigned));
    }

    /**
     * The number of the last line of {@code journal} that carries a key signature (from 1); 0 when none does. The
     * lines after it are covered by no signature in the journal: only a report made from it can show they are
     * unchanged.
     */
    public static int lastKeySignedLine(byte[] journal) {
        int last = 0;
        int lineNo = 0;
        int start = 0;
        for (int nl = indexOf(journal, 0); nl >= 0; nl = indexOf(journal, start)) {
            lineNo++;
            String line = new String(journal, start, nl - start, StandardCharsets.UTF_8);
            start = nl + 1;
            try {
                JournalEvent e = line.isBlank() ? null : Journal.JSON.readValue(line, JournalEvent.class);
                if (e instanceof JournalEvent.Signed sg && sg.signature() != null) last = lineNo;
            } catch (JsonProcessingException e) {
                // Not an event: verifyJournal names it; it carries no signature either way.
            }
        }
        return last;
    }

    /** How a journal without a key signature is named, in {@code verify}, the wizard and the report. */
    public static final String TYPED = "unsigned (typed name)";

    /** A sign-off role as its name; a gate's role with the gate's step, since a role may sign both. */
    private static String roleLabel(String role, boolean gate, String stepId) {
        return gate ? role + " (gate '" + stepId + "')" : role;
    }

    /** What is wrong with one keyed sign-off or gate answer; null when nothing. */
    private static String check(JournalEvent.Signed sg, String sessionId, String prefixSha256) {
        if (!prefixSha256.equals(sg.journalSha256())) {
            return "was made over a different journal: a line before it was changed, added or removed after it was "
                    + "signed (the journal before it now has SHA-256 " + prefixSha256 + ", the signature says "
                    + sg.journalSha256() + ").";
        }
        Verification v = verify(sg, JournalEvent.Signed.signedText(sessionId, sg.stepId(), sg.role(), sg.name(),
                sg.at(), sg.decision(), sg.reason(), sg.journalSha256()));
        if (v.valid()) return sameKey(sg, v);
        /*
         * Sign-offs keyed before gate answers could be signed a text naming no decision (v1). Accepted only on a
         * line that carries none: a v1 signature on a line with a decision or reason never covered them, so they
         * could have been added or flipped afterwards.
         */
        Verification v1 = verify(sg, JournalEvent.Signed.signedTextV1(sessionId, sg.stepId(), sg.role(), sg.name(),
                sg.at(), sg.journalSha256()));
        if (v1.valid()) {
            if (sg.decision() != null || sg.reason() != null) {
                return "carries a gate decision (" + sg.decision() + ") that its key signature does not cover.";
            }
            return sameKey(sg, v1);
        }
        return "does not verify: " + v.reason() + (sg.decision() == null ? ""
                : " (the signature covers the decision " + sg.decision() + "; was it changed?)");
    }

    /** Whether the line's signature is over {@code signedText}, and by which key. */
    private static Verification verify(JournalEvent.Signed sg, String signedText) {
        byte[] text = signedText.getBytes(StandardCharsets.UTF_8);
        if (sg.signature().startsWith("-----BEGIN SSH SIGNATURE-----")) {
            return SshSig.verify(text, sg.signature(), null, NAMESPACE);
        }
        byte[] cms;
        try {
            cms = Base64.getDecoder().decode(sg.signature());
        } catch (IllegalArgumentException e) {
            return Verification.invalid("the signature is neither SSHSIG nor base64 CMS");
        }
        return PdfSignatureCheck.checkCms(text, cms);
    }

    /** A valid signature must be by the key the line names (its public key and fingerprint); null when it is. */
    private static String sameKey(JournalEvent.Signed sg, Verification v) {
        if (sg.signature().startsWith("-----BEGIN SSH SIGNATURE-----")
                && !v.fingerprint().equals(publicKeyFingerprint(sg.publicKey()))) {
            return "names public key " + sg.publicKey() + " but was signed by " + v.fingerprint() + ".";
        }
        if (!v.fingerprint().equals(sg.fingerprint())) {
            return "names fingerprint " + sg.fingerprint() + " but was signed by " + v.fingerprint() + ".";
        }
        return null;
    }

    /** The fingerprint of a recorded {@code TYPE BASE64} public key; null when there is none or it is unreadable. */
    private static String publicKeyFingerprint(String publicKey) {
        String[] parts = publicKey == null ? new String[0] : publicKey.strip().split(" ");
        try {
            return parts.length < 2 ? null : OpenSshKey.fingerprint(Base64.getDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) if (b[i] == '\n') return i;
        return -1;
    }
}
