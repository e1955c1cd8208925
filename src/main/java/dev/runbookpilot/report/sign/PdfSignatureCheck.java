package dev.runbookpilot.report.sign;

import dev.runbookpilot.report.Verification;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;

import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * Checks the last signature of a PDF the way an auditor would want: it must cover the whole file (the byte range
 * starts at 0 and ends at the last byte, skipping only its own /Contents), the CMS digest must match those bytes,
 * and the CMS signature must verify against the certificate it names.
 */
public final class PdfSignatureCheck {
    private PdfSignatureCheck() {}

    public static Verification verify(byte[] file) {
        try (PDDocument doc = Loader.loadPDF(file)) {
            List<PDSignature> signatures = doc.getSignatureDictionaries();
            if (signatures.isEmpty()) return Verification.invalid("The PDF is not signed.");
            PDSignature sig = signatures.get(signatures.size() - 1);
            int[] range = sig.getByteRange();
            if (range == null || range.length != 4 || range[0] != 0 || range[1] < 0 || range[2] <= range[1]
                    || range[3] < 0 || (long) range[2] + range[3] != file.length) {
                return Verification.invalid("The signature does not cover the whole file: its byte range is "
                        + Arrays.toString(range) + " but the file has " + file.length + " bytes.");
            }
            return checkOne(file, sig);
        } catch (java.io.IOException | RuntimeException e) {
            // A damaged file may trip the parser anywhere; it is then simply not a valid signed PDF.
            return Verification.invalid("The file is not a readable PDF: " + e.getMessage());
        }
    }

    /**
     * One signature over the revision its byte range ends with (which need not be the end of the file): the range
     * starts at 0 and skips only /Contents, /Contents is exactly as written, and the CMS verifies over the range.
     */
    static Verification checkOne(byte[] file, PDSignature sig) {
        if (!"ETSI.CAdES.detached".equals(sig.getSubFilter())
                && !"adbe.pkcs7.detached".equals(sig.getSubFilter())) {
            return Verification.invalid("The PDF signature uses sub-filter " + sig.getSubFilter()
                    + ", which this tool does not check.");
        }
        int[] range = sig.getByteRange();
        if (range == null || range.length != 4 || range[0] != 0 || range[1] < 0 || range[2] <= range[1]
                || range[3] < 0 || (long) range[2] + range[3] > file.length) {
            return Verification.invalid("The signature's byte range " + Arrays.toString(range) + " does not "
                    + "start at the first byte and lie within the file of " + file.length + " bytes.");
        }
        byte[] cms = contents(file, range[1], range[2]);
        if (cms == null) {
            return Verification.invalid("The signature has been altered: the bytes between its byte ranges "
                    + "are not a hex string of uppercase digits, as the signer wrote it.");
        }
        byte[] signed = new byte[range[1] + range[3]];
        System.arraycopy(file, 0, signed, 0, range[1]);
        System.arraycopy(file, range[2], signed, range[1], range[3]);
        return checkCms(signed, cms);
    }

