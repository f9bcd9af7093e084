package org.sacip.netlink.packet;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An IPv4 fragment after the first (a fragment offset above 0): it has no transport header, so which flow it belongs
 * to is known only from its datagram's first fragment, by {@link Key} (addresses, protocol, identification). Its
 * addresses can be rewritten like a whole packet's, the header checksum following; its payload is left alone, since
 * the first fragment's transport checksum, which {@link InnerPacket} keeps right, covers the whole datagram.
 */
public final class LaterFragment {
    private static final int IPV4_CHECKSUM = 10;

    /** What ties the fragments of one datagram together (RFC 791). */
    public record Key(InetAddress source, InetAddress destination, int protocol, int identification) {
    }

    private final ByteBuffer bytes;
    private final int length;

    private LaterFragment(ByteBuffer bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    /**
     * The IPv4 later fragment between the buffer's position and limit (they do not move); empty for anything else: a
     * whole packet or a first fragment, IPv6, a header that does not fit or whose checksum is wrong.
     */
    public static Optional<LaterFragment> parse(ByteBuffer buffer) {
        ByteBuffer bytes = buffer.slice(buffer.position(), buffer.remaining());
        if (bytes.limit() < 20 || (bytes.get(0) & 0xf0) != 0x40) {
            return Optional.empty();
        }
        int headerLength = (bytes.get(0) & 0x0f) * 4;
        int total = Short.toUnsignedInt(bytes.getShort(2));
        if (headerLength < 20 || total < headerLength || total > bytes.limit() || (bytes.getShort(6) & 0x1fff) == 0
                || Checksum.sum(bytes, 0, headerLength, 0) != 0xffff) {
            return Optional.empty();
        }
        return Optional.of(new LaterFragment(bytes, total));
    }

    /**
     * The key of the IPv4 fragment whose header starts at the buffer's position: a first fragment's (more fragments,
     * offset 0), which its later ones share.
     */
    public static Key keyOfFirst(ByteBuffer packet) {
        ByteBuffer bytes = packet.slice(packet.position(), packet.remaining());
        return new Key(address(bytes, 12), address(bytes, 16), Byte.toUnsignedInt(bytes.get(9)),
                Short.toUnsignedInt(bytes.getShort(4)));
    }

    public Key key() {
        return keyOfFirst(bytes);
    }

    /** The fragment's length as its header states it. */
    public int length() {
        return length;
    }

    public void setSourceAddress(InetAddress address) {
        rewrite(12, address);
    }

    public void setDestinationAddress(InetAddress address) {
        rewrite(16, address);
    }

    private void rewrite(int offset, InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length != 4) {
            throw new IllegalArgumentException("an IPv4 fragment cannot take " + address.getHostAddress());
        }
        int delta = Checksum.delta(bytes, offset, raw);
        bytes.putShort(IPV4_CHECKSUM, (short) Checksum.apply(Short.toUnsignedInt(bytes.getShort(IPV4_CHECKSUM)),
                delta));
        bytes.put(offset, raw);
    }

    private static InetAddress address(ByteBuffer bytes, int offset) {
        byte[] raw = new byte[4];
        bytes.get(offset, raw);
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 octets are always an address", e);
        }
    }
}
