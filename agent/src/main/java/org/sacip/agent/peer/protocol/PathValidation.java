package org.sacip.agent.peer.protocol;

import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.message.AuthenticatedMessage;
import org.sacip.protocol.message.Claim;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.Rekey;
import org.sacip.protocol.message.TunnelOpen;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.move.ReachabilityCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lineage's UDP path changes only after its new endpoint answered a challenge (PROTOCOL.md 13.5). A request of the
 * lineage (CLAIM, REKEY, PATH_CHALLENGE) that verifies but comes from another endpoint than the path's, as after a
 * NAT rebound the peer's mapping, or as a recorded message replayed from elsewhere, is not answered: the endpoint
 * gets a PATH_CHALLENGE instead, one per such request (never more octets than it sent), and the path moves there
 * when the challenge is answered from there. The peer retransmits its request, which is then answered. Answers and
 * address updates are handled wherever they come from (an update's own check validates its endpoint). Engine
 * thread only.
 */
final class PathValidation {
    private static final Logger LOG = LoggerFactory.getLogger(PathValidation.class);

    private final EngineContext ctx;
    private final java.util.function.Consumer<Association> pathChanged;

    PathValidation(EngineContext ctx, java.util.function.Consumer<Association> pathChanged) {
        this.ctx = ctx;
        this.pathChanged = pathChanged;
    }

    /** Whether {@code message} may be handled now; false when it waits for its endpoint's check. */
    boolean admit(SacipMessage message, Arrival arrival) {
        if (!(arrival instanceof Arrival.Udp udp)) {
            return true;
        }
        Octets keyId = message instanceof Claim c ? c.keyId() : message instanceof Rekey r ? r.keyId()
                : message instanceof PathChallenge p ? p.keyId() : message instanceof TunnelOpen t ? t.keyId()
                : null;
        if (keyId == null) {
            return true;
        }
        Association association = ctx.associations.byKeyId(keyId);
        if (association == null || association.udpPeer == null || udp.observedSource().equals(association.udpPeer)) {
            return true;
        }
        AssociationKey key = association.keyFor(keyId);
        if (!MessageAuthenticator.isValid((AuthenticatedMessage) message, key.keys.receivingKey(key.role),
                arrival.envelope())) {
            // Its handler drops it and counts why.
            return true;
        }
        UdpEnvelope toEndpoint = (UdpEnvelope) arrival.answer();
        if (association.rebinding == null || !association.rebinding.sent().equals(toEndpoint)) {
            AssociationKey current = association.keys.current;
            association.rebinding = ReachabilityCheck.start(current.keys, current.role, toEndpoint, ctx.random);
            LOG.info("{} speaks from {}, not {}: checking that endpoint before answering there",
                    association.peerOriginal(), udp.observedSource(), association.udpPeer);
        }
        ctx.send(association.rebinding.challenge(), toEndpoint);
        return false;
    }

    /**
     * A PATH_RESPONSE to a check of ours of a new endpoint: verified (from exactly that endpoint, under the
     * lineage's key), the lineage's path moves there. False when it answers no such check.
     */
    boolean onPathResponse(PathResponse response, Arrival arrival) throws SacipProtocolException {
        Association association = ctx.associations.byKeyId(response.keyId());
        if (association == null || association.rebinding == null || !ConstantTime.equal(
                response.challenge().toByteArray(), association.rebinding.challenge().challenge().toByteArray())) {
            return false;
        }
        association.rebinding.verify(response, arrival);
        association.udpPeer = ((UdpEnvelope) association.rebinding.sent()).statedDestination();
        pathChanged.accept(association);
        association.rebinding = null;
        association.lastHeard = ctx.now();
        ctx.proven(association.udpPeer.address());
        LOG.info("{} now reached at {}", association.peerOriginal(), association.udpPeer);
        return true;
    }
}
