package org.sacip.protocol.message;

/** Sent from the new address: the session's original address and the sender's current one (absolute state). */
public record AddressUpdate(Octets keyId, long sequence, SacipAddress originalAddress, SacipAddress currentAddress,
        Octets mac) implements AuthenticatedMessage {
    public AddressUpdate {
        UpdateFieldRules.check(keyId, sequence, originalAddress, currentAddress, mac);
    }

    @Override
    public MessageKind kind() {
        return MessageKind.ADDRESS_UPDATE;
    }

    @Override
    public AddressUpdate withMac(Octets newMac) {
        return new AddressUpdate(keyId, sequence, originalAddress, currentAddress, newMac);
    }
}
