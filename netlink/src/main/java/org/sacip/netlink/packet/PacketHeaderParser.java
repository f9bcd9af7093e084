package org.sacip.netlink.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.sacip.netlink.packet.PacketParseException.Reason;

/**
 * The parsing behind {@link PacketHeaders#parse}. Two limits apply to every header: the packet's own length (from
 * the IP header; a header beyond it is malformed) and the captured length (a header beyond it but within the
 * packet was cut by the copy range: {@link Reason#TRUNCATED}). Bytes captured past the packet's length are ignored.
 * The IP layer is {@link IpLayout}'s; the transport checks here are shared with {@link InnerPacket}.
 */
final class PacketHeaderParser {
    static final int TCP_MIN_HEADER = 20;
    static final int UDP_HEADER = 8;
    static final int PROTOCOL_TCP = 6;
    static final int PROTOCOL_UDP = 17;

    private PacketHeaderParser() {
    }

    static PacketHeaders parse(byte[] packet) throws PacketParseException {
        ByteBuffer bytes = ByteBuffer.wrap(packet);
        IpLayout layout = IpLayout.read(bytes, packet.length, false);
        boolean v4 = layout.version() == 4;
        IpHeader ip = new IpHeader(layout.version(), address(bytes, v4 ? 12 : 8, v4 ? 4 : 16),
                address(bytes, v4 ? 16 : 24, v4 ? 4 : 16), layout.protocol(), layout.transportOffset(),
                layout.end(), layout.hopLimit(), layout.moreFragments());
        return new PacketHeaders(ip, transport(layout));
    }

    private static TransportHeader transport(IpLayout layout) throws PacketParseException {
        PacketBounds packet = layout.packet();
        int offset = layout.transportOffset();
        return switch (layout.protocol()) {
            case PROTOCOL_TCP -> tcp(packet, offset);
            case PROTOCOL_UDP -> udp(packet, offset, layout.moreFragments());
            default -> throw new PacketParseException(Reason.UNSUPPORTED_PROTOCOL, "IP protocol " + layout.protocol());
        };
    }

    /** Checks the TCP header at {@code offset} lies within the packet; returns its length with options. */
    static int tcpHeaderLength(PacketBounds packet, int offset) throws PacketParseException {
        packet.require(offset, TCP_MIN_HEADER, "TCP header", Reason.BAD_TOTAL_LENGTH);
        int headerLength = (packet.u16(offset + 12) >>> 12) * 4;
        if (headerLength < TCP_MIN_HEADER) {
            throw new PacketParseException(Reason.BAD_TCP_DATA_OFFSET, "TCP data offset " + headerLength / 4);
        }
        packet.require(offset, headerLength, "TCP header with options", Reason.BAD_TCP_DATA_OFFSET);
        return headerLength;
    }

    /**
     * Checks the UDP header at {@code offset} and that its length fits the IP payload (of a first fragment, only that
     * it holds the header); returns the UDP length.
     */
    static int udpLength(PacketBounds packet, int offset, boolean moreFragments) throws PacketParseException {
        packet.require(offset, UDP_HEADER, "UDP header", Reason.BAD_TOTAL_LENGTH);
        int length = packet.u16(offset + 4);
        int available = packet.end() - offset;
        if (length < UDP_HEADER || (length > available && !moreFragments)) {
            throw new PacketParseException(Reason.BAD_UDP_LENGTH, "UDP length " + length + " with " + available
                    + " bytes of IP payload");
        }
        return length;
    }

    private static TcpHeader tcp(PacketBounds packet, int offset) throws PacketParseException {
        int headerLength = tcpHeaderLength(packet, offset);
        return new TcpHeader(packet.u16(offset), packet.u16(offset + 2), packet.u32(offset + 4),
                packet.u32(offset + 8), TcpFlag.of(packet.u16(offset + 12) & 0x1ff), headerLength,
                packet.u16(offset + 14), packet.end() - offset - headerLength);
    }

    private static UdpHeader udp(PacketBounds packet, int offset, boolean moreFragments) throws PacketParseException {
        int length = udpLength(packet, offset, moreFragments);
        int payloadEnd = Math.min(offset + length, Math.min(packet.end(), packet.captured()));
        byte[] payload = Arrays.copyOfRange(packet.bytes().array(), offset + UDP_HEADER, payloadEnd);
        return new UdpHeader(packet.u16(offset), packet.u16(offset + 2), length, payload,
                payload.length < length - UDP_HEADER);
    }

    static InetAddress address(ByteBuffer bytes, int offset, int length) {
        byte[] raw = new byte[length];
        bytes.get(offset, raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("address of " + length + " bytes", e);
        }
    }
}
