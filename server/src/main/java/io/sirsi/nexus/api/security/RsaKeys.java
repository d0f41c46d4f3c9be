package io.sirsi.nexus.api.security;

import java.math.BigInteger;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

/**
 * A PKCS #1 RSA private key ({@code BEGIN RSA PRIVATE KEY}) read far enough to compare it with a certificate: the
 * JDK parses only PKCS #8, and its modulus and public exponent are the first two numbers of the key's DER
 * ({@code SEQUENCE { version, modulus, publicExponent, ... }}, RFC 8017 A.1.2), so no library is needed for it.
 */
final class RsaKeys {

    private static final int SEQUENCE = 0x30;
    private static final int INTEGER = 0x02;

    private RsaKeys() {
    }

    /** Whether the key's modulus and public exponent are the public key's; false for DER that is not such a key. */
    static boolean sameModulus(byte[] pkcs1, RSAPublicKey publicKey) {
        try {
            Der key = new Der(pkcs1, 0, pkcs1.length).enter(SEQUENCE);
            key.integer(); // version
            return key.integer().equals(publicKey.getModulus())
                    && key.integer().equals(publicKey.getPublicExponent());
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException malformed) {
            return false;
        }
    }

    /** A cursor over DER's tag-length-value items, between {@code position} and {@code end}. */
    private static final class Der {

        private final byte[] bytes;
        private int position;
        private final int end;

        Der(byte[] bytes, int position, int end) {
            this.bytes = bytes;
            this.position = position;
            this.end = end;
        }

        /** The next item's content, as a cursor of its own; this one moves past it. */
        Der enter(int tag) {
            if ((bytes[position++] & 0xff) != tag) {
                throw new IllegalArgumentException("not tag " + tag);
            }
            int length = bytes[position++] & 0xff;
            if (length > 0x80) { // long form: the next (length - 0x80) bytes are the length
                int octets = length - 0x80;
                if (octets > 3) {
                    throw new IllegalArgumentException("too long");
                }
                length = 0;
                for (int i = 0; i < octets; i++) {
                    length = (length << 8) | (bytes[position++] & 0xff);
                }
            } else if (length == 0x80) {
                throw new IllegalArgumentException("indefinite length is not DER");
            }
            if (length > end - position) {
                throw new IllegalArgumentException("truncated");
            }
            Der content = new Der(bytes, position, position + length);
            position += length;
            return content;
        }

        BigInteger integer() {
            Der value = enter(INTEGER);
            return new BigInteger(Arrays.copyOfRange(bytes, value.position, value.end));
        }
    }
}
