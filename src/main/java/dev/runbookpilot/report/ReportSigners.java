package dev.runbookpilot.report;

import dev.runbookpilot.io.AtomicWrite;
import dev.runbookpilot.report.sign.PadesSigner;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.report.sign.PdfSignatures;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One signature per signer: countersigning an exported report in a sign-off role, and checking every signature a
 * report carries, who made it in which role, and which of the report's sign-off roles have not signed it yet.
 * Works on the report file alone, so a signer on another machine needs only the file and their key.
 */
public final class ReportSigners {
    private ReportSigners() {}

    /**
     * One signature as {@code verify} lists it.
     *
     * @param trusted null when no trust list was given; else whether the signer is in it
     */
    public record Signer(int number, String name, String fingerprint, String role, Instant at, Boolean trusted) {}

    /**
     * @param problems what does not check out (a broken signature, a change after signing, an untrusted signer);
     *                 empty when the report is valid
     * @param signed   the report's sign-off roles that carry a signature, in the report's order
     * @param unsigned the report's sign-off roles no signature claims yet
     */
    public record Check(List<Signer> signers, List<String> problems, List<String> signed, List<String> unsigned) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    /**
     * Checks every signature of a PDF report.
     *
     * @param trustedFingerprints certificates allowed to sign ({@code AB:CD:...}); empty when signers are not to be
     *                            checked
     */
    public static Check verifyPdf(Path file, Set<String> trustedFingerprints) throws IOException {
        PdfSignatures.Result r = PdfSignatures.check(Files.readAllBytes(file));
        List<String> problems = new ArrayList<>(r.problems());
        List<Signer> signers = new ArrayList<>();
        for (int i = 0; i < r.signers().size(); i++) {
            PdfSignatures.Signer s = r.signers().get(i);
            Boolean trusted = trustedFingerprints.isEmpty() ? null : trustedFingerprints.contains(s.fingerprint());
            if (Boolean.FALSE.equals(trusted) && s.check().valid()) {
                problems.add("Unknown signer: " + s.signer() + " " + s.fingerprint() + " (signature " + (i + 1)
                        + (s.role() == null ? "" : ", as " + s.role()) + ") is not one of the trusted certificates "
                        + "given.");
            }
            signers.add(new Signer(i + 1, s.signer(), s.fingerprint(), s.role(), s.at(), trusted));
        }
        return withRoles(signers, problems, r.roles());
    }

    private static Check withRoles(List<Signer> signers, List<String> problems, List<String> roles) {
        Set<String> claimed = new LinkedHashSet<>();
        for (Signer s : signers) if (s.role() != null) claimed.add(s.role());
        List<String> signed = new ArrayList<>();
        List<String> unsigned = new ArrayList<>();
        for (String role : roles) (claimed.contains(role) ? signed : unsigned).add(role);
        return new Check(List.copyOf(signers), List.copyOf(problems), List.copyOf(signed), List.copyOf(unsigned));
    }

    /**
     * Adds {@code identity}'s signature in {@code role} to a signed PDF report, as an incremental update that leaves
     * every earlier signature valid. The report must verify first (countersigning a changed report would vouch for
     * the change), and the role must not have signed it yet. The new file is checked in memory, then written
     * atomically.
     *
     * @return the check of the countersigned file
     * @throws SigningException when the report does not verify, the role has signed, or the key cannot sign
     */
    public static Check countersignPdf(Path report, SigningIdentity identity, String role)
            throws IOException, SigningException {
        Objects.requireNonNull(identity, "identity");
        if (role == null || role.isBlank()) throw new SigningException("a countersignature needs a role");
        String r = role.strip();
        byte[] before = Files.readAllBytes(report);
        PdfSignatures.Result current = PdfSignatures.check(before);
        if (!current.valid()) {
            throw new SigningException(report + " does not verify, so it is not countersigned: "
                    + String.join(" ", current.problems()));
        }
        for (int i = 0; i < current.signers().size(); i++) {
            PdfSignatures.Signer s = current.signers().get(i);
            if (r.equals(s.role())) {
                throw new SigningException(r + " has already signed " + report + ": "
                        + PdfSignatures.describe(i + 1, s.signer(), s.role()) + ", certificate " + s.fingerprint());
            }
        }
        PdfIdentity id = identity.pdfIdentity();
        byte[] after = PadesSigner.countersign(before, id, r, Instant.now());
        PdfSignatures.Result check = PdfSignatures.check(after);
        if (!check.valid()) {
            throw new SigningException("the countersignature just made does not verify: "
                    + String.join(" ", check.problems()));
        }
        AtomicWrite.write(report, after);
        return verifyPdf(report, Set.of());
    }

    /** The sign-off roles a report lists, each once, in order. */
    static List<String> roles(Report report) {
        Set<String> roles = new LinkedHashSet<>();
        for (Report.SignoffLine l : report.signoffs()) roles.add(l.role());
        return List.copyOf(roles);
    }

    /**
     * The role the exporting signer signs the report in: the first sign-off role the journal shows signed under
     * their name; null when they signed none (the signature then names no role).
     */
    static String exporterRole(Report report, String signerName) {
        for (Report.SignoffLine l : report.signoffs()) {
            if (l.name() != null && l.name().strip().equals(signerName.strip())) return l.role();
        }
        return null;
    }
}
