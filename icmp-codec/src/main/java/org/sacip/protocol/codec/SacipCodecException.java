package org.sacip.protocol.codec;

/** The only exception the decoder throws: the input is not a well-formed SACIP v1 message. */
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
        RESERVED_REFUSAL_BITS
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
