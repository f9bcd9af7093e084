package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * Every value of every protocol and verdict octet, and the extreme values of every port, in each entry of the golden
 * CLAIM and CLAIM_REPLY: only 6 and 17, verdicts 1 to 7 and ports 1 to 65535 are well formed.
 */
class ClaimFieldValuesTest {
    private static final int CLAIM_ENTRIES = 72;
    private static final int REPLY_ENTRIES = 52;

    private static byte[] golden(MessageKind kind, AddressFamily family) {
        return SacipEncoder.encode(GoldenMessages.of(kind, family), GoldenMessages.source(family),
                GoldenMessages.destination(family));
    }

    private static SacipMessage decode(byte[] icmp, AddressFamily family) throws SacipCodecException {
        SacipAddress source = GoldenMessages.source(family);
        SacipAddress destination = GoldenMessages.destination(family);
        IcmpChecksum.rewrite(icmp, source, destination);
        return SacipDecoder.decode(icmp, source, destination);
    }

    private static Reason rejection(byte[] icmp, AddressFamily family) {
        return assertThrows(SacipCodecException.class, () -> decode(icmp, family)).reason();
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void claimEntryProtocols(AddressFamily family) throws SacipCodecException {
        byte[] golden = golden(MessageKind.CLAIM, family);
        for (int entry = 0; entry < 3; entry++) {
            int at = CLAIM_ENTRIES + 24 * entry;
            ClaimEntry original = GoldenMessages.claimEntries().get(entry);
            for (int value = 0; value < 256; value++) {
                byte[] icmp = golden.clone();
                icmp[at] = (byte) value;
                String what = "entry " + entry + " protocol " + value;
                if (value == 6 && !original.proof().isZeroFrom(ClaimEntry.TCP_PROOF_OCTETS)) {
                    assertEquals(Reason.NONZERO_TCP_PROOF_TAIL, rejection(icmp, family), what);
                } else if (value == 6 || value == 17) {
                    Claim claim = (Claim) decode(icmp, family);
                    assertEquals(ClaimProtocol.fromCode(value).orElseThrow(), claim.entries().get(entry).protocol());
                } else {
                    assertEquals(Reason.UNKNOWN_CLAIM_PROTOCOL, rejection(icmp, family), what);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void replyEntryVerdictsAndProtocols(AddressFamily family) throws SacipCodecException {
        byte[] golden = golden(MessageKind.CLAIM_REPLY, family);
        for (int entry = 0; entry < 3; entry++) {
            int at = REPLY_ENTRIES + 8 * entry;
            for (int value = 0; value < 256; value++) {
                byte[] verdict = golden.clone();
                verdict[at] = (byte) value;
                byte[] protocol = golden.clone();
                protocol[at + 1] = (byte) value;
                String what = "entry " + entry + " value " + value;
                if (value >= 1 && value <= 7) {
                    ClaimReplyEntry decoded = ((ClaimReply) decode(verdict, family)).entries().get(entry);
                    assertEquals(ClaimVerdict.fromCode(value).orElseThrow(), decoded.verdict(), what);
                } else {
                    assertEquals(Reason.UNKNOWN_CLAIM_VERDICT, rejection(verdict, family), what);
                }
                if (value == 6 || value == 17) {
                    decode(protocol, family);
                } else {
                    assertEquals(Reason.UNKNOWN_CLAIM_PROTOCOL, rejection(protocol, family), what);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(AddressFamily.class)
    void everyPortField(AddressFamily family) throws SacipCodecException {
        int[][] ports = new int[3 * 2 + 3 * 3][];
        int n = 0;
        for (int entry = 0; entry < 3; entry++) {
            ports[n++] = new int[] {MessageKind.CLAIM.code(), CLAIM_ENTRIES + 24 * entry + 2};
            ports[n++] = new int[] {MessageKind.CLAIM.code(), CLAIM_ENTRIES + 24 * entry + 4};
            for (int field = 0; field < 3; field++) {
                ports[n++] = new int[] {MessageKind.CLAIM_REPLY.code(), REPLY_ENTRIES + 8 * entry + 2 + 2 * field};
            }
        }
        for (int[] port : ports) {
            byte[] golden = golden(MessageKind.fromCode(port[0]).orElseThrow(), family);
            for (int value : new int[] {0, 1, 0xFF, 0x100, 0xFFFF}) {
                byte[] icmp = golden.clone();
                icmp[port[1]] = (byte) (value >>> 8);
                icmp[port[1] + 1] = (byte) value;
                if (value == 0) {
                    assertEquals(Reason.ZERO_PORT, rejection(icmp, family), "port at " + port[1]);
                } else {
                    decode(icmp, family);
                }
            }
        }
    }
}
