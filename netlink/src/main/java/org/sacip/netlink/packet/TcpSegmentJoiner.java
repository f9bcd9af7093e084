package org.sacip.netlink.packet;

import java.nio.ByteBuffer;

/**
 * Joins consecutive TCP/IPv4 segments of one flow, as they arrive in order, into one packet that a TUN device with
 * virtio headers takes whole ({@link VirtioNetHeader}): the kernel then carries one packet through netfilter,
 * conntrack and TCP instead of dozens, as its own GRO does for a network card. A segment joins the held packet only
 * when the kernel would have joined it: same addresses, ports, acknowledgement number, TOS, TTL, DF and TCP options;
 * its sequence number where the held payload ends; ACK alone (PSH only on the last, which ends the packet); no IP
 * options, no fragment; a payload no longer than the first's (a shorter one ends the packet); both checksums right
 * (the kernel will not check them again). Anything else is left to the caller, who writes it alone. One thread.
 */
public final class TcpSegmentJoiner {
    private static final int IP_HEADER = 20;
    private static final int TCP = 6;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final int MAX_PACKET = 65_535;

    /** The virtio header, then the held packet. */
    private final byte[] held = new byte[VirtioNetHeader.LENGTH + MAX_PACKET];
    private final ByteBuffer heldView = ByteBuffer.wrap(held);
    /** The held packet's length; 0 when nothing is held. */
    private int length;
    private int segments;
    private int segmentSize;
    private int tcpHeaderLength;
    private long nextSequence;
    /** PSH or a short segment: nothing may follow. */
    private boolean ended;

    /**
     * Takes {@code packet[offset, offset + packetLength)} into the held packet: as the start of a new one when none is
     * held, else appended to it.
     *
     * @return false when it cannot join (or start) one: nothing changed, the caller flushes what is held and tries
     *         again, or writes the packet alone
     */
    public boolean offer(byte[] packet, int offset, int packetLength) {
        ByteBuffer view = ByteBuffer.wrap(packet, offset, packetLength).slice();
        int tcpLength = candidateTcpHeaderLength(view, packetLength);
        if (tcpLength < 0) {
            return false;
        }
        int payload = packetLength - IP_HEADER - tcpLength;
        long sequence = Integer.toUnsignedLong(view.getInt(IP_HEADER + 4));
        boolean push = (view.get(IP_HEADER + 13) & PSH) != 0;
        if (length == 0) {
            System.arraycopy(packet, offset, held, VirtioNetHeader.LENGTH, packetLength);
            length = packetLength;
            segments = 1;
            segmentSize = payload;
            tcpHeaderLength = tcpLength;
            nextSequence = (sequence + payload) & 0xffff_ffffL;
            ended = push;
            return true;
        }
        if (ended || sequence != nextSequence || payload > segmentSize || tcpLength != tcpHeaderLength
                || length + payload > MAX_PACKET || !sameFlowAndHeaders(view)) {
            return false;
        }
        System.arraycopy(packet, offset + IP_HEADER + tcpLength, held, VirtioNetHeader.LENGTH + length, payload);
        length += payload;
        segments++;
        nextSequence = (sequence + payload) & 0xffff_ffffL;
        int heldTcp = VirtioNetHeader.LENGTH + IP_HEADER;
        // The latest window and PSH are the ones the receiver should act on.
        heldView.putShort(heldTcp + 14, view.getShort(IP_HEADER + 14));
        if (push) {
            held[heldTcp + 13] |= PSH;
        }
        ended = push || payload < segmentSize;
        return true;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** How many segments the held packet joins. */
    public int segments() {
        return segments;
    }

    /**
     * The held packet with its virtio header, ready for the device (valid until the next {@link #offer}), and
     * forgets it. A lone segment goes as it came, with an all-zero header; joined ones with the IPv4 total length and
     * header checksum redone, the pseudo-header's sum in the TCP checksum field and a header asking the kernel to cut
     * segments of the first's payload size.
     */
    public ByteBuffer take() {
        if (length == 0) {
            throw new IllegalStateException("nothing is held");
        }
        int at = VirtioNetHeader.LENGTH;
        if (segments == 1) {
            VirtioNetHeader.clear(held, 0);
        } else {
            heldView.putShort(at + 2, (short) length);
            heldView.putShort(at + 10, (short) 0);
            heldView.putShort(at + 10, (short) ~Checksum.sum(heldView, at, IP_HEADER, 0));
            int tcpLength = length - IP_HEADER;
            int pseudo = Checksum.sum(heldView, at + 12, 8, TCP + tcpLength);
            heldView.putShort(at + IP_HEADER + 16, (short) pseudo);
            VirtioNetHeader.writeTcpV4Segments(held, 0, IP_HEADER + tcpHeaderLength, segmentSize, IP_HEADER);
        }
        ByteBuffer packet = ByteBuffer.wrap(held, 0, VirtioNetHeader.LENGTH + length);
        length = 0;
        segments = 0;
        return packet;
    }

    /**
     * The TCP header's length when the packet could be joined at all (IPv4 without options or fragmentation, TCP
     * with ACK or ACK|PSH and a payload, right lengths and checksums); -1 otherwise.
     */
    private static int candidateTcpHeaderLength(ByteBuffer packet, int packetLength) {
        if (packetLength < IP_HEADER + 20 || packet.get(0) != 0x45 || packet.get(9) != TCP
                || Short.toUnsignedInt(packet.getShort(2)) != packetLength
                || (packet.getShort(6) & 0x3fff) != 0) {
            return -1;
        }
        int tcpLength = (Byte.toUnsignedInt(packet.get(IP_HEADER + 12)) >>> 4) * 4;
        int flags = packet.get(IP_HEADER + 13) & 0xff;
        if (tcpLength < 20 || IP_HEADER + tcpLength >= packetLength || (flags != ACK && flags != (ACK | PSH))) {
            return -1;
        }
        if (Checksum.sum(packet, 0, IP_HEADER, 0) != 0xffff) {
            return -1;
        }
        int segment = packetLength - IP_HEADER;
        int pseudo = Checksum.sum(packet, 12, 8, TCP + segment);
        return Checksum.sum(packet, IP_HEADER, segment, pseudo) == 0xffff ? tcpLength : -1;
    }

    /** Addresses, ports, acknowledgement, TCP options, TOS, DF and TTL as the held packet's. */
    private boolean sameFlowAndHeaders(ByteBuffer packet) {
        int at = VirtioNetHeader.LENGTH;
        if (packet.get(1) != held[at + 1] || (packet.get(6) & 0xe0) != (held[at + 6] & 0xe0)
                || packet.get(8) != held[at + 8]) {
            return false;
        }
        // Source and destination addresses (12..20), ports (20..24); acknowledgement (28..32); options.
        for (int i = 12; i < IP_HEADER + 4; i++) {
            if (packet.get(i) != held[at + i]) {
                return false;
            }
        }
        for (int i = IP_HEADER + 8; i < IP_HEADER + 12; i++) {
            if (packet.get(i) != held[at + i]) {
                return false;
            }
        }
        for (int i = IP_HEADER + 20; i < IP_HEADER + tcpHeaderLength; i++) {
            if (packet.get(i) != held[at + i]) {
                return false;
            }
        }
        return true;
    }
}
