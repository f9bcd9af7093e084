package org.sacip.protocol.message;

/** Acknowledges an address update; repeats its sequence number and both addresses. */
public record UpdateAck(Octets keyId, long sequence, SacipAddress originalAddress, SacipAddress currentAddress,
        Octets mac) implements AuthenticatedMessage {
    public UpdateAck {
        UpdateFieldRules.check(keyId, sequence, originalAddress, currentAddress, mac);
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
