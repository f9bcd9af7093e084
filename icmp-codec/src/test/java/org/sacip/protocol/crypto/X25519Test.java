package org.sacip.protocol.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.SacipProtocolException;

/** Known answers of RFC 7748 sections 5.2 and 6.1, through the JDK XDH provider and our little-endian conversion. */
class X25519Test {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void section52FirstVector() {
        byte[] out = X25519.compute(hex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                hex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
        assertEquals("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552", hex(out));
    }

    @Test
    void section52SecondVectorIgnoresTheTopBitOfU() {
        byte[] out = X25519.compute(hex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"),
                hex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493"));
        assertEquals("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957", hex(out));
    }

    @Test
    void section52IteratedOnceAndThousandTimes() {
        byte[] k = hex("0900000000000000000000000000000000000000000000000000000000000000");
        byte[] u = k.clone();
        for (int i = 1; i <= 1000; i++) {
            byte[] next = X25519.compute(k, u);
            u = k;
            k = next;
            if (i == 1) {
                assertEquals("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079", hex(k));
            }
        }
        assertEquals("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51", hex(k));
    }

    @Test
    void section61DiffieHellman() throws SacipProtocolException {
        byte[] alicePrivate = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] bobPrivate = hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
        byte[] alicePublic = X25519.publicKey(alicePrivate);
        byte[] bobPublic = X25519.publicKey(bobPrivate);
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a", hex(alicePublic));
        assertEquals("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f", hex(bobPublic));
        String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
        assertEquals(shared, hex(X25519.sharedSecret(alicePrivate, bobPublic)));
        assertEquals(shared, hex(X25519.sharedSecret(bobPrivate, alicePublic)));
    }

    @Test
    void smallOrderShareIsRefused() {
        byte[] scalar = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        for (String smallOrder : new String[] {
                "0000000000000000000000000000000000000000000000000000000000000000",
                "0100000000000000000000000000000000000000000000000000000000000000",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"}) {
            SacipProtocolException e = assertThrows(SacipProtocolException.class,
                    () -> X25519.sharedSecret(scalar, hex(smallOrder)));
            assertEquals(SacipProtocolException.Reason.WEAK_KEY_SHARE, e.reason());
        }
    }

    @Test
    void keyPairAgreesWithItsPeer() throws SacipProtocolException {
        EphemeralKeyPair a = EphemeralKeyPair.generate(new java.security.SecureRandom());
        EphemeralKeyPair b = EphemeralKeyPair.generate(new java.security.SecureRandom());
        assertArrayEquals(a.sharedSecret(b.publicShare()), b.sharedSecret(a.publicShare()));
    }
}
