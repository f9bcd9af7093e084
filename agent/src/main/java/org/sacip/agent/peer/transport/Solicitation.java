package org.sacip.agent.peer.transport;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import org.sacip.protocol.codec.IcmpChecksum;
import org.sacip.protocol.message.SacipAddress;

/**
 * The ARP request or IPv6 neighbour solicitation the kernel itself would send, had one of our packets from
 * {@code source} been waiting for the next hop: its sender address is {@code source}, so the next hop learns that
 * address's MAC (RFC 826; RFC 4861 section 7.2.3) and may answer us there. The kernel's own solicitation, asked for
 * over netlink with no packet waiting, names the interface's primary IPv4 address or its IPv6 link-local one; a peer
 * that answers unauthenticated messages only over known next hops would then never answer a HELLO from our global
 * (or secondary) address. Ethernet only.
 */
final class Solicitation {
    static final int ETHERTYPE_ARP = 0x0806;
    private static final int ICMPV6_NEIGHBOUR_SOLICITATION = 135;
    private static final int HOP_LIMIT = 255;

    private Solicitation() {
    }

    /** The frame asking who has {@code target}, from {@code source} at {@code ourMac}. */
    static byte[] frame(byte[] ourMac, InetAddress source, InetAddress target) {
        if (ourMac.length != 6) {
            throw new IllegalArgumentException("an Ethernet MAC has 6 octets, not " + ourMac.length);
        }
        if (source.getAddress().length != target.getAddress().length) {
            throw new IllegalArgumentException("source and target of different families");
        }
        return source.getAddress().length == 4 ? arpRequest(ourMac, source, target)
                : neighbourSolicitation(ourMac, source, target);
    }

    private static byte[] arpRequest(byte[] ourMac, InetAddress source, InetAddress target) {
        ByteBuffer frame = ByteBuffer.allocate(14 + 28);
        frame.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(ourMac).putShort((short) ETHERTYPE_ARP);
        frame.putShort((short) 1).putShort((short) FrameParser.ETHERTYPE_IPV4).put((byte) 6).put((byte) 4)
                .putShort((short) 1).put(ourMac).put(source.getAddress()).put(new byte[6]).put(target.getAddress());
        return frame.array();
    }

    private static byte[] neighbourSolicitation(byte[] ourMac, InetAddress source, InetAddress target) {
        byte[] t = target.getAddress();
        byte[] solicitedNode = {(byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, (byte) 0xff, t[13], t[14], t[15]};
        int icmpLength = 4 + 4 + 16 + 8;
        ByteBuffer frame = ByteBuffer.allocate(14 + FrameParser.IPV6_HEADER + icmpLength);
        frame.put(new byte[] {0x33, 0x33, (byte) 0xff, t[13], t[14], t[15]}).put(ourMac)
                .putShort((short) FrameParser.ETHERTYPE_IPV6);
        frame.putInt(0x60000000).putShort((short) icmpLength).put((byte) FrameParser.NEXT_HEADER_ICMPV6)
                .put((byte) HOP_LIMIT).put(source.getAddress()).put(solicitedNode);
        int icmp = frame.position();
        frame.put((byte) ICMPV6_NEIGHBOUR_SOLICITATION).put((byte) 0).putShort((short) 0).putInt(0).put(t);
        // Source link-layer address option: type 1, length 1 (8 octets).
        frame.put((byte) 1).put((byte) 1).put(ourMac);
        IcmpChecksum.rewrite(frame, icmp, icmpLength, SacipAddress.of(source), SacipAddress.of(address(solicitedNode)));
        return frame.array();
    }

    private static Inet6Address address(byte[] octets) {
        try {
            return (Inet6Address) InetAddress.getByAddress(octets);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 octets are always an IPv6 address", e);
        }
    }
}
