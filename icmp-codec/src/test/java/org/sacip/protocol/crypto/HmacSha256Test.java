package org.sacip.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** RFC 4231 HMAC-SHA256 test cases 1 to 7 (case 5 is the 128-bit truncation SACIP uses). */
class HmacSha256Test {
    private static byte[] repeat(int value, int count) {
        byte[] b = new byte[count];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static void check(String expected, byte[] key, byte[] data) {
        assertEquals(expected, HexFormat.of().formatHex(HmacSha256.mac(key, data)));
    }

    @Test
    void case1() {
        check("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7", repeat(0x0b, 20), ascii("Hi There"));
    }

    @Test
    void case2() {
        check("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843", ascii("Jefe"),
                ascii("what do ya want for nothing?"));
    }

    @Test
    void case3() {
        check("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe", repeat(0xaa, 20), repeat(0xdd, 50));
    }

    @Test
    void case4() {
        byte[] key = new byte[25];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) (i + 1);
        }
        check("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b", key, repeat(0xcd, 50));
    }

    @Test
    void case5TruncatedTo128Bits() {
        byte[] mac = HmacSha256.truncatedMac(16, repeat(0x0c, 20), ascii("Test With Truncation"));
        assertEquals("a3b6167473100ee06e0c796c2955552b", HexFormat.of().formatHex(mac));
    }

    @Test
    void case6() {
        check("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54", repeat(0xaa, 131),
                ascii("Test Using Larger Than Block-Size Key - Hash Key First"));
    }

    @Test
    void case7() {
        check("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2", repeat(0xaa, 131),
                ascii("This is a test using a larger than block-size key and a larger than block-size data."
                        + " The key needs to be hashed before being used by the HMAC algorithm."));
    }

    @Test
    void partsAreConcatenated() {
        assertEquals(HexFormat.of().formatHex(HmacSha256.mac(ascii("Jefe"), ascii("what do ya want for nothing?"))),
                HexFormat.of().formatHex(HmacSha256.mac(ascii("Jefe"), ascii("what do ya "), ascii("want for nothing?"))));
    }
}
