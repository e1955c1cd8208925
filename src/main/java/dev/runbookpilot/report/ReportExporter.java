package dev.runbookpilot.report;

import dev.runbookpilot.report.sign.PdfSignatures;
import java.util.List;
import java.nio.file.Files;
import java.nio.file.FileAlreadyExistsException;
import dev.runbookpilot.io.AtomicWrite;

import dev.runbookpilot.report.sign.OpenSshKey;
import dev.runbookpilot.report.sign.PadesSigner;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.report.sign.PdfSignatureCheck;
import dev.runbookpilot.report.sign.SshSig;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.SessionState;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;

/** Writes a session's report in a format, signed when an identity is given, and checks the signature it made. */
public final class ReportExporter {
    private ReportExporter() {}

    /**
     * The report of exactly the lines {@code journal} read ({@link Journal#snapshot}), naming them in its journal
     * row so that {@code verify REPORT --journal FILE} can tell whether a journal is the one it was made from.
     * Signs when {@code identity} is not null and verifies the signed bytes in memory; only then writes, atomically
     * (temporary files, then moves), so a signature that does not verify never reaches the disk.
     *
     * <p>A Markdown report and its {@code FILE.sig} are two files, and no move replaces both at once. Whatever is
     * at {@code FILE.sig} is deleted before the report is moved into place, then the new signature is moved: a
     * crash in between leaves a report with no signature ("not signed", the truth, fixed by exporting again),
     * never a report next to the signature of another one (which would read as "digest mismatch", i.e. tampering).
     * An unsigned export removes a stale {@code FILE.sig} the same way, and every export removes the
     * {@code FILE.ROLE.sig} countersignatures of the report it replaces: they signed other bytes.
     *
     * @throws SigningException when the identity cannot sign (wrong format, unreadable key, no passphrase), or the
     *                          signature just made does not verify
     */
    public static ExportResult export(Journal.Snapshot journal, ReportFormat format, Path out,
                                      SigningIdentity identity) throws IOException, SigningException {
        return export(journal, format, out, identity, null);
    }

    /**
     * @param sessionDir where to look for the last rehearsal of the same runbook, whose step times a real window's
     *                   report shows beside its own (the latest that began before this session); null for none
     */
    public static ExportResult export(Journal.Snapshot journal, ReportFormat format, Path out,
                                      SigningIdentity identity, Path sessionDir) throws IOException, SigningException {
        return export(journal, format, out, identity, sessionDir, null);
    }

    /**
     * @param role the sign-off role the signature is made in; null for the first role the journal shows signed
     *             under the signer's name (none when there is none)
     */
    public static ExportResult export(Journal.Snapshot journal, ReportFormat format, Path out,
                                      SigningIdentity identity, Path sessionDir, String role)
            throws IOException, SigningException {
        if (identity != null && identity.format() != format) {
            throw new SigningException(identity.describe() + " signs " + identity.format() + " reports; choose "
                    + (format == ReportFormat.PDF ? "a PKCS#12 file or the generated certificate"
                    : "an SSH key or the generated key") + " for " + format);
        }
        refuseOverCountersigned(out, format);
        SessionState state = SessionState.replay(journal.events());
        SessionState rehearsal = state.rehearsal().isPresent() ? null : dev.runbookpilot.session.StepTimes
                .lastRehearsal(sessionDir, state.started().runbookSha256(), state.started().at()).orElse(null);
        Report report = ReportBuilder.build(state, rehearsal, JournalWitness.of(journal));
        return format == ReportFormat.PDF ? pdf(report, out, identity, role) : markdown(report, out, identity);
    }

    private static ExportResult pdf(Report report, Path out, SigningIdentity identity, String role)
            throws IOException, SigningException {
        if (identity == null) {
            AtomicWrite.write(out, PdfReport.render(report));
            return new ExportResult(out, null, null);
        }
        PdfIdentity id = identity.pdfIdentity();
        PdfReport.Rendered rendered = PdfReport.render(report, new PdfReport.Signer(id.signerName(),
                id.fingerprint()));
        byte[] signed = PadesSigner.sign(rendered.pdf(), id,
                new PadesSigner.Placement(rendered.signaturePage(), rendered.signatureBox()),
                role != null ? role.strip() : ReportSigners.exporterRole(report, id.signerName()), Instant.now());
        Verification v = PdfSignatureCheck.verify(signed);
        if (!v.valid()) throw new SigningException("the signature just made does not verify: " + v.reason());
        AtomicWrite.write(out, signed);
        return new ExportResult(out, null, v);
    }

    private static ExportResult markdown(Report report, Path out, SigningIdentity identity)
            throws IOException, SigningException {
        Path sigFile = ReportVerifier.signatureFileOf(out, null);
        if (identity == null) {
            try (AtomicWrite.Staged md = AtomicWrite.stage(out,
                    MarkdownReport.render(report).getBytes(StandardCharsets.UTF_8))) {
                AtomicWrite.delete(sigFile);
                deleteCountersignatures(out);
                md.commit();
            }
            return new ExportResult(out, null, null);
        }
        OpenSshKey key = identity.sshKey();
        String principal = SigningIdentity.principal(key);
        byte[] md = MarkdownReport.render(report, principal, key.fingerprint()).getBytes(StandardCharsets.UTF_8);
        String sig;
        try {
            sig = SshSig.sign(key, md);
        } catch (GeneralSecurityException e) {
            throw new SigningException("cannot sign with " + identity.describe() + ": " + e.getMessage(), e);
        }
        Verification v = SshSig.verify(md, sig, null);
        if (!v.valid()) throw new SigningException("the signature just made does not verify: " + v.reason());
        try (AtomicWrite.Staged reportFile = AtomicWrite.stage(out, md);
             AtomicWrite.Staged signatureFile = AtomicWrite.stage(sigFile, sig.getBytes(StandardCharsets.US_ASCII))) {
            AtomicWrite.delete(sigFile);
            deleteCountersignatures(out);
            reportFile.commit();
            signatureFile.commit();
        }
        return new ExportResult(out, sigFile, new Verification(true, principal, v.fingerprint(), "Valid signature by "
                + principal + " (key " + v.fingerprint() + ") covering the whole file.",
                SshSig.allowedSignersLine(principal, key)));
    }

    /**
     * Countersignatures are other people's signatures over the existing file's bytes: a new export in its place would
     * drop them without a word, and they cannot be made again here. The operator exports to another file, or removes
     * the old report (and its {@code .ROLE.sig} files) knowingly first.
     */
    private static void refuseOverCountersigned(Path out, ReportFormat format) throws IOException {
        if (!Files.isRegularFile(out)) return;
        List<String> by;
        if (format == ReportFormat.PDF) {
            List<PdfSignatures.Signer> signers = PdfSignatures.check(Files.readAllBytes(out)).signers();
            by = signers.stream().skip(1).map(sg -> sg.role() != null ? sg.role() : sg.signer()).toList();
        } else {
            by = ReportSigners.roleSignatureFiles(out).stream().map(f -> ReportSigners.roleOf(out, f)).toList();
        }
        if (by.isEmpty()) return;
        throw new FileAlreadyExistsException(out.toString(), null, "it carries countersignatures ("
                + String.join(", ", by) + ") over its present bytes, which a new export would drop: export to"
                + " another file");
    }

    private static void deleteCountersignatures(Path report) throws IOException {
        for (Path stale : ReportSigners.roleSignatureFiles(report)) AtomicWrite.delete(stale);
    }
}
