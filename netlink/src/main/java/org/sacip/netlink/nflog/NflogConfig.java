package org.sacip.netlink.nflog;

/**
 * How an {@link NflogClient} binds its log group: the group number nft's {@code log group N} names (0..65535), how
 * many bytes of each packet to copy (from the network header; 1..65531, the kernel's maximum; a rule's
 * {@code snaplen} lowers it further), and the socket's receive buffer in bytes (SO_RCVBUFFORCE, else SO_RCVBUF up
 * to rmem_max). Packets are always copied whole up to the range and delivered one by one at once.
 */
public record NflogConfig(int group, int copyRange, int receiveBufferBytes) {
    /** Room for thousands of small logged packets between two reads. */
    public static final int DEFAULT_RECEIVE_BUFFER = 8 << 20;

    public NflogConfig {
        if (group < 0 || group > 0xffff) {
            throw new IllegalArgumentException("log group " + group + " is outside 0..65535");
        }
        if (copyRange < 1 || copyRange > Nflog.COPY_RANGE_MAX) {
            throw new IllegalArgumentException("copy range " + copyRange + " is outside 1.." + Nflog.COPY_RANGE_MAX);
        }
        if (receiveBufferBytes < 1) {
            throw new IllegalArgumentException("receive buffer of " + receiveBufferBytes + " bytes");
        }
    }

    /** A group with the largest copy range and the default receive buffer. */
    public static NflogConfig group(int group) {
        return new NflogConfig(group, Nflog.COPY_RANGE_MAX, DEFAULT_RECEIVE_BUFFER);
    }

    public NflogConfig withCopyRange(int bytes) {
        return new NflogConfig(group, bytes, receiveBufferBytes);
    }

    public NflogConfig withReceiveBuffer(int bytes) {
        return new NflogConfig(group, copyRange, bytes);
    }
}
