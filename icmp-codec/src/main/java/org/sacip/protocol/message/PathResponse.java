package org.sacip.protocol.message;

/** Answer to a path challenge, sent from the new address, echoing the challenge. */
public record PathResponse(Octets keyId, Octets challenge, Octets mac) implements AuthenticatedMessage {
    public PathResponse {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        challenge.requireLength(FieldLengths.CHALLENGE, "challenge");
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.PATH_RESPONSE;
    }

    @Override
    public PathResponse withMac(Octets newMac) {
        return new PathResponse(keyId, challenge, newMac);
    }
}
