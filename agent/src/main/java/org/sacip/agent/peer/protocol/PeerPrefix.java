package org.sacip.agent.peer.protocol;

import java.util.Arrays;
import org.sacip.protocol.message.AddressFamily;
import org.sacip.protocol.message.SacipAddress;

/**
 * The unit per-source limits are counted in: an IPv6 /64 (one host or one site gets a whole /64, so per-address
 * limits would cost an attacker nothing) or one IPv4 address.
 */
record PeerPrefix(AddressFamily family, byte[] prefix) {
    static PeerPrefix of(SacipAddress address) {
        byte[] bytes = address.addressBytes();
        return new PeerPrefix(address.family(), address.family() == AddressFamily.IPV6
                ? Arrays.copyOf(bytes, 8) : bytes.clone());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PeerPrefix that && family == that.family && Arrays.equals(prefix, that.prefix);
    }

    @Override
    public int hashCode() {
        return 31 * family.hashCode() + Arrays.hashCode(prefix);
    }

    @Override
    public String toString() {
        return family + ":" + java.util.HexFormat.of().formatHex(prefix);
    }
}
