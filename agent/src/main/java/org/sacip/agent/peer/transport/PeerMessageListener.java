package org.sacip.agent.peer.transport;

/** Receives captured SACIP messages, one at a time, on the transport's single delivery thread. */
@FunctionalInterface
public interface PeerMessageListener {
    void onMessage(ReceivedMessage message);
}
