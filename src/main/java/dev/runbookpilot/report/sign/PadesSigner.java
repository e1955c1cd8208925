package dev.runbookpilot.report.sign;

import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.PDResources;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.PDStream;
import org.apache.pdfbox.pdmodel.font.PDType0Font;
import org.apache.pdfbox.pdmodel.graphics.form.PDFormXObject;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationWidget;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceDictionary;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAppearanceStream;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureInterface;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.apache.pdfbox.pdmodel.interactive.form.PDAcroForm;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.cms.CMSAttributes;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cms.CMSAttributeTableGenerator;
import org.bouncycastle.cms.CMSException;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Calendar;
import java.util.GregorianCalendar;
import java.util.List;
import java.util.TimeZone;

/**
 * Adds a PAdES baseline signature ({@code ETSI.CAdES.detached}) to a PDF in an incremental update, with a visible
 * block naming the signer and time. The CMS carries the signing-certificate-v2 attribute and no signing-time
 * attribute (PAdES takes the time from the signature dictionary's /M).
 *
 * <p>The /Contents placeholder is sized to the exact length of the CMS, learned from a trial signature: the whole
 * file is then either covered by the byte range or is the signature itself, with no zero padding that a flipped
 * byte could hide in.
 */
public final class PadesSigner {
    private static final String FONT_DIR = "/dev/runbookpilot/report/fonts/";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private PadesSigner() {}

    /** Where the visible block goes; null rectangle puts it at the bottom of the last page. */
    public record Placement(int page, PDRectangle box) {}

    public static byte[] sign(byte[] pdf, PdfIdentity id, Placement placement, Instant at) throws IOException {
        return sign(pdf, id, placement, null, at);
    }

    /**
     * The first signature, with its visible block.
     *
     * @param role the sign-off role the signer signs in, written to /Reason ({@link PdfSignatures#ROLE_REASON_PREFIX});
     *             null for none
     */
    public static byte[] sign(byte[] pdf, PdfIdentity id, Placement placement, String role, Instant at)
            throws IOException {
        return sign(pdf, id, role, at, doc -> {
            int page = placement != null && placement.page() >= 0 ? placement.page() : doc.getNumberOfPages() - 1;
            PDRectangle box = placement != null && placement.box() != null ? placement.box()
                    : defaultBox(doc.getPage(page));
            return new Visible(page, template(doc, page, box, id, at));
        });
    }

    /**
     * A further signature in an incremental update, invisible: a block drawn by a later signer would sit on top of
     * a page the earlier signers saw without it, and could cover what they signed. Its signer, role and time are in
     * the signature itself, which pdfsig, Acrobat and {@code verify} list.
     */
    public static byte[] countersign(byte[] pdf, PdfIdentity id, String role, Instant at) throws IOException {
        return sign(pdf, id, role, at, doc -> null);
    }

    private record Visible(int page, InputStream template) {}

    private interface Appearance {
        Visible of(PDDocument doc) throws IOException;
    }

