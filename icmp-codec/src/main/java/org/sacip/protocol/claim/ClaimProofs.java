package org.sacip.protocol.claim;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;

/**
 * The proofs of claim entries (docs/PROTOCOL.md, claims), which both agents compute identically from their own
 * record of the session's opening; the claiming host is the holder.
 * <ul>
 * <li>TCP: ISN of the holder's direction (4) | ISN of the peer's direction (4) | 8 zero octets, both ISNs taken
 * from the SYN-ACK alone: the client's ISN is its acknowledgement number - 1 (mod 2^32), the server's its sequence
 * number.</li>
 * <li>UDP: digest of the first datagram the holder's side sent (8) | digest of the first datagram the peer's side
 * sent (8), digest = first 8 octets of SHA-256("SACIP v2 udp first datagram" | uint16 payload length | first
 * min(length, 256) octets of the payload).</li>
 * </ul>
 */
public final class ClaimProofs {
    /** Octets of a UDP first-datagram digest. */
    public static final int UDP_DIGEST_LENGTH = 8;
    /** Payload octets a UDP digest covers at most. */
    public static final int UDP_DIGEST_PREFIX = 256;
    /** Largest UDP payload length the digest can state (its length field has 16 bits). */
    public static final int MAX_UDP_PAYLOAD = 0xFFFF;
    private static final byte[] UDP_LABEL = "SACIP v2 udp first datagram".getBytes(StandardCharsets.US_ASCII);

    private ClaimProofs() {
    }

    /**
     * The proof of a TCP entry from the connection's SYN-ACK (numbers as unsigned 32-bit values in an int).
     *
     * @param holder which end of the connection the claiming host is
     */
    public static Octets tcpProof(int synAckSequence, int synAckAcknowledgement, TcpSide holder) {
        int serverIsn = synAckSequence;
        int clientIsn = synAckAcknowledgement - 1;
        ByteBuffer proof = ByteBuffer.allocate(FieldLengths.CLAIM_PROOF);
        proof.putInt(holder == TcpSide.CLIENT ? clientIsn : serverIsn);
        proof.putInt(holder == TcpSide.CLIENT ? serverIsn : clientIsn);
        return Octets.of(proof.array());
    }

    /** The digest of a whole first UDP payload. */
    public static Octets udpDigest(byte[] payload) {
        return udpDigest(payload.length, payload);
    }

    /**
     * The digest of a first UDP payload of {@code payloadLength} octets of which only the first octets were kept
     * (a capture with a snapshot length): {@code firstOctets} holds at least min(payloadLength, 256) of them.
     */
    public static Octets udpDigest(int payloadLength, byte[] firstOctets) {
        if (payloadLength < 0 || payloadLength > MAX_UDP_PAYLOAD) {
            throw new IllegalArgumentException("UDP payload length must be 0 to " + MAX_UDP_PAYLOAD);
        }
        int covered = Math.min(payloadLength, UDP_DIGEST_PREFIX);
        if (firstOctets.length < covered) {
            throw new IllegalArgumentException("the digest covers " + covered + " payload octets, " + firstOctets.length
                    + " given");
        }
        MessageDigest sha256 = sha256();
        sha256.update(UDP_LABEL);
        sha256.update((byte) (payloadLength >>> 8));
        sha256.update((byte) payloadLength);
        sha256.update(firstOctets, 0, covered);
        return Octets.of(sha256.digest(), 0, UDP_DIGEST_LENGTH);
    }

    /** The proof of a UDP entry: the holder side's first-datagram digest, then the peer side's. */
    public static Octets udpProof(Octets holderDigest, Octets peerDigest) {
        holderDigest.requireLength(UDP_DIGEST_LENGTH, "holder digest");
        peerDigest.requireLength(UDP_DIGEST_LENGTH, "peer digest");
        byte[] proof = new byte[FieldLengths.CLAIM_PROOF];
        System.arraycopy(holderDigest.toByteArray(), 0, proof, 0, UDP_DIGEST_LENGTH);
        System.arraycopy(peerDigest.toByteArray(), 0, proof, UDP_DIGEST_LENGTH, UDP_DIGEST_LENGTH);
        return Octets.of(proof);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // SHA-256 is a mandatory JDK algorithm.
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
