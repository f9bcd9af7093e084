package org.sacip.agent.handover;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;
import org.sacip.protocol.message.SacipAddress;

/** Our original address and a peer's original address: what one SACIP key is bound to. */
public record PeerPath(InetAddress local, InetAddress peer) {
    public static PeerPath of(SacipAddress local, SacipAddress peer) {
        return new PeerPath(local.toInetAddress(), peer.toInetAddress());
    }

    public SacipAddress sacipLocal() {
        return SacipAddress.of(local);
    }

    public SacipAddress sacipPeer() {
        return SacipAddress.of(peer);
    }

    @Override
    public String toString() {
        return AddressText.of(local) + " -> " + AddressText.of(peer);
    }
}
