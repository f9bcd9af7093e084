package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.util.Optional;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.ReachabilityCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's moves (PROTOCOL.md 7.2): an update under a lineage's key, with a rising number, is checked by a
 * challenge to the new address — sent once per update received, so the challenges to an address never outweigh the
 * updates that came from it — and a passed check makes the lineage's bound sessions (only those) follow the peer;
 * the acknowledgement goes once the data path has committed that. Engine thread only.
 */
final class PeerMoves {
    private static final Logger LOG = LoggerFactory.getLogger(PeerMoves.class);
    /** An abandoned check is restarted by a repeated update at most this often. */
    static final Duration RECHECK_INTERVAL = Duration.ofSeconds(10);
    /** A check not answered within this is abandoned (the peer's update retransmissions span about as long). */
    static final Duration CHECK_DEADLINE = RetransmitPolicy.ADDRESS_UPDATE.worstCaseTotal();

    private final EngineContext ctx;
    private final OwnMoves own;

    PeerMoves(EngineContext ctx, OwnMoves own) {
        this.ctx = ctx;
        this.own = own;
    }

    void onAddressUpdate(AddressUpdate update, Arrival arrival)
            throws SacipProtocolException, Drop {
        Association association = ctx.associations.byKeyId(update.keyId());
        if (association == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + update.keyId());
        }
        AssociationKey key = association.keyFor(update.keyId());
        key.verifier.verifyUpdate(update, arrival);
        if (arrival instanceof Arrival.Udp udp && udp.stated().sourceTranslated(udp.observedSource())
                && !ctx.tunnels.available()) {
            // Without a tunnel, following it would rewrite the sessions to a private address no packet reaches: the
            // peer keeps its old address while that routes, and its ghost carries the sessions.
            throw Drop.behindNat("update for " + update.currentAddress() + " arrived through a NAT ("
                    + udp.observedSource() + "); this agent has no tunnel to carry sessions through it");
        }
        association.lastHeard = ctx.now();
        association.lastUsed = ctx.now();
        if (key != association.keys.current && association.keys.current.lastAccepted.isPresent()) {
            throw new SacipProtocolException(SacipProtocolException.Reason.STALE_SEQUENCE, "update under renewed key "
                    + key.id() + " after one under the new key");
        }
        Optional<AssociationKey.AcceptedUpdate> last = key.lastAccepted;
        if (last.isPresent() && update.sequence() == last.get().sequence()) {
            boolean same = update.originalAddress().equals(last.get().original())
                    && update.currentAddress().equals(last.get().current());
            if (!same) {
                throw new SacipProtocolException(SacipProtocolException.Reason.CONFLICTING_DUPLICATE, "sequence "
                        + Long.toUnsignedString(update.sequence()) + " was accepted with other addresses");
            }
            if (arrival instanceof Arrival.Udp
                    && association.peer.checkState == Association.PeerMoves.CheckState.RUNNING
                    && !arrival.answer().equals(association.peer.check.sent())) {
                // The update's copy over UDP (13.9) from where a check can reach the peer, behind a NAT that the
                // ICMP copy crossed untranslated: the check goes there now.
                association.peer.lastAcceptedFrom = arrival;
                startCheck(association, key, update);
                return;
            }
            answerDuplicate(association, key, update);
            return;
        }
        if (last.isPresent() && Long.compareUnsigned(update.sequence(), last.get().sequence()) < 0) {
            throw new SacipProtocolException(SacipProtocolException.Reason.STALE_SEQUENCE, "sequence "
                    + Long.toUnsignedString(update.sequence()) + " below the last accepted "
                    + Long.toUnsignedString(last.get().sequence()));
        }
        key.lastAccepted = Optional.of(new AssociationKey.AcceptedUpdate(update.sequence(), update.originalAddress(),
                update.currentAddress()));
        association.peer.lastAcceptedUpdate = update;
        association.peer.lastAcceptedKey = key;
        association.peer.lastAcceptedFrom = arrival;
        startCheck(association, key, update);
    }

    /** The last accepted update again: its acknowledgement or challenge was lost (7.2 step 3). */
    private void answerDuplicate(Association association, AssociationKey key, AddressUpdate update) {
        switch (association.peer.checkState) {
            case PASSED -> {
                if (!association.peer.ackPending) {
                    // (With an acknowledgement pending, it goes out as soon as the rewrite is in place.)
                    sendAck(association, key, update);
                }
            }
            // The peer's retransmission drives ours: one challenge per update received.
            case RUNNING -> sendChallenge(association);
            default -> {
                if (!ctx.now().isBefore(association.peer.checkStarted.plus(RECHECK_INTERVAL))) {
                    startCheck(association, key, update);
                }
            }
        }
    }

    /** Starts the check of the update's address from the address the peer knows us at (a newer update's replaces it). */
    void startCheck(Association association, AssociationKey key, AddressUpdate update) {
        Association.PeerMoves peer = association.peer;
        if (peer.checkDeadline != null) {
            peer.checkDeadline.cancel();
        }
        SacipAddress local = association.own.confirmed;
        // Over UDP the check goes where the update came from: behind a NAT, its public endpoint (13.5).
        Envelope envelope = peer.lastAcceptedFrom instanceof Arrival.Udp udp && ctx.udpPort != 0
                ? new UdpEnvelope(new UdpEndpoint(local, ctx.udpPort), udp.observedSource())
                : new Envelope.Icmp(local, update.currentAddress());
        ReachabilityCheck check = ReachabilityCheck.start(key.keys, key.role, envelope, ctx.random);
        peer.check = check;
        peer.checkSource = local;
        peer.checkState = Association.PeerMoves.CheckState.RUNNING;
        peer.checkStarted = ctx.now();
        peer.challengeOctets = envelope.encode(check.challenge());
        sendChallenge(association);
        EngineLoop.Timer[] self = new EngineLoop.Timer[1];
        self[0] = ctx.loop.schedule(CHECK_DEADLINE, () -> {
            if (peer.checkDeadline == self[0] && peer.checkState == Association.PeerMoves.CheckState.RUNNING) {
                peer.checkState = Association.PeerMoves.CheckState.ABANDONED;
                LOG.info("{} did not answer the reachability check at {}", association.peerOriginal(),
                        update.currentAddress());
            }
        });
        peer.checkDeadline = self[0];
    }

    private void sendChallenge(Association association) {
        Association.PeerMoves peer = association.peer;
        ctx.sendEncoded(peer.challengeOctets, peer.check.challenge(), peer.check.sent());
    }

    /** We moved and were confirmed: a check still running from our old address may never be answered. */
    void restartCheckFromNewAddress(Association association) {
        Association.PeerMoves peer = association.peer;
        if (peer.checkState == Association.PeerMoves.CheckState.RUNNING
                && !peer.checkSource.equals(association.own.confirmed)) {
            startCheck(association, peer.lastAcceptedKey, peer.lastAcceptedUpdate);
        }
    }

    void onPathResponse(PathResponse response, Arrival arrival)
            throws SacipProtocolException {
        SacipAddress source = arrival.source();
        Association association = ctx.associations.byKeyId(response.keyId());
        if (association == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + response.keyId());
        }
        Association.PeerMoves peer = association.peer;
        if (peer.checkState != Association.PeerMoves.CheckState.RUNNING) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "PATH_RESPONSE with no reachability check running");
        }
        peer.check.verify(response, arrival);
        ctx.proven(arrival.answer().destination());
        if (peer.check.sent() instanceof UdpEnvelope udp) {
            // The endpoint answered the challenge: the lineage's path goes there now (13.5), and whether a NAT
            // translates the peer is what its update showed (a peer that left its NAT is reached directly).
            association.udpPeer = udp.statedDestination();
            if (peer.lastAcceptedFrom instanceof Arrival.Udp from) {
                association.peerBehindNat = from.stated().sourceTranslated(from.observedSource());
            }
        }
        association.lastHeard = ctx.now();
        association.roundTrip = Duration.between(peer.checkStarted, association.lastHeard);
        peer.checkDeadline.cancel();
        peer.checkState = Association.PeerMoves.CheckState.PASSED;
        peer.ackPending = true;
        AddressUpdate update = peer.lastAcceptedUpdate;
        AssociationKey key = peer.lastAcceptedKey;
        AssociationView proposed = withPeerAt(AssociationView.of(association), update.currentAddress());
        // The rewrite first, the acknowledgement once it is committed (it lets the peer send from its new address).
        ctx.changes.lineage(proposed, committed -> {
            peer.ackPending = false;
            if (peer.lastAcceptedUpdate != update) {
                return;
            }
            if (!committed) {
                // Never acknowledged without its rewrite: the peer's next retransmission starts a new check later.
                peer.checkState = Association.PeerMoves.CheckState.ABANDONED;
                LOG.warn("move of {} to {} not followed: the data path refused it", association.peerOriginal(),
                        update.currentAddress());
                return;
            }
            association.peer.current = update.currentAddress();
            key.confirmedAccepted = key.lastAccepted;
            sendAck(association, key, update);
            // Our own unacknowledged update goes to the peer's new address at once (7.1).
            own.repeatOutstanding(association);
            ctx.persistence.soon();
            LOG.info("peer {} moved to {}: {} session(s) follow it", association.peerOriginal(),
                    update.currentAddress(), association.boundSessions);
        });
    }

    private static AssociationView withPeerAt(AssociationView view, SacipAddress peerCurrent) {
        return new AssociationView(view.lineage(), view.keyId(), view.localOriginal(), view.peerOriginal(),
                view.localCurrent(), view.localConfirmed(), peerCurrent, view.initiator(), view.keyEstablished(),
                view.boundSessions(), view.lastSequenceSent(), view.lastSequenceReceived(), view.lastHeard(),
                view.roundTrip(), view.udpPeer(), view.localBehindNat(), view.peerBehindNat(),
                view.keepaliveUnanswered(), view.tunnelUp());
    }

    private void sendAck(Association association, AssociationKey key, AddressUpdate update) {
        Envelope envelope = ctx.toPeer(association, association.own.confirmed, update.currentAddress());
        UpdateAck ack = key.messages.acknowledge(update, envelope);
        ctx.send(ack, envelope);
    }
}
