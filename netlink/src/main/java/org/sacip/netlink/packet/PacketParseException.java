package org.sacip.netlink.packet;

/**
 * Captured packet bytes that {@link PacketHeaders#parse} refuses: too short for a header, malformed, or of a kind it
 * does not read (a fragment, another transport). Nothing partial is returned.
 */
public class PacketParseException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the packet was refused, so callers can count refusals by kind without reading text. */
    public enum Reason {
        /** The capture ends inside a header the packet itself says is there: the copy range was too small. */
        TRUNCATED,
        /** Neither IPv4 nor IPv6 in the first nibble. */
        UNKNOWN_IP_VERSION,
        /** IPv4 header length below 20 bytes. */
        BAD_HEADER_LENGTH,
        /** The IP total (or payload) length cannot hold the headers. */
        BAD_TOTAL_LENGTH,
        /** The IPv4 header checksum does not add up. */
        BAD_HEADER_CHECKSUM,
        /** An IPv4 option runs past the header or has a length below 2. */
        BAD_IPV4_OPTION,
        /** A non-first IPv4 fragment, or an IPv6 packet with a fragment header: no transport header to read. */
        FRAGMENT,
        /** An IPv6 extension header out of place (hop-by-hop not first) or longer than the packet. */
        BAD_EXTENSION_HEADER,
        /** The transport is neither TCP nor UDP (ICMP, ESP, no next header, ...). */
        UNSUPPORTED_PROTOCOL,
        /** TCP data offset below 5 words or beyond the segment. */
        BAD_TCP_DATA_OFFSET,
        /** UDP length below 8 or beyond the IP payload. */
        BAD_UDP_LENGTH
    }

    private final Reason reason;

    public PacketParseException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
