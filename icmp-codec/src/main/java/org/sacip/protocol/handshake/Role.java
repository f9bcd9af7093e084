package org.sacip.protocol.handshake;

/** Which side of the handshake that produced a key a host played. */
public enum Role {
    INITIATOR,
    RESPONDER;

    public Role other() {
        return this == INITIATOR ? RESPONDER : INITIATOR;
    }
}
