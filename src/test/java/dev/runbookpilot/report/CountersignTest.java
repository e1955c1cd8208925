package dev.runbookpilot.report;

import dev.runbookpilot.report.sign.PadesSigner;
import dev.runbookpilot.report.sign.PdfIdentity;
import dev.runbookpilot.runbook.Runbook;
import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.RunListener;
import dev.runbookpilot.session.Session;
import dev.runbookpilot.session.SessionFixture;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.annotation.PDAnnotationText;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.runbookpilot.session.SessionFixture.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One signature per signer: in a PDF, the export's PAdES signature and then countersignatures, each an incremental
 * update; beside a Markdown report, one SSH signature file per role.
 */
class CountersignTest {
    static final String RUNBOOK = """
            runbook: Team sign-off
            target: { environment: staging, database: DBNAME }
            phases:
              - name: Only
                steps:
                  - id: count
                    title: Count rows
                    checks:
                      - query: { sql: "SELECT count(*) FROM t", expect: "= 2" }
                  - id: signoff
                    title: Sign-off
                    signoff: { roles: [DBA, Backend lead, DevOps] }
            """;

    @TempDir
    static Path dir;
    private static SessionFixture fx;
    private static Path typedJournal;
    private static Path boP12;
    private static PdfIdentity bo;
    /** The report signed by its exporter (DBA) and countersigned by the backend lead. */
    private static byte[] twoSigned;

    @BeforeAll
    static void runSession() throws Exception {
        fx = SessionFixture.open("countersign", "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2);", dir);
        Runbook rb = fx.runbook(RUNBOOK.replace("DBNAME", fx.database));
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            s.runChecks(step(rb, "count"), Session.Scope.ALL);
            s.sign(step(rb, "signoff"), "DBA", "Dana Operator");
            s.sign(step(rb, "signoff"), "Backend lead", "Bo Lead");
            s.sign(step(rb, "signoff"), "DevOps", "Devi Ops");
            s.finish();
            typedJournal = s.journalFile();
        }
        bo = PdfIdentity.selfSigned("Bo Lead");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("bo", bo.privateKey(), new char[0], bo.chain().toArray(new Certificate[0]));
        boP12 = dir.resolve("bo.p12");
        try (OutputStream out = Files.newOutputStream(boP12)) {
            ks.store(out, new char[0]);
        }
        Path pdf = dir.resolve("two.pdf");
        ReportExporter.export(Journal.snapshot(typedJournal), ReportFormat.PDF, pdf,
                SigningIdentity.generated(dir.resolve("dana-config"), ReportFormat.PDF, "Dana Operator"));
        ReportSigners.countersignPdf(pdf, SigningIdentity.pkcs12(boP12, PassphrasePrompt.NONE), "Backend lead");
        twoSigned = Files.readAllBytes(pdf);
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    @Test
    void threeSignersOnThreeWorkstationsAreEachValidForPdfsigAndListedWithTheirRoles() throws Exception {
        Path pdf = dir.resolve("three.pdf");
        Files.write(pdf, twoSigned);
        ReportSigners.Check two = ReportSigners.verifyPdf(pdf, Set.of());
        assertThat(two.valid()).as(two.problems().toString()).isTrue();
        assertThat(two.signed()).containsExactly("DBA", "Backend lead");
        assertThat(two.unsigned()).containsExactly("DevOps");

        // The third signer has only the file and their own config directory: no session, no journal.
        SigningIdentity devi = SigningIdentity.generated(dir.resolve("devi-config"), ReportFormat.PDF, "Devi Ops");
        ReportSigners.Check three = ReportSigners.countersignPdf(pdf, devi, "DevOps");
        assertThat(three.valid()).as(three.problems().toString()).isTrue();
        assertThat(three.signers()).extracting(ReportSigners.Signer::name)
                .containsExactly("Dana Operator", "Bo Lead", "Devi Ops");
        assertThat(three.signers()).extracting(ReportSigners.Signer::role)
                .containsExactly("DBA", "Backend lead", "DevOps");
        assertThat(three.signers()).allSatisfy(s -> assertThat(s.at()).isNotNull());
        assertThat(three.unsigned()).isEmpty();

        String dana = SigningIdentity.generated(dir.resolve("dana-config"), ReportFormat.PDF, "Dana Operator")
                .fingerprint();
        ReportSigners.Check trusted = ReportSigners.verifyPdf(pdf, Set.of(dana, bo.fingerprint(), devi.fingerprint()));
        assertThat(trusted.valid()).as(trusted.problems().toString()).isTrue();
        assertThat(trusted.signers()).extracting(ReportSigners.Signer::trusted).containsOnly(true);
        ReportSigners.Check boUnknown = ReportSigners.verifyPdf(pdf, Set.of(dana, devi.fingerprint()));
        assertThat(boUnknown.problems()).singleElement().asString()
                .startsWith("Unknown signer: Bo Lead " + bo.fingerprint());

        Tools.Result pdfsig = Tools.pdfsig(pdf);
        assertThat(count(pdfsig.output(), "Signature Validation: Signature is Valid.")).as(pdfsig.output())
                .isEqualTo(3);
        assertThat(count(pdfsig.output(), "Total document signed")).as(pdfsig.output()).isEqualTo(1);
        assertThat(pdfsig.output()).contains("Signer Certificate Common Name: Dana Operator",
                "Signer Certificate Common Name: Bo Lead", "Signer Certificate Common Name: Devi Ops");

        assertThatThrownBy(() -> ReportSigners.countersignPdf(pdf, devi, "DevOps"))
                .isInstanceOf(SigningException.class).hasMessageContaining("DevOps has already signed");

        // Exported again in its place, the two countersignatures would be gone without a word: refused, untouched.
        byte[] signedByThree = Files.readAllBytes(pdf);
        assertThatThrownBy(() -> ReportExporter.export(Journal.snapshot(typedJournal), ReportFormat.PDF, pdf, null))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
                .hasMessageContaining("countersignatures (Backend lead, DevOps)");
        assertThat(Files.readAllBytes(pdf)).isEqualTo(signedByThree);
    }

