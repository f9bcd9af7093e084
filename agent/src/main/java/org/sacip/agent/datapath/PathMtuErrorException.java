package org.sacip.agent.datapath;

/**
 * Captured bytes that {@link PathMtuError#parse} refuses: not a path MTU error, damaged, cut short, or quoting
 * something the relay does not translate. Nothing partial is returned.
 */
public class PathMtuErrorException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the packet was refused, so the relay counts refusals by kind without reading text. */
    public enum Reason {
        /** The capture ends before the packet does (its checksum cannot be checked), or inside a header. */
        TRUNCATED,
        /** Neither IPv4 nor IPv6 in the first nibble. */
        UNKNOWN_IP_VERSION,
        /** An IP header length or total (payload) length that cannot hold the headers. */
        BAD_IP_HEADER,
        /** The IPv4 header or the ICMP (ICMPv6) checksum does not add up. */
        BAD_CHECKSUM,
        /** A fragment (the error itself, or a quoted packet that is not a first fragment). */
        FRAGMENT,
        /** Not ICMP "fragmentation needed" or ICMPv6 "packet too big" right after the IP header. */
        NOT_PATH_MTU_ERROR,
        /** The quote is no IP packet of the error's version, or too short for its header and the ports. */
        BAD_QUOTE,
        /** The quoted packet is not TCP or UDP (right after its IP header), or has port 0. */
        UNSUPPORTED_QUOTE
    }

    private final Reason reason;

    public PathMtuErrorException(Reason reason, String message) {
        super(reason + ": " + message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
