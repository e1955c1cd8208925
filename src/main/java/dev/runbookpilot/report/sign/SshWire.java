package dev.runbookpilot.report.sign;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The SSH wire encoding (RFC 4251): uint32, string, mpint. */
final class SshWire {
    private SshWire() {}

    static final class Reader {
        private final byte[] b;
        private int pos;

        Reader(byte[] b) {
            this.b = b;
        }

        int uint32() throws MalformedKeyException {
            need(4);
            int v = (b[pos] & 0xff) << 24 | (b[pos + 1] & 0xff) << 16 | (b[pos + 2] & 0xff) << 8 | (b[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        byte[] bytes() throws MalformedKeyException {
            int n = uint32();
            if (n < 0) throw new MalformedKeyException("a length field is out of range");
            need(n);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        byte[] raw(int n) throws MalformedKeyException {
            need(n);
            byte[] out = Arrays.copyOfRange(b, pos, pos + n);
            pos += n;
            return out;
        }

        String string() throws MalformedKeyException {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        BigInteger mpint() throws MalformedKeyException {
            byte[] v = bytes();
            return v.length == 0 ? BigInteger.ZERO : new BigInteger(v);
        }

        int remaining() {
            return b.length - pos;
        }

        private void need(int n) throws MalformedKeyException {
            if (n > b.length - pos) throw new MalformedKeyException("the data ends early");
        }
    }

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer uint32(int v) {
            out.write(v >>> 24);
            out.write(v >>> 16);
            out.write(v >>> 8);
            out.write(v);
            return this;
        }

        Writer bytes(byte[] v) {
            uint32(v.length);
            out.writeBytes(v);
            return this;
        }

        Writer raw(byte[] v) {
            out.writeBytes(v);
            return this;
        }

        Writer string(String v) {
            return bytes(v.getBytes(StandardCharsets.UTF_8));
        }

        Writer mpint(BigInteger v) {
            return bytes(v.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Data that does not follow the SSH key or signature format. */
    static final class MalformedKeyException extends Exception {
        MalformedKeyException(String message) {
            super(message);
        }
    }
}
