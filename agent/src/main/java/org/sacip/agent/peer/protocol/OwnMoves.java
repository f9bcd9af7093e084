package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.PathChallenge;
import org.sacip.protocol.message.PathResponse;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.ReachabilityCheck;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our moves (PROTOCOL.md 7.1 and 7.3): one update per lineage that holds sessions at the moved address, from the new
 * address, with a sequence number reserved on disk before use; the acknowledgement makes the lineage's sessions leave
 * from the new address; challenges are answered only for the address we announced. A move announced again for the
 * same address (the address left after a route change had moved its sessions already) sends nothing new; a lineage
 * that comes to hold sessions after its address moved (its key agreed or its claim answered late) is told then.
 * Engine thread only.
 */
final class OwnMoves {
    private static final Logger LOG = LoggerFactory.getLogger(OwnMoves.class);
    /** Sequence numbers reserved (and persisted) ahead of use, so most moves cost no disk write. */
    static final long SEQUENCE_RESERVATION = 64;

    /** What the peer-side handling needs to hear of ours. */
    interface Listener {
        /** We are now confirmed at a new address: a check of the peer started from the old one must restart. */
        void confirmedElsewhere(Association association);
    }

    private final EngineContext ctx;
    private final Listener listener;
    /** Where the sessions of each of our original addresses live now, as last announced (absent: at home). */
    private final Map<SacipAddress, SacipAddress> moved = new HashMap<>();

    OwnMoves(EngineContext ctx, Listener listener) {
        this.ctx = ctx;
        this.listener = listener;
    }

    /**
     * This host's sessions of {@code localOriginal} now live at {@code newCurrent}: tell the peer of every lineage
     * bound there that holds sessions (or claims some), from the new address, until it acknowledges or gives up.
     */
    void announce(SacipAddress localOriginal, SacipAddress newCurrent) {
        if (newCurrent.equals(localOriginal)) {
            moved.remove(localOriginal);
        } else {
            moved.put(localOriginal, newCurrent);
        }
        // The new address is ours again: sessions made with it live at home, whatever an earlier move of it said.
        // Kept, that move was told to every lineage agreed there later (catchUp), from an address we no longer
        // held, and its backed-off retransmissions held the next real move to that address back by seconds.
        moved.remove(newCurrent);
        for (Association association : List.copyOf(ctx.associations.all())) {
            if (!association.localOriginal().equals(localOriginal)) {
                continue;
            }
            if (!holdsSessions(association)) {
                // Nothing moves with it; its peer learns nothing it needs (until it holds some: catchUp).
                association.own.current = newCurrent;
                continue;
            }
            if (!alreadyAnnounced(association, newCurrent)) {
                announce(association, newCurrent);
            }
        }
    }

    /**
     * The lineage now holds sessions or claims (a key agreed, a claim answered): if its address moved meanwhile
     * and its peer has not been told, it is told now, so sessions that moved before their key existed follow.
     */
    void catchUp(Association association) {
        SacipAddress target = moved.getOrDefault(association.localOriginal(), association.localOriginal());
        if (holdsSessions(association) && !alreadyAnnounced(association, target)
                && ctx.associations.byLineage(association.lineage) == association) {
            LOG.debug("{} learns late that the sessions of {} live at {}", association.peerOriginal(),
                    association.localOriginal(), target);
            announce(association, target);
        }
    }

    private static boolean holdsSessions(Association association) {
        return association.boundSessions > 0 || !association.claims.outstanding.isEmpty()
                || !association.claims.queued.isEmpty();
    }

    /** The peer confirmed {@code target}, or our update for it is on its way: another would only cost a check. */
    private static boolean alreadyAnnounced(Association association, SacipAddress target) {
        boolean onItsWay = association.own.outgoingUpdate != null || association.own.awaitingSequences != null;
        return association.own.confirmed.equals(target) && !onItsWay
                || association.own.current.equals(target) && onItsWay;
    }

