package org.sacip.agent.peer.protocol;

import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.crypto.ConstantTime;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.move.ReachabilityCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keepalives (PROTOCOL.md 13.8): a host behind a NAT keeps its UDP mapping, through which the peer reaches it, by
 * sending a PATH_CHALLENGE on the lineage's path every keepalive interval while a session with the peer lives; the
 * peer answers it statelessly (7.3). A lineage whose last {@link #UNANSWERED} keepalives went unanswered is reported:
 * the peer's agent port may be filtered. Timers run only for lineages over UDP with this host behind a NAT. Engine
 * thread only.
 */
final class Keepalives {
    private static final Logger LOG = LoggerFactory.getLogger(Keepalives.class);
    /** Keepalives in a row without an answer after which the path counts as unanswered. */
    static final int UNANSWERED = 3;

    private final EngineContext ctx;

    Keepalives(EngineContext ctx) {
        this.ctx = ctx;
    }

    /** Arms the lineage's keepalive if its path is UDP and this host is behind a NAT; nothing otherwise. */
    void follow(Association association) {
        if (!ctx.udp.on() || association.udpPeer == null || !association.localBehindNat
                || association.keepaliveTimer != null || ctx.closed) {
            return;
        }
        association.keepaliveTimer = ctx.loop.schedule(ctx.udp.keepaliveInterval(), () -> tick(association));
    }

    private void tick(Association association) {
        association.keepaliveTimer = null;
        if (ctx.closed || ctx.associations.byLineage(association.lineage) != association
                || association.udpPeer == null || !association.localBehindNat) {
            return;
        }
        if (ctx.sessions.ofPair(association.bound).isEmpty()) {
            // No session with the peer: nothing needs the mapping now; look again next time.
            follow(association);
            return;
        }
        if (association.keepalive != null) {
            association.keepalivesUnanswered++;
            if (association.keepalivesUnanswered == UNANSWERED) {
                LOG.warn("{} answered none of our last {} keepalives to {}: its agent port may be filtered",
                        association.peerOriginal(), UNANSWERED, association.udpPeer);
            }
        }
        AssociationKey key = association.keys.current;
        Envelope envelope = ctx.toPeer(association, association.own.confirmed, association.peer.current);
        association.keepalive = ReachabilityCheck.start(key.keys, key.role, envelope, ctx.random);
        ctx.send(association.keepalive.challenge(), envelope);
        follow(association);
    }

    /**
     * A PATH_RESPONSE that answers one of our keepalives: verified (from where the keepalive went, under the
     * lineage's key) and recorded. False when it answers no keepalive of ours (a move's check may be waiting for it).
     */
    boolean onPathResponse(PathResponse response, Arrival arrival) throws SacipProtocolException {
        Association association = ctx.associations.byKeyId(response.keyId());
        if (association == null || association.keepalive == null || !ConstantTime.equal(
                response.challenge().toByteArray(), association.keepalive.challenge().challenge().toByteArray())) {
            return false;
        }
        association.keepalive.verify(response, arrival);
        association.keepalive = null;
        association.keepalivesUnanswered = 0;
        association.keepaliveAnswered = ctx.now();
        association.lastHeard = ctx.now();
        if (arrival instanceof Arrival.Udp udp) {
            // The answer says how the peer sees us now: behind a NAT still, or not any more.
            association.localBehindNat = udp.stated().destinationTranslated(udp.local());
        }
        return true;
    }

    /** Lineages over UDP whose last keepalives went unanswered. */
    int unanswered() {
        int count = 0;
        for (Association association : ctx.associations.all()) {
            if (association.keepalivesUnanswered >= UNANSWERED) {
                count++;
            }
        }
        return count;
    }
}
