package org.sacip.protocol.message;

/** Sent from the new address: the session's original address and the sender's current one (absolute state). */
public record AddressUpdate(Octets keyId, long sequence, SacipAddress originalAddress, SacipAddress currentAddress,
        Octets mac) implements AuthenticatedMessage {
    public AddressUpdate {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        if (sequence == 0) {
            throw new IllegalArgumentException("sequence numbers start at 1");
        }
        if (originalAddress.family() != currentAddress.family()) {
            throw new IllegalArgumentException("original and current address must have the same family");
        }
        mac.requireLength(FieldLengths.MAC, "mac");
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
