package org.sacip.netlink.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * {@code struct virtio_net_hdr} (linux/virtio_net.h): the 10 octets before every packet read from or written to a TUN
 * device opened with IFF_VNET_HDR, in the host's byte order (legacy virtio, which the kernel uses unless told
 * otherwise). It tells the kernel what is left to do to a packet: a checksum to finish ({@link #F_NEEDS_CSUM}, the
 * field at {@code csum_start + csum_offset} then holds the pseudo-header's sum) and segments to cut
 * ({@code gso_type}, {@code gso_size}). All zero: a whole packet with its checksums done.
 */
public final class VirtioNetHeader {
    public static final int LENGTH = 10;
    /** The checksum from csum_start on is not done yet. */
    public static final int F_NEEDS_CSUM = 1;
    public static final int GSO_NONE = 0;
    public static final int GSO_TCPV4 = 1;

    private static final int FLAGS = 0;
    private static final int GSO_TYPE = 1;
    private static final int HDR_LEN = 2;
    private static final int GSO_SIZE = 4;
    private static final int CSUM_START = 6;
    private static final int CSUM_OFFSET = 8;

    private VirtioNetHeader() {
    }

    /** Writes an all-zero header (a whole, finished packet follows) at {@code offset}. */
    public static void clear(byte[] bytes, int offset) {
        for (int i = 0; i < LENGTH; i++) {
            bytes[offset + i] = 0;
        }
    }

    /** Writes a header saying the TCP/IPv4 packet after it is to be cut into segments of {@code segmentSize}. */
    static void writeTcpV4Segments(byte[] bytes, int offset, int headersLength, int segmentSize, int ipHeaderLength) {
        ByteBuffer header = view(bytes, offset);
        header.put(FLAGS, (byte) F_NEEDS_CSUM).put(GSO_TYPE, (byte) GSO_TCPV4)
                .putShort(HDR_LEN, (short) headersLength).putShort(GSO_SIZE, (short) segmentSize)
                .putShort(CSUM_START, (short) ipHeaderLength).putShort(CSUM_OFFSET, (short) 16);
    }

    public static int gsoType(byte[] bytes, int offset) {
        return Byte.toUnsignedInt(bytes[offset + GSO_TYPE]);
    }

    public static boolean needsChecksum(byte[] bytes, int offset) {
        return (bytes[offset + FLAGS] & F_NEEDS_CSUM) != 0;
    }

    /**
     * Finishes the checksum a header with {@link #F_NEEDS_CSUM} left to do, in the {@code length} octets of packet
     * after the header: the sum from csum_start to the end (the field holds the pseudo-header's sum) goes,
     * complemented, into the field.
     *
     * @return false when csum_start and csum_offset do not lie within the packet (nothing is written)
     */
    public static boolean finishChecksum(byte[] bytes, int offset, int length) {
        ByteBuffer header = view(bytes, offset);
        int start = Short.toUnsignedInt(header.getShort(CSUM_START));
        int field = start + Short.toUnsignedInt(header.getShort(CSUM_OFFSET));
        if (field + 2 > length) {
            return false;
        }
        ByteBuffer packet = ByteBuffer.wrap(bytes, offset + LENGTH, length).slice();
        int sum = Checksum.sum(packet, start, length - start, 0);
        packet.putShort(field, (short) ~sum);
        return true;
    }

    private static ByteBuffer view(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, LENGTH).slice().order(ByteOrder.nativeOrder());
    }
}
