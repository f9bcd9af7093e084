package org.sacip.agent.peer.protocol;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.sacip.protocol.message.SacipAddress;

/** Remembers what an engine reported, as text lines a test can compare. */
final class RecordingProtocolListener implements PeerProtocolListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    /** How many moves each batch of peer moves carried. */
    final List<Integer> peerMoveBatches = new CopyOnWriteArrayList<>();

    /** How many confirmations each batch of our confirmed moves carried. */
    final List<Integer> confirmationBatches = new CopyOnWriteArrayList<>();

    @Override
    public void movesConfirmed(List<OwnMove> moves) {
        confirmationBatches.add(moves.size());
        PeerProtocolListener.super.movesConfirmed(moves);
    }

    @Override
    public void peersMoved(List<PeerMove> moves) {
        peerMoveBatches.add(moves.size());
        PeerProtocolListener.super.peersMoved(moves);
    }

    @Override
    public void keyEstablished(SacipAddress localOriginal, SacipAddress peerOriginal) {
        events.add("key " + localOriginal + " " + peerOriginal);
    }

    @Override
    public void keyExpired(SacipAddress localOriginal, SacipAddress peerOriginal) {
        events.add("expired " + localOriginal + " " + peerOriginal);
    }

    @Override
    public void peerMoved(SacipAddress localOriginal, SacipAddress peerOriginal, SacipAddress peerCurrent) {
        events.add("peer " + peerOriginal + " at " + peerCurrent);
    }

    @Override
    public void moveConfirmed(OwnMove move) {
        events.add("confirmed " + move.localOriginal() + " at " + move.current() + " by " + move.peerOriginal()
                + " seq " + move.sequence());
    }

    @Override
    public void moveNotConfirmed(OwnMove move) {
        events.add("not confirmed " + move.localOriginal() + " at " + move.current() + " by " + move.peerOriginal());
    }
}
