package org.sacip.netlink.packet;

import java.net.InetAddress;
import org.sacip.netlink.AddressText;

/** What identifies a packet's flow: the IP protocol (6 TCP, 17 UDP) and both ends' addresses and ports. */
public record PacketTuple(int protocol, InetAddress source, int sourcePort, InetAddress destination,
        int destinationPort) {

    @Override
    public String toString() {
        return (protocol == PacketHeaderParser.PROTOCOL_TCP ? "TCP " : protocol == PacketHeaderParser.PROTOCOL_UDP
                ? "UDP " : "protocol " + protocol + " ") + AddressText.endpoint(source, sourcePort) + " > "
                + AddressText.endpoint(destination, destinationPort);
    }
}
