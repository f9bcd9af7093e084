package org.sacip.protocol.message;

/** Initiator to responder: MAC under the new initiator-to-responder key confirms the key in that direction. */
public record InitConfirm(Octets initiatorNonce, Octets responderNonce, Octets mac) implements AuthenticatedMessage {
    public InitConfirm {
        initiatorNonce.requireLength(FieldLengths.NONCE, "initiator nonce");
        responderNonce.requireLength(FieldLengths.NONCE, "responder nonce");
        mac.requireLength(FieldLengths.MAC, "mac");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.INIT_CONFIRM;
    }

    @Override
    public InitConfirm withMac(Octets newMac) {
        return new InitConfirm(initiatorNonce, responderNonce, newMac);
    }
}
