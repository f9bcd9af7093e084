package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.Envelope;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UdpEndpoint;
import org.sacip.protocol.move.ReachabilityCheck;

/**
 * One key lineage with one peer (PROTOCOL.md 6): a first handshake and its renewals, bound to the addresses of the
 * first handshake, governing the sessions bound to it by claims. Keys are found by key id; several lineages may
 * exist for one address pair. Its state comes in parts, one per concern of the engine. Engine thread only.
 */
final class Association {
    /** The key id of the lineage's first key: this agent's name for it, stable across renewals. */
    final Octets lineage;
    /** (our original address, the peer's original address): the first handshake's. */
    final AddressPair bound;
    final Instant lineageEstablished;
    final Keys keys;
    final OwnMoves own;
    final PeerMoves peer = new PeerMoves();
    final Claims claims = new Claims();
    final Tunnel tunnel = new Tunnel();
    /** The last time a message of this lineage was sent or authenticated, or a session bound (for replacement). */
    Instant lastUsed;
    /** The last authenticated message from the peer, and the last round trip measured (status only). */
    Instant lastHeard;
    Duration roundTrip;
    /** Sessions bound to this lineage now (the registry keeps the sessions themselves). */
    int boundSessions;
    /** Since when no session is bound (the key is erased after key-idle-keep); null while some are. */
    Instant idleSince;
    /**
     * The lineage's path over UDP (PROTOCOL.md 13.5): the peer's endpoint as observed, where its requests go; null
     * when the path is ICMP. Saved with the lineage, so a host behind a NAT keeps it across a restart.
     */
    UdpEndpoint udpPeer;
    /** The last authenticated datagram of the lineage said that a NAT translates this host, or the peer (13.4). */
    boolean localBehindNat;
    boolean peerBehindNat;
    /**
     * A tunnel of the lineage was up once: its sessions stay carried while the lineage lives (the direct path's
     * middleboxes did not see their packets meanwhile), also after a restart, which must open a new tunnel for them
     * even where neither host is translated any more (PROTOCOL.md 15.6). Saved with the lineage's UDP path.
     */
    boolean carried;
    /** Keepalives (13.8): the one awaiting its answer, the next one's timer, answers missed in a row, the last one. */
    ReachabilityCheck keepalive;
    EngineLoop.Timer keepaliveTimer;
    int keepalivesUnanswered;
    Instant keepaliveAnswered;
    /** A check of another endpoint the peer spoke from (13.5); null when none runs. */
    ReachabilityCheck rebinding;

    Association(AssociationKey current, Octets lineage, AddressPair bound, Instant lineageEstablished,
            SacipAddress localCurrent, SacipAddress localConfirmed, SacipAddress peerCurrent, long sequenceReserved,
            Instant now) {
        this.lineage = lineage;
        this.bound = bound;
        this.lineageEstablished = lineageEstablished;
        this.keys = new Keys(current);
        this.own = new OwnMoves(localCurrent, localConfirmed, sequenceReserved);
        this.peer.current = peerCurrent;
        this.lastUsed = now;
        this.idleSince = now;
    }

    SacipAddress localOriginal() {
        return bound.local();
    }

    SacipAddress peerOriginal() {
        return bound.peer();
    }

    /** The current or the previous key with that id, or null. */
    AssociationKey keyFor(Octets keyId) {
        if (keys.current.id().equals(keyId)) {
            return keys.current;
        }
        return keys.previous != null && keys.previous.id().equals(keyId) ? keys.previous : null;
    }

    /** Whether {@code address} is where the peer is, or was bound. */
    boolean isPeerAddress(SacipAddress address) {
        return address.equals(peer.current) || address.equals(bound.peer());
    }

    /** The path messages of this lineage take now. */
    AddressPair currentPath() {
        return new AddressPair(own.current, peer.current);
    }

    void stopTimers() {
        if (keepaliveTimer != null) {
            keepaliveTimer.cancel();
            keepaliveTimer = null;
        }
        keys.stopTimers();
        own.stopTimers();
        peer.stopTimers();
        claims.stopTimers();
        tunnel.stopTimers();
    }

    @Override
    public String toString() {
        return "lineage " + lineage + " " + bound.local() + " <-> " + bound.peer();
    }

    /** The keys: the current one, the renewed one during its grace period, and the lifetime's timers (6.6). */
    static final class Keys {
        AssociationKey current;
        /** The key the current one renewed, still accepted for incoming messages until its grace ends; else null. */
        AssociationKey previous;
        EngineLoop.Timer renewalTimer;
        EngineLoop.Timer expiryTimer;
        EngineLoop.Timer previousErasure;
        EngineLoop.Timer idleErasure;
        /** Our renewal in flight, or null. */
        Renewal renewal;
        /** Renewals of the current key the peer asked for that wait for its INIT_CONFIRM. */
        int pendingRenewals;
        /** REKEY nonces seen for the current key: a recorded REKEY replayed is dropped. */
        final Set<Octets> seenRekeyNonces = new LinkedHashSet<>();
        /** The last new handshake a REFUSAL UNKNOWN_KEY made us start; at most one a minute. */
        Instant refusalHandshake = Instant.MIN;
        // The handshake that made the current key, when we initiated it: to answer a repeated INIT_REPLY with the
        // same INIT_CONFIRM (6.2), or a REFUSAL UNKNOWN_KEY soon after (section 9). Sent in confirmEnvelope.
        InitReply answeredReply;
        InitConfirm confirm;
        Envelope confirmEnvelope;

