package org.sacip.netlink.packet;

import java.nio.ByteBuffer;

/**
 * The ICMP error a router sends for an IPv4 packet with Don't Fragment set that its next hop cannot carry (type 3,
 * code 4, RFC 1191): from the packet's destination to its source, quoting the packet's IP header and first 8 octets
 * of transport, with the next hop's MTU. Written into a TUN device, it tells the local socket that sent the packet
 * to send smaller ones, as a router on the path would.
 */
public final class FragmentationNeeded {
    /** What the error quotes of a packet: an IPv4 header without options and 8 octets of transport header. */
    public static final int QUOTED = 28;
    /** The error's length: IPv4 header, ICMP header, quoted octets. */
    public static final int LENGTH = 20 + 8 + QUOTED;

    private FragmentationNeeded() {
    }

    /**
     * Writes the error for the packet whose first {@link #QUOTED} octets are at {@code quoted[at]} into
     * {@code out[outAt]} ({@link #LENGTH} octets).
     *
     * @return false (nothing written) when the quoted packet is not IPv4 without options
     */
    public static boolean write(byte[] quoted, int at, int nextHopMtu, byte[] out, int outAt) {
        if ((quoted[at] & 0xff) != 0x45) {
            return false;
        }
        ByteBuffer error = ByteBuffer.wrap(out, outAt, LENGTH).slice();
        for (int i = 0; i < LENGTH; i++) {
            error.put(i, (byte) 0);
        }
        error.put(0, (byte) 0x45).putShort(2, (short) LENGTH).put(8, (byte) 64).put(9, (byte) 1)
                .put(12, quoted, at + 16, 4).put(16, quoted, at + 12, 4);
        error.put(20, (byte) 3).put(21, (byte) 4).putShort(26, (short) nextHopMtu).put(28, quoted, at, QUOTED);
        error.putShort(10, (short) ~Checksum.sum(error, 0, 20, 0));
        error.putShort(22, (short) ~Checksum.sum(error, 20, 8 + QUOTED, 0));
        return true;
    }
}
