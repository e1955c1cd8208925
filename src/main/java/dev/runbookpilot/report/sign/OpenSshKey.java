package dev.runbookpilot.report.sign;

import dev.runbookpilot.report.PassphrasePrompt;
import dev.runbookpilot.report.SigningException;

import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An OpenSSH private key ({@code openssh-key-v1}, as {@code ssh-keygen} writes since 7.8): Ed25519 or RSA, plain
 * or protected by a passphrase with bcrypt-pbkdf and aes256-ctr (ssh-keygen's default) or aes256-cbc / aes128-ctr.
 */
public final class OpenSshKey {
    private static final String BEGIN = "-----BEGIN OPENSSH PRIVATE KEY-----";
    private static final String END = "-----END OPENSSH PRIVATE KEY-----";
    private static final byte[] AUTH_MAGIC = "openssh-key-v1\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final String type;
    private final byte[] publicBlob;
    private final PrivateKey privateKey;
    private final String comment;
    private final byte[] ed25519Seed;

    private OpenSshKey(String type, byte[] publicBlob, PrivateKey privateKey, String comment, byte[] ed25519Seed) {
        this.type = type;
        this.publicBlob = publicBlob;
        this.privateKey = privateKey;
        this.comment = comment;
        this.ed25519Seed = ed25519Seed;
    }

    public String type() {
        return type;
    }

    public byte[] publicBlob() {
        return publicBlob.clone();
    }

    public String comment() {
        return comment;
    }

    /** As {@code ssh-keygen -l} prints it: {@code SHA256:} and the unpadded base64 of the key blob's hash. */
    public String fingerprint() {
        return fingerprint(publicBlob);
    }

    public static String fingerprint(byte[] publicBlob) {
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(publicBlob));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** The public key as in {@code id_ed25519.pub}: type, base64 blob, comment. */
    public String publicKeyLine() {
        return type + " " + Base64.getEncoder().encodeToString(publicBlob) + (comment.isBlank() ? "" : " " + comment);
    }

    /** An SSH signature blob: algorithm name and signature (Ed25519, or RSA with SHA-512 as rsa-sha2-512). */
    byte[] sign(byte[] data) throws GeneralSecurityException {
        boolean rsa = "ssh-rsa".equals(type);
        Signature s = Signature.getInstance(rsa ? "SHA512withRSA" : "Ed25519");
        s.initSign(privateKey);
        s.update(data);
        return new SshWire.Writer().string(rsa ? "rsa-sha2-512" : "ssh-ed25519").bytes(s.sign()).toByteArray();
    }

    public static OpenSshKey generateEd25519(String comment) throws GeneralSecurityException {
        byte[] seed = new byte[32];
        new SecureRandom().nextBytes(seed);
        return ed25519(seed, comment);
    }

    private static OpenSshKey ed25519(byte[] seed, String comment) throws GeneralSecurityException {
        KeyFactory kf = KeyFactory.getInstance("Ed25519");
        PrivateKey priv = kf.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
        byte[] raw = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
        byte[] blob = new SshWire.Writer().string("ssh-ed25519").bytes(raw).toByteArray();
        return new OpenSshKey("ssh-ed25519", blob, priv, comment, seed);
    }

    /** Writes the key unencrypted in OpenSSH format, owner-only, and its {@code .pub} next to it. */
    public void writeUnencrypted(Path file) throws IOException {
        if (ed25519Seed == null) throw new IllegalStateException("only generated Ed25519 keys are written");
        byte[] raw = Arrays.copyOfRange(publicBlob, publicBlob.length - 32, publicBlob.length);
        byte[] secret = new byte[64];
        System.arraycopy(ed25519Seed, 0, secret, 0, 32);
        System.arraycopy(raw, 0, secret, 32, 32);
        int check = new SecureRandom().nextInt();
        SshWire.Writer priv = new SshWire.Writer().uint32(check).uint32(check).string("ssh-ed25519").bytes(raw)
                .bytes(secret).string(comment);
        byte[] body = priv.toByteArray();
        int pad = (8 - body.length % 8) % 8;
        for (int i = 1; i <= pad; i++) priv.raw(new byte[] {(byte) i});
        byte[] whole = new SshWire.Writer().raw(AUTH_MAGIC).string("none").string("none").bytes(new byte[0])
                .uint32(1).bytes(publicBlob).bytes(priv.toByteArray()).toByteArray();
        StringBuilder pem = new StringBuilder(BEGIN).append('\n');
        String b64 = Base64.getEncoder().encodeToString(whole);
        for (int i = 0; i < b64.length(); i += 70) pem.append(b64, i, Math.min(b64.length(), i + 70)).append('\n');
        pem.append(END).append('\n');
        SecretFiles.write(file, out -> out.write(pem.toString().getBytes(StandardCharsets.US_ASCII)));
        Path pub = file.resolveSibling(file.getFileName() + ".pub");
        Files.writeString(pub, publicKeyLine() + "\n", StandardCharsets.UTF_8);
    }

    public static OpenSshKey read(Path file, PassphrasePrompt prompt) throws IOException, SigningException {
        String text = Files.readString(file, StandardCharsets.ISO_8859_1).strip();
        if (text.startsWith("-----BEGIN RSA PRIVATE KEY-----") || text.startsWith("-----BEGIN PRIVATE KEY-----")
                || text.startsWith("-----BEGIN EC PRIVATE KEY-----")) {
            throw new SigningException(file + " is a PEM key; convert it to the OpenSSH format with "
                    + "'ssh-keygen -p -f " + file + "' (which rewrites it in place) and try again");
        }
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new SigningException(file + " is not an OpenSSH private key (no '" + BEGIN + "' line); "
                    + "give the private key, not the .pub file");
        }
        byte[] data;
        try {
            data = Base64.getMimeDecoder().decode(text.substring(begin + BEGIN.length(), end));
        } catch (IllegalArgumentException e) {
            throw new SigningException(file + " is not a readable OpenSSH private key: " + e.getMessage());
        }
        try {
            return parse(data, file, prompt);
        } catch (SshWire.MalformedKeyException e) {
            throw new SigningException(file + " is not a readable OpenSSH private key: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new SigningException("cannot use the key in " + file + ": " + e.getMessage(), e);
        }
    }

    private static OpenSshKey parse(byte[] data, Path file, PassphrasePrompt prompt)
            throws SshWire.MalformedKeyException, GeneralSecurityException, SigningException {
        if (data.length < AUTH_MAGIC.length || !Arrays.equals(Arrays.copyOf(data, AUTH_MAGIC.length), AUTH_MAGIC)) {
            throw new SshWire.MalformedKeyException("it does not start with openssh-key-v1");
        }
        SshWire.Reader r = new SshWire.Reader(Arrays.copyOfRange(data, AUTH_MAGIC.length, data.length));
        String cipher = r.string();
        String kdf = r.string();
        byte[] kdfOptions = r.bytes();
        int keys = r.uint32();
        if (keys != 1) throw new SshWire.MalformedKeyException("it holds " + keys + " keys; one is expected");
        byte[] publicBlob = r.bytes();
        byte[] secret = r.bytes();
        if (!"none".equals(cipher)) secret = decrypt(secret, cipher, kdf, kdfOptions, file, prompt);
        SshWire.Reader p = new SshWire.Reader(secret);
        if (p.uint32() != p.uint32()) {
            throw new SigningException("wrong passphrase for " + file);
        }
        String type = p.string();
        switch (type) {
            case "ssh-ed25519": {
                p.bytes();
                byte[] sk = p.bytes();
                String comment = p.string();
                if (sk.length != 64) throw new SshWire.MalformedKeyException("the Ed25519 secret has " + sk.length
                        + " bytes, not 64");
                OpenSshKey key = ed25519(Arrays.copyOf(sk, 32), comment);
                if (!Arrays.equals(key.publicBlob, publicBlob)) {
                    throw new SshWire.MalformedKeyException("its public and private parts do not match");
                }
                return key;
            }
            case "ssh-rsa": {
                BigInteger n = p.mpint();
                BigInteger e = p.mpint();
                BigInteger d = p.mpint();
                BigInteger iqmp = p.mpint();
                BigInteger pp = p.mpint();
                BigInteger q = p.mpint();
                String comment = p.string();
                KeyFactory kf = KeyFactory.getInstance("RSA");
                PrivateKey priv = kf.generatePrivate(new RSAPrivateCrtKeySpec(n, e, d, pp, q,
                        d.mod(pp.subtract(BigInteger.ONE)), d.mod(q.subtract(BigInteger.ONE)), iqmp));
                return new OpenSshKey("ssh-rsa", publicBlob, priv, comment, null);
            }
            default:
                throw new SigningException(file + " is a " + type + " key; report signing supports ssh-ed25519 "
                        + "and ssh-rsa keys");
        }
    }

    private static byte[] decrypt(byte[] secret, String cipher, String kdf, byte[] kdfOptions, Path file,
                                  PassphrasePrompt prompt)
            throws SshWire.MalformedKeyException, GeneralSecurityException, SigningException {
        int keyLength;
        String transformation;
        switch (cipher) {
            case "aes256-ctr" -> { keyLength = 32; transformation = "AES/CTR/NoPadding"; }
            case "aes192-ctr" -> { keyLength = 24; transformation = "AES/CTR/NoPadding"; }
            case "aes128-ctr" -> { keyLength = 16; transformation = "AES/CTR/NoPadding"; }
            case "aes256-cbc" -> { keyLength = 32; transformation = "AES/CBC/NoPadding"; }
            default -> throw new SigningException(file + " is encrypted with " + cipher + ", which is not "
                    + "supported; re-encrypt it with 'ssh-keygen -p -Z aes256-ctr -f " + file + "'");
        }
        if (!"bcrypt".equals(kdf)) {
            throw new SigningException(file + " uses key derivation " + kdf + "; only bcrypt is supported");
        }
        SshWire.Reader o = new SshWire.Reader(kdfOptions);
        byte[] salt = o.bytes();
        int rounds = o.uint32();
        char[] pass = prompt == null ? null : prompt.ask("the SSH key " + file);
        if (pass == null) throw new SigningException(file + " is protected by a passphrase and none was given");
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(pass));
        byte[] passExact = new byte[encoded.remaining()];
        encoded.get(passExact);
        Arrays.fill(encoded.array(), (byte) 0);
        Arrays.fill(pass, '\0');
        byte[] keyIv = BcryptPbkdf.derive(passExact, salt, keyLength + 16, rounds);
        Arrays.fill(passExact, (byte) 0);
        Cipher c = Cipher.getInstance(transformation);
        c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(keyIv, 0, keyLength, "AES"),
                new IvParameterSpec(keyIv, keyLength, 16));
        if (secret.length % 16 != 0) throw new SshWire.MalformedKeyException("the encrypted part is not whole "
                + "blocks");
        return c.doFinal(secret);
    }

    /** Verifies an SSH signature blob made by the key in {@code publicBlob}. */
    static boolean verify(byte[] publicBlob, byte[] signatureBlob, byte[] data)
            throws SshWire.MalformedKeyException, GeneralSecurityException {
        SshWire.Reader k = new SshWire.Reader(publicBlob);
        String keyType = k.string();
        SshWire.Reader s = new SshWire.Reader(signatureBlob);
        String sigType = s.string();
        byte[] sig = s.bytes();
        PublicKey pub;
        String algorithm;
        if ("ssh-ed25519".equals(keyType)) {
            if (!"ssh-ed25519".equals(sigType)) return false;
            byte[] raw = k.bytes();
            byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + raw.length);
            System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
            pub = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            algorithm = "Ed25519";
        } else if ("ssh-rsa".equals(keyType)) {
            BigInteger e = k.mpint();
            BigInteger n = k.mpint();
            pub = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
            algorithm = switch (sigType) {
                case "rsa-sha2-512" -> "SHA512withRSA";
                case "rsa-sha2-256" -> "SHA256withRSA";
                default -> throw new GeneralSecurityException("RSA signature type " + sigType + " is not accepted");
            };
        } else {
            throw new GeneralSecurityException("key type " + keyType + " is not supported");
        }
        Signature v = Signature.getInstance(algorithm);
        v.initVerify(pub);
        v.update(data);
        return v.verify(sig);
    }
}
