package org.sacip.lab.attack;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * One IP packet a {@link PacketTap} saw: when (µs since the epoch), in which direction (as the capturing host's
 * kernel saw it), and the IP packet itself from its first header octet on. Readers below assume no IPv4 options
 * and no IPv6 extension headers, which is all the lab sends.
 */
record CapturedPacket(long micros, Direction direction, int interfaceIndex, byte[] ip) {
    /** Where a captured packet was going, relative to the capturing host. */
    enum Direction {
        /** Addressed to this host's link-layer address (unicast, broadcast or multicast). */
        INBOUND,
        /** Sent by this host (including what a program injected with a packet socket, such as pcap). */
        OUTBOUND
    }

    CapturedPacket {
        ip = ip.clone();
    }

    @Override
    public byte[] ip() {
        return ip.clone();
    }

    boolean isV6() {
        return (ip[0] & 0xf0) == 0x60;
    }

    InetAddress source() {
        return isV6() ? address(8, 16) : address(12, 4);
    }

    InetAddress destination() {
        return isV6() ? address(24, 16) : address(16, 4);
    }

    /** The upper-layer protocol: 1 ICMP, 6 TCP, 17 UDP, 58 ICMPv6. */
    int protocol() {
        return isV6() ? ip[6] & 0xff : ip[9] & 0xff;
    }

    /** Octets of the whole IP packet, as its header gives them (what the wire carried, without the link layer). */
    int length() {
        return isV6() ? IpPackets.IPV6_HEADER + u16(4) : u16(2);
    }

    /** The octets after the IP header: the ICMP message, UDP datagram or TCP segment. */
    byte[] transport() {
        int start = isV6() ? IpPackets.IPV6_HEADER : (ip[0] & 0x0f) * 4;
        return Arrays.copyOfRange(ip, start, Math.min(ip.length, length()));
    }

    /** A UDP datagram's payload (empty for another protocol). */
    byte[] udpPayload() {
        byte[] transport = transport();
        return protocol() != IpPackets.UDP || transport.length < 8 ? new byte[0]
                : Arrays.copyOfRange(transport, 8, transport.length);
    }

    int sourcePort() {
        return transportU16(0);
    }

    int destinationPort() {
        return transportU16(2);
    }

    private int transportU16(int offset) {
        byte[] transport = transport();
        return transport.length < offset + 2 ? -1 : ((transport[offset] & 0xff) << 8) | (transport[offset + 1] & 0xff);
    }

    private int u16(int offset) {
        return ((ip[offset] & 0xff) << 8) | (ip[offset + 1] & 0xff);
    }

    private InetAddress address(int offset, int length) {
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(ip, offset, offset + length));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address of " + length + " octets", e);
        }
    }

    @Override
    public String toString() {
        return direction + " " + Addresses.text(source()) + " -> " + Addresses.text(destination()) + " proto "
                + protocol() + " " + length() + " octets";
    }
}
