package dev.runbookpilot.report.sign;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * OpenBSD's {@code bcrypt_pbkdf}, the key derivation of passphrase-protected OpenSSH private keys, after
 * {@code openbsd-compat/bcrypt_pbkdf.c}. Blowfish's initial state is the fractional hex digits of pi; it is
 * computed here once rather than pasted as a thousand constants.
 */
final class BcryptPbkdf {
    private static final int WORDS = 18 + 4 * 256;
    private static final byte[] MAGIC = "OxychromaticBlowfishSwatDynamite".getBytes(StandardCharsets.US_ASCII);
    private static volatile int[] piWords;

    private final int[] p = new int[18];
    private final int[] s = new int[1024];

    private BcryptPbkdf() {}

    static byte[] derive(byte[] password, byte[] salt, int keyLength, int rounds) {
        if (rounds < 1) throw new IllegalArgumentException("bcrypt rounds must be positive");
        MessageDigest sha512 = sha512();
        byte[] key = new byte[keyLength];
        int stride = (keyLength + 32 - 1) / 32;
        int amt = (keyLength + stride - 1) / stride;
        byte[] sha2pass = sha512.digest(password);
        int remaining = keyLength;
        for (int count = 1; remaining > 0; count++) {
            sha512.update(salt);
            sha512.update(new byte[] {(byte) (count >>> 24), (byte) (count >>> 16), (byte) (count >>> 8),
                    (byte) count});
            byte[] tmp = hash(sha2pass, sha512.digest());
            byte[] out = tmp.clone();
            for (int i = 1; i < rounds; i++) {
                tmp = hash(sha2pass, sha512.digest(tmp));
                for (int j = 0; j < out.length; j++) out[j] ^= tmp[j];
            }
            amt = Math.min(amt, remaining);
            int i;
            for (i = 0; i < amt; i++) {
                int dest = i * stride + (count - 1);
                if (dest >= keyLength) break;
                key[dest] = out[i];
            }
            remaining -= i;
        }
        return key;
    }

    private static byte[] hash(byte[] sha2pass, byte[] sha2salt) {
        BcryptPbkdf state = new BcryptPbkdf();
        state.init();
        state.expand(sha2salt, sha2pass);
        for (int i = 0; i < 64; i++) {
            state.expand0(sha2salt);
            state.expand0(sha2pass);
        }
        int[] cdata = new int[8];
        int[] j = {0};
        for (int i = 0; i < 8; i++) cdata[i] = word(MAGIC, j);
        for (int i = 0; i < 64; i++) {
            for (int b = 0; b < 8; b += 2) state.encipher(cdata, b);
        }
        byte[] out = new byte[32];
        for (int i = 0; i < 8; i++) {
            out[4 * i + 3] = (byte) (cdata[i] >>> 24);
            out[4 * i + 2] = (byte) (cdata[i] >>> 16);
            out[4 * i + 1] = (byte) (cdata[i] >>> 8);
            out[4 * i] = (byte) cdata[i];
        }
        return out;
    }

    private void init() {
        int[] pi = pi();
        System.arraycopy(pi, 0, p, 0, 18);
        System.arraycopy(pi, 18, s, 0, 1024);
    }

    private int f(int x) {
        return ((s[x >>> 24] + s[256 + ((x >>> 16) & 0xff)]) ^ s[512 + ((x >>> 8) & 0xff)]) + s[768 + (x & 0xff)];
    }

    private void encipher(int[] d, int off) {
        int l = d[off];
        int r = d[off + 1];
        l ^= p[0];
        for (int i = 1; i <= 16; i += 2) {
            r ^= f(l) ^ p[i];
            l ^= f(r) ^ p[i + 1];
        }
        d[off] = r ^ p[17];
        d[off + 1] = l;
    }

    private void expand(byte[] data, byte[] key) {
        int[] j = {0};
        for (int i = 0; i < 18; i++) p[i] ^= word(key, j);
        j[0] = 0;
        int[] d = new int[2];
        for (int i = 0; i < 18; i += 2) {
            d[0] ^= word(data, j);
            d[1] ^= word(data, j);
            encipher(d, 0);
            p[i] = d[0];
            p[i + 1] = d[1];
        }
        for (int i = 0; i < 1024; i += 2) {
            d[0] ^= word(data, j);
            d[1] ^= word(data, j);
            encipher(d, 0);
            s[i] = d[0];
            s[i + 1] = d[1];
        }
    }

    private void expand0(byte[] key) {
        int[] j = {0};
        for (int i = 0; i < 18; i++) p[i] ^= word(key, j);
        int[] d = new int[2];
        for (int i = 0; i < 18; i += 2) {
            encipher(d, 0);
            p[i] = d[0];
            p[i + 1] = d[1];
        }
        for (int i = 0; i < 1024; i += 2) {
            encipher(d, 0);
            s[i] = d[0];
            s[i + 1] = d[1];
        }
    }

    /** Four bytes, big-endian, reading the array as a ring. */
    private static int word(byte[] data, int[] j) {
        int w = 0;
        for (int i = 0; i < 4; i++) {
            w = (w << 8) | (data[j[0]] & 0xff);
            j[0] = (j[0] + 1) % data.length;
        }
        return w;
    }

    /** The first 1042 32-bit words of pi's fractional part: Blowfish's P-array then its four S-boxes. */
    static int[] pi() {
        int[] words = piWords;
        if (words != null) return words;
        int bits = WORDS * 32;
        int guard = 64;
        int scale = bits + guard;
        BigInteger pi = arctanInverse(5, scale).shiftLeft(4).subtract(arctanInverse(239, scale).shiftLeft(2));
        BigInteger fraction = pi.subtract(BigInteger.valueOf(3).shiftLeft(scale)).shiftRight(guard);
        words = new int[WORDS];
        for (int i = 0; i < WORDS; i++) {
            words[i] = fraction.shiftRight(bits - 32 * (i + 1)).intValue();
        }
        piWords = words;
        return words;
    }

    /** arctan(1/x) scaled by 2^scale, by its Taylor series. */
    private static BigInteger arctanInverse(int x, int scale) {
        BigInteger xx = BigInteger.valueOf((long) x * x);
        BigInteger term = BigInteger.ONE.shiftLeft(scale).divide(BigInteger.valueOf(x));
        BigInteger sum = term;
        for (int k = 1; term.signum() != 0; k++) {
            term = term.divide(xx);
            BigInteger part = term.divide(BigInteger.valueOf(2L * k + 1));
            sum = (k % 2 == 1) ? sum.subtract(part) : sum.add(part);
        }
        return sum;
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is part of every Java runtime", e);
        }
    }
}
