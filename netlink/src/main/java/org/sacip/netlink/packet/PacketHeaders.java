package org.sacip.netlink.packet;

/**
 * The IP and transport headers of a captured packet that starts at its network header (as nfnetlink_log, NFQUEUE
 * and raw IP sockets hand it over). Parsing is strict: every length is checked against both what the packet states
 * and what was captured, and anything it does not read (fragments, other transports) is refused with a
 * {@link PacketParseException.Reason}.
 */
public record PacketHeaders(IpHeader ip, TransportHeader transport) {

    /**
     * Reads IPv4 (options are checked and skipped) or IPv6 (hop-by-hop, routing and destination-options headers
     * skipped), then TCP or UDP.
     *
     * @throws PacketParseException if the bytes are not such a packet or the capture ends inside its headers
     */
    public static PacketHeaders parse(byte[] packet) throws PacketParseException {
        return PacketHeaderParser.parse(packet);
    }
}
