package dev.runbookpilot.report;

import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.SessionFixture;
import dev.runbookpilot.session.SessionState;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PdfSigningTest {
    private static final char[] P12_PASSWORD = "p12-password".toCharArray();

    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static Journal.Snapshot journal;
    private static Path p12;

    @BeforeAll
    static void runSession() throws Exception {
        fx = SessionFixture.open("pdfsign", SignedReportFixture.SETUP, dir);
        journal = SignedReportFixture.finishedJournal(fx);
        PdfIdentity made = PdfIdentity.selfSigned(SignedReportFixture.SIGNER);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("me", made.privateKey(), P12_PASSWORD, made.chain().toArray(new Certificate[0]));
        p12 = dir.resolve("signer.p12");
        try (OutputStream out = Files.newOutputStream(p12)) {
            ks.store(out, P12_PASSWORD);
        }
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    private static SigningIdentity chosenP12(AtomicInteger prompts) {
        return SigningIdentity.pkcs12(p12, what -> {
            prompts.incrementAndGet();
            return P12_PASSWORD.clone();
        });
    }

    @Test
    void aPkcs12SignedReportIsValidForPdfsigAndForUs() throws Exception {
        AtomicInteger prompts = new AtomicInteger();
        SigningIdentity id = chosenP12(prompts);
        Path out = dir.resolve("signed.pdf");
        ExportResult result = ReportExporter.export(journal, ReportFormat.PDF, out, id);

        assertThat(prompts).hasValue(1);
        assertThat(result.report()).isEqualTo(out);
        assertThat(result.signature()).isNull();
        Verification v = result.verification();
        assertThat(v.valid()).as(v.reason()).isTrue();
        assertThat(v.signer()).isEqualTo(SignedReportFixture.SIGNER);
        assertThat(v.fingerprint()).isEqualTo(id.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
        Verification unpinned = ReportVerifier.verifyPdf(out, Set.of());
        assertThat(unpinned.valid()).isTrue();
        assertThat(unpinned.reason()).isEqualTo(v.reason() + " The signer was not checked against a trust list: "
                + "any self-signed certificate can carry that name.");
        Verification pinned = ReportVerifier.verifyPdf(out, Set.of(id.fingerprint()));
        assertThat(pinned.valid()).isTrue();
        assertThat(pinned.reason()).endsWith("The certificate is one of the trusted certificates given.");
        Verification stranger = ReportVerifier.verifyPdf(out,
                Set.of(PdfIdentity.selfSigned(SignedReportFixture.SIGNER).fingerprint()));
        assertThat(stranger.valid()).isFalse();
        assertThat(stranger.reason()).isEqualTo("Unknown signer: " + SignedReportFixture.SIGNER + " "
                + id.fingerprint() + " is not one of the trusted certificates given.");

        Tools.Result pdfsig = Tools.pdfsig(out);
        assertThat(pdfsig.output()).as(pdfsig.output())
                .contains("Signature is Valid")
                .contains("Total document signed")
                .contains("ETSI.CAdES.detached");

        try (PDDocument doc = Loader.loadPDF(out.toFile())) {
            List<PDSignature> sigs = doc.getSignatureDictionaries();
            assertThat(sigs).hasSize(1);
            assertThat(sigs.get(0).getSubFilter()).isEqualTo("ETSI.CAdES.detached");
            assertThat(sigs.get(0).getName()).isEqualTo(SignedReportFixture.SIGNER);
            // The visible block sits on the last page.
            var widget = doc.getDocumentCatalog().getAcroForm().getFields().get(0).getWidgets().get(0);
            assertThat(doc.getPages().indexOf(widget.getPage())).isEqualTo(doc.getNumberOfPages() - 1);
            assertThat(widget.getRectangle().getWidth()).isGreaterThan(100);
            String cover = new PDFTextStripper() {{ setEndPage(1); }}.getText(doc);
            assertThat(cover.replaceAll("\\s+", "")).contains(id.fingerprint());
            assertThat(cover).contains(SignedReportFixture.SIGNER);
        }
    }

    @Test
    void eachSignerNameGetsItsOwnGeneratedCertificateMadeOnceAndReused() throws Exception {
        Path config = dir.resolve("config-" + System.nanoTime());
        String first = "Ærøskøbing Operator 王";
        String second = "Doe, Jane";
        ExportResult a = ReportExporter.export(journal, ReportFormat.PDF, dir.resolve("gen-a.pdf"),
                SigningIdentity.generated(config, ReportFormat.PDF, first));
        ExportResult again = ReportExporter.export(journal, ReportFormat.PDF, dir.resolve("gen-again.pdf"),
                SigningIdentity.generated(config, ReportFormat.PDF, " " + first + " "));
        ExportResult b = ReportExporter.export(journal, ReportFormat.PDF, dir.resolve("gen-b.pdf"),
                SigningIdentity.generated(config, ReportFormat.PDF, second));

        assertThat(again.verification().fingerprint()).isEqualTo(a.verification().fingerprint());
        assertThat(b.verification().fingerprint()).isNotEqualTo(a.verification().fingerprint());
        assertThat(a.verification().signer()).isEqualTo(first);
        assertThat(b.verification().signer()).isEqualTo(second);
        for (String name : List.of(first, second)) {
            Path file = SigningIdentity.generatedFile(config, ReportFormat.PDF, name);
            assertThat(file.getFileName().toString()).matches("report-signing-[0-9a-f]{12}\\.p12");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        try (PDDocument doc = Loader.loadPDF(dir.resolve("gen-b.pdf").toFile())) {
            PDSignature sig = doc.getSignatureDictionaries().get(0);
            assertThat(sig.getName()).isEqualTo(second);
            String cover = new PDFTextStripper() {{ setEndPage(1); }}.getText(doc);
            assertThat(cover).contains(second).doesNotContain(first);
            assertThat(cover.replaceAll("\\s+", "")).contains(b.verification().fingerprint());
        }
        assertThat(Tools.pdfsigAccepts(dir.resolve("gen-b.pdf"))).isTrue();
        assertThat(Tools.pdfsig(dir.resolve("gen-b.pdf")).output()).contains("Signer Certificate Common Name: Doe, Jane");
    }

    @Test
    void anyChangedByteMakesOurVerifyRejectTheFileAndPdfsigTooExceptForAHexLetterCaseInContents()
            throws Exception {
        Path out = dir.resolve("flip-source.pdf");
        ReportExporter.export(journal, ReportFormat.PDF, out, chosenP12(new AtomicInteger()));
        byte[] good = Files.readAllBytes(out);
        String text = new String(good, StandardCharsets.ISO_8859_1);
        int contents = text.lastIndexOf("/Contents <") + "/Contents ".length();
        int contentsEnd = text.indexOf('>', contents);
        assertThat(contents).isPositive();
        // PDFBox writes the signature in uppercase hex; that one spelling is what our verify accepts.
        assertThat(text.substring(contents + 1, contentsEnd)).matches("[0-9A-F]+");

        List<Integer> positions = new ArrayList<>(List.of(0, 1, 5, 9, good.length - 1, good.length - 2,
                good.length - 7, contents, contents + 1, contents + 2, contents + 200, contentsEnd - 1, contentsEnd,
                text.lastIndexOf("/ByteRange") + 13));
        for (int i = contents + 1, letters = 0; letters < 3; i++) {
            if (Character.isLetter(good[i])) {
                positions.add(i);
                letters++;
            }
        }
        for (int i = 1; i <= 24; i++) positions.add((int) ((long) good.length * i / 25));
        // Where, inside /Contents, the embedded certificate's own signature (its last 384 bytes) is written.
        byte[] cert = PdfIdentity.loadPkcs12(p12, P12_PASSWORD).certificate().getEncoded();
        int certStart = text.indexOf(HexFormat.of().withUpperCase().formatHex(cert), contents);
        int certEnd = certStart + 2 * cert.length;
        int certSignature = certEnd - 2 * 384;
        positions.add(certSignature + 10);
        // After the CMS structure (a DER SEQUENCE, "3082" and a two-byte length), /Contents is zero padding.
        assertThat(text.substring(contents + 1, contents + 5)).isEqualTo("3082");
        int derLength = 4 + Integer.parseInt(text.substring(contents + 5, contents + 9), 16);
        int padding = contents + 1 + 2 * derLength;
        positions.add(padding + 10);
        Path flipped = dir.resolve("flipped.pdf");
        List<String> pdfsigAccepted = new ArrayList<>();
        for (int pos : positions) {
            for (int mask : new int[] {0xFF, 0x20, 0x01}) {
                byte[] bad = good.clone();
                bad[pos] ^= (byte) mask;
                Files.write(flipped, bad);
                Verification ours = ReportVerifier.verifyPdf(flipped, Set.of());
                assertThat(ours.valid()).as("our verify with byte %d ^ 0x%02X: %s", pos, mask, ours.reason())
                        .isFalse();
                boolean hexCase = pos > contents && pos < contentsEnd && mask == 0x20
                        && Character.isLetter(good[pos]);
                if (hexCase) {
                    assertThat(ours.reason()).contains("not a hex string of uppercase digits");
                }
                boolean inCertificate = pos >= certStart && pos < certEnd;
                boolean inPadding = pos >= padding && pos < contentsEnd;
                if (Tools.pdfsigAccepts(flipped) && !hexCase && !inCertificate && !inPadding) {
                    pdfsigAccepted.add("byte " + pos + " ^ " + mask);
                }
            }
        }
        // Poppler decodes /Contents case-insensitively, reads the CMS structure and ignores the zero padding after it,
        // and checks neither the signing-certificate-v2 attribute (which binds the embedded certificate, beyond its
        // key, to the signature) nor the self-signed certificate's own signature: changes there it cannot see (ours
        // refuses them all, asserted above). Everything else it refuses.
        assertThat(pdfsigAccepted).isEmpty();
    }

    /**
     * /Contents is sized from a trial CMS before the real one is made (for RSA without a trial signature): it must
     * come out exactly as long as the CMS, with no zero padding after it for a changed byte to hide in.
     */
    @Test
    void theSignatureFillsItsPlaceholderExactly() throws Exception {
        Path out = dir.resolve("exact.pdf");
        ReportExporter.export(journal, ReportFormat.PDF, out, chosenP12(new AtomicInteger()));
        String text = new String(Files.readAllBytes(out), StandardCharsets.ISO_8859_1);
        int contents = text.lastIndexOf("/Contents <") + "/Contents ".length();
        String hex = text.substring(contents + 1, text.indexOf('>', contents));
        assertThat(hex).startsWith("3082");
        int derLength = 4 + Integer.parseInt(hex.substring(4, 8), 16);
        assertThat(hex.length()).isEqualTo(2 * derLength);
    }

    @Test
    void changesAppendedAfterSigningAndUnsignedFilesAreReportedAsSuch() throws Exception {
        Path out = dir.resolve("appended.pdf");
        ReportExporter.export(journal, ReportFormat.PDF, out, chosenP12(new AtomicInteger()));
        Files.write(out, "\n% an incremental update after signing\n".getBytes(StandardCharsets.US_ASCII),
                java.nio.file.StandardOpenOption.APPEND);
        Verification appended = ReportVerifier.verifyPdf(out, Set.of());
        assertThat(appended.valid()).isFalse();
        assertThat(appended.reason()).contains("does not cover the whole file");
        assertThat(Tools.pdfsig(out).output()).doesNotContain("Total document signed");

        Path unsigned = dir.resolve("unsigned.pdf");
        ExportResult plain = ReportExporter.export(journal, ReportFormat.PDF, unsigned, null);
        assertThat(plain.verification()).isNull();
        Verification none = ReportVerifier.verifyPdf(unsigned, Set.of());
        assertThat(none.valid()).isFalse();
        assertThat(none.reason()).isEqualTo("The PDF is not signed.");
    }

    @Test
    void aWrongPasswordOrAMarkdownIdentityIsRefusedWithAClearMessage() {
        SigningIdentity wrong = SigningIdentity.pkcs12(p12, what -> "not it".toCharArray());
        assertThatThrownBy(() -> ReportExporter.export(journal, ReportFormat.PDF, dir.resolve("x.pdf"), wrong))
                .isInstanceOf(SigningException.class).hasMessageContaining("wrong password");
        SigningIdentity declined = SigningIdentity.pkcs12(p12, PassphrasePrompt.NONE);
        assertThatThrownBy(() -> ReportExporter.export(journal, ReportFormat.PDF, dir.resolve("x.pdf"), declined))
                .isInstanceOf(SigningException.class).hasMessageContaining("needs a password");
        SigningIdentity ssh = SigningIdentity.generated(dir.resolve("cfg-md"), ReportFormat.MARKDOWN, "a");
        assertThatThrownBy(() -> ReportExporter.export(journal, ReportFormat.PDF, dir.resolve("x.pdf"), ssh))
                .isInstanceOf(SigningException.class).hasMessageContaining("signs MARKDOWN reports");
        assertThat(Files.exists(dir.resolve("x.pdf"))).isFalse();
    }

    @Test
    void signingAppendsToTheRenderedReportWithoutChangingAByteOfIt() throws Exception {
        Report report = ReportBuilder.build(SessionState.replay(journal.events()));
        PdfIdentity id = PdfIdentity.selfSigned(SignedReportFixture.SIGNER);
        PdfReport.Rendered rendered = PdfReport.render(report, new PdfReport.Signer(id.signerName(),
                id.fingerprint()));
        byte[] signed = dev.runbookpilot.report.sign.PadesSigner.sign(rendered.pdf(), id,
                new dev.runbookpilot.report.sign.PadesSigner.Placement(rendered.signaturePage(),
                        rendered.signatureBox()), java.time.Instant.now());

        // An incremental update: a reader can still show exactly what was rendered before the signature.
        assertThat(signed.length).isGreaterThan(rendered.pdf().length);
        assertThat(java.util.Arrays.copyOf(signed, rendered.pdf().length)).isEqualTo(rendered.pdf());
    }
}
