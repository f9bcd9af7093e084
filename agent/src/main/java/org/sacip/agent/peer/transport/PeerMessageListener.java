package org.sacip.agent.peer.transport;

/**
 * Receives captured SACIP messages on the capture thread of the interface each came in on, so two interfaces may
 * deliver at once. It must not block: while it runs, that interface's frames wait in pcap's buffer, and the kernel
 * drops what does not fit. A listener that needs a thread of its own hands the message over and returns.
 */
@FunctionalInterface
public interface PeerMessageListener {
    void onMessage(ReceivedMessage message);
}
