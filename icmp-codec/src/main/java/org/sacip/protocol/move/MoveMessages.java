package org.sacip.protocol.move;

import org.sacip.protocol.codec.Envelope;
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

    /**
     * This host moved to the source of {@code outgoing} (its new address); the update is sent in that envelope, to
     * the peer's current address.
     */
    public AddressUpdate update(long sequence, Envelope outgoing) {
        SacipAddress original = keys.boundAddresses(role).local();
        AddressUpdate unsigned = new AddressUpdate(keys.keyId(), sequence, original, outgoing.source(), zeroMac());
        return MessageAuthenticator.sign(unsigned, keys.sendingKey(role), outgoing);
    }

    /**
     * Acknowledges the peer's update, sent in {@code outgoing}: from our current address to where the reachability
     * check reached the peer (over ICMP its new address; over UDP the endpoint the update came from).
     */
    public UpdateAck acknowledge(AddressUpdate update, Envelope outgoing) {
        UpdateAck unsigned = new UpdateAck(keys.keyId(), update.sequence(), update.originalAddress(),
                update.currentAddress(), zeroMac());
        return MessageAuthenticator.sign(unsigned, keys.sendingKey(role), outgoing);
    }

    private static Octets zeroMac() {
        return Octets.zeros(FieldLengths.MAC);
    }
}