    private static byte[] sign(byte[] pdf, PdfIdentity id, String role, Instant at, Appearance appearance)
            throws IOException {
        int exactSize;
        try {
            exactSize = trialCmsLength(id);
        } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
            throw new IOException("cannot sign with " + id.describe() + ": " + e.getMessage(), e);
        }
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(PDSignature.SUBFILTER_ETSI_CADES_DETACHED);
            sig.setName(id.signerName());
            sig.setReason(role == null ? "Sign-off report" : PdfSignatures.ROLE_REASON_PREFIX + role);
            sig.setSignDate(calendar(at));
            ByteArrayOutputStream out = new ByteArrayOutputStream(pdf.length + 2 * exactSize + 64 * 1024);
            try (SignatureOptions options = new SignatureOptions()) {
                options.setPreferredSignatureSize(exactSize);
                Visible visible = appearance.of(doc);
                if (visible != null) {
                    options.setPage(visible.page());
                    options.setVisualSignature(visible.template());
                }
                SignatureInterface signer = content -> {
                    try {
                        return cms(id, content.readAllBytes());
                    } catch (GeneralSecurityException | OperatorCreationException | CMSException e) {
                        throw new IOException("signing failed: " + e.getMessage(), e);
                    }
                };
                doc.addSignature(sig, signer, options);
                doc.saveIncremental(out);
            }
            return out.toByteArray();
        }
    }

    private static PDRectangle defaultBox(PDPage page) {
        PDRectangle media = page.getMediaBox();
        return new PDRectangle(media.getLowerLeftX() + 42, media.getLowerLeftY() + 60, 310, 78);
    }

    /**
     * The length of the CMS the signature will be. An RSA signature (PKCS#1 v1.5) is always as long as the key's
     * modulus, so the trial CMS carries that many zero bytes in place of a signature value and costs no private-key
     * operation (one RSA-3072 signature is 20-50 ms of a cold command's CPU); its DER length is the real one's, since
     * only the value's bytes differ. ECDSA signatures vary in length by a few bytes: those get a real trial signature
     * and 8 bytes of room.
     */
    private static int trialCmsLength(PdfIdentity id)
            throws GeneralSecurityException, OperatorCreationException, CMSException, IOException {
        PrivateKey key = id.privateKey();
        if ("RSA".equals(key.getAlgorithm()) && key instanceof RSAKey rsa) {
            String algorithm = signatureAlgorithm(key);
            AlgorithmIdentifier sigAlg = new DefaultSignatureAlgorithmIdentifierFinder().find(algorithm);
            int length = (rsa.getModulus().bitLength() + 7) / 8;
            ContentSigner sizeOnly = new ContentSigner() {
                @Override
                public AlgorithmIdentifier getAlgorithmIdentifier() {
                    return sigAlg;
                }

                @Override
                public OutputStream getOutputStream() {
                    return OutputStream.nullOutputStream();
                }

                @Override
                public byte[] getSignature() {
                    return new byte[length];
                }
            };
            return cms(id, new byte[] {0}, sizeOnly).length;
        }
        return cms(id, new byte[] {0}).length + ("EC".equals(key.getAlgorithm()) ? 8 : 0);
    }

    /** A detached CMS SignedData over {@code content}: signing-certificate-v2, no signing time. */
    public static byte[] cms(PdfIdentity id, byte[] content)
            throws GeneralSecurityException, OperatorCreationException, CMSException, IOException {
        PrivateKey key = id.privateKey();
        return cms(id, content, new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key));
    }

    private static byte[] cms(PdfIdentity id, byte[] content, ContentSigner signer)
            throws GeneralSecurityException, OperatorCreationException, CMSException, IOException {
        X509Certificate cert = id.certificate();
        AttributeTable extra = new AttributeTable(signingCertificateV2(cert));
        CMSAttributeTableGenerator base = new DefaultSignedAttributeTableGenerator(extra);
        CMSAttributeTableGenerator withoutTime = params -> base.getAttributes(params).remove(CMSAttributes.signingTime);
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().build())
                .setSignedAttributeGenerator(withoutTime).build(signer, cert));
        gen.addCertificates(new JcaCertStore(id.chain()));
        CMSSignedData data = gen.generate(new CMSProcessableByteArray(content), false);
        return data.getEncoded("DER");
    }

    private static String signatureAlgorithm(PrivateKey key) throws GeneralSecurityException {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> throw new GeneralSecurityException("PDF signing supports RSA and EC keys, not "
                    + key.getAlgorithm());
        };
    }

    private static Attribute signingCertificateV2(X509Certificate cert) throws GeneralSecurityException, IOException {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        JcaX509CertificateHolder holder = new JcaX509CertificateHolder(cert);
        IssuerSerial issuerSerial = new IssuerSerial(new GeneralNames(new GeneralName(holder.getIssuer())),
                holder.getSerialNumber());
        ESSCertIDv2 certId = new ESSCertIDv2(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), hash,
                issuerSerial);
        SigningCertificateV2 v2 = new SigningCertificateV2(new ESSCertIDv2[] {certId});
        return new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(v2));
    }

    /** A one-page PDF holding only the signature widget and its appearance, as PDFBox's visible signing expects. */
    private static InputStream template(PDDocument src, int pageIndex, PDRectangle box, PdfIdentity id, Instant at)
            throws IOException {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage(src.getPage(pageIndex).getMediaBox());
            doc.addPage(page);
            PDAcroForm form = new PDAcroForm(doc);
            doc.getDocumentCatalog().setAcroForm(form);
            PDSignatureField field = new PDSignatureField(form);
            PDAnnotationWidget widget = field.getWidgets().get(0);
            form.setSignaturesExist(true);
            form.setAppendOnly(true);
            form.getCOSObject().setDirect(true);
            form.getFields().add(field);
            widget.setRectangle(box);
            widget.setPage(page);
            page.getAnnotations().add(widget);

            PDFormXObject xobject = new PDFormXObject(new PDStream(doc));
            xobject.setResources(new PDResources());
            xobject.setFormType(1);
            xobject.setBBox(new PDRectangle(box.getWidth(), box.getHeight()));
            PDAppearanceDictionary appearance = new PDAppearanceDictionary();
            appearance.getCOSObject().setDirect(true);
            PDAppearanceStream stream = new PDAppearanceStream(xobject.getCOSObject());
            appearance.setNormalAppearance(stream);
            widget.setAppearance(appearance);

            List<String> lines = List.of("Digitally signed by " + id.signerName(), "Date: " + TIME.format(at),
                    "Certificate SHA-256:", id.fingerprint().substring(0, 48),
                    id.fingerprint().substring(48));
            PDType0Font latin = load(doc, "DejaVuSans.ttf");
            PDType0Font cjk = null;
            try (PDPageContentStream cs = new PDPageContentStream(doc, stream)) {
                cs.setNonStrokingColor(0.94f, 0.96f, 1f);
                cs.addRect(0, 0, box.getWidth(), box.getHeight());
                cs.fill();
                cs.setStrokingColor(0.1f, 0.31f, 0.61f);
                cs.setLineWidth(1.2f);
                cs.addRect(0.6f, 0.6f, box.getWidth() - 1.2f, box.getHeight() - 1.2f);
                cs.stroke();
                cs.setNonStrokingColor(0f, 0f, 0f);
                float size = Math.min(9.5f, box.getHeight() / (lines.size() + 1.5f));
                cs.beginText();
                cs.setLeading(size * 1.3f);
                cs.newLineAtOffset(6, box.getHeight() - size - 4);
                for (String line : lines) {
                    // Run by run: DejaVu where it has the glyph, the CJK fallback (which has no Latin) elsewhere.
                    int i = 0;
                    while (i < line.length()) {
                        boolean inLatin = has(latin, line.codePointAt(i));
                        int j = i;
                        while (j < line.length() && has(latin, line.codePointAt(j)) == inLatin) {
                            j += Character.charCount(line.codePointAt(j));
                        }
                        if (!inLatin && cjk == null) cjk = load(doc, "DroidSansFallbackFull.ttf");
                        cs.setFont(inLatin ? latin : cjk, size);
                        cs.showText(line.substring(i, j));
                        i = j;
                    }
                    cs.newLine();
                }
                cs.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return new ByteArrayInputStream(out.toByteArray());
        }
    }

    private static boolean has(PDType0Font font, int codePoint) {
        try {
            font.encode(new String(Character.toChars(codePoint)));
            return true;
        } catch (IllegalArgumentException | IOException | IllegalStateException missing) {
            return false;
        }
    }

    private static PDType0Font load(PDDocument doc, String file) throws IOException {
        try (InputStream in = PadesSigner.class.getResourceAsStream(FONT_DIR + file)) {
            if (in == null) throw new IOException("font " + file + " missing from the application");
            return PDType0Font.load(doc, in, true);
        }
    }

    private static Calendar calendar(Instant t) {
        GregorianCalendar c = new GregorianCalendar(TimeZone.getTimeZone("UTC"));
        c.setTimeInMillis(t.toEpochMilli());
        return c;
    }
}
