package org.sacip.agent.peer.protocol;

import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.message.RefusalReason;

/**
 * Our own renewal of one lineage's key in progress (section 6.6): REKEY sent over the lineage's current addresses,
 * waiting for the INIT_REPLY that echoes its nonce. Engine thread only.
 */
final class Renewal {
    final Association association;
    /** The key being renewed; the renewal is void once the lineage has another one. */
    final AssociationKey renewing;
    final AddressPair path;
    final HandshakeInitiator initiator;
    Retransmission retransmission;
    /** A REFUSAL heard for it: a hint for the pause after it failed, never a verdict. */
    RefusalReason refusalHeard;

    Renewal(Association association, AssociationKey renewing, AddressPair path, HandshakeInitiator initiator) {
        this.association = association;
        this.renewing = renewing;
        this.path = path;
        this.initiator = initiator;
    }

    void abandon() {
        if (retransmission != null) {
            retransmission.cancel();
        }
    }
}
