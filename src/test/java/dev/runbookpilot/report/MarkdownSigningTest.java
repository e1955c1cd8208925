package dev.runbookpilot.report;

import dev.runbookpilot.session.Journal;
import dev.runbookpilot.session.SessionFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MarkdownSigningTest {
    @TempDir
    static Path dir;
    private static final int BEGIN_LENGTH = "-----BEGIN SSH SIGNATURE-----".length();
    private static SessionFixture fx;
    private static Journal.Snapshot journal;

    @BeforeAll
    static void runSession() throws Exception {
        fx = SessionFixture.open("mdsign", SignedReportFixture.SETUP, dir);
        journal = SignedReportFixture.finishedJournal(fx);
    }

    @AfterAll
    static void close() {
        if (fx != null) fx.close();
    }

    private static Path sshKeygen(String name, String... typeArgs) throws Exception {
        Path key = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of("ssh-keygen", "-q", "-C", "ops@example.org", "-f", key.toString()));
        cmd.addAll(List.of(typeArgs));
        Tools.Result r = Tools.run(cmd, null);
        assertThat(r.exit()).as(r.output()).isZero();
        return key;
    }

    /** Writes the line our export printed, then asks OpenSSH itself. */
    private static Tools.Result sshKeygenVerifies(ExportResult result) throws Exception {
        Path allowed = dir.resolve("allowed_signers-" + System.nanoTime());
        Files.writeString(allowed, result.verification().allowedSignersLine() + "\n");
        return Tools.sshVerify(allowed, result.verification().signer(), result.signature(), result.report());
    }

    @Test
    void theGeneratedEd25519KeySignsWhatSshKeygenAccepts() throws Exception {
        Path config = dir.resolve("config");
        ExportResult result = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("gen.md"),
                SigningIdentity.generated(config, ReportFormat.MARKDOWN, "Zoë Ops"));

        assertThat(result.signature()).isEqualTo(dir.resolve("gen.md.sig"));
        assertThat(result.verification().valid()).isTrue();
        assertThat(result.verification().signer()).isEqualTo("Zoë_Ops");
        assertThat(result.verification().allowedSignersLine()).startsWith("Zoë_Ops namespaces=\"file\" ssh-ed25519 ");
        Tools.Result ssh = sshKeygenVerifies(result);
        assertThat(ssh.exit()).as(ssh.output()).isZero();
        assertThat(ssh.output()).contains("Good \"file\" signature for Zoë_Ops");
        // ssh-keygen reads the key we stored and prints the fingerprint we computed.
        Tools.Result fp = Tools.run(List.of("ssh-keygen", "-l", "-f",
                SigningIdentity.generatedFile(config, ReportFormat.MARKDOWN, "Zoë Ops").toString()), null);
        assertThat(fp.output()).contains(result.verification().fingerprint());
        assertThat(Files.readString(result.report())).contains("## Signature")
                .contains(result.verification().fingerprint());
    }

    @Test
    void eachSignerNameGetsItsOwnGeneratedKeyMadeOnceAndReused() throws Exception {
        Path config = dir.resolve("config-two");
        ExportResult ann = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("ann.md"),
                SigningIdentity.generated(config, ReportFormat.MARKDOWN, "Ann Ops"));
        ExportResult bob = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("bob.md"),
                SigningIdentity.generated(config, ReportFormat.MARKDOWN, "Bob Ops"));
        ExportResult annAgain = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("ann2.md"),
                SigningIdentity.generated(config, ReportFormat.MARKDOWN, "Ann Ops"));

        assertThat(ann.verification().signer()).isEqualTo("Ann_Ops");
        assertThat(bob.verification().signer()).isEqualTo("Bob_Ops");
        assertThat(bob.verification().fingerprint()).isNotEqualTo(ann.verification().fingerprint());
        assertThat(annAgain.verification().fingerprint()).isEqualTo(ann.verification().fingerprint());
        assertThat(Files.readString(bob.report())).contains(bob.verification().fingerprint())
                .doesNotContain(ann.verification().fingerprint());
        assertThat(SigningIdentity.generatedFile(config, ReportFormat.MARKDOWN, "Bob Ops").getFileName().toString())
                .matches("report-signing-ed25519-[0-9a-f]{12}");
        assertThat(sshKeygenVerifies(bob).exit()).isZero();
    }

    @Test
    void aGeneratedKeyFileNamingSomeoneElseIsRefused() throws Exception {
        Path config = dir.resolve("config-swapped");
        ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("carl.md"),
                SigningIdentity.generated(config, ReportFormat.MARKDOWN, "Carl"));
        Path dana = SigningIdentity.generatedFile(config, ReportFormat.MARKDOWN, "Dana");
        Files.copy(SigningIdentity.generatedFile(config, ReportFormat.MARKDOWN, "Carl"), dana);
        assertThatThrownBy(() -> ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("dana.md"),
                SigningIdentity.generated(config, ReportFormat.MARKDOWN, "Dana")))
                .isInstanceOf(SigningException.class).hasMessageContaining("names Carl, not Dana");
        assertThat(dir.resolve("dana.md")).doesNotExist();
    }

    @Test
    void ed25519AndRsaKeysMadeBySshKeygenSignWhatSshKeygenAccepts() throws Exception {
        for (Path key : List.of(sshKeygen("id_ed25519", "-t", "ed25519", "-N", ""),
                sshKeygen("id_rsa", "-t", "rsa", "-b", "3072", "-N", ""))) {
            Path out = dir.resolve(key.getFileName() + ".md");
            ExportResult result = ReportExporter.export(journal, ReportFormat.MARKDOWN, out,
                    SigningIdentity.sshKey(key, PassphrasePrompt.NONE));
            assertThat(result.verification().signer()).isEqualTo("ops@example.org");
            Tools.Result ssh = sshKeygenVerifies(result);
            assertThat(ssh.exit()).as(key + ": " + ssh.output()).isZero();

            Path allowed = dir.resolve(key.getFileName() + ".allowed");
            Files.writeString(allowed, "# team\nops@example.org " + Files.readString(Path.of(key + ".pub")));
            Verification ours = ReportVerifier.verifyMarkdown(out, null, allowed);
            assertThat(ours.valid()).as(ours.reason()).isTrue();
            assertThat(ours.signer()).isEqualTo("ops@example.org");
        }
    }

    @Test
    void aPassphraseProtectedKeyIsOpenedWithThePassphraseAskedOnce() throws Exception {
        Path key = sshKeygen("id_locked", "-t", "ed25519", "-N", "corrèct horse");
        AtomicInteger asked = new AtomicInteger();
        ExportResult result = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("locked.md"),
                SigningIdentity.sshKey(key, what -> {
                    asked.incrementAndGet();
                    assertThat(what).contains(key.toString());
                    return "corrèct horse".toCharArray();
                }));
        assertThat(asked).hasValue(1);
        assertThat(sshKeygenVerifies(result).exit()).isZero();

        assertThatThrownBy(() -> ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("no.md"),
                SigningIdentity.sshKey(key, what -> "wrong".toCharArray())))
                .isInstanceOf(SigningException.class).hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("no.md"),
                SigningIdentity.sshKey(key, PassphrasePrompt.NONE)))
                .isInstanceOf(SigningException.class).hasMessageContaining("none was given");
        assertThat(Files.exists(dir.resolve("no.md"))).isFalse();
    }

    @Test
    void anyChangedByteInTheReportOrItsSignatureMakesOurVerifyReject() throws Exception {
        ExportResult result = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("flip.md"),
                SigningIdentity.generated(dir.resolve("config-flip"), ReportFormat.MARKDOWN, "flipper"));
        Path allowed = dir.resolve("flip.allowed");
        Files.writeString(allowed, result.verification().allowedSignersLine() + "\n");
        List<String> sshKeygenAccepted = new ArrayList<>();
        for (Path target : List.of(result.report(), result.signature())) {
            byte[] good = Files.readAllBytes(target);
            String text = new String(good, StandardCharsets.ISO_8859_1);
            List<Integer> positions = new ArrayList<>(List.of(0, 1, good.length / 2, good.length - 2,
                    good.length - 1));
            for (int i = 1; i <= 16; i++) positions.add(good.length * i / 17);
            if (target.equals(result.signature())) positions.add(text.indexOf('\n', BEGIN_LENGTH + 1));
            int afterFooter = target.equals(result.signature())
                    ? text.lastIndexOf("-----END SSH SIGNATURE-----") + "-----END SSH SIGNATURE-----".length()
                    : good.length;
            for (int pos : positions) {
                for (int mask : new int[] {0xFF, 0x20, 0x01}) {
                    byte[] bad = good.clone();
                    bad[pos] ^= (byte) mask;
                    Files.write(target, bad);
                    Verification ours = ReportVerifier.verifyMarkdown(result.report(), result.signature(), allowed);
                    assertThat(ours.valid()).as("%s byte %d ^ 0x%02X: %s", target.getFileName(), pos, mask,
                            ours.reason()).isFalse();
                    Tools.Result ssh = Tools.sshVerify(allowed, "flipper", result.signature(), result.report());
                    boolean invisibleToSshKeygen = target.equals(result.signature()) && (pos >= afterFooter
                            || good[pos] == '\n' && Character.isWhitespace(bad[pos]));
                    if (ssh.exit() == 0 && !invisibleToSshKeygen) {
                        sshKeygenAccepted.add(target.getFileName() + " byte " + pos + " ^ " + mask);
                    }
                }
            }
            Files.write(target, good);
        }
        // OpenSSH skips whitespace inside the armor and ignores what follows the footer; everything else it refuses.
        assertThat(sshKeygenAccepted).isEmpty();
        assertThat(ReportVerifier.verifyMarkdown(result.report(), null, allowed).valid()).isTrue();
    }

    @Test
    void ourSignatureFileIsByteForByteWhatSshKeygenWritesForTheSameKey() throws Exception {
        Path key = sshKeygen("id_same", "-t", "ed25519", "-N", "");
        Path out = dir.resolve("same.md");
        ExportResult result = ReportExporter.export(journal, ReportFormat.MARKDOWN, out,
                SigningIdentity.sshKey(key, PassphrasePrompt.NONE));
        Path copy = dir.resolve("same-by-ssh-keygen.md");
        Files.copy(out, copy);
        Tools.Result sign = Tools.run(List.of("ssh-keygen", "-Y", "sign", "-f", key.toString(), "-n", "file",
                copy.toString()), null);
        assertThat(sign.exit()).as(sign.output()).isZero();
        // Ed25519 signatures are deterministic, so the same key and file give the same bytes.
        assertThat(Files.readString(Path.of(copy + ".sig"))).isEqualTo(Files.readString(result.signature()));
    }

    @Test
    void aSignatureWithTrailingWhitespaceOrCrLfLineEndsIsRefused() throws Exception {
        ExportResult result = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("ws.md"),
                SigningIdentity.generated(dir.resolve("config-ws"), ReportFormat.MARKDOWN, "ws"));
        String good = Files.readString(result.signature());
        for (String bad : List.of(good + "\n", good + " ", good.strip(), " " + good, good.replace("\n", "\r\n"))) {
            Files.writeString(result.signature(), bad);
            Verification v = ReportVerifier.verifyMarkdown(result.report(), null, null);
            assertThat(v.valid()).as(bad).isFalse();
        }
        Files.writeString(result.signature(), good + "\n");
        assertThat(ReportVerifier.verifyMarkdown(result.report(), null, null).reason())
                .startsWith("The signature file has been altered: it is not exactly the text ssh-keygen writes");
    }

    @Test
    void anUnsignedReExportRemovesTheStaleSignatureSoVerifySaysNotSigned() throws Exception {
        Path out = dir.resolve("reexport.md");
        Path sig = dir.resolve("reexport.md.sig");
        ReportExporter.export(journal, ReportFormat.MARKDOWN, out,
                SigningIdentity.generated(dir.resolve("config-re"), ReportFormat.MARKDOWN, "re"));
        assertThat(sig).exists();

        ExportResult unsigned = ReportExporter.export(journal, ReportFormat.MARKDOWN, out, null);
        assertThat(unsigned.signature()).isNull();
        assertThat(sig).doesNotExist();
        assertThat(ReportVerifier.verifyMarkdown(out, null, null).reason())
                .isEqualTo("Not signed: there is no signature file " + sig + ".");

        ReportExporter.export(journal, ReportFormat.MARKDOWN, out,
                SigningIdentity.generated(dir.resolve("config-re"), ReportFormat.MARKDOWN, "re"));
        assertThat(ReportVerifier.verifyMarkdown(out, null, null).valid()).isTrue();
    }

    @Test
    void aReportIsNotReplacedWhileTheOldSignatureCannotBeRemovedAndNoTemporaryFileIsLeft() throws Exception {
        Path stuck = Files.createDirectories(dir.resolve("stuck"));
        Path out = stuck.resolve("report.md");
        Files.writeString(out, "the old report\n");
        // A directory with something in it cannot be deleted: the old signature stays, so must the old report.
        Path sig = Files.createDirectories(stuck.resolve("report.md.sig"));
        Files.writeString(sig.resolve("keep"), "x");

        for (SigningIdentity id : Arrays.asList(null,
                SigningIdentity.generated(dir.resolve("config-stuck"), ReportFormat.MARKDOWN, "stuck"))) {
            assertThatThrownBy(() -> ReportExporter.export(journal, ReportFormat.MARKDOWN, out, id))
                    .isInstanceOf(DirectoryNotEmptyException.class);
            assertThat(Files.readString(out)).isEqualTo("the old report\n");
            try (var files = Files.list(stuck)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("report.md",
                        "report.md.sig");
            }
        }
    }

    @Test
    void anUnlistedKeyIsAnUnknownSignerAndAMissingSigMeansNotSigned() throws Exception {
        ExportResult result = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("who.md"),
                SigningIdentity.generated(dir.resolve("config-who"), ReportFormat.MARKDOWN, "who"));
        ExportResult other = ReportExporter.export(journal, ReportFormat.MARKDOWN, dir.resolve("other.md"),
                SigningIdentity.generated(dir.resolve("config-other"), ReportFormat.MARKDOWN, "who"));
        Path allowed = dir.resolve("other.allowed");
        Files.writeString(allowed, other.verification().allowedSignersLine() + "\n");
        Verification unknown = ReportVerifier.verifyMarkdown(result.report(), null, allowed);
        assertThat(unknown.valid()).isFalse();
        assertThat(unknown.reason()).startsWith("Unknown signer");

        Path plain = dir.resolve("plain.md");
        Files.writeString(plain, "# not signed\n", StandardCharsets.UTF_8);
        Verification none = ReportVerifier.verifyMarkdown(plain, null, null);
        assertThat(none.valid()).isFalse();
        assertThat(none.reason()).startsWith("Not signed");
    }
}
