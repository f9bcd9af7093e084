package org.sacip.agent.peer.protocol;

import org.sacip.protocol.message.SacipAddress;

/** What the engine tells the data path; called on the engine thread, so keep it short. */
public interface PeerProtocolListener {
    /** Keys with the peer are in use (either side initiated), first agreed or renewed. */
    default void keyEstablished(SacipAddress localOriginal, SacipAddress peerOriginal) {
    }

    /** The peer's move passed the reachability check: rewrite {@code peerOriginal} to {@code peerCurrent}. */
    default void peerMoved(SacipAddress localOriginal, SacipAddress peerOriginal, SacipAddress peerCurrent) {
    }

    /**
     * Several peers' moves passed their checks together (one host with many addresses moved, or many hosts at
     * once): the engine acknowledges them all after this returns, so one data-path change can serve them all.
     */
    default void peersMoved(java.util.List<PeerMove> moves) {
        moves.forEach(move -> peerMoved(move.localOriginal(), move.peerOriginal(), move.peerCurrent()));
    }

    /** One checked move of a peer. */
    record PeerMove(SacipAddress localOriginal, SacipAddress peerOriginal, SacipAddress peerCurrent) {
    }

    /** The peer acknowledged our move: now send from the new address (outsrc entry). */
    default void moveConfirmed(OwnMove move) {
    }

    /** Several of our moves were acknowledged together (one move, many peers): one data-path change serves all. */
    default void movesConfirmed(java.util.List<OwnMove> moves) {
        moves.forEach(this::moveConfirmed);
    }

    /** No acknowledgement after every retransmission, or no key with that peer. */
    default void moveNotConfirmed(OwnMove move) {
    }

    /**
     * The key with the peer reached its 24 hours without renewal and was erased: the rewriting stays, but neither
     * side can move these sessions again until a new handshake from {@code localOriginal} succeeds.
     */
    default void keyExpired(SacipAddress localOriginal, SacipAddress peerOriginal) {
    }

    /** One move of ours towards one peer. */
    record OwnMove(SacipAddress localOriginal, SacipAddress current, SacipAddress peerOriginal, long sequence) {
    }
}
