package dev.runbookpilot.report;

import dev.runbookpilot.io.AtomicWrite;
import dev.runbookpilot.io.ReplaceLock;
import dev.runbookpilot.report.sign.OpenSshKey;
import dev.runbookpilot.report.sign.PadesSigner;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.report.sign.PdfSignatures;
import dev.runbookpilot.report.sign.SshSig;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
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
        try (ReplaceLock lock = ReplaceLock.acquire(report, LOCK_PATIENCE)) {
            byte[] now = Files.readAllBytes(report);
            if (!Arrays.equals(now, before)) {
                PdfSignatures.Result meanwhile = PdfSignatures.check(now);
                List<String> added = new ArrayList<>();
                for (int i = current.signers().size(); i < meanwhile.signers().size(); i++) {
                    PdfSignatures.Signer s = meanwhile.signers().get(i);
                    added.add(PdfSignatures.describe(i + 1, s.signer(), s.role()));
                }
                throw changed(report, r, added.isEmpty() ? "" : " (" + String.join(", ", added) + " was added)");
            }
            AtomicWrite.write(report, after);
        }
        return verifyPdf(report, Set.of());
    }

    /**
     * How long a countersign waits for another one writing the same report: writing takes moments (the slow
     * signing happens before the lock), so a longer wait means something is stuck.
     */
    static final Duration LOCK_PATIENCE = Duration.ofSeconds(30);

    private static ReportChangedException changed(Path report, String role, String what) {
        return new ReportChangedException(report + " changed while it was being countersigned as " + role + what
                + ": nothing was written and nothing of the other change is lost. Countersign again: it reads the"
                + " report as it is now");
    }

    /**
     * What countersigning a Markdown report wrote.
     *
     * @param signature          the new {@code REPORT.md.ROLE.sig}
     * @param allowedSignersLine the line that lets {@code ssh-keygen -Y verify} accept the signer's key
     */
    public record Countersigned(Check check, Path signature, String principal, String allowedSignersLine) {}

    /**
     * Where the signature of {@code role} on a Markdown report lives: {@code REPORT.md.ROLE.sig}, the role
     * percent-encoded (UTF-8) except for ASCII letters, digits, {@code -} and {@code _}, so any role is one safe
     * file name and reads back exactly: {@code report.md.Backend%20lead.sig}.
     */
    public static Path roleSignatureFile(Path report, String role) {
        StringBuilder b = new StringBuilder();
        for (byte x : role.strip().getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) b.append(c);
            else b.append('%').append(String.format("%02X", x & 0xff));
        }
        return report.resolveSibling(report.getFileName() + "." + b + ".sig");
    }

    /** The role a {@code REPORT.md.ROLE.sig} file is named for; null when the name is not one we write. */
    static String roleOf(Path report, Path signature) {
        String prefix = report.getFileName() + ".";
        String name = signature.getFileName().toString();
        if (!name.startsWith(prefix) || !name.endsWith(".sig") || name.length() <= prefix.length() + 4) return null;
        String encoded = name.substring(prefix.length(), name.length() - 4);
        if (!encoded.matches("([A-Za-z0-9_-]|%[0-9A-F]{2})+")) return null;
        String role = URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        return roleSignatureFile(report, role).getFileName().toString().equals(name) ? role : null;
    }

    /** Every {@code REPORT.md.ROLE.sig} next to a Markdown report (not the export's {@code REPORT.md.sig}). */
    public static List<Path> roleSignatureFiles(Path report) throws IOException {
        Path dir = report.toAbsolutePath().getParent();
        List<Path> found = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return found;
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> roleOf(report, f) != null).sorted().forEach(found::add);
        }
        return found;
    }

    /**
     * Checks every SSH signature of a Markdown report: the export's {@code REPORT.md.sig} (no role) and each
     * {@code REPORT.md.ROLE.sig}, each over the whole file.
     *
     * @param allowedSigners who may sign; null when signers are not to be checked
     */
    public static Check verifyMarkdown(Path report, Path allowedSigners) throws IOException {
        byte[] bytes = Files.readAllBytes(report);
        if (allowedSigners != null && !Files.isRegularFile(allowedSigners)) {
            throw new IOException("no allowed_signers file at " + allowedSigners);
        }
        List<String> roles = markdownRoles(new String(bytes, StandardCharsets.UTF_8));
        List<Path> files = new ArrayList<>();
        Path exported = ReportVerifier.signatureFileOf(report, null);
        if (Files.isRegularFile(exported)) files.add(exported);
        List<Path> byRole = new ArrayList<>(roleSignatureFiles(report));
        byRole.sort(Comparator.comparingInt((Path f) -> {
            int i = roles.indexOf(roleOf(report, f));
            return i < 0 ? Integer.MAX_VALUE : i;
        }));
        files.addAll(byRole);
        List<String> problems = new ArrayList<>();
        List<Signer> signers = new ArrayList<>();
        if (files.isEmpty()) {
            problems.add("Not signed: there is no signature file " + exported + " and no " + report.getFileName()
                    + ".ROLE.sig.");
        }
        for (Path f : files) {
            String role = f.equals(exported) ? null : roleOf(report, f);
            Verification v = SshSig.verify(bytes, Files.readString(f, StandardCharsets.ISO_8859_1), allowedSigners);
            if (!v.valid()) problems.add(f.getFileName() + ": " + v.reason());
            signers.add(new Signer(signers.size() + 1, v.signer(), v.fingerprint(), role, null,
                    allowedSigners == null ? null : v.valid()));
        }
        return withRoles(signers, problems, roles);
    }

    /**
     * Adds the signature of {@code role} to a signed Markdown report as {@code REPORT.md.ROLE.sig}. The report's
     * existing signatures must verify and the role must not have signed yet.
     */
    public static Countersigned countersignMarkdown(Path report, SigningIdentity identity, String role)
            throws IOException, SigningException {
        if (role == null || role.isBlank()) throw new SigningException("a countersignature needs a role");
        String r = role.strip();
        Check current = verifyMarkdown(report, null);
        if (!current.valid()) {
            throw new SigningException(report + " does not verify, so it is not countersigned: "
                    + String.join(" ", current.problems()));
        }
        Path file = roleSignatureFile(report, r);
        if (Files.exists(file)) {
            throw new SigningException(r + " has already signed " + report + ": " + file + " exists");
        }
        OpenSshKey key = identity.sshKey();
        byte[] bytes = Files.readAllBytes(report);
        String sig;
        try {
            sig = SshSig.sign(key, bytes);
        } catch (GeneralSecurityException e) {
            throw new SigningException("cannot sign with " + identity.describe() + ": " + e.getMessage(), e);
        }
        Verification v = SshSig.verify(bytes, sig, null);
        if (!v.valid()) throw new SigningException("the signature just made does not verify: " + v.reason());
        // The report and its role signatures are written under one lock: the same role signing twice at once, or a
        // new export meanwhile, is refused instead of one signature replacing the other.
        try (ReplaceLock lock = ReplaceLock.acquire(report, LOCK_PATIENCE)) {
            if (!Arrays.equals(Files.readAllBytes(report), bytes)) throw changed(report, r, " (its text is new)");
            if (Files.exists(file)) throw changed(report, r, " (" + file.getFileName() + " was written)");
            AtomicWrite.write(file, sig.getBytes(StandardCharsets.US_ASCII));
        }
        String principal = SigningIdentity.principal(key);
        return new Countersigned(verifyMarkdown(report, null), file, principal,
                SshSig.allowedSignersLine(principal, key));
    }

    /** The roles of a Markdown report's "## Sign-off" section ({@code - ROLE: ...}), unescaped. */
    static List<String> markdownRoles(String markdown) {
        List<String> roles = new ArrayList<>();
        int at = markdown.indexOf("\n## Sign-off");
        if (at < 0) return roles;
        for (String line : markdown.substring(markdown.indexOf('\n', at + 1) + 1).split("\n")) {
            if (line.startsWith("## ")) break;
            if (!line.startsWith("- ")) continue;
            int end = line.lastIndexOf(": _not signed_");
            if (end < 0) end = line.lastIndexOf(": **");
            if (end < 2) continue;
            roles.add(line.substring(2, end).replace("<br>", "\n").replace("&gt;", ">").replace("&lt;", "<")
                    .replaceAll("\\\\([\\\\*_`\\[\\]#])", "$1"));
        }
        return List.copyOf(new LinkedHashSet<>(roles));
    }

    /** The sign-off roles a report lists, each once, in order. */
    static List<String> roles(Report report) {
        Set<String> roles = new LinkedHashSet<>();
        for (Report.SignoffLine l : report.signoffs()) if (!l.gate()) roles.add(l.role());
        return List.copyOf(roles);
    }

    /**
     * The role the exporting signer signs the report in: the first sign-off role the journal shows signed under
     * their name; null when they signed none (the signature then names no role).
     */
    static String exporterRole(Report report, String signerName) {
        for (Report.SignoffLine l : report.signoffs()) {
            if (!l.gate() && l.name() != null && l.name().strip().equals(signerName.strip())) return l.role();
        }
        return null;
    }
}
