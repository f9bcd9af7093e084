package org.sacip.protocol.message;

/** Initiator to responder: asks for a cookie. Padded so that the cookie reply is not larger. */
public record Hello(Octets initiatorNonce) implements SacipMessage {
    public Hello {
        initiatorNonce.requireLength(FieldLengths.NONCE, "initiator nonce");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.HELLO;
    }
}
