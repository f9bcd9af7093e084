package org.sacip.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.protocol.codec.WireFormat;

/** The claim records accept exactly what the wire format allows, and cannot be changed after construction. */
class ClaimRecordsTest {
    private static final SacipAddress HOLDER = SacipAddress.parse("198.18.6.1");
    private static final SacipAddress PEER = SacipAddress.parse("198.18.6.2");
    private static final Octets KEY_ID = Octets.fromHex("0102030405060708");
    private static final Octets MAC = Octets.zeros(FieldLengths.MAC);
    private static final Octets TCP_PROOF = Octets.fromHex("01020304050607080000000000000000");
    private static final Octets FULL_PROOF = Octets.fromHex("0102030405060708090a0b0c0d0e0f10");

    private static List<ClaimEntry> claimEntries(int count) {
        return Collections.nCopies(count, ClaimEntry.tcp(1, 65535, TCP_PROOF));
    }

    private static List<ClaimReplyEntry> replyEntries(int count) {
        return Collections.nCopies(count, new ClaimReplyEntry(ClaimVerdict.LIMIT, ClaimProtocol.UDP, 1, 2, 3));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 39, 40})
    void oneToFortyEntries(int count) {
        Claim claim = new Claim(KEY_ID, 1, HOLDER, PEER, claimEntries(count), MAC);
        ClaimReply reply = new ClaimReply(KEY_ID, 1, HOLDER, replyEntries(count), MAC);
        assertEquals(count, claim.entryCount());
        assertEquals(60 + 24 * count + 16, claim.bodyLength());
        assertEquals(40 + 8 * count + 16, reply.bodyLength());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 41, 1000})
    void noneOrMoreThanFortyEntriesAreRefused(int count) {
        assertThrows(IllegalArgumentException.class, () -> new Claim(KEY_ID, 1, HOLDER, PEER, claimEntries(count), MAC));
        assertThrows(IllegalArgumentException.class, () -> new ClaimReply(KEY_ID, 1, HOLDER, replyEntries(count), MAC));
    }

    @Test
    void headFieldsAreChecked() {
        List<ClaimEntry> one = claimEntries(1);
        assertThrows(IllegalArgumentException.class, () -> new Claim(KEY_ID, 0, HOLDER, PEER, one, MAC));
        assertThrows(IllegalArgumentException.class, () -> new ClaimReply(KEY_ID, 0, HOLDER, replyEntries(1), MAC));
        assertThrows(IllegalArgumentException.class, () -> new Claim(Octets.zeros(7), 1, HOLDER, PEER, one, MAC));
        assertThrows(IllegalArgumentException.class, () -> new Claim(KEY_ID, 1, HOLDER, PEER, one, Octets.zeros(15)));
        assertThrows(IllegalArgumentException.class,
                () -> new Claim(KEY_ID, 1, HOLDER, SacipAddress.parse("2001:db8::2"), one, MAC));
        assertThrows(IllegalArgumentException.class,
                () -> new Claim(KEY_ID, 1, SacipAddress.parse("127.0.0.1"), PEER, one, MAC));
        assertThrows(IllegalArgumentException.class,
                () -> new Claim(KEY_ID, 1, HOLDER, SacipAddress.parse("224.0.0.5"), one, MAC));
        assertThrows(IllegalArgumentException.class,
                () -> new ClaimReply(KEY_ID, 1, SacipAddress.parse("::"), replyEntries(1), MAC));
        // Claim numbers are unsigned 64-bit: the largest is all ones.
        assertEquals(-1L, new Claim(KEY_ID, -1L, HOLDER, PEER, one, MAC).claimNumber());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 65536})
    void portsOutsideOneTo65535AreRefused(int port) {
        assertThrows(IllegalArgumentException.class, () -> ClaimEntry.tcp(port, 80, TCP_PROOF));
        assertThrows(IllegalArgumentException.class, () -> ClaimEntry.udp(80, port, FULL_PROOF));
        assertThrows(IllegalArgumentException.class,
                () -> new ClaimReplyEntry(ClaimVerdict.BOUND, ClaimProtocol.TCP, 80, 80, port));
    }

    @Test
    void proofsFollowProtocolAndFlags() {
        assertEquals(FULL_PROOF, ClaimEntry.udp(1, 2, FULL_PROOF).proof());
        assertThrows(IllegalArgumentException.class, () -> ClaimEntry.tcp(1, 2, FULL_PROOF),
                "a TCP proof ends with 8 zero octets");
        assertThrows(IllegalArgumentException.class, () -> ClaimEntry.udp(1, 2, Octets.zeros(15)));
        assertThrows(IllegalArgumentException.class,
                () -> new ClaimEntry(ClaimProtocol.UDP, Set.of(ClaimFlag.NO_RECORD), 1, 2, FULL_PROOF));
        ClaimEntry noRecord = ClaimEntry.withoutRecord(ClaimProtocol.UDP, 1, 2);
        assertEquals(Octets.zeros(16), noRecord.proof());
        assertEquals(Set.of(ClaimFlag.NO_RECORD), noRecord.flags());
        assertEquals(false, noRecord.hasRecord());
        assertEquals(true, ClaimEntry.udp(1, 2, FULL_PROOF).hasRecord());
    }

    @Test
    void recordsKeepTheirOwnCopies() {
        List<ClaimEntry> entries = new ArrayList<>(claimEntries(2));
        Claim claim = new Claim(KEY_ID, 1, HOLDER, PEER, entries, MAC);
        entries.clear();
        assertEquals(2, claim.entries().size());
        assertThrows(UnsupportedOperationException.class, () -> claim.entries().clear());

        Set<ClaimFlag> flags = EnumSet.of(ClaimFlag.NO_RECORD);
        ClaimEntry entry = new ClaimEntry(ClaimProtocol.TCP, flags, 1, 2, Octets.zeros(16));
        flags.clear();
        assertEquals(Set.of(ClaimFlag.NO_RECORD), entry.flags());
        assertThrows(UnsupportedOperationException.class, () -> entry.flags().clear());
    }

    @Test
    void kindsStateTheirLengths() {
        assertEquals(100, MessageKind.CLAIM.minBodyLength());
        assertEquals(1036, MessageKind.CLAIM.maxBodyLength());
        assertEquals(64, MessageKind.CLAIM_REPLY.minBodyLength());
        assertEquals(376, MessageKind.CLAIM_REPLY.maxBodyLength());
        assertEquals(1048, WireFormat.MAX_MESSAGE_LENGTH, "a CLAIM of 40 entries with ICMP and SACIP headers");
        assertThrows(IllegalStateException.class, MessageKind.CLAIM::bodyLength);
        assertThrows(IllegalArgumentException.class, () -> MessageKind.CLAIM.bodyLength(0));
        assertThrows(IllegalArgumentException.class, () -> MessageKind.CLAIM_REPLY.bodyLength(41));
        assertThrows(IllegalArgumentException.class, () -> MessageKind.HELLO.bodyLength(1));
        assertEquals(32, MessageKind.HELLO.bodyLength());
        assertEquals(MessageKind.HELLO.bodyLength(), MessageKind.HELLO.minBodyLength());
        assertEquals(MessageKind.HELLO.bodyLength(), MessageKind.HELLO.maxBodyLength());
    }
}
