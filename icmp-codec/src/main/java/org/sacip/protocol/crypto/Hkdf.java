package org.sacip.protocol.crypto;

import java.io.ByteArrayOutputStream;

/** HKDF with HMAC-SHA256 (RFC 5869); the JDK 17 has no public HKDF. */
public final class Hkdf {
    private static final int MAX_OUTPUT = 255 * HmacSha256.OUTPUT_LENGTH;

    private Hkdf() {
    }

    /** HKDF-Extract: PRK = HMAC(salt, IKM); an empty salt means 32 zero octets. */
    public static byte[] extract(byte[] salt, byte[] inputKeyMaterial) {
        byte[] key = salt.length == 0 ? new byte[HmacSha256.OUTPUT_LENGTH] : salt;
        return HmacSha256.mac(key, inputKeyMaterial);
    }

    /** HKDF-Expand: T(1) | T(2) | ... with T(i) = HMAC(PRK, T(i-1) | info | i), cut to {@code length}. */
    public static byte[] expand(byte[] pseudoRandomKey, byte[] info, int length) {
        if (length < 0 || length > MAX_OUTPUT) {
            throw new IllegalArgumentException("HKDF-SHA256 output is 0 to " + MAX_OUTPUT + " octets");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(length);
        byte[] previous = new byte[0];
        for (int counter = 1; out.size() < length; counter++) {
            previous = HmacSha256.mac(pseudoRandomKey, previous, info, new byte[] {(byte) counter});
            out.write(previous, 0, Math.min(previous.length, length - out.size()));
        }
        return out.toByteArray();
    }

    public static byte[] derive(byte[] salt, byte[] inputKeyMaterial, byte[] info, int length) {
        return expand(extract(salt, inputKeyMaterial), info, length);
    }
}
