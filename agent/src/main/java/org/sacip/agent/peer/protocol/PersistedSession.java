package org.sacip.agent.peer.protocol;

import java.time.Instant;
import java.util.Optional;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.SacipAddress;

/**
 * What survives a restart of one session: its keys, this host's role in their handshake and when they were
 * established (the key's lifetime runs from there), both current addresses, the reserved high-water mark of our
 * update sequence numbers (never reused: a restart continues above it) and the peer's last accepted update.
 */
record PersistedSession(SessionKeys keys, Role role, Instant established, SacipAddress localCurrent,
        SacipAddress peerCurrent, long sequenceReserved, Optional<AcceptedUpdate> lastAccepted) {

    /** The peer's last accepted update: its sequence number and the addresses it named. */
    record AcceptedUpdate(long sequence, SacipAddress original, SacipAddress current) {
    }
}
