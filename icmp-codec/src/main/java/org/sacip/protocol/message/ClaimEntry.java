package org.sacip.protocol.message;

import java.util.Objects;
import java.util.Set;

/**
 * One session a CLAIM asks the peer to bind to the claim's key lineage: its protocol, the holder's and the peer's
 * port as the holder's session knows them, and the proof that the holder saw the session open (see
 * {@code org.sacip.protocol.claim.ClaimProofs}). With {@link ClaimFlag#NO_RECORD} the proof is 16 zero octets; a
 * TCP proof ends with 8 zero octets.
 */
public record ClaimEntry(ClaimProtocol protocol, Set<ClaimFlag> flags, int holderPort, int peerPort, Octets proof) {
    /** Octets of a TCP proof that carry the two ISNs; the rest is zero. */
    public static final int TCP_PROOF_OCTETS = 8;

    public ClaimEntry {
        Objects.requireNonNull(protocol, "protocol");
        flags = Set.copyOf(flags);
        ClaimFieldRules.checkPort(holderPort, "holder port");
        ClaimFieldRules.checkPort(peerPort, "peer port");
        proof.requireLength(FieldLengths.CLAIM_PROOF, "proof");
        if (flags.contains(ClaimFlag.NO_RECORD) && !proof.isZeroFrom(0)) {
            throw new IllegalArgumentException("an entry without record has an all-zero proof");
        }
        if (protocol == ClaimProtocol.TCP && !proof.isZeroFrom(TCP_PROOF_OCTETS)) {
            throw new IllegalArgumentException("a TCP proof ends with " + (FieldLengths.CLAIM_PROOF - TCP_PROOF_OCTETS)
                    + " zero octets");
        }
    }

    /** A TCP session the holder saw open; {@code proof} from {@code ClaimProofs.tcpProof}. */
    public static ClaimEntry tcp(int holderPort, int peerPort, Octets proof) {
        return new ClaimEntry(ClaimProtocol.TCP, Set.of(), holderPort, peerPort, proof);
    }

    /** A UDP flow the holder saw open; {@code proof} from {@code ClaimProofs.udpProof}. */
    public static ClaimEntry udp(int holderPort, int peerPort, Octets proof) {
        return new ClaimEntry(ClaimProtocol.UDP, Set.of(), holderPort, peerPort, proof);
    }

    /** A session that began before the holder's agent started: NO_RECORD, zero proof. */
    public static ClaimEntry withoutRecord(ClaimProtocol protocol, int holderPort, int peerPort) {
        return new ClaimEntry(protocol, Set.of(ClaimFlag.NO_RECORD), holderPort, peerPort,
                Octets.zeros(FieldLengths.CLAIM_PROOF));
    }

    /** False when the holder did not see the session open ({@link ClaimFlag#NO_RECORD}). */
    public boolean hasRecord() {
        return !flags.contains(ClaimFlag.NO_RECORD);
    }
}