    /**
     * A lineage just agreed: no saved state holds it yet, so whatever reservation it starts with is in every state
     * that ever will. Its first moves wait for no disk.
     */
    void reserveForNewLineage(Association association) {
        long reserved = association.own.lastSequenceSent + SEQUENCE_RESERVATION;
        association.own.sequenceReserved = reserved;
        association.own.sequenceDurable = reserved;
    }

    /**
     * Lineages restored after a restart continue above their saved reservation: reserve the next numbers now, with
     * one write for all of them, so the first move after the restart waits for no disk either.
     */
    void reserveAhead(List<Association> associations) {
        Map<Association, Long> extended = new HashMap<>();
        for (Association association : associations) {
            if (Long.compareUnsigned(association.own.sequenceReserved - association.own.lastSequenceSent,
                    SEQUENCE_RESERVATION / 2) < 0) {
                association.own.sequenceReserved = association.own.lastSequenceSent + SEQUENCE_RESERVATION;
                extended.put(association, association.own.sequenceReserved);
            }
        }
        if (extended.isEmpty()) {
            return;
        }
        // The snapshot is taken now: it carries exactly the reservations noted above.
        ctx.persistence.durably().whenComplete((done, failure) -> ctx.loop.execute(() -> {
            if (failure != null) {
                LOG.warn("sequence numbers not reserved ahead: {}", failure.getMessage());
                return;
            }
            extended.forEach((association, written) -> {
                if (Long.compareUnsigned(written, association.own.sequenceDurable) > 0) {
                    association.own.sequenceDurable = written;
                }
            });
        }));
    }

    private void announce(Association association, SacipAddress newCurrent) {
        long sequence = association.own.lastSequenceSent + 1;
        association.own.current = newCurrent;
        if (Long.compareUnsigned(sequence, association.own.sequenceDurable) > 0) {
            long before = association.own.sequenceReserved;
            association.own.sequenceReserved = Math.max(before, sequence + SEQUENCE_RESERVATION);
            long reserving = association.own.sequenceReserved;
            association.own.awaitingSequences = newCurrent;
            // Never send a number that a restart could hand out again: the update goes once the disk has it.
            ctx.persistence.durably().whenComplete((done, failure) -> ctx.loop.execute(() -> {
                if (newCurrent.equals(association.own.awaitingSequences)) {
                    association.own.awaitingSequences = null;
                }
                if (failure != null) {
                    association.own.sequenceReserved = before;
                    LOG.error("move of {} to {} not announced to {}: sequence numbers not saved: {}",
                            association.localOriginal(), newCurrent, association.peerOriginal(),
                            failure.getMessage());
                    refused(association, newCurrent);
                } else {
                    if (Long.compareUnsigned(reserving, association.own.sequenceDurable) > 0) {
                        association.own.sequenceDurable = reserving;
                    }
                    if (association.own.current.equals(newCurrent) && isLive(association)) {
                        send(association, newCurrent);
                    }
                }
            }));
            return;
        }
        send(association, newCurrent);
    }

    private boolean isLive(Association association) {
        return !ctx.closed && ctx.associations.byLineage(association.lineage) == association;
    }

