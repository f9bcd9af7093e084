package org.sacip.protocol.message;

/** Acknowledges an address update; repeats its sequence number and both addresses. */
public record UpdateAck(Octets keyId, long sequence, SacipAddress originalAddress, SacipAddress currentAddress,
        Octets mac) implements AuthenticatedMessage {
    public UpdateAck {
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
        return MessageKind.UPDATE_ACK;
    }

    @Override
    public UpdateAck withMac(Octets newMac) {
        return new UpdateAck(keyId, sequence, originalAddress, currentAddress, newMac);
    }
}
