package org.sacip.protocol.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;

/**
 * Every body length of CLAIM and CLAIM_REPLY from 0 to beyond the largest, and every value of the entry count:
 * shorter than one entry is truncated, any other length that is not the fixed part and 1 to 40 whole entries has
 * trailing octets, and a whole length decodes only with the count it holds.
 */
class ClaimLengthTest {
    private static final AddressFamily FAMILY = AddressFamily.IPV6;
    private static final SacipAddress SOURCE = GoldenMessages.source(FAMILY);
    private static final SacipAddress DESTINATION = GoldenMessages.destination(FAMILY);
    private static final int HEADERS = WireFormat.ICMP_HEADER_LENGTH + WireFormat.SACIP_HEADER_LENGTH;

    /** A valid message of 40 distinct random entries. */
    private static SacipMessage full(MessageKind kind) {
        RandomMessages random = new RandomMessages(new Random(kind.code()));
        Octets keyId = Octets.fromHex("0102030405060708");
        Octets mac = Octets.fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
        if (kind == MessageKind.CLAIM) {
            List<ClaimEntry> entries = new ArrayList<>();
            while (entries.size() < MessageKind.MAX_ENTRIES) {
                entries.add(random.claimEntry());
            }
            return new Claim(keyId, 9, GoldenMessages.original(FAMILY), DESTINATION, entries, mac);
        }
        ClaimReply sample = random.claimReply(FAMILY);
        List<ClaimReplyEntry> entries = new ArrayList<>();
        while (entries.size() < MessageKind.MAX_ENTRIES) {
            entries.addAll(random.claimReply(FAMILY).entries());
        }
        return new ClaimReply(keyId, 9, sample.seenHolderAddress(), entries.subList(0, MessageKind.MAX_ENTRIES), mac);
    }

    /** Offset of the 16-bit entry count in the ICMP message. */
    private static int countOffset(MessageKind kind) {
        return HEADERS + kind.fixedBodyLength() - 16 - 4;
    }

    private static byte[] withCount(byte[] icmp, MessageKind kind, int count) {
        byte[] copy = icmp.clone();
        copy[countOffset(kind)] = (byte) (count >>> 8);
        copy[countOffset(kind) + 1] = (byte) count;
        return IcmpChecksum.rewrite(copy, SOURCE, DESTINATION);
    }

    private static Reason reasonOf(byte[] icmp) {
        return assertThrows(SacipCodecException.class, () -> SacipDecoder.decode(icmp, SOURCE, DESTINATION)).reason();
    }

    @ParameterizedTest
    @EnumSource(names = {"CLAIM", "CLAIM_REPLY"})
    void everyBodyLength(MessageKind kind) throws SacipCodecException {
        byte[] full = SacipEncoder.encode(full(kind), SOURCE, DESTINATION);
        int decoded = 0;
        for (int body = 0; body <= kind.maxBodyLength() + 2 * kind.entryLength(); body++) {
            // Cut or zero-extended; whatever stands in the last 16 octets is the MAC.
            byte[] icmp = Arrays.copyOf(full, HEADERS + body);
            int entryOctets = body - kind.fixedBodyLength();
            boolean whole = body >= kind.minBodyLength() && body <= kind.maxBodyLength()
                    && entryOctets % kind.entryLength() == 0;
            if (body < kind.minBodyLength()) {
                if (body >= countOffset(kind) + 2 - HEADERS) {
                    icmp = withCount(icmp, kind, 1);
                }
                assertEquals(Reason.TRUNCATED_BODY, reasonOf(IcmpChecksum.rewrite(icmp, SOURCE, DESTINATION)),
                        "body of " + body);
            } else if (!whole) {
                int roundedDown = Math.min(entryOctets / kind.entryLength(), MessageKind.MAX_ENTRIES);
                assertEquals(Reason.TRAILING_BYTES, reasonOf(withCount(icmp, kind, roundedDown)), "body of " + body);
            } else {
                int entries = entryOctets / kind.entryLength();
                SacipMessage message = SacipDecoder.decode(withCount(icmp, kind, entries), SOURCE, DESTINATION);
                assertEquals(entries, message.entryCount());
                assertEquals(Reason.BAD_ENTRY_COUNT, reasonOf(withCount(icmp, kind, entries - 1)), "body of " + body);
                assertEquals(Reason.BAD_ENTRY_COUNT, reasonOf(withCount(icmp, kind, entries + 1)), "body of " + body);
                decoded++;
            }
        }
        assertEquals(MessageKind.MAX_ENTRIES, decoded, "one whole length per entry count 1..40");
    }

    @ParameterizedTest
    @EnumSource(names = {"CLAIM", "CLAIM_REPLY"})
    void onlyTheCountTheLengthHoldsDecodes(MessageKind kind) throws SacipCodecException {
        byte[] three = SacipEncoder.encode(GoldenMessages.of(kind, FAMILY), SOURCE, DESTINATION);
        for (int count = 0; count <= 0xFFFF; count++) {
            byte[] icmp = withCount(three, kind, count);
            if (count == 3) {
                assertEquals(GoldenMessages.of(kind, FAMILY), SacipDecoder.decode(icmp, SOURCE, DESTINATION));
            } else {
                assertEquals(Reason.BAD_ENTRY_COUNT, reasonOf(icmp), "count " + count);
            }
        }
    }
}
