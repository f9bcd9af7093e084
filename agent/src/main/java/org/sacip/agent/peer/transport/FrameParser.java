package org.sacip.agent.peer.transport;

import java.util.Arrays;
import org.sacip.protocol.codec.WireFormat;

/**
 * Checks a captured frame's IP header and extracts the SACIP ICMP message. The BPF filter already chose the frames;
 * this is the authoritative check (a filter can be replaced, and BPF does not check lengths or checksums). TTL and
 * hop limit are ignored: a message may legitimately arrive over several hops.
 */
final class FrameParser {
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86DD;
    static final int PROTOCOL_ICMP = 1;
    static final int NEXT_HEADER_ICMPV6 = 58;
    static final int IPV4_MIN_HEADER = 20;
    static final int IPV6_HEADER = 40;
    static final int ICMP_HEADER = 4;

    private FrameParser() {
    }

    /** The parsed packet, or the reason it was rejected. */
    sealed interface Result permits Accepted, Rejected {
    }

    record Accepted(IpPacket packet) implements Result {
    }

    record Rejected(FrameRejection reason) implements Result {
    }

    static Result parse(byte[] frame, LinkFraming framing) {
        int ip = framing.headerLength();
        if (frame.length < ip + 1) {
            return new Rejected(FrameRejection.TRUNCATED);
        }
        int version = (frame[ip] & 0xFF) >>> 4;
        if (framing == LinkFraming.ETHERNET) {
            int etherType = u16(frame, 12);
            if (!(etherType == ETHERTYPE_IPV4 && version == 4) && !(etherType == ETHERTYPE_IPV6 && version == 6)) {
                return new Rejected(FrameRejection.NOT_IP);
            }
        }
        return switch (version) {
            case 4 -> ipv4(frame, ip);
            case 6 -> ipv6(frame, ip);
            default -> new Rejected(FrameRejection.NOT_IP);
        };
    }

    private static Result ipv4(byte[] frame, int ip) {
        if (frame.length < ip + IPV4_MIN_HEADER) {
            return new Rejected(FrameRejection.TRUNCATED);
        }
        int headerLength = (frame[ip] & 0x0F) * 4;
        int totalLength = u16(frame, ip + 2);
        if (headerLength < IPV4_MIN_HEADER || totalLength < headerLength + ICMP_HEADER) {
            return new Rejected(FrameRejection.BAD_IP_HEADER);
        }
        if (frame.length < ip + totalLength) {
            return new Rejected(FrameRejection.TRUNCATED);
        }
        if (headerChecksum(frame, ip, headerLength) != 0) {
            return new Rejected(FrameRejection.BAD_IP_HEADER);
        }
        int flagsAndOffset = u16(frame, ip + 6);
        if ((flagsAndOffset & 0x3FFF) != 0) {
            return new Rejected(FrameRejection.FRAGMENT);
        }
        if ((frame[ip + 9] & 0xFF) != PROTOCOL_ICMP) {
            return new Rejected(FrameRejection.NOT_ICMP);
        }
        int icmp = ip + headerLength;
        if ((frame[icmp] & 0xFF) != SacipCaptureFilter.ICMPV4_TYPE) {
            return new Rejected(FrameRejection.NOT_SACIP_TYPE);
        }
        if (!hasMagic(frame, icmp, ip + totalLength)) {
            return new Rejected(FrameRejection.NOT_SACIP_MAGIC);
        }
        return new Accepted(new IpPacket(IpPacket.address(frame, ip + 12, 4), IpPacket.address(frame, ip + 16, 4),
                Arrays.copyOfRange(frame, icmp, ip + totalLength)));
    }

    private static Result ipv6(byte[] frame, int ip) {
        if (frame.length < ip + IPV6_HEADER) {
            return new Rejected(FrameRejection.TRUNCATED);
        }
        int payloadLength = u16(frame, ip + 4);
        if (payloadLength < ICMP_HEADER) {
            return new Rejected(FrameRejection.BAD_IP_HEADER);
        }
        if (frame.length < ip + IPV6_HEADER + payloadLength) {
            return new Rejected(FrameRejection.TRUNCATED);
        }
        if ((frame[ip + 6] & 0xFF) != NEXT_HEADER_ICMPV6) {
            return new Rejected(FrameRejection.NOT_ICMP);
        }
        int icmp = ip + IPV6_HEADER;
        if ((frame[icmp] & 0xFF) != SacipCaptureFilter.ICMPV6_TYPE) {
            return new Rejected(FrameRejection.NOT_SACIP_TYPE);
        }
        if (!hasMagic(frame, icmp, icmp + payloadLength)) {
            return new Rejected(FrameRejection.NOT_SACIP_MAGIC);
        }
        return new Accepted(new IpPacket(IpPacket.address(frame, ip + 8, 16), IpPacket.address(frame, ip + 24, 16),
                Arrays.copyOfRange(frame, icmp, icmp + payloadLength)));
    }

    private static boolean hasMagic(byte[] frame, int icmp, int end) {
        int magic = icmp + ICMP_HEADER;
        return end - magic >= 4 && ((u16(frame, magic) << 16) | u16(frame, magic + 2)) == WireFormat.MAGIC;
    }

    /** RFC 1071 sum over the IPv4 header; 0 when its checksum field is right. */
    static int headerChecksum(byte[] frame, int offset, int length) {
        long sum = 0;
        for (int i = offset; i < offset + length; i += 2) {
            sum += u16(frame, i);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    static int u16(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 8) | (bytes[offset + 1] & 0xFF);
    }
}
