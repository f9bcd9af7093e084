package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * A read-only copy of one key lineage's state (no key material), as the data path and the control socket see it.
 *
 * @param lineage         this agent's name for the lineage (its first key id)
 * @param keyId           the current key id
 * @param localOriginal   our address the lineage is bound to
 * @param peerOriginal    the peer's address the lineage is bound to
 * @param localCurrent    the address we announced last
 * @param localConfirmed  the address the peer acknowledged last (our packets leave from it)
 * @param peerCurrent     where the peer is now (checked)
 * @param initiator       whether we initiated the current key's handshake
 * @param keyEstablished  when the current key was agreed
 * @param boundSessions   sessions bound to the lineage
 * @param udpPeer         the peer's UDP endpoint as observed, when the lineage's path is UDP (PROTOCOL.md 13.5)
 * @param localBehindNat  the last datagram showed a NAT translating this host
 * @param peerBehindNat   the last datagram showed a NAT translating the peer
 * @param keepaliveUnanswered the last keepalives of this host behind a NAT went unanswered (13.8)
 * @param tunnelUp        the lineage's tunnel is up: both hosts hold its keys (PROTOCOL.md 15)
 */
public record AssociationView(Octets lineage, Octets keyId, SacipAddress localOriginal, SacipAddress peerOriginal,
        SacipAddress localCurrent, SacipAddress localConfirmed, SacipAddress peerCurrent, boolean initiator,
        Instant keyEstablished, int boundSessions, long lastSequenceSent, long lastSequenceReceived,
        Optional<Instant> lastHeard, Optional<Duration> roundTrip, Optional<UdpEndpoint> udpPeer,
        boolean localBehindNat, boolean peerBehindNat, boolean keepaliveUnanswered, boolean tunnelUp) {

    static AssociationView of(Association a) {
        return new AssociationView(a.lineage, a.keys.current.id(), a.localOriginal(), a.peerOriginal(), a.own.current,
                a.own.confirmed, a.peer.current, a.keys.current.role == org.sacip.protocol.handshake.Role.INITIATOR,
                a.keys.current.established, a.boundSessions, a.own.lastSequenceSent,
                a.keys.current.lastAccepted.map(u -> u.sequence()).orElse(0L), Optional.ofNullable(a.lastHeard),
                Optional.ofNullable(a.roundTrip), Optional.ofNullable(a.udpPeer), a.localBehindNat, a.peerBehindNat,
                a.keepalivesUnanswered >= Keepalives.UNANSWERED, a.tunnel.keys != null && a.tunnel.up);
    }

    /** Which end a NAT translates, as the control socket says it: none, local, peer or both. */
    public String nat() {
        return localBehindNat ? (peerBehindNat ? "both" : "local") : peerBehindNat ? "peer" : "none";
    }
}