    @Test
    void aByteFlippedAnywhereInAMultiSignedReportIsDetected() throws Exception {
        Path flipped = dir.resolve("flipped.pdf");
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < 48; i++) positions.add((int) ((long) twoSigned.length * i / 48));
        positions.add(twoSigned.length - 1);
        // Inside each signature's /Contents and right after each revision's %%EOF.
        String text = new String(twoSigned, java.nio.charset.StandardCharsets.ISO_8859_1);
        Matcher contents = Pattern.compile("/Contents <").matcher(text);
        while (contents.find()) positions.add(contents.end() + 40);
        for (int eof = text.indexOf("%%EOF"); eof >= 0; eof = text.indexOf("%%EOF", eof + 1)) positions.add(eof + 2);
        List<String> missed = new ArrayList<>();
        for (int pos : positions) {
            byte[] bad = twoSigned.clone();
            bad[pos] ^= 0x01;
            Files.write(flipped, bad);
            ReportSigners.Check c = ReportSigners.verifyPdf(flipped, Set.of());
            if (c.valid()) missed.add("byte " + pos);
        }
        assertThat(missed).isEmpty();
    }

    @Test
    void anAnnotationAppendedAfterTheSignaturesIsReportedWithWhatItChanged() throws Exception {
        byte[] annotated = withPdfbox(twoSigned, doc -> {
            PDPage page = doc.getPage(0);
            PDAnnotationText note = new PDAnnotationText();
            note.setRectangle(new PDRectangle(100, 100, 20, 20));
            note.setContents("approved by nobody");
            page.getAnnotations().add(note);
            page.getCOSObject().setNeedToBeUpdated(true);
            page.getCOSObject().getCOSArray(org.apache.pdfbox.cos.COSName.ANNOTS).setNeedToBeUpdated(true);
        });
        Path pdf = dir.resolve("annotated.pdf");
        Files.write(pdf, annotated);
        ReportSigners.Check c = ReportSigners.verifyPdf(pdf, Set.of());
        assertThat(c.valid()).isFalse();
        assertThat(String.join("\n", c.problems())).contains("does not cover the whole file")
                .contains("page 1: an annotation was added (Text) that is not a signature");
        assertThatThrownBy(() -> ReportSigners.countersignPdf(pdf, SigningIdentity.generated(dir.resolve("x"),
                ReportFormat.PDF, "Devi Ops"), "DevOps")).isInstanceOf(SigningException.class)
                .hasMessageContaining("does not verify, so it is not countersigned");
    }

    @Test
    void aChangeHiddenUnderALaterSignatureIsReportedEvenThoughEverySignatureVerifies() throws Exception {
        // Changed page content, then a valid countersignature over it: each digest matches, the update does not.
        byte[] drawn = withPdfbox(twoSigned, doc -> {
            PDPage page = doc.getPage(0);
            try (PDPageContentStream cs = new PDPageContentStream(doc, page, PDPageContentStream.AppendMode.APPEND,
                    false)) {
                cs.addRect(0, 0, 600, 400);
                cs.fill();
            }
            page.getCOSObject().setNeedToBeUpdated(true);
        });
        PdfIdentity mallory = bo;
        Path pdf = dir.resolve("drawn.pdf");
        Files.write(pdf, PadesSigner.countersign(drawn, mallory, "DevOps", Instant.now()));
        ReportSigners.Check c = ReportSigners.verifyPdf(pdf, Set.of());
        assertThat(c.valid()).isFalse();
        assertThat(c.problems()).anySatisfy(p -> assertThat(p)
                .startsWith("The update that adds signature 3 (Bo Lead as DevOps) does more than sign: page 1 "
                        + "/Contents"));

        // A visible block added by a later signer could cover what the earlier ones signed.
        byte[] visible = PadesSigner.sign(twoSigned, mallory, null, "DevOps", Instant.now());
        Files.write(pdf, visible);
        assertThat(ReportSigners.verifyPdf(pdf, Set.of()).problems()).anySatisfy(p -> assertThat(p)
                .contains("a later signature draws a visible block on the page"));
    }

    @Test
    void aMarkdownReportGetsOneSshSignaturePerRoleThatSshKeygenVerifies() throws Exception {
        Path md = dir.resolve("md/report.md");
        Files.createDirectories(md.getParent());
        ExportResult exported = ReportExporter.export(Journal.snapshot(typedJournal), ReportFormat.MARKDOWN, md,
                SigningIdentity.generated(dir.resolve("dana-config"), ReportFormat.MARKDOWN, "Dana Operator"));
        Path boKey = dir.resolve("md/id_bo");
        Tools.Result made = Tools.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bo@example.org",
                "-f", boKey.toString()), null);
        assertThat(made.exit()).as(made.output()).isZero();

        ReportSigners.Countersigned boSigned = ReportSigners.countersignMarkdown(md,
                SigningIdentity.sshKey(boKey, PassphrasePrompt.NONE), "Backend lead");
        assertThat(boSigned.signature()).isEqualTo(dir.resolve("md/report.md.Backend%20lead.sig"));
        assertThat(boSigned.check().unsigned()).containsExactly("DBA", "DevOps");
        ReportSigners.Countersigned deviSigned = ReportSigners.countersignMarkdown(md,
                SigningIdentity.generated(dir.resolve("devi-config"), ReportFormat.MARKDOWN, "Devi Ops"), "DevOps");
        assertThat(deviSigned.signature()).isEqualTo(dir.resolve("md/report.md.DevOps.sig"));

        // The lines each signing printed make the team's allowed_signers file.
        Path allowed = dir.resolve("md/allowed_signers");
        Files.writeString(allowed, String.join("\n", exported.verification().allowedSignersLine(),
                boSigned.allowedSignersLine(), deviSigned.allowedSignersLine()) + "\n");
        for (String[] sig : List.of(new String[] {"Dana_Operator", "report.md.sig"},
                new String[] {"bo@example.org", "report.md.Backend%20lead.sig"},
                new String[] {"Devi_Ops", "report.md.DevOps.sig"})) {
            Tools.Result ssh = Tools.sshVerify(allowed, sig[0], md.resolveSibling(sig[1]), md);
            assertThat(ssh.exit()).as(sig[1] + ": " + ssh.output()).isZero();
            assertThat(ssh.output()).contains("Good \"file\" signature for " + sig[0]);
        }

        ReportSigners.Check check = ReportSigners.verifyMarkdown(md, allowed);
        assertThat(check.valid()).as(check.problems().toString()).isTrue();
        assertThat(check.signers()).extracting(ReportSigners.Signer::role)
                .containsExactly(null, "Backend lead", "DevOps");
        assertThat(check.signers()).extracting(ReportSigners.Signer::name)
                .containsExactly("Dana_Operator", "bo@example.org", "Devi_Ops");
        assertThat(check.signed()).containsExactly("Backend lead", "DevOps");
        assertThat(check.unsigned()).containsExactly("DBA");
        assertThatThrownBy(() -> ReportSigners.countersignMarkdown(md, SigningIdentity.sshKey(boKey,
                PassphrasePrompt.NONE), "Backend lead")).isInstanceOf(SigningException.class)
                .hasMessageContaining("Backend lead has already signed");

        // A key nobody listed, and then a changed report: each signature says what is wrong.
        Path onlyBo = dir.resolve("md/only-bo");
        Files.writeString(onlyBo, boSigned.allowedSignersLine() + "\n");
        assertThat(ReportSigners.verifyMarkdown(md, onlyBo).problems()).hasSize(2)
                .allSatisfy(p -> assertThat(p).contains("Unknown signer"));
        Files.writeString(md, Files.readString(md).replace("Dana Operator", "Dana 0perator"));
        ReportSigners.Check changed = ReportSigners.verifyMarkdown(md, allowed);
        assertThat(changed.problems()).hasSize(3).allSatisfy(p -> assertThat(p).contains("Digest mismatch"));

        // A new export over the report would drop two people's signatures without a word: refused, nothing touched.
        byte[] before = Files.readAllBytes(md);
        assertThatThrownBy(() -> ReportExporter.export(Journal.snapshot(typedJournal), ReportFormat.MARKDOWN, md, null))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
                .hasMessageContaining("countersignatures (Backend lead, DevOps)");
        assertThat(Files.readAllBytes(md)).isEqualTo(before);
        assertThat(ReportSigners.roleSignatureFiles(md)).hasSize(2);
        // Removed knowingly first, the report is exported again, and its own stale signature goes with it.
        for (Path f : ReportSigners.roleSignatureFiles(md)) Files.delete(f);
        ReportExporter.export(Journal.snapshot(typedJournal), ReportFormat.MARKDOWN, md, null);
        assertThat(md.resolveSibling("report.md.sig")).doesNotExist();
    }

    @Test
    void everyRoleIsOneFileNameThatReadsBackExactly() {
        Path report = Path.of("/tmp/r/report.md");
        for (String role : List.of("DBA", "Backend lead", "../../etc/passwd", "Ops/On-call", "Équipe Données 运维",
                "a+b%20c", ".")) {
            Path file = ReportSigners.roleSignatureFile(report, role);
            assertThat(file.getParent()).isEqualTo(report.getParent());
            assertThat(file.getFileName().toString()).matches("report\\.md\\.[A-Za-z0-9_%-]+\\.sig");
            assertThat(ReportSigners.roleOf(report, file)).isEqualTo(role);
        }
        assertThat(ReportSigners.roleOf(report, report.resolveSibling("report.md.sig"))).isNull();
        assertThat(ReportSigners.roleOf(report, report.resolveSibling("report.md.db%2fa.sig"))).isNull();
    }

    @Test
    void aSignOffSignedWithAKeyDetectsAnEditOfAnyEarlierJournalLine() throws Exception {
        Runbook rb = fx.runbook(RUNBOOK.replace("DBNAME", fx.database));
        Path boKey = dir.resolve("journal/id_bo");
        Files.createDirectories(boKey.getParent());
        Tools.Result made = Tools.run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bo@example.org",
                "-f", boKey.toString()), null);
        assertThat(made.exit()).as(made.output()).isZero();
        Path journal;
        try (Session s = fx.start(rb, "Dana Operator", RunListener.NONE)) {
            s.runChecks(step(rb, "count"), Session.Scope.ALL);
            s.signWithKey(step(rb, "signoff"), "DBA", SignoffSignatures.key(SigningIdentity.generated(
                    dir.resolve("dana-config"), ReportFormat.MARKDOWN, "Dana Operator")));
            s.signWithKey(step(rb, "signoff"), "Backend lead", SignoffSignatures.key(SigningIdentity.sshKey(boKey,
                    PassphrasePrompt.NONE)));
            s.signWithKey(step(rb, "signoff"), "DevOps", SignoffSignatures.key(SigningIdentity.pkcs12(boP12,
                    PassphrasePrompt.NONE)));
            s.finish();
            journal = s.journalFile();
            assertThat(s.state().signatures("signoff").get("DBA").name()).isEqualTo("Dana Operator");
        }
        ReportSigners.Check good = SignoffSignatures.verifyJournal(journal);
        assertThat(good.valid()).as(good.problems().toString()).isTrue();
        assertThat(good.signers()).extracting(ReportSigners.Signer::name)
                .containsExactly("Dana Operator", "bo@example.org", "Bo Lead");
        assertThat(good.signers().get(1).fingerprint()).startsWith("SHA256:");
        assertThat(good.signers().get(2).fingerprint()).isEqualTo(bo.fingerprint());
        assertThat(good.signed()).containsExactly("DBA", "Backend lead", "DevOps");

        // The check's result, rewritten after the DBA signed: every sign-off after it notices.
        List<String> lines = Files.readAllLines(journal);
        int result = indexOf(lines, "\"checkFinished\"");
        int dba = indexOf(lines, "\"role\":\"DBA\"");
        assertThat(result).isLessThan(dba);
        List<String> edited = new ArrayList<>(lines);
        edited.set(result, lines.get(result).replace("\"PASSED\"", "\"FAILED\""));
        assertThat(edited.get(result)).isNotEqualTo(lines.get(result));
        Path forged = dir.resolve("journal/forged.jsonl");
        Files.write(forged, edited);
        ReportSigners.Check caught = SignoffSignatures.verifyJournal(forged);
        assertThat(caught.problems()).hasSize(3).allSatisfy(p -> assertThat(p)
                .contains("was made over a different journal: a line before it was changed"));
        assertThat(caught.signed()).isEmpty();

        // The sign-off line itself: another name under the DBA's signature.
        edited = new ArrayList<>(lines);
        edited.set(dba, lines.get(dba).replace("Dana Operator", "Eve Operator"));
        Files.write(forged, edited);
        assertThat(SignoffSignatures.verifyJournal(forged).problems()).anySatisfy(p -> assertThat(p)
                .contains("the sign-off of DBA by Eve Operator does not verify"));

        // A gate decision slipped into the last sign-off line: its key signed "decision: sign-off", so it is refused.
        int devops = indexOf(lines, "\"role\":\"DevOps\"");
        String signedLine = lines.get(devops);
        edited = new ArrayList<>(lines);
        edited.set(devops, signedLine.contains("\"decision\":null")
                ? signedLine.replace("\"decision\":null", "\"decision\":\"NO-GO\"")
                : signedLine.replace("\"role\":\"DevOps\"", "\"role\":\"DevOps\",\"decision\":\"NO-GO\""));
        assertThat(edited.get(devops)).isNotEqualTo(signedLine);
        Files.write(forged, edited);
        assertThat(SignoffSignatures.verifyJournal(forged).problems()).anySatisfy(p -> assertThat(p)
                .contains("the NO-GO at the gate 'signoff' of DevOps by Bo Lead does not verify"));

        // A typed name proves nothing and says so.
        ReportSigners.Check typed = SignoffSignatures.verifyJournal(typedJournal);
        assertThat(typed.problems()).hasSize(3).allSatisfy(p -> assertThat(p)
                .contains("is a typed name, not signed with a key"));
    }

    private static int indexOf(List<String> lines, String what) {
        for (int i = 0; i < lines.size(); i++) if (lines.get(i).contains(what)) return i;
        throw new AssertionError("no journal line holds " + what);
    }

    private interface Edit {
        void apply(PDDocument doc) throws Exception;
    }

    private static byte[] withPdfbox(byte[] pdf, Edit edit) throws Exception {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            edit.apply(doc);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.saveIncremental(out);
            return out.toByteArray();
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) n++;
        return n;
    }
}
