package org.sacip.lab.attack;

import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.move.MoveMessages;

/**
 * A key a {@link RoguePeer} agreed for real with an agent: the keys, the role the rogue played, and the addresses
 * the key is bound to (the rogue's own first, as the rogue sees them).
 */
record RogueKey(SessionKeys keys, Role role) {
    Octets id() {
        return keys.keyId();
    }

    AddressPair bound() {
        return keys.boundAddresses(role);
    }

    SacipAddress boundLocal() {
        return bound().local();
    }

    SacipAddress boundPeer() {
        return bound().peer();
    }

    MoveMessages messages() {
        return new MoveMessages(keys, role);
    }
}
