package org.sacip.protocol.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 (RFC 2104) over the concatenation of several parts. */
public final class HmacSha256 {
    public static final int OUTPUT_LENGTH = 32;

    private HmacSha256() {
    }

    /** @param key at least one octet (the JDK refuses empty keys; HKDF substitutes zeros for an empty salt) */
    public static byte[] mac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is a mandatory JDK algorithm and the key is never empty here.
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The first {@code length} octets of the HMAC (RFC 2104 section 5 truncation). */
    public static byte[] truncatedMac(int length, byte[] key, byte[]... parts) {
        if (length < 16 || length > OUTPUT_LENGTH) {
            throw new IllegalArgumentException("truncated MAC must keep 16 to 32 octets");
        }
        byte[] full = mac(key, parts);
        byte[] truncated = new byte[length];
        System.arraycopy(full, 0, truncated, 0, length);
        return truncated;
    }
}
