package dev.runbookpilot.report.sign;

import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

/** A private key and its certificate chain, as used to sign a PDF. */
public record PdfIdentity(PrivateKey privateKey, List<X509Certificate> chain, String describe) {

    /**
     * The password of generated identities. They are protected by the config directory's owner-only permissions,
     * not by this password; it is fixed so that {@code openssl pkcs12} and {@code keytool} can open the file.
     */
    public static final char[] GENERATED_PASSWORD = "runbook-pilot".toCharArray();

    public PdfIdentity {
        if (chain.isEmpty()) throw new IllegalArgumentException("a signing identity needs a certificate");
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }

    public String signerName() {
        return commonName(certificate());
    }

    public String fingerprint() {
        return fingerprint(certificate());
    }

    /** SHA-256 of the certificate's DER encoding, as {@code AB:CD:...} (the form openssl and keytool print). */
    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(h);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot hash a certificate", e);
        }
    }

    /**
     * A SHA-256 certificate fingerprint as a person may paste it, in the form {@link #fingerprint(X509Certificate)}
     * prints: {@code AB:CD:...} or {@code abcd...} (what openssl and keytool print), or {@code SHA256:} with
     * base64 (the form ssh-keygen uses for keys).
     *
     * @throws IllegalArgumentException when it is none of these or not 32 bytes long
     */
    public static String canonicalFingerprint(String text) {
        String t = text.strip();
        byte[] hash;
        try {
            if (t.regionMatches(true, 0, "SHA256:", 0, 7)) {
                String b64 = t.substring(7);
                hash = Base64.getDecoder().decode(b64.length() % 4 == 0 ? b64 : b64 + "=".repeat(4 - b64.length() % 4));
            } else {
                hash = HexFormat.of().parseHex(t.replace(":", ""));
            }
        } catch (IllegalArgumentException e) {
            hash = null;
        }
        if (hash == null || hash.length != 32) {
            throw new IllegalArgumentException("'" + t + "' is not a SHA-256 certificate fingerprint; expected "
                    + "64 hex digits (AB:CD:... as openssl x509 -fingerprint -sha256 prints) or SHA256:base64");
        }
        return HexFormat.ofDelimiter(":").withUpperCase().formatHex(hash);
    }

    /** The fingerprint of an X.509 certificate in a PEM or DER file. */
    public static String certificateFileFingerprint(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            return fingerprint((X509Certificate) cert);
        } catch (CertificateException | ClassCastException e) {
            throw new IOException(file + " is not an X.509 certificate in PEM or DER form (" + e.getMessage() + ")",
                    e);
        }
    }

    public static String commonName(X509Certificate cert) {
        X500Name name = X500Name.getInstance(cert.getSubjectX500Principal().getEncoded());
        RDN[] cn = name.getRDNs(BCStyle.CN);
        if (cn.length == 0) return name.toString();
        // The name as written, not RFC 4514's escaped form ("Doe, Jane" rather than "Doe\\, Jane").
        return cn[0].getFirst().getValue() instanceof ASN1String text ? text.getString()
                : IETFUtils.valueToString(cn[0].getFirst().getValue());
    }

    /**
     * Opens a PKCS#12 file; the password is asked only after trying an empty one (many exported files have none).
     *
     * @param password the password, or null when the file has none
     */
    public static PdfIdentity loadPkcs12(Path file, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password);
        }
        for (String alias : Collections.list(ks.aliases())) {
            if (!ks.isKeyEntry(alias)) continue;
            PrivateKey key;
            try {
                key = (PrivateKey) ks.getKey(alias, password);
            } catch (UnrecoverableKeyException e) {
                throw new UnrecoverableKeyException("wrong password for the key in " + file);
            }
            List<X509Certificate> chain = new ArrayList<>();
            Certificate[] certs = ks.getCertificateChain(alias);
            if (certs == null) continue;
            for (Certificate c : certs) chain.add((X509Certificate) c);
            if (key != null && !chain.isEmpty()) return new PdfIdentity(key, chain, "PKCS#12 " + file);
        }
        throw new GeneralSecurityException(file + " holds no private key with a certificate");
    }

    /** Loads the generated identity of {@code signerName} from {@code file}, making it on first use. */
    public static PdfIdentity generated(Path file, String signerName) throws IOException, GeneralSecurityException {
        if (!Files.exists(file)) {
            PdfIdentity made = selfSigned(signerName);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("report-signing", made.privateKey(), GENERATED_PASSWORD,
                    made.chain().toArray(new Certificate[0]));
            SecretFiles.write(file, out -> {
                try {
                    ks.store(out, GENERATED_PASSWORD);
                } catch (GeneralSecurityException e) {
                    throw new IOException("cannot store " + file + ": " + e.getMessage(), e);
                }
            });
        }
        PdfIdentity id = loadPkcs12(file, GENERATED_PASSWORD);
        return new PdfIdentity(id.privateKey(), id.chain(), "generated self-signed certificate " + file);
    }

    /** A fresh RSA-3072 key with a self-signed certificate for document signing, valid ten years. */
    public static PdfIdentity selfSigned(String signerName) throws GeneralSecurityException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("RSA");
        kpg.initialize(3072, new SecureRandom());
        KeyPair kp = kpg.generateKeyPair();
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, signerName)
                .addRDN(BCStyle.O, "Runbook Pilot (self-signed)").build();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom())
                .abs().add(BigInteger.ONE), Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(3650, ChronoUnit.DAYS)), subject, kp.getPublic());
        try {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation));
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_emailProtection));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())));
            return new PdfIdentity(kp.getPrivate(), List.of(cert), "self-signed certificate for " + signerName);
        } catch (IOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot make a certificate: " + e.getMessage(), e);
        }
    }
}
