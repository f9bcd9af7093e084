package org.sacip.protocol.message;

/**
 * Unauthenticated refusal. The echo holds the initiator nonce of a refused handshake message, or the key id and
 * sequence number of a refused authenticated message. A hint only: it can never redirect or end a session.
 */
public record Refusal(RefusalReason reason, Octets echo) implements SacipMessage {
    public Refusal {
        echo.requireLength(FieldLengths.REFUSAL_ECHO, "refusal echo");
    }

    @Override
    public MessageKind kind() {
        return MessageKind.REFUSAL;
    }
}
