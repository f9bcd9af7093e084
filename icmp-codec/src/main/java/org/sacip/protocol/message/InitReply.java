package org.sacip.protocol.message;

/** Responder to initiator: its X25519 share; the MAC under the new responder-to-initiator key confirms the key. */
public record InitReply(Octets initiatorNonce, Octets responderNonce, Octets responderShare, Octets mac)
        implements AuthenticatedMessage {
    public InitReply {
        initiatorNonce.requireLength(FieldLengths.NONCE, "initiator nonce");
        responderNonce.requireLength(FieldLengths.NONCE, "responder nonce");
        responderShare.requireLength(FieldLengths.KEY_SHARE, "responder key share");
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.INIT_REPLY;
    }

    @Override
    public InitReply withMac(Octets newMac) {
        return new InitReply(initiatorNonce, responderNonce, responderShare, newMac);
    }
}
