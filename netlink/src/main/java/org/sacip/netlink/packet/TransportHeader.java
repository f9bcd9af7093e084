package org.sacip.netlink.packet;

/** The transport header of a captured packet: TCP or UDP. */
public sealed interface TransportHeader permits TcpHeader, UdpHeader {
    int sourcePort();

    int destinationPort();
}
