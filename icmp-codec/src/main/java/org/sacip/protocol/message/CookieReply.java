package org.sacip.protocol.message;

/** Responder to initiator: a stateless cookie bound to both addresses and the initiator nonce. */
public record CookieReply(Octets initiatorNonce, Octets cookie) implements SacipMessage {
    public CookieReply {
        initiatorNonce.requireLength(FieldLengths.NONCE, "initiator nonce");
        cookie.requireLength(FieldLengths.COOKIE, "cookie");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.COOKIE;
    }
}
