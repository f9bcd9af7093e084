package org.sacip.agent.peer.protocol;

import java.time.Instant;
import java.util.Optional;
import org.sacip.protocol.claim.ClaimMessages;
import org.sacip.protocol.claim.ClaimVerifier;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.move.MoveMessages;
import org.sacip.protocol.move.MoveVerifier;

/**
 * One key of a key lineage: the keys of one handshake (first or renewal), this host's role in that handshake, when it
 * was established, and the peer's updates accepted under it (a new key starts with none: section 6.6). Engine
 * thread only.
 */
final class AssociationKey {
    final SessionKeys keys;
    final Role role;
    final Instant established;
    final MoveMessages messages;
    final MoveVerifier verifier;
    final ClaimMessages claimMessages;
    final ClaimVerifier claimVerifier;
    /** The peer's last accepted update under this key. */
    Optional<AcceptedUpdate> lastAccepted;
    /** Persisted: only an update whose check passed, so a restart never re-acknowledges an unchecked one. */
    Optional<AcceptedUpdate> confirmedAccepted;

    AssociationKey(SessionKeys keys, Role role, Instant established, Optional<AcceptedUpdate> accepted) {
        this.keys = keys;
        this.role = role;
        this.established = established;
        this.messages = new MoveMessages(keys, role);
        this.verifier = new MoveVerifier(keys, role);
        this.claimMessages = new ClaimMessages(keys, role);
        this.claimVerifier = new ClaimVerifier(keys, role);
        this.lastAccepted = accepted;
        this.confirmedAccepted = accepted;
    }

    Octets id() {
        return keys.keyId();
    }

    /** The peer's last accepted update: its sequence number and the addresses it named. */
    record AcceptedUpdate(long sequence, SacipAddress original, SacipAddress current) {
    }
}
