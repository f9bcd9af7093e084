package org.sacip.protocol.message;

/** Reachability check sent to a peer's new address; the challenge holds 128 random bits. */
public record PathChallenge(Octets keyId, Octets challenge, Octets mac) implements AuthenticatedMessage {
    public PathChallenge {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        challenge.requireLength(FieldLengths.CHALLENGE, "challenge");
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.PATH_CHALLENGE;
    }

    @Override
    public PathChallenge withMac(Octets newMac) {
        return new PathChallenge(keyId, challenge, newMac);
    }
}
