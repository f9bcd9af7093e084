package org.sacip.agent.peer.protocol;

import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;

/** Our own handshake in progress with one peer (section 6.2). Engine thread only. */
final class Initiation {
    enum State { WAIT_COOKIE, WAIT_REPLY }

    final AddressPair path;
    final HandshakeInitiator initiator;
    State state = State.WAIT_COOKIE;
    Retransmission retransmission;

    Initiation(AddressPair path, HandshakeInitiator initiator) {
        this.path = path;
        this.initiator = initiator;
    }

    void abandon() {
        if (retransmission != null) {
            retransmission.cancel();
        }
    }
}
