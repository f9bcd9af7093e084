package org.sacip.protocol.move;

import org.sacip.protocol.SacipProtocolException.Reason;
import org.sacip.protocol.SacipProtocolException;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.crypto.MessageAuthenticator;
import org.sacip.protocol.handshake.Role;
import org.sacip.protocol.handshake.SessionKeys;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.AuthenticatedMessage;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.UpdateAck;

/**
 * Checks the peer's move messages against the keys of a session (this host played {@code role}): key id, the
 * address the key is bound to, the outer source, and the MAC under the peer's direction key.
 */
public final class MoveVerifier {
    private final SessionKeys keys;
    private final Role role;

    public MoveVerifier(SessionKeys keys, Role role) {
        this.keys = keys;
        this.role = role;
    }

    /** An update is bound to the key of its original address and must come from its current address. */
    public void verifyUpdate(AddressUpdate update, Arrival arrival) throws SacipProtocolException {
        requireKey(update.keyId());
        SacipAddress boundPeer = keys.boundAddresses(role).peer();
        if (!update.originalAddress().equals(boundPeer)) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS,
                    "update names original " + update.originalAddress() + ", key is bound to " + boundPeer);
        }
        if (!update.currentAddress().equals(arrival.source())) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "update for " + update.currentAddress()
                    + " sent from " + arrival.source());
        }
        verifyMac(update, arrival);
    }

    /** An acknowledgement of our own update {@code sent}: same sequence and addresses, from the peer, to our new address. */
    public void verifyAck(UpdateAck ack, AddressUpdate sent, Arrival arrival) throws SacipProtocolException {
        requireKey(ack.keyId());
        if (ack.sequence() != sent.sequence() || !ack.originalAddress().equals(sent.originalAddress())
                || !ack.currentAddress().equals(sent.currentAddress())) {
            throw new SacipProtocolException(Reason.UNEXPECTED_MESSAGE, "acknowledgement of another update");
        }
        if (!arrival.localAddress().equals(sent.currentAddress())) {
            throw new SacipProtocolException(Reason.WRONG_ADDRESS, "acknowledgement not sent to our new address");
        }
        verifyMac(ack, arrival);
    }

    private void requireKey(Octets keyId) throws SacipProtocolException {
        if (!keyId.equals(keys.keyId())) {
            throw new SacipProtocolException(Reason.UNKNOWN_KEY, "key id " + keyId);
        }
    }

    private void verifyMac(AuthenticatedMessage message, Arrival arrival) throws SacipProtocolException {
        MessageAuthenticator.verify(message, keys.receivingKey(role), arrival.envelope());
    }
}
