package org.sacip.agent.peer.transport;

import java.util.Arrays;

/** Where a frame goes: the output interface, its framing, and for Ethernet both MACs. */
record NextHop(int interfaceIndex, String interfaceName, LinkFraming framing, byte[] sourceMac,
        byte[] destinationMac) {

    NextHop {
        sourceMac = sourceMac.clone();
        destinationMac = destinationMac.clone();
    }

    @Override
    public byte[] sourceMac() {
        return sourceMac.clone();
    }

    @Override
    public byte[] destinationMac() {
        return destinationMac.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof NextHop hop && interfaceIndex == hop.interfaceIndex
                && interfaceName.equals(hop.interfaceName) && framing == hop.framing
                && Arrays.equals(sourceMac, hop.sourceMac) && Arrays.equals(destinationMac, hop.destinationMac);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * interfaceIndex + framing.hashCode()) + Arrays.hashCode(destinationMac);
    }
}