    private void send(Association association, SacipAddress newCurrent) {
        long sequence = association.own.lastSequenceSent + 1;
        association.own.lastSequenceSent = sequence;
        // Half the reservation used: the next part goes to disk now, off the path of a later move.
        reserveAhead(List.of(association));
        if (association.own.outgoingRetransmission != null) {
            association.own.outgoingRetransmission.cancel();
        }
        association.own.outgoingUpdate = association.keys.current.messages.update(sequence,
                ctx.toPeer(association, newCurrent, association.peer.current));
        association.own.updateSentAt = ctx.now();
        association.lastUsed = ctx.now();
        Retransmission[] self = new Retransmission[1];
        int[] transmissions = new int[1];
        // Signed at each transmission for the peer's current address (it may move meanwhile, 7.1) under the
        // current key (it may be renewed meanwhile).
        self[0] = Retransmission.start(ctx, RetransmitPolicy.ADDRESS_UPDATE, () -> {
            Envelope envelope = ctx.toPeer(association, newCurrent, association.peer.current);
            AddressUpdate signed = association.keys.current.messages.update(sequence, envelope);
            association.own.outgoingUpdate = signed;
            ctx.send(signed, envelope);
            if (transmissions[0]++ > 0 && envelope instanceof Envelope.Icmp && ctx.udpPort != 0) {
                // Unanswered over ICMP: the new address may be behind a NAT, which SACIP's ICMP does not cross
                // (13.9). From the first retransmission on, the update goes over UDP too.
                Envelope udp = new UdpEnvelope(new UdpEndpoint(newCurrent, ctx.udpPort),
                        new UdpEndpoint(association.peer.current, ctx.udpPort));
                ctx.send(association.keys.current.messages.update(sequence, udp), udp);
            }
        }, () -> {
            if (association.own.outgoingRetransmission == self[0]) {
                association.own.outgoingUpdate = null;
                LOG.info("move of {} to {} not confirmed by {}", association.localOriginal(), newCurrent,
                        association.peerOriginal());
                refused(association, newCurrent);
            }
        });
        association.own.outgoingRetransmission = self[0];
    }

    private void refused(Association association, SacipAddress attempted) {
        // As without an agent: packets keep the address the peer knows.
        association.own.current = association.own.confirmed;
        ctx.changes.refused(association, attempted);
    }

    /** Sends our unacknowledged update again at once (the peer moved: it goes to its new address now). */
    void repeatOutstanding(Association association) {
        Retransmission outgoing = association.own.outgoingRetransmission;
        if (outgoing != null && outgoing.isRunning()) {
            outgoing.transmitOnce();
        }
    }

    void onUpdateAck(UpdateAck ack, Arrival arrival) throws SacipProtocolException {
        Association association = ctx.associations.byKeyId(ack.keyId());
        if (association == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id " + ack.keyId());
        }
        AddressUpdate sent = association.own.outgoingUpdate;
        if (sent == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNEXPECTED_MESSAGE,
                    "UPDATE_ACK with no update of ours waiting");
        }
        association.keyFor(ack.keyId()).verifier.verifyAck(ack, sent, arrival);
        if (arrival instanceof Arrival.Udp udp) {
            // Acknowledged over UDP: from our new address the lineage's path is UDP, to where the peer answered.
            association.udpPeer = udp.observedSource();
            association.localBehindNat = udp.stated().destinationTranslated(udp.local());
        }
        association.lastHeard = ctx.now();
        association.roundTrip = Duration.between(association.own.updateSentAt, association.lastHeard);
        association.own.outgoingRetransmission.cancel();
        association.own.outgoingUpdate = null;
        SacipAddress previous = association.own.confirmed;
        association.own.confirmed = sent.currentAddress();
        LOG.debug("{} confirmed our move of {} to {} (sequence {})", association.peerOriginal(),
                association.localOriginal(), sent.currentAddress(), Long.toUnsignedString(sent.sequence()));
        ctx.changes.lineage(association, null);
        ctx.persistence.soon();
        if (!previous.equals(association.own.confirmed)) {
            listener.confirmedElsewhere(association);
        }
    }

    /** Costs one MAC and keeps no state (7.3); only for the address we announced (a challenge to any other is not). */
    void onPathChallenge(PathChallenge challenge, Arrival arrival)
            throws SacipProtocolException, Drop {
        SacipAddress destination = arrival.localAddress();
        Association association = ctx.associations.byKeyId(challenge.keyId());
        if (association == null) {
            throw new SacipProtocolException(SacipProtocolException.Reason.UNKNOWN_KEY, "key id "
                    + challenge.keyId());
        }
        if (!destination.equals(association.own.current)) {
            throw Drop.notOurs("PATH_CHALLENGE for " + destination + ", we announced " + association.own.current);
        }
        AssociationKey key = association.keyFor(challenge.keyId());
        PathResponse response = ReachabilityCheck.answer(challenge, key.keys, key.role,
                arrival);
        ctx.send(response, arrival.answer());
    }
}
