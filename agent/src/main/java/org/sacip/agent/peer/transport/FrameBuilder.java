package org.sacip.agent.peer.transport;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;
import org.sacip.protocol.codec.IcmpChecksum;
import org.sacip.protocol.message.SacipAddress;

/**
 * Builds the frame pcap injects: link header (Ethernet or none), IPv4 or IPv6 header, the ICMP message. The ICMP
 * checksum is rewritten for the actual outer addresses, so an ICMPv6 pseudo-header always matches the header built
 * here. IPv4 packets carry DF: SACIP messages are small and never fragmented by the sender.
 */
final class FrameBuilder {
    static final int TTL = 64;
    private static final AtomicInteger IPV4_IDENTIFICATION = new AtomicInteger();

    private FrameBuilder() {
    }

    static byte[] build(NextHop hop, InetAddress source, InetAddress destination, byte[] icmp) {
        boolean ipv4 = source.getAddress().length == 4;
        int ipHeader = ipv4 ? FrameParser.IPV4_MIN_HEADER : FrameParser.IPV6_HEADER;
        int link = hop.framing().headerLength();
        ByteBuffer frame = ByteBuffer.allocate(link + ipHeader + icmp.length);
        if (hop.framing() == LinkFraming.ETHERNET) {
            frame.put(hop.destinationMac()).put(hop.sourceMac())
                    .putShort((short) (ipv4 ? FrameParser.ETHERTYPE_IPV4 : FrameParser.ETHERTYPE_IPV6));
        }
        int ip = frame.position();
        if (ipv4) {
            frame.put((byte) 0x45).put((byte) 0).putShort((short) (ipHeader + icmp.length))
                    .putShort((short) IPV4_IDENTIFICATION.incrementAndGet()).putShort((short) 0x4000)
                    .put((byte) TTL).put((byte) FrameParser.PROTOCOL_ICMP).putShort((short) 0)
                    .put(source.getAddress()).put(destination.getAddress());
            frame.putShort(ip + 10, (short) FrameParser.headerChecksum(frame.array(), ip, ipHeader));
        } else {
            frame.putInt(0x60000000).putShort((short) icmp.length).put((byte) FrameParser.NEXT_HEADER_ICMPV6)
                    .put((byte) TTL).put(source.getAddress()).put(destination.getAddress());
        }
        int start = frame.position();
        frame.put(icmp);
        IcmpChecksum.rewrite(frame, start, icmp.length, SacipAddress.of(source), SacipAddress.of(destination));
        return frame.array();
    }
}
