package org.sacip.protocol.handshake;

import org.sacip.protocol.message.SacipAddress;

/** A local and a peer address, seen from one host. */
public record AddressPair(SacipAddress local, SacipAddress peer) {
    public AddressPair {
        if (local.family() != peer.family()) {
            throw new IllegalArgumentException("local and peer address must have the same family");
        }
    }
}
