package org.sacip.protocol.codec;

import java.util.ArrayList;
import java.util.List;
import org.sacip.protocol.codec.SacipCodecException.Reason;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.ClaimEntry;
import org.sacip.protocol.message.ClaimFlag;
import org.sacip.protocol.message.ClaimProtocol;
import org.sacip.protocol.message.ClaimReply;
import org.sacip.protocol.message.ClaimReplyEntry;
import org.sacip.protocol.message.ClaimVerdict;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Reads the bodies of CLAIM and CLAIM_REPLY field by field in wire order (docs/PROTOCOL.md section 10, rule 7),
 * after the decoder has found how many entries the length holds.
 */
final class ClaimBodyReader {
    private ClaimBodyReader() {
    }

    static Claim claim(WireReader r, int entries, AddressFamily outerFamily) throws SacipCodecException {
        Octets keyId = r.octets(FieldLengths.KEY_ID);
        long claimNumber = claimNumber(r);
        SacipAddress holder = r.address();
        SacipAddress peer = r.address();
        if (holder.family() != peer.family()) {
            throw new SacipCodecException(Reason.ADDRESS_FAMILY_MISMATCH,
                    "holder " + holder.family() + ", peer " + peer.family());
        }
        requireOuterFamily(holder, outerFamily);
        countAndReserved(r, entries);
        List<ClaimEntry> list = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            list.add(claimEntry(r, i));
        }
        return new Claim(keyId, claimNumber, holder, peer, list, r.octets(FieldLengths.MAC));
    }

    static ClaimReply claimReply(WireReader r, int entries, AddressFamily outerFamily) throws SacipCodecException {
        Octets keyId = r.octets(FieldLengths.KEY_ID);
        long claimNumber = claimNumber(r);
        SacipAddress seenHolder = r.address();
        requireOuterFamily(seenHolder, outerFamily);
        countAndReserved(r, entries);
        List<ClaimReplyEntry> list = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            list.add(replyEntry(r, i));
        }
        return new ClaimReply(keyId, claimNumber, seenHolder, list, r.octets(FieldLengths.MAC));
    }

    private static ClaimReplyEntry replyEntry(WireReader r, int index) throws SacipCodecException {
        int code = (int) r.unsigned(1);
        ClaimVerdict verdict = ClaimVerdict.fromCode(code).orElseThrow(() -> new SacipCodecException(
                Reason.UNKNOWN_CLAIM_VERDICT, "verdict " + code + " in entry " + (index + 1)));
        ClaimProtocol protocol = protocol(r, index);
        return new ClaimReplyEntry(verdict, protocol, r.port("holder port"), r.port("peer port"),
                r.port("seen holder port"));
    }

    private static ClaimEntry claimEntry(WireReader r, int index) throws SacipCodecException {
        ClaimProtocol protocol = protocol(r, index);
        int flagBits = (int) r.unsigned(1);
        if ((flagBits & ~ClaimFlag.knownBits()) != 0) {
            throw new SacipCodecException(Reason.UNKNOWN_CLAIM_FLAGS,
                    String.format("flags 0x%02x in entry %d", flagBits, index + 1));
        }
        int holderPort = r.port("holder port");
        int peerPort = r.port("peer port");
        r.zeros(2, Reason.RESERVED_CLAIM_BITS);
        Octets proof = r.octets(FieldLengths.CLAIM_PROOF);
        boolean noRecord = (flagBits & ClaimFlag.NO_RECORD.bit()) != 0;
        if (noRecord && !proof.isZeroFrom(0)) {
            throw new SacipCodecException(Reason.NONZERO_PROOF_WITHOUT_RECORD,
                    "entry " + (index + 1) + " has no record but a proof");
        }
        if (protocol == ClaimProtocol.TCP && !proof.isZeroFrom(ClaimEntry.TCP_PROOF_OCTETS)) {
            throw new SacipCodecException(Reason.NONZERO_TCP_PROOF_TAIL,
                    "TCP proof of entry " + (index + 1) + " does not end with zeros");
        }
        return new ClaimEntry(protocol, ClaimFlag.fromBits(flagBits), holderPort, peerPort, proof);
    }

    private static long claimNumber(WireReader r) throws SacipCodecException {
        long claimNumber = r.unsigned(8);
        if (claimNumber == 0) {
            throw new SacipCodecException(Reason.ZERO_CLAIM_NUMBER, "claim numbers start at 1");
        }
        return claimNumber;
    }

    private static void requireOuterFamily(SacipAddress address, AddressFamily outerFamily)
            throws SacipCodecException {
        if (address.family() != outerFamily) {
            throw new SacipCodecException(Reason.ADDRESS_FAMILY_NOT_OUTER_FAMILY,
                    address.family() + " sessions claimed over " + outerFamily);
        }
    }

    private static void countAndReserved(WireReader r, int entries) throws SacipCodecException {
        int count = (int) r.unsigned(2);
        if (count != entries) {
            throw new SacipCodecException(Reason.BAD_ENTRY_COUNT,
                    "entry count " + count + ", the length holds " + entries + " entries");
        }
        r.zeros(2, Reason.RESERVED_CLAIM_BITS);
    }

    private static ClaimProtocol protocol(WireReader r, int index) throws SacipCodecException {
        int code = (int) r.unsigned(1);
        return ClaimProtocol.fromCode(code).orElseThrow(() -> new SacipCodecException(
                Reason.UNKNOWN_CLAIM_PROTOCOL, "protocol " + code + " in entry " + (index + 1)));
    }
}
