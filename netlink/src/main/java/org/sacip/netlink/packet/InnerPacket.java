package org.sacip.netlink.packet;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.sacip.netlink.packet.PacketParseException.Reason;

/**
 * One whole IPv4 or IPv6 packet carrying TCP or UDP, as a TUN device reads and writes it, seen where it lies: its
 * tuple is read and its addresses and ports are rewritten in the caller's buffer, with the IPv4 header checksum and
 * the TCP or UDP checksum updated by what changed (RFC 1624) instead of summed again over the payload. A UDP checksum
 * of 0 (none, which IPv4 allows) stays 0; one that comes to 0 is written 0xFFFF, as UDP sends a computed zero.
 *
 * <p>The first fragment of a fragmented packet is read and rewritten like a whole one (its checksum covers the whole
 * datagram, but only header fields change). A later fragment has no transport header and is refused
 * ({@link Reason#FRAGMENT}), as is any transport but TCP and UDP ({@link Reason#UNSUPPORTED_PROTOCOL}).
 *
 * <p>Not thread-safe; the view holds the buffer's bytes, not a copy, so it stays valid as long as they do.
 */
public final class InnerPacket {
    private static final int IPV4_CHECKSUM = 10;

    /** The packet, index 0 at its IP header. */
    private final ByteBuffer bytes;
    private final int version;
    private final int protocol;
    private final int transportOffset;
    private final int length;
    private final boolean moreFragments;

    private InnerPacket(ByteBuffer bytes, IpLayout layout) {
        this.bytes = bytes;
        this.version = layout.version();
        this.protocol = layout.protocol();
        this.transportOffset = layout.transportOffset();
        this.length = layout.end();
        this.moreFragments = layout.moreFragments();
    }

    /**
     * Reads the packet between the buffer's position and limit (its position and limit are left as they are; bytes
     * past the length the IP header states are not part of the packet).
     *
     * @throws PacketParseException if the bytes are not one whole such packet: too short for a header or for the
     *                              length the IP header states ({@link Reason#TRUNCATED}), another IP version, a
     *                              header length that does not fit, a bad IPv4 header checksum or option, a later
     *                              fragment, another transport, an IPv6 routing header
     */
    public static InnerPacket parse(ByteBuffer buffer) throws PacketParseException {
        ByteBuffer bytes = buffer.slice(buffer.position(), buffer.remaining());
        IpLayout layout = IpLayout.read(bytes, bytes.limit(), true);
        if (layout.end() > bytes.limit()) {
            throw new PacketParseException(Reason.TRUNCATED, "the IP header states " + layout.end()
                    + " bytes but the buffer holds " + bytes.limit());
        }
        if (layout.routingHeader()) {
            // The transport checksum covers the routing header's final destination, not the IPv6 header's.
            throw new PacketParseException(Reason.UNSUPPORTED_PROTOCOL, "IPv6 routing header");
        }
        switch (layout.protocol()) {
            case PacketHeaderParser.PROTOCOL_TCP -> PacketHeaderParser.tcpHeaderLength(layout.packet(),
                    layout.transportOffset());
            case PacketHeaderParser.PROTOCOL_UDP -> PacketHeaderParser.udpLength(layout.packet(),
                    layout.transportOffset(), layout.moreFragments());
            default -> throw new PacketParseException(Reason.UNSUPPORTED_PROTOCOL, "IP protocol "
                    + layout.protocol());
        }
        return new InnerPacket(bytes, layout);
    }

    /** 4 or 6. */
    public int ipVersion() {
        return version;
    }

    /** 6 (TCP) or 17 (UDP). */
    public int protocol() {
        return protocol;
    }

    public boolean isTcp() {
        return protocol == PacketHeaderParser.PROTOCOL_TCP;
    }

    /** The packet's length as its IP header states it: what to write into a TUN device. */
    public int length() {
        return length;
    }

    /** True for the first fragment of a fragmented packet: the rest of its transport payload follows separately. */
    public boolean moreFragments() {
        return moreFragments;
    }

    public InetAddress sourceAddress() {
        return PacketHeaderParser.address(bytes, sourceOffset(), addressLength());
    }

    public InetAddress destinationAddress() {
        return PacketHeaderParser.address(bytes, sourceOffset() + addressLength(), addressLength());
    }

    public int sourcePort() {
        return Short.toUnsignedInt(bytes.getShort(transportOffset));
    }

    public int destinationPort() {
        return Short.toUnsignedInt(bytes.getShort(transportOffset + 2));
    }

    public PacketTuple tuple() {
        return new PacketTuple(protocol, sourceAddress(), sourcePort(), destinationAddress(), destinationPort());
    }

    /** Rewrites the source address (of the packet's IP version). */
    public void setSourceAddress(InetAddress address) {
        rewriteAddress(sourceOffset(), address);
    }

    /** Rewrites the destination address (of the packet's IP version). */
    public void setDestinationAddress(InetAddress address) {
        rewriteAddress(sourceOffset() + addressLength(), address);
    }

    public void setSourcePort(int port) {
        rewritePort(transportOffset, port);
    }

    public void setDestinationPort(int port) {
        rewritePort(transportOffset + 2, port);
    }

    private int sourceOffset() {
        return version == 4 ? 12 : 8;
    }

    private int addressLength() {
        return version == 4 ? 4 : 16;
    }

    private void rewriteAddress(int offset, InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length != addressLength()) {
            throw new IllegalArgumentException("an IPv" + version + " packet cannot take " + address.getHostAddress());
        }
        int delta = Checksum.delta(bytes, offset, raw);
        if (version == 4) {
            bytes.putShort(IPV4_CHECKSUM, (short) Checksum.apply(Short.toUnsignedInt(bytes.getShort(IPV4_CHECKSUM)),
                    delta));
        }
        // TCP and UDP checksums cover the addresses through the pseudo-header.
        adjustTransportChecksum(delta);
        bytes.put(offset, raw);
    }

    private void rewritePort(int offset, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
        adjustTransportChecksum(Checksum.delta(Short.toUnsignedInt(bytes.getShort(offset)), port));
        bytes.putShort(offset, (short) port);
    }

    private void adjustTransportChecksum(int delta) {
        int at = transportOffset + (isTcp() ? 16 : 6);
        int checksum = Short.toUnsignedInt(bytes.getShort(at));
        if (!isTcp() && checksum == 0) {
            // No checksum (IPv4); in IPv6 a zero is invalid, and it is left for the receiver to judge.
            return;
        }
        int updated = Checksum.apply(checksum, delta);
        bytes.putShort(at, (short) (!isTcp() && updated == 0 ? 0xffff : updated));
    }

    @Override
    public String toString() {
        return "InnerPacket[IPv" + version + " " + tuple() + ", " + length + " bytes"
                + (moreFragments ? ", first fragment" : "") + "]";
    }
}
