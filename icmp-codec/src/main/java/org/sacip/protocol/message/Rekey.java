package org.sacip.protocol.message;

/** Key renewal request, authenticated under the current key; answered by an {@link InitReply}. */
public record Rekey(Octets keyId, Octets initiatorNonce, Octets initiatorShare, Octets mac)
        implements AuthenticatedMessage {
    public Rekey {
        keyId.requireLength(FieldLengths.KEY_ID, "key id");
        initiatorNonce.requireLength(FieldLengths.NONCE, "initiator nonce");
        initiatorShare.requireLength(FieldLengths.KEY_SHARE, "initiator key share");
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.REKEY;
    }

    @Override
    public Rekey withMac(Octets newMac) {
        return new Rekey(keyId, initiatorNonce, initiatorShare, newMac);
    }
}