    /**
     * The hex string between the byte ranges, decoded; null unless it is exactly what PDFBox writes: {@code <},
     * uppercase hex digits, {@code >}, nothing else. The gap is the one part of the file no digest covers, so it
     * must have a single spelling: a lowercase {@code a} decodes to the same byte as {@code A}, and accepting it
     * would let a changed file verify (pdfsig does accept it). Bytes after the DER object are checked elsewhere.
     */
    private static byte[] contents(byte[] file, int start, int end) {
        if (file[start] != '<' || file[end - 1] != '>') return null;
        int digits = end - start - 2;
        if (digits % 2 != 0) return null;
        byte[] out = new byte[digits / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = upperHexDigit(file[start + 1 + 2 * i]);
            int lo = upperHexDigit(file[start + 2 + 2 * i]);
            if (hi < 0 || lo < 0) return null;
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }

    private static int upperHexDigit(byte b) {
        if (b >= '0' && b <= '9') return b - '0';
        if (b >= 'A' && b <= 'F') return b - 'A' + 10;
        return -1;
    }

    /** A detached CMS SignedData over {@code signed}: digest, signing-certificate-v2 and signature value. */
    public static Verification checkCms(byte[] signed, byte[] contents) {
        SignerInformation si;
        Collection<X509CertificateHolder> certs;
        int derLength;
        // BouncyCastle parses lazily: a damaged CMS can throw from any of these calls, not only the constructor.
        try {
            derLength = derLength(contents);
            if (derLength < 0) {
                return Verification.invalid("The signature has been altered: /Contents does not hold a DER "
                        + "object that fits in it.");
            }
            for (int i = derLength; i < contents.length; i++) {
                if (contents[i] != 0) {
                    return Verification.invalid("The signature has been altered: there are bytes after the "
                            + "signature data inside /Contents.");
                }
            }
            CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signed),
                    Arrays.copyOf(contents, derLength));
            Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
            if (signers.size() != 1) return Verification.invalid("The signature holds " + signers.size()
                    + " signers; exactly one is expected.");
            si = signers.iterator().next();
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> matches = cms.getCertificates().getMatches(si.getSID());
            certs = matches;
        } catch (Exception e) {
            return Verification.invalid("The signature has been altered: its CMS data cannot be read ("
                    + e.getMessage() + ").");
        }
        if (certs.isEmpty()) return Verification.invalid("Unknown signer: the signature does not include the "
                + "certificate it was made with.");
        try {
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(certs.iterator().next());
            String signer = PdfIdentity.commonName(cert);
            String fingerprint = PdfIdentity.fingerprint(cert);
            byte[] digest = MessageDigest.getInstance(digestName(si)).digest(signed);
            Attribute md = si.getSignedAttributes() == null ? null
                    : si.getSignedAttributes().get(PKCSObjectIdentifiers.pkcs_9_at_messageDigest);
            if (md == null) return new Verification(false, signer, fingerprint,
                    "The signature has no message digest attribute.", null);
            byte[] claimed = org.bouncycastle.asn1.ASN1OctetString.getInstance(md.getAttrValues().getObjectAt(0))
                    .getOctets();
            if (!MessageDigest.isEqual(claimed, digest)) {
                return new Verification(false, signer, fingerprint, "Digest mismatch: the file was changed after "
                        + "it was signed by " + signer + ".", null);
            }
            Attribute v2 = si.getSignedAttributes().get(PKCSObjectIdentifiers.id_aa_signingCertificateV2);
            if (v2 != null && !certMatches(v2, cert)) {
                return new Verification(false, signer, fingerprint, "The signing-certificate attribute does not "
                        + "name the certificate in the signature.", null);
            }
            if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().build(cert))) {
                return new Verification(false, signer, fingerprint, "The signature value does not verify with "
                        + "the certificate of " + signer + ".", null);
            }
            return new Verification(true, signer, fingerprint, "Valid signature by " + signer + " (certificate "
                    + "SHA-256 " + fingerprint + ") covering the whole file.", null);
        } catch (Exception e) {
            return Verification.invalid("The signature does not verify: " + e.getMessage());
        }
    }

    private static boolean certMatches(Attribute v2, X509Certificate cert) throws Exception {
        ASN1Encodable value = v2.getAttrValues().getObjectAt(0);
        SigningCertificateV2 sc = SigningCertificateV2.getInstance(value);
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        return sc.getCerts().length > 0 && MessageDigest.isEqual(sc.getCerts()[0].getCertHash(), hash);
    }

    private static String digestName(SignerInformation si) {
        String oid = si.getDigestAlgOID();
        return switch (oid) {
            case "2.16.840.1.101.3.4.2.1" -> "SHA-256";
            case "2.16.840.1.101.3.4.2.2" -> "SHA-384";
            case "2.16.840.1.101.3.4.2.3" -> "SHA-512";
            case "1.3.14.3.2.26" -> "SHA-1";
            default -> oid;
        };
    }

    /** The length of the definite-length DER object at the start, header included; -1 when it does not fit. */
    private static int derLength(byte[] b) {
        if (b.length < 2 || b[0] != 0x30) return -1;
        int first = b[1] & 0xff;
        long length;
        int header;
        if (first < 0x80) {
            length = first;
            header = 2;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 4 || b.length < 2 + n) return -1;
            length = 0;
            for (int i = 0; i < n; i++) length = length << 8 | (b[2 + i] & 0xff);
            header = 2 + n;
        }
        long total = header + length;
        return total > b.length ? -1 : (int) total;
    }
}