        Keys(AssociationKey current) {
            this.current = current;
        }

        void rememberRekeyNonce(Octets nonce) {
            seenRekeyNonces.add(nonce);
            if (seenRekeyNonces.size() > EngineLimits.REKEY_NONCES_REMEMBERED) {
                seenRekeyNonces.remove(seenRekeyNonces.iterator().next());
            }
        }

        void stopTimers() {
            cancel(renewalTimer);
            cancel(expiryTimer);
            cancel(previousErasure);
            cancel(idleErasure);
            if (renewal != null) {
                renewal.abandon();
            }
        }
    }

    /** Our side of moves (7.1): where we are, what the peer confirmed, our update in flight. */
    static final class OwnMoves {
        /** The address we announced last (the original one until our first move). */
        SacipAddress current;
        /** The address the peer acknowledged last: packets leave from it. */
        SacipAddress confirmed;
        long lastSequenceSent;
        /** Sequence numbers up to here are reserved: every saved state that holds this lineage says so. */
        long sequenceReserved;
        /** Up to here the reservation is known to be on disk (or no saved state can hold this lineage without it). */
        long sequenceDurable;
        AddressUpdate outgoingUpdate;
        Retransmission outgoingRetransmission;
        Instant updateSentAt = Instant.MIN;
        /** An update to this address waits for its sequence numbers to reach the disk (null: none waits). */
        SacipAddress awaitingSequences;

        OwnMoves(SacipAddress current, SacipAddress confirmed, long sequenceReserved) {
            this.current = current;
            this.confirmed = confirmed;
            // Numbers up to the reservation may have been sent before a restart: continue above it.
            this.lastSequenceSent = sequenceReserved;
            this.sequenceReserved = sequenceReserved;
            this.sequenceDurable = sequenceReserved;
        }

        void stopTimers() {
            if (outgoingRetransmission != null) {
                outgoingRetransmission.cancel();
            }
        }
    }

    /** The peer's side of moves (7.2): where it is, its last accepted update and the check of it. */
    static final class PeerMoves {
        /** Where the reachability check of the peer's last accepted update stands. */
        enum CheckState { RUNNING, PASSED, ABANDONED }

        SacipAddress current;
        AddressUpdate lastAcceptedUpdate;
        /** The key {@link #lastAcceptedUpdate} came under. */
        AssociationKey lastAcceptedKey;
        /** How {@link #lastAcceptedUpdate} arrived: over UDP its check goes to the endpoint it came from. */
        Arrival lastAcceptedFrom;
        CheckState checkState = CheckState.PASSED;
        ReachabilityCheck check;
        SacipAddress checkSource;
        byte[] challengeOctets;
        Instant checkStarted = Instant.MIN;
        EngineLoop.Timer checkDeadline;
        /** The peer's move passed its check; its acknowledgement follows once the data path has the rewrite. */
        boolean ackPending;

        void stopTimers() {
            cancel(checkDeadline);
        }
    }

    /** Claims of this lineage in flight (ours) and the numbering of the next one. */
    static final class Claims {
        long lastClaimNumber;
        final java.util.Map<Long, OutstandingClaim> outstanding = new java.util.LinkedHashMap<>();
        /** Sessions waiting to be put into a claim (sent on the next flush). */
        final Set<org.sacip.agent.session.SessionTuple> queued = new LinkedHashSet<>();
        boolean flushScheduled;
        /** Peer claims whose bindings the data path is committing; their reply waits for it. */
        final Set<Long> committing = new java.util.HashSet<>();

        void stopTimers() {
            outstanding.values().forEach(OutstandingClaim::cancel);
        }
    }

    /** The lineage's tunnel (PROTOCOL.md 15): the OPEN in flight, the keys in use, and what this host accepted. */
    static final class Tunnel {
        /** Our OPEN waiting for its ACCEPT, and its retransmission; null when none. */
        org.sacip.protocol.tunnel.TunnelHandshake opening;
        Retransmission openingRetransmission;
        /** The keys in use; null while there is no tunnel. */
        org.sacip.protocol.tunnel.TunnelKeys keys;
        /** Whether the peer holds the keys too: the opener's tunnel is up at the ACCEPT. */
        boolean up;
        /** The accepter's tunnel waiting for its first datagram (PROTOCOL.md 15.6); {@link #keys} stay until then. */
        org.sacip.protocol.tunnel.TunnelKeys pending;
        /** The last OPEN we accepted and our answer, repeated for a retransmitted OPEN. */
        org.sacip.protocol.tunnel.TunnelHandshake.Accepted accepted;
        /** When this host last opened because the peer seemed to have lost the tunnel (at most once a second). */
        Instant reopened;
        /** No OPEN before this instant: the last one went unanswered (PROTOCOL.md 15.6); null when none did. */
        Instant nextAttempt;
        /** The attempt planned for {@link #nextAttempt}. */
        EngineLoop.Timer retry;

        void stopTimers() {
            if (openingRetransmission != null) {
                openingRetransmission.cancel();
            }
            cancel(retry);
        }
    }

    private static void cancel(EngineLoop.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
