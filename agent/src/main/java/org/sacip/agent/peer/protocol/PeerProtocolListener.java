package org.sacip.agent.peer.protocol;

import org.sacip.protocol.message.SacipAddress;

/** What the engine tells the data path; called on the engine thread, so keep it short. */
public interface PeerProtocolListener {
    /** Keys with the peer are in use (either side initiated). */
    default void keyEstablished(SacipAddress localOriginal, SacipAddress peerOriginal) {
    }

    /** The peer's move passed the reachability check: rewrite {@code peerOriginal} to {@code peerCurrent}. */
    default void peerMoved(SacipAddress localOriginal, SacipAddress peerOriginal, SacipAddress peerCurrent) {
    }

    /** The peer acknowledged our move: now send from the new address (outsrc entry). */
    default void moveConfirmed(OwnMove move) {
    }

    /** No acknowledgement after every retransmission, or no key with that peer. */
    default void moveNotConfirmed(OwnMove move) {
    }

    /** One move of ours towards one peer. */
    record OwnMove(SacipAddress localOriginal, SacipAddress current, SacipAddress peerOriginal, long sequence) {
    }
}
