package org.sacip.netlink.udp;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import org.sacip.netlink.AddressText;

/**
 * One datagram as the socket received it: where it came from (after any NAT), the local address and port it was
 * addressed to (from IP_PKTINFO / IPV6_PKTINFO), the interface it arrived on, and its payload.
 */
public record ReceivedDatagram(InetAddress source, int sourcePort, InetAddress localAddress, int localPort,
        int interfaceIndex, byte[] payload) {

    public ReceivedDatagram {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(localAddress, "localAddress");
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public int length() {
        return payload.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReceivedDatagram d && sourcePort == d.sourcePort && localPort == d.localPort
                && interfaceIndex == d.interfaceIndex && source.equals(d.source)
                && localAddress.equals(d.localAddress) && Arrays.equals(payload, d.payload);
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, sourcePort, localAddress, localPort, interfaceIndex, Arrays.hashCode(payload));
    }

    @Override
    public String toString() {
        return "ReceivedDatagram[" + AddressText.endpoint(source, sourcePort) + " -> "
                + AddressText.endpoint(localAddress, localPort) + " if " + interfaceIndex + ", " + payload.length
                + " octets]";
    }
}
