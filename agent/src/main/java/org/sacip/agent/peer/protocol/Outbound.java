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
 * @param to        the peer's address
 * @param icmp      the whole ICMP message
 * @param kind      its kind (for counters)
 * @param answer    an answer to an unauthenticated message: sent only if the next hop's link-layer address is
 *                  already known, never triggering ARP or neighbour discovery
 * @param unproven  {@code to} has not yet shown that it receives there: the octets sent to it stay below the octets
 *                  received from it (anti-amplification); {@code evidence} names our sessions with it, whose
 *                  kernel counters say how much it sent us
 */
public record Outbound(SacipAddress from, SacipAddress to, byte[] icmp, MessageKind kind, boolean answer,
        boolean unproven, List<SessionTuple> evidence) {
    public Outbound {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(icmp, "icmp");
        Objects.requireNonNull(kind, "kind");
        evidence = List.copyOf(evidence);
    }
}
