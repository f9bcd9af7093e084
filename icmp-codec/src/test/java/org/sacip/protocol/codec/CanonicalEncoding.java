package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * What "one encoding per message" means for tests that decode and encode again: the same octets, except that a
 * received checksum of 0xffff comes back as 0x0000 (receivers accept both forms of a zero checksum, senders write
 * 0x0000; docs/PROTOCOL.md section 2). The checksum is outside the MAC, so the MAC input stays unique.
 */
final class CanonicalEncoding {
    private CanonicalEncoding() {
    }

    static void assertReencodes(byte[] received, byte[] reencoded, String what) {
        byte[] expected = received.clone();
        if (expected.length >= 4 && (expected[2] & 0xFF) == 0xFF && (expected[3] & 0xFF) == 0xFF) {
            expected[2] = 0;
            expected[3] = 0;
        }
        assertArrayEquals(expected, reencoded, what);
    }
}
