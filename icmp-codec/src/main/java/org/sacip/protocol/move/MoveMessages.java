package org.sacip.protocol.move;

import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.FieldLengths;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UpdateAck;

/** Builds the signed messages of a move for a host that played {@code role} in the handshake of {@code keys}. */
public final class MoveMessages {
    private final SessionKeys keys;
    private final Role role;

    public MoveMessages(SessionKeys keys, Role role) {
        this.keys = keys;
        this.role = role;
    }

    /** This host moved to {@code newLocal}; sent from there to the peer's current address. */
    public AddressUpdate update(long sequence, SacipAddress newLocal, SacipAddress peerCurrent) {
        SacipAddress original = keys.boundAddresses(role).local();
        AddressUpdate unsigned = new AddressUpdate(keys.keyId(), sequence, original, newLocal, zeroMac());
        return MessageAuthenticator.sign(unsigned, keys.sendingKey(role), newLocal, peerCurrent);
    }

    /** Acknowledges the peer's update; sent from our current address to the peer's new one. */
    public UpdateAck acknowledge(AddressUpdate update, SacipAddress localCurrent) {
        UpdateAck unsigned = new UpdateAck(keys.keyId(), update.sequence(), update.originalAddress(),
                update.currentAddress(), zeroMac());
        return MessageAuthenticator.sign(unsigned, keys.sendingKey(role), localCurrent, update.currentAddress());
    }

    private static Octets zeroMac() {
        return Octets.zeros(FieldLengths.MAC);
    }
}
