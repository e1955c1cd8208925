package dev.runbookpilot.report.sign;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runbookpilot.report.Verification;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.Comparator;
import java.util.List;

/**
 * Every signature of a PDF, revision by revision. Each signature must verify over the revision its byte range ends
 * with; each later revision may add only a signature ({@link PdfUpdateCheck}); the last signature must end at the
 * last byte of the file. A report signed by its exporter and countersigned by two more people is three revisions:
 * the rendered report plus the first signature, then one signature each.
 */
public final class PdfSignatures {
    /** How a signature names the sign-off role it was made in: the signature dictionary's /Reason. */
    public static final String ROLE_REASON_PREFIX = "Sign-off as ";
    /** The document-information entry that lists the sign-off roles of the report (a JSON array). */
    public static final String ROLES_INFO_KEY = "RunbookPilotSignoffRoles";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One signature.
     *
     * @param role        the sign-off role it claims (from /Reason); null when it names none
     * @param revisionEnd the byte its revision ends at
     * @param check       its own check over that revision
     */
    public record Signer(String signer, String fingerprint, String role, Instant at, int revisionEnd,
                         Verification check) {}

    /**
     * @param signers  in the order they signed
     * @param problems what does not check out; empty when every signature is valid and nothing else was added
     * @param roles    the sign-off roles the report lists (empty for a report that names none)
     */
    public record Result(List<Signer> signers, List<String> problems, List<String> roles) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private PdfSignatures() {}

    public static Result check(byte[] file) {
        List<String> problems = new ArrayList<>();
        List<Signer> signers = new ArrayList<>();
        List<String> roles;
        List<PDSignature> signatures;
        try (PDDocument doc = Loader.loadPDF(file)) {
            roles = roles(doc);
            signatures = new ArrayList<>(doc.getSignatureDictionaries());
            if (signatures.isEmpty()) return new Result(List.of(), List.of("The PDF is not signed."), roles);
            signatures.sort(Comparator.comparingLong(PdfSignatures::end));
            for (PDSignature sig : signatures) {
                Verification v = PdfSignatureCheck.checkOne(file, sig);
                Calendar when = sig.getSignDate();
                String reason = sig.getReason();
                String role = reason != null && reason.startsWith(ROLE_REASON_PREFIX)
                        ? reason.substring(ROLE_REASON_PREFIX.length()) : null;
                signers.add(new Signer(v.signer(), v.fingerprint(), role, when == null ? null
                        : when.toInstant(), (int) Math.max(0, end(sig)), v));
                if (!v.valid()) problems.add(describe(signers.size(), v.signer(), role) + ": " + v.reason());
            }
        } catch (IOException | RuntimeException e) {
            return new Result(List.of(), List.of("The file is not a readable PDF: " + e.getMessage()), List.of());
        }
        for (int i = 1; i < signers.size(); i++) {
            if (signers.get(i).revisionEnd() == signers.get(i - 1).revisionEnd()) {
                problems.add("Signatures " + i + " and " + (i + 1) + " end at the same byte: two signatures "
                        + "cannot cover the same revision.");
            }
        }
        if (problems.isEmpty()) {
            for (int i = 1; i < signers.size(); i++) {
                List<String> changed = updateChanges(file, signers.get(i - 1).revisionEnd(),
                        signers.get(i).revisionEnd());
                Signer s = signers.get(i);
                for (String c : changed) {
                    problems.add("The update that adds " + describe(i + 1, s.signer(), s.role())
                            + " does more than sign: " + c + ".");
                }
            }
        }
        Signer last = signers.get(signers.size() - 1);
        if (last.revisionEnd() != file.length) {
            int[] range = signatures.get(signatures.size() - 1).getByteRange();
            problems.add("The signature does not cover the whole file: its byte range is " + Arrays.toString(range)
                    + " but the file has " + file.length + " bytes; the " + (file.length - last.revisionEnd())
                    + " bytes after it are signed by nobody.");
            if (problems.size() == 1) {
                for (String c : updateChanges(file, last.revisionEnd(), file.length)) {
                    problems.add("The unsigned update after the last signature " + c + ".");
                }
            }
        }
        return new Result(List.copyOf(signers), List.copyOf(problems), roles);
    }

    /** Signature number {@code n} for messages: "signature 2 (Bob Jones as Backend lead)". */
    public static String describe(int n, String signer, String role) {
        return "signature " + n + " (" + (signer == null ? "unknown signer" : signer)
                + (role == null ? "" : " as " + role) + ")";
    }

    private static long end(PDSignature sig) {
        int[] r = sig.getByteRange();
        return r == null || r.length != 4 ? -1 : (long) r[2] + r[3];
    }

    /** What the revision ending at {@code end} changed after the one ending at {@code previousEnd}. */
    private static List<String> updateChanges(byte[] file, int previousEnd, int end) {
        try (PDDocument before = Loader.loadPDF(Arrays.copyOf(file, previousEnd));
             PDDocument after = Loader.loadPDF(Arrays.copyOf(file, end))) {
            List<PDSignature> sigs = after.getSignatureDictionaries();
            if (end == file.length && sigs.stream().noneMatch(s -> end(s) == end)) {
                return PdfUpdateCheck.changes(before, after, null);
            }
            PDSignature own = sigs.stream().filter(s -> end(s) == end).findFirst().orElse(null);
            if (own == null) return List.of("its revision holds no signature of its own");
            return PdfUpdateCheck.changes(before, after, own.getCOSObject());
        } catch (IOException | RuntimeException e) {
            return List.of("its revision cannot be read as a PDF (" + e.getMessage() + ")");
        }
    }

    private static List<String> roles(PDDocument doc) {
        String json = doc.getDocumentInformation().getCustomMetadataValue(ROLES_INFO_KEY);
        if (json == null) return List.of();
        try {
            return List.copyOf(JSON.readValue(json, new TypeReference<List<String>>() {}));
        } catch (JsonProcessingException e) {
            return List.of();
        }
    }

    /** The value of {@link #ROLES_INFO_KEY} for these roles. */
    public static String rolesInfoValue(List<String> roles) {
        try {
            return JSON.writeValueAsString(roles);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a list of strings is always JSON", e);
        }
    }
}
