package org.sacip.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.IpPackets;

/** Which TCP segments join into one packet for a TUN with virtio headers, and what the joined packet says. */
class TcpSegmentJoinerTest {
    private static final InetAddress A = ip("198.18.0.2");
    private static final InetAddress B = ip("198.18.0.1");
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;
    private static final long SEQ = 0xfffffff0L;
    private static final long ACK_NUMBER = 77_777;

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] data(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (seed + i * 31);
        }
        return bytes;
    }

    /** Segment {@code i} of 100 octets after SEQ (the sequence numbers wrap after the first). */
    private static byte[] segment(int i, int length, int flags) {
        return IpPackets.tcp(A, 40000, B, 7000, (SEQ + 100L * i) & 0xffffffffL, ACK_NUMBER, flags, data(length, i));
    }

    private static boolean offer(TcpSegmentJoiner joiner, byte[] packet) {
        return joiner.offer(packet, 0, packet.length);
    }

    @Test
    void inOrderSegmentsJoinIntoOnePacketTheKernelCutsAgain() {
        TcpSegmentJoiner joiner = new TcpSegmentJoiner();
        assertTrue(offer(joiner, segment(0, 100, ACK)));
        assertTrue(offer(joiner, segment(1, 100, ACK)));
        assertTrue(offer(joiner, segment(2, 100, ACK)));
        assertTrue(offer(joiner, segment(3, 40, ACK | PSH)), "a shorter last one with PSH");
        assertFalse(offer(joiner, segment(4, 40, ACK)), "nothing after PSH");
        assertEquals(4, joiner.segments());

        ByteBuffer frame = joiner.take();
        assertTrue(joiner.isEmpty());
        byte[] bytes = Arrays.copyOfRange(frame.array(), 0, frame.limit());
        ByteBuffer header = ByteBuffer.wrap(bytes, 0, 10).order(ByteOrder.nativeOrder());
        assertEquals(VirtioNetHeader.F_NEEDS_CSUM, header.get(0));
        assertEquals(VirtioNetHeader.GSO_TCPV4, header.get(1));
        assertEquals(40, header.getShort(2), "headers' length");
        assertEquals(100, header.getShort(4), "segment size");
        assertEquals(20, header.getShort(6), "checksum start");
        assertEquals(16, header.getShort(8), "checksum offset");

        byte[] packet = Arrays.copyOfRange(bytes, 10, bytes.length);
        assertEquals(40 + 340, packet.length);
        byte[] payload = new byte[340];
        for (int i = 0; i < 4; i++) {
            System.arraycopy(data(i == 3 ? 40 : 100, i), 0, payload, 100 * i, i == 3 ? 40 : 100);
        }
        assertArrayEquals(payload, Arrays.copyOfRange(packet, 40, packet.length));
        assertEquals(PSH | ACK, packet[33] & 0xff, "PSH of the last");
        assertEquals(SEQ, Integer.toUnsignedLong(ByteBuffer.wrap(packet).getInt(24)), "the first's sequence");
        assertArrayEquals(IpPackets.refreshHeaderChecksum(packet), packet, "total length and header checksum");
        // The checksum field holds the pseudo-header's sum: finishing it gives what a full computation gives.
        byte[] finished = bytes.clone();
        assertTrue(VirtioNetHeader.finishChecksum(finished, 0, packet.length));
        byte[] done = Arrays.copyOfRange(finished, 10, finished.length);
        assertArrayEquals(IpPackets.refreshChecksums(done), done);
    }

    @Test
    void aLoneSegmentGoesAsItCameWithAnEmptyHeader() {
        TcpSegmentJoiner joiner = new TcpSegmentJoiner();
        byte[] alone = segment(0, 100, ACK | PSH);
        assertTrue(offer(joiner, alone));
        ByteBuffer frame = joiner.take();
        byte[] bytes = Arrays.copyOfRange(frame.array(), 0, frame.limit());
        assertArrayEquals(new byte[10], Arrays.copyOfRange(bytes, 0, 10));
        assertArrayEquals(alone, Arrays.copyOfRange(bytes, 10, bytes.length));
        assertThrows(IllegalStateException.class, joiner::take, "nothing is held any more");
    }

    @Test
    void segmentsTheKernelWouldNotJoinStayApart() {
        byte[] first = segment(0, 100, ACK);
        assertRefused(first, segment(2, 100, ACK), "a gap in the sequence");
        assertRefused(first, segment(0, 100, ACK), "the same segment again");
        assertRefused(first, segment(1, 101, ACK), "longer than the first");
        assertRefused(first, IpPackets.tcp(A, 40000, B, 7000, SEQ + 100, ACK_NUMBER + 1, ACK, data(100, 1)),
                "another acknowledgement");
        assertRefused(first, IpPackets.tcp(A, 40001, B, 7000, SEQ + 100, ACK_NUMBER, ACK, data(100, 1)),
                "another port");
        assertRefused(first, IpPackets.tcp(ip("198.18.0.3"), 40000, B, 7000, SEQ + 100, ACK_NUMBER, ACK,
                data(100, 1)), "another address");
        assertRefused(first, changed(segment(1, 100, ACK), p -> p[8] = 63), "another TTL");
        assertRefused(first, changed(segment(1, 100, ACK), p -> p[1] = 4), "another TOS");
        assertRefused(first, changed(segment(1, 100, ACK), p -> p[6] = 0), "DF cleared");
        TcpSegmentJoiner afterShort = new TcpSegmentJoiner();
        assertTrue(offer(afterShort, segment(0, 100, ACK)));
        assertTrue(offer(afterShort, IpPackets.tcp(A, 40000, B, 7000, (SEQ + 100) & 0xffffffffL, ACK_NUMBER, ACK,
                data(50, 1))));
        assertFalse(offer(afterShort, IpPackets.tcp(A, 40000, B, 7000, (SEQ + 150) & 0xffffffffL, ACK_NUMBER, ACK,
                data(50, 2))), "nothing after a shorter one");
    }

    @Test
    void packetsThatCannotStartOneAreLeftToTheCaller() {
        assertNotStarted(IpPackets.tcp(A, 40000, B, 7000, SEQ, ACK_NUMBER, ACK, new byte[0]), "no payload");
        assertNotStarted(IpPackets.tcp(A, 40000, B, 7000, SEQ, ACK_NUMBER, 0x02, data(10, 0)), "SYN");
        assertNotStarted(IpPackets.tcp(A, 40000, B, 7000, SEQ, ACK_NUMBER, ACK | 0x01, data(10, 0)), "FIN");
        assertNotStarted(IpPackets.tcp(A, 40000, B, 7000, SEQ, ACK_NUMBER, ACK | 0x40, data(10, 0)), "ECE");
        assertNotStarted(IpPackets.udp(A, 40000, B, 7000, data(100, 0)), "UDP");
        assertNotStarted(corrupted(segment(0, 100, ACK), p -> p[50] ^= 1), "a wrong TCP checksum");
        assertNotStarted(corrupted(segment(0, 100, ACK), p -> p[11] ^= 1), "a wrong header checksum");
        assertNotStarted(changed(segment(0, 100, ACK), p -> p[6] |= 0x20), "a fragment");
        assertRefused(segment(0, 100, ACK), corrupted(segment(1, 100, ACK), p -> p[70] ^= 4),
                "a wrong checksum on a later one");
        assertNotStarted(IpPackets.tcp(ip("2001:db8::2"), 40000, ip("2001:db8::1"), 7000, SEQ, ACK_NUMBER, ACK,
                data(100, 0)), "IPv6");
        byte[] truncated = segment(0, 100, ACK);
        assertNotStarted(Arrays.copyOf(truncated, 60), "shorter than its total length");
    }

    /** A copy changed, its checksums made right again. */
    private static byte[] changed(byte[] packet, Consumer<byte[]> change) {
        return IpPackets.refreshChecksums(corrupted(packet, change));
    }

    /** A copy changed, its checksums left as they were. */
    private static byte[] corrupted(byte[] packet, Consumer<byte[]> change) {
        byte[] copy = packet.clone();
        change.accept(copy);
        return copy;
    }

    private static void assertRefused(byte[] first, byte[] next, String why) {
        TcpSegmentJoiner joiner = new TcpSegmentJoiner();
        assertTrue(offer(joiner, first));
        assertFalse(offer(joiner, next), why);
        assertEquals(1, joiner.segments(), why + ": nothing changed");
        assertArrayEquals(first, Arrays.copyOfRange(joiner.take().array(), 10, 10 + first.length), why);
    }

    private static void assertNotStarted(byte[] packet, String why) {
        TcpSegmentJoiner joiner = new TcpSegmentJoiner();
        assertFalse(offer(joiner, packet), why);
        assertTrue(joiner.isEmpty(), why);
    }
}
