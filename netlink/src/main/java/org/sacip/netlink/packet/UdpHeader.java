package org.sacip.netlink.packet;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A UDP header and its payload as far as it was captured. {@code truncated} says the payload is shorter than the UDP
 * length states: the copy range cut it, or (with {@link IpHeader#moreFragments()}) the rest is in later fragments.
 */
public record UdpHeader(int sourcePort, int destinationPort, int length, byte[] payload, boolean truncated)
        implements TransportHeader {

    public UdpHeader {
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UdpHeader udp && sourcePort == udp.sourcePort
                && destinationPort == udp.destinationPort && length == udp.length
                && Arrays.equals(payload, udp.payload) && truncated == udp.truncated;
    }

    @Override
    public int hashCode() {
        return ((sourcePort * 31 + destinationPort) * 31 + length) * 31 + Arrays.hashCode(payload)
                + (truncated ? 1 : 0);
    }

    @Override
    public String toString() {
        return "UdpHeader[" + sourcePort + " > " + destinationPort + ", length " + length + ", payload "
                + HexFormat.of().formatHex(payload) + (truncated ? " (truncated)" : "") + "]";
    }
}
