package org.sacip.protocol.claim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.Octets;

/**
 * Claim proofs: the TCP ISNs from a SYN-ACK, the UDP first-datagram digest against values computed with Python's
 * hashlib from the formula in docs/PROTOCOL.md, and agreement between the two ends of one session.
 */
class ClaimProofsTest {
    private static byte[] counting(int length) {
        byte[] payload = new byte[length];
        for (int i = 0; i < length; i++) {
            payload[i] = (byte) i;
        }
        return payload;
    }

    @Test
    void tcpProofTakesBothIsnsFromTheSynAck() {
        // Client ISN 0x01020304 (acknowledged as 0x01020305), server ISN 0x0a0b0c0d.
        assertEquals("010203040a0b0c0d0000000000000000",
                ClaimProofs.tcpProof(0x0a0b0c0d, 0x01020305, TcpSide.CLIENT).toHex());
        assertEquals("0a0b0c0d010203040000000000000000",
                ClaimProofs.tcpProof(0x0a0b0c0d, 0x01020305, TcpSide.SERVER).toHex());
    }

    @Test
    void clientIsnWrapsModulo2To32() {
        // A client ISN of 0xffffffff is acknowledged as 0.
        assertEquals("ffffffff800000000000000000000000",
                ClaimProofs.tcpProof(0x80000000, 0, TcpSide.CLIENT).toHex());
    }

    @Test
    void theClaimingSideComesFirst() {
        // One SYN-ACK, two holders: the same ISNs in the other order.
        Octets clientHolds = ClaimProofs.tcpProof(0x9abcdef0, 0x13572468, TcpSide.CLIENT);
        Octets serverHolds = ClaimProofs.tcpProof(0x9abcdef0, 0x13572468, TcpSide.SERVER);
        assertEquals("135724679abcdef00000000000000000", clientHolds.toHex());
        assertEquals("9abcdef0135724670000000000000000", serverHolds.toHex());
        assertEquals(clientHolds, ClaimEntry.tcp(40000, 443, clientHolds).proof(), "a valid TCP entry's proof");
    }

    @Test
    void udpDigestsMatchIndependentlyComputedValues() {
        assertEquals("b3b2e225dec6aea4", ClaimProofs.udpDigest(new byte[0]).toHex());
        assertEquals("c43a4f8910290ae9", ClaimProofs.udpDigest("hello".getBytes(StandardCharsets.US_ASCII)).toHex());
        assertEquals("b7bd7f7591897642", ClaimProofs.udpDigest(counting(256)).toHex());
        assertEquals("156176b3eecd9ede", ClaimProofs.udpDigest(counting(257)).toHex());
        assertEquals("dfa9b88da1397a02", ClaimProofs.udpDigest(counting(300)).toHex());
    }

    @Test
    void udpDigestCoversTheLengthAndOnlyTheFirst256Octets() {
        byte[] payload = counting(300);
        byte[] laterOctetChanged = payload.clone();
        laterOctetChanged[299] ^= 1;
        assertEquals(ClaimProofs.udpDigest(payload), ClaimProofs.udpDigest(laterOctetChanged));
        byte[] earlyOctetChanged = payload.clone();
        earlyOctetChanged[255] ^= 1;
        assertNotEquals(ClaimProofs.udpDigest(payload), ClaimProofs.udpDigest(earlyOctetChanged));
        assertNotEquals(ClaimProofs.udpDigest(counting(256)), ClaimProofs.udpDigest(counting(257)),
                "the same first 256 octets, another length");
    }

    @Test
    void aCapturedPrefixGivesTheDigestOfTheWholePayload() {
        byte[] payload = counting(1400);
        assertEquals(ClaimProofs.udpDigest(payload), ClaimProofs.udpDigest(1400, Arrays.copyOf(payload, 256)));
        assertEquals(ClaimProofs.udpDigest(counting(5)), ClaimProofs.udpDigest(5, counting(64)),
                "octets beyond the payload are not read");
        assertThrows(IllegalArgumentException.class, () -> ClaimProofs.udpDigest(1400, new byte[255]));
        assertThrows(IllegalArgumentException.class, () -> ClaimProofs.udpDigest(65536, new byte[256]));
        assertThrows(IllegalArgumentException.class, () -> ClaimProofs.udpDigest(-1, new byte[0]));
    }

    @Test
    void udpProofIsHolderDigestThenPeerDigest() {
        Octets holder = Octets.fromHex("0102030405060708");
        Octets peer = Octets.fromHex("1112131415161718");
        assertEquals("01020304050607081112131415161718", ClaimProofs.udpProof(holder, peer).toHex());
        assertThrows(IllegalArgumentException.class, () -> ClaimProofs.udpProof(holder, Octets.zeros(16)));
    }
}
