package org.sacip.agent.peer.transport;

import org.sacip.netlink.AddressText;
import java.net.InetAddress;

/**
 * A SACIP ICMP message as captured: the interface it arrived on, the outer IP source and destination, and the ICMP
 * bytes (type, code, checksum, SACIP part), ready for {@code SacipDecoder.decode(icmp, source, destination)}.
 */
public record ReceivedMessage(String interfaceName, int interfaceIndex, InetAddress source, InetAddress destination,
        byte[] icmp) {

    public ReceivedMessage {
        icmp = icmp.clone();
    }

    public int icmpLength() {
        return icmp.length;
    }

    @Override
    public byte[] icmp() {
        return icmp.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ReceivedMessage message && interfaceIndex == message.interfaceIndex
                && interfaceName.equals(message.interfaceName) && source.equals(message.source)
                && destination.equals(message.destination) && java.util.Arrays.equals(icmp, message.icmp);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(interfaceName, interfaceIndex, source, destination,
                java.util.Arrays.hashCode(icmp));
    }

    @Override
    public String toString() {
        return "ReceivedMessage[" + interfaceName + " " + AddressText.of(source) + " -> "
                + AddressText.of(destination) + " " + icmp.length + " octets]";
    }
}
