package org.sacip.protocol.codec;

/**
 * The only exception the decoders throw: the input is not a well-formed SACIP message of this version, in an ICMP
 * message or a UDP datagram.
 */
public final class SacipCodecException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Every way an input can be malformed. */
    public enum Reason {
        TRUNCATED_ICMP_HEADER,
        TRUNCATED_SACIP_HEADER,
        OUTER_ADDRESS_FAMILY_MISMATCH,
        WRONG_ICMP_TYPE,
        NONZERO_ICMP_CODE,
        BAD_CHECKSUM,
        BAD_MAGIC,
        UNSUPPORTED_VERSION,
        UNKNOWN_KIND,
        RESERVED_HEADER_BITS,
        TRUNCATED_BODY,
        TRAILING_BYTES,
        NONZERO_PADDING,
        UNKNOWN_ADDRESS_FAMILY,
        RESERVED_ADDRESS_BITS,
        NONZERO_ADDRESS_TAIL,
        ADDRESS_FAMILY_MISMATCH,
        ZERO_SEQUENCE,
        OUTER_SOURCE_NOT_CURRENT_ADDRESS,
        UNKNOWN_REFUSAL_REASON,
        RESERVED_REFUSAL_BITS,
        /** The outer source or destination cannot be a unicast host address (section 3). */
        NON_UNICAST_OUTER_ADDRESS,
        /** An address field cannot be a unicast host address (section 3). */
        NON_UNICAST_ADDRESS,
        ZERO_CLAIM_NUMBER,
        /** A claim's addresses are of another family than the outer addresses (a session never changes family). */
        ADDRESS_FAMILY_NOT_OUTER_FAMILY,
        /** The entry count differs from the number of entries the length holds. */
        BAD_ENTRY_COUNT,
        /** A reserved octet of a CLAIM or CLAIM_REPLY, in the fixed part or in an entry, is not zero. */
        RESERVED_CLAIM_BITS,
        /** A claim or reply entry names a protocol other than 6 (TCP) and 17 (UDP). */
        UNKNOWN_CLAIM_PROTOCOL,
        /** A claim entry sets a flag bit without meaning. */
        UNKNOWN_CLAIM_FLAGS,
        /** A claim or reply entry carries port 0. */
        ZERO_PORT,
        /** A claim entry flagged NO_RECORD carries a proof that is not all zero. */
        NONZERO_PROOF_WITHOUT_RECORD,
        /** A TCP claim entry's proof has a nonzero octet after the two ISNs. */
        NONZERO_TCP_PROOF_TAIL,
        UNKNOWN_CLAIM_VERDICT,
        /** A UDP datagram shorter than the framing header (section 13.7, rule U1). */
        TRUNCATED_UDP_HEADER,
        /** A UDP datagram that does not start with "SACU". */
        BAD_UDP_MAGIC,
        /** A UDP framing version other than {@link UdpFraming#VERSION}. */
        UNSUPPORTED_UDP_FRAMING_VERSION,
        /** A UDP datagram type this framing version does not define. */
        UNKNOWN_UDP_TYPE,
        /** The reserved octets of the UDP framing header are not zero. */
        RESERVED_UDP_HEADER_BITS,
        /** A UDP datagram that ends inside its stated endpoints (section 13.7, rule U2). */
        TRUNCATED_PATH_HEADER,
        /** An ICMP message of a kind that travels only over UDP (TUNNEL_OPEN, TUNNEL_ACCEPT; section 10 rule 4). */
        UDP_ONLY_KIND,
        /**
         * A tunnel's data datagram (UDP framing type 2, section 15), not a SACIP message: the receiver tells them
         * apart first (tunnel.DataDatagram) and never hands one to the message decoder.
         */
        DATA_DATAGRAM
    }

    private final Reason reason;

    public SacipCodecException(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
