package org.sacip.agent.peer.protocol;

import org.sacip.protocol.message.SacipAddress;

/** Where the engine's messages go: an encoded ICMP message from a local address to a peer address. */
@FunctionalInterface
public interface PeerLink {
    void send(SacipAddress from, SacipAddress to, byte[] icmp);
}
