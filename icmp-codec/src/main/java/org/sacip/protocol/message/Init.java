package org.sacip.protocol.message;

/** Initiator to responder: the cookie proves the initiator receives at its address; carries its X25519 share. */
public record Init(Octets initiatorNonce, Octets cookie, Octets initiatorShare) implements SacipMessage {
    public Init {
        initiatorNonce.requireLength(FieldLengths.NONCE, "initiator nonce");
        cookie.requireLength(FieldLengths.COOKIE, "cookie");
        initiatorShare.requireLength(FieldLengths.KEY_SHARE, "initiator key share");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.INIT;
    }
}
