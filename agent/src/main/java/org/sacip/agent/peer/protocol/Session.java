package org.sacip.agent.peer.protocol;

import java.time.Duration;
import java.time.Instant;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.move.ReachabilityCheck;

/**
 * One session's mutable state: its current key (and the one it renewed, during the grace period), both current
 * addresses, both sides of moves, and the timers of the key's lifetime. Touched on the engine thread only.
 */
final class Session {
    /** Where the reachability check of the peer's last accepted update stands. */
    enum CheckState { RUNNING, PASSED, ABANDONED }

    SessionKey current;
    /** The key the current one renewed, still accepted for incoming messages until its grace ends; else null. */
    SessionKey previous;
    SacipAddress localCurrent;
    SacipAddress peerCurrent;

    // Our side of moves: numbers keep rising across renewals.
    long lastSequenceSent;
    long sequenceReserved;
    AddressUpdate outgoingUpdate;
    Retransmission outgoingRetransmission;

    // The peer's side of moves.
    AddressUpdate lastAcceptedUpdate;
    /** The key {@link #lastAcceptedUpdate} came under. */
    SessionKey lastAcceptedKey;
    CheckState checkState = CheckState.PASSED;
    ReachabilityCheck check;
    SacipAddress checkSource;
    Retransmission checkRetransmission;
    Instant checkStarted = Instant.MIN;

    // For status output only (not persisted): the last authenticated message from the peer, the last round trip.
    Instant lastHeard;
    Duration roundTrip;
    Instant updateSentAt = Instant.MIN;
    /** The peer's move passed its check; its acknowledgement follows once the data path has the rewrite. */
    boolean ackPending;

    // The handshake that made the current key, when we initiated it: to answer a repeated INIT_REPLY with the same
    // INIT_CONFIRM (6.2), or a REFUSAL UNKNOWN_KEY soon after (section 9). Sent over confirmPath.
    InitReply answeredReply;
    InitConfirm confirm;
    AddressPair confirmPath;

    // The key's lifetime (6.6).
    EngineLoop.Timer renewalTimer;
    EngineLoop.Timer expiryTimer;
    EngineLoop.Timer previousErasure;
    Renewal renewal;
    /** Renewals of the current key the peer asked for that wait for its INIT_CONFIRM. */
    int pendingRenewals;
    /** The last new handshake a REFUSAL UNKNOWN_KEY made us start; at most one a minute. */
    Instant refusalHandshake = Instant.MIN;

    Session(PersistedSession persisted) {
        this.current = new SessionKey(persisted.keys(), persisted.role(), persisted.established(),
                persisted.lastAccepted());
        this.localCurrent = persisted.localCurrent();
        this.peerCurrent = persisted.peerCurrent();
        // Numbers up to the reservation may have been sent before a restart: continue above it.
        this.lastSequenceSent = persisted.sequenceReserved();
        this.sequenceReserved = persisted.sequenceReserved();
        this.lastAcceptedUpdate = null;
    }

    /** The original addresses; every key of the session is bound to them (5.2, 6.4). */
    AddressPair bound() {
        return current.keys.boundAddresses(current.role);
    }

    SacipAddress localOriginal() {
        return bound().local();
    }

    SacipAddress peerOriginal() {
        return bound().peer();
    }

    /** The current or the previous key with that id, or null. */
    SessionKey keyFor(Octets keyId) {
        if (current.id().equals(keyId)) {
            return current;
        }
        return previous != null && previous.id().equals(keyId) ? previous : null;
    }

    /** Whether {@code address} is where the peer is, or was bound. */
    boolean isPeerAddress(SacipAddress address) {
        return address.equals(peerCurrent) || address.equals(peerOriginal());
    }

    PersistedSession snapshot() {
        return new PersistedSession(current.keys, current.role, current.established, localCurrent, peerCurrent,
                sequenceReserved, current.confirmedAccepted);
    }

    void stopTimers() {
        cancel(outgoingRetransmission);
        cancel(checkRetransmission);
        cancel(renewalTimer);
        cancel(expiryTimer);
        cancel(previousErasure);
        if (renewal != null) {
            renewal.abandon();
        }
    }

    private static void cancel(Retransmission retransmission) {
        if (retransmission != null) {
            retransmission.cancel();
        }
    }

    private static void cancel(EngineLoop.Timer timer) {
        if (timer != null) {
            timer.cancel();
        }
    }
}
