package org.sacip.protocol.handshake;

import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * The result of one handshake: a key per direction, the key id carried by authenticated messages, the secret that
 * a renewal mixes in, and the two addresses the keys are bound to.
 */
public record SessionKeys(Octets keyId, Octets initiatorToResponder, Octets responderToInitiator,
        Octets renewalSecret, SacipAddress initiatorAddress, SacipAddress responderAddress) {
    public static final int DIRECTION_KEY_LENGTH = 32;

    public SessionKeys {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        initiatorToResponder.requireLength(DIRECTION_KEY_LENGTH, "initiator-to-responder key");
        responderToInitiator.requireLength(DIRECTION_KEY_LENGTH, "responder-to-initiator key");
        renewalSecret.requireLength(DIRECTION_KEY_LENGTH, "renewal secret");
    }

    /** The key a host in {@code role} signs with. */
    public Octets sendingKey(Role role) {
        return role == Role.INITIATOR ? initiatorToResponder : responderToInitiator;
    }

    /** The key a host in {@code role} verifies the peer's messages with. */
    public Octets receivingKey(Role role) {
        return sendingKey(role.other());
    }

    /** The addresses bound to these keys, from the point of view of a host in {@code role}. */
    public AddressPair boundAddresses(Role role) {
        return role == Role.INITIATOR
                ? new AddressPair(initiatorAddress, responderAddress)
                : new AddressPair(responderAddress, initiatorAddress);
    }

    @Override
    public String toString() {
        // Never print key material.
        return "SessionKeys[keyId=" + keyId + ", " + initiatorAddress + " -> " + responderAddress + "]";
    }
}
