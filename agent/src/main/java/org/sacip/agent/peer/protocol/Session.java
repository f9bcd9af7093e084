package org.sacip.agent.peer.protocol;

import java.time.Instant;
import java.util.Optional;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.InitConfirm;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UpdateAck;
import org.sacip.protocol.move.MoveMessages;
import org.sacip.protocol.move.MoveVerifier;
import org.sacip.protocol.move.ReachabilityCheck;

/** One session's mutable state; touched on the engine thread only. */
final class Session {
    /** Where the reachability check of the peer's last accepted update stands. */
    enum CheckState { RUNNING, PASSED, ABANDONED }

    final SessionKeys keys;
    final Role role;
    final MoveMessages messages;
    final MoveVerifier verifier;
    SacipAddress localCurrent;
    SacipAddress peerCurrent;

    // Our side of moves.
    long lastSequenceSent;
    long sequenceReserved;
    AddressUpdate outgoingUpdate;
    Retransmission outgoingRetransmission;

    // The peer's side of moves.
    Optional<PersistedSession.AcceptedUpdate> lastAccepted;
    /** Persisted: only an update whose check passed, so a restart never re-acknowledges an unchecked one. */
    Optional<PersistedSession.AcceptedUpdate> confirmedAccepted;
    AddressUpdate lastAcceptedUpdate;
    CheckState checkState = CheckState.PASSED;
    ReachabilityCheck check;
    SacipAddress checkSource;
    Retransmission checkRetransmission;
    Instant checkStarted = Instant.MIN;
    UpdateAck lastAck;

    // For status output only (not persisted): the last authenticated message from the peer, the last round trip.
    Instant lastHeard;
    java.time.Duration roundTrip;
    Instant updateSentAt = Instant.MIN;

    // The handshake that made the key, to answer a repeated INIT_REPLY with the same INIT_CONFIRM (6.2).
    InitReply answeredReply;
    InitConfirm confirm;

    Session(PersistedSession persisted) {
        this.keys = persisted.keys();
        this.role = persisted.role();
        this.messages = new MoveMessages(keys, role);
        this.verifier = new MoveVerifier(keys, role);
        this.localCurrent = persisted.localCurrent();
        this.peerCurrent = persisted.peerCurrent();
        // Numbers up to the reservation may have been sent before a restart: continue above it.
        this.lastSequenceSent = persisted.sequenceReserved();
        this.sequenceReserved = persisted.sequenceReserved();
        this.lastAccepted = persisted.lastAccepted();
        this.confirmedAccepted = persisted.lastAccepted();
        this.lastAcceptedUpdate = null;
    }

    AddressPair bound() {
        return keys.boundAddresses(role);
    }

    SacipAddress localOriginal() {
        return bound().local();
    }

    SacipAddress peerOriginal() {
        return bound().peer();
    }

    PersistedSession snapshot() {
        return new PersistedSession(keys, role, localCurrent, peerCurrent, sequenceReserved, confirmedAccepted);
    }

    void stopTimers() {
        if (outgoingRetransmission != null) {
            outgoingRetransmission.cancel();
        }
        if (checkRetransmission != null) {
            checkRetransmission.cancel();
        }
    }
}
