package org.sacip.agent.peer.protocol;

import java.util.List;
import java.util.Objects;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.SacipAddress;

/**
 * One encoded message for the sender, with how it may be sent.
 *
 * @param from      our address (one we hold, or an active ghost; the sender refuses any other)
 * @param to        the peer's address (over UDP: where the datagram goes, a NAT's public address for a peer behind
 *                  one)
 * @param octets    the whole ICMP message, or over UDP the datagram's payload
 * @param kind      its kind (for counters)
 * @param answer    an answer to an unauthenticated message: sent only if the next hop's link-layer address is
 *                  already known, never triggering ARP or neighbour discovery
 * @param unproven  {@code to} has not yet shown that it receives there: the octets sent to it stay below the octets
 *                  received from it (anti-amplification); {@code evidence} names our sessions with it, whose
 *                  kernel counters say how much it sent us
 * @param udpPort   the UDP port the datagram goes to, from the agent port (PROTOCOL.md section 13); 0 for an ICMP
 *                  message
 */
public record Outbound(SacipAddress from, SacipAddress to, byte[] octets, MessageKind kind, boolean answer,
        boolean unproven, List<SessionTuple> evidence, int udpPort) {
    public Outbound {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(octets, "octets");
        Objects.requireNonNull(kind, "kind");
        evidence = List.copyOf(evidence);
        if (udpPort < 0 || udpPort > 65535) {
            throw new IllegalArgumentException("UDP port " + udpPort + " is outside 0..65535");
        }
    }

    /** An ICMP message. */
    public Outbound(SacipAddress from, SacipAddress to, byte[] icmp, MessageKind kind, boolean answer,
            boolean unproven, List<SessionTuple> evidence) {
        this(from, to, icmp, kind, answer, unproven, evidence, 0);
    }

    public boolean overUdp() {
        return udpPort != 0;
    }

    /** Octets on the wire above the link layer: IP header, and UDP header over UDP, included. */
    public int ipOctets() {
        return (from.family() == org.sacip.protocol.message.AddressFamily.IPV4 ? 20 : 40) + (overUdp() ? 8 : 0)
                + octets.length;
    }
}
