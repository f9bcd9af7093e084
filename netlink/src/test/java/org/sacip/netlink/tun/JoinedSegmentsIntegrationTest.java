package org.sacip.netlink.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.netlink.tun.TunLab.address;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.packet.TcpSegmentJoiner;
import org.sacip.netlink.packet.VirtioNetHeader;
import org.sacip.netlink.testing.IpPackets;

/**
 * A TUN device with virtio headers against the kernel's own TCP: the test plays the far end of a connection to a
 * listening socket in the namespace, and after the handshake writes four data segments joined into one packet by
 * {@link TcpSegmentJoiner}. The kernel cuts it again and its TCP takes every byte in order: the socket reads all 400
 * octets and the kernel acknowledges the last.
 */
@Tag("integration")
class JoinedSegmentsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int SERVER_PORT = 7000;
    private static final int PEER_PORT = 40000;
    private static final int SYN = 0x02;
    private static final int ACK = 0x10;
    private static final int PSH = 0x08;

    @Test
    void joinedSegmentsReachTheSocketWholeAndInOrder() throws Exception {
        try (TunLab lab = TunLab.create("tj", true);
                ServerSocket server = lab.ns.netNamespace().call(() -> {
                    ServerSocket socket = new ServerSocket();
                    socket.bind(new InetSocketAddress(address(TunLab.LOCAL4), SERVER_PORT));
                    return socket;
                })) {
            lab.quiet();
            assertTrue(lab.tun.hasVirtioHeaders());
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Socket accepted = server.accept(); InputStream in = accepted.getInputStream()) {
                    return in.readNBytes(400);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long sequence = 1_000;
            write(lab, IpPackets.tcp(address(TunLab.PEER4), PEER_PORT, address(TunLab.LOCAL4), SERVER_PORT,
                    sequence, 0, SYN, new byte[0]));
            ByteBuffer synAck = readTcp(lab);
            assertEquals(SYN | ACK, synAck.get(33) & 0xff, "the kernel answers the SYN");
            long serverSequence = Integer.toUnsignedLong(synAck.getInt(24));
            sequence++;
            long acknowledged = serverSequence + 1;
            write(lab, IpPackets.tcp(address(TunLab.PEER4), PEER_PORT, address(TunLab.LOCAL4), SERVER_PORT,
                    sequence, acknowledged, ACK, new byte[0]));

            byte[] data = new byte[400];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 13 + 7);
            }
            TcpSegmentJoiner joiner = new TcpSegmentJoiner();
            for (int i = 0; i < 4; i++) {
                byte[] segment = IpPackets.tcp(address(TunLab.PEER4), PEER_PORT, address(TunLab.LOCAL4),
                        SERVER_PORT, sequence + 100L * i, acknowledged, i == 3 ? ACK | PSH : ACK,
                        Arrays.copyOfRange(data, 100 * i, 100 * i + 100));
                assertTrue(joiner.offer(segment, 0, segment.length), "segment " + i + " joins");
            }
            assertEquals(4, joiner.segments());
            ByteBuffer joined = joiner.take();
            assertEquals(VirtioNetHeader.GSO_TCPV4, VirtioNetHeader.gsoType(joined.array(), 0));
            lab.tun.send(joined);

            assertArrayEquals(data, received.get(WAIT.toMillis(), TimeUnit.MILLISECONDS), "every octet, in order");
            long expectedAck = sequence + 400;
            long deadline = System.nanoTime() + WAIT.toNanos();
            long lastAck = -1;
            while (lastAck != expectedAck && System.nanoTime() < deadline) {
                lastAck = Integer.toUnsignedLong(readTcp(lab).getInt(28));
            }
            assertEquals(expectedAck, lastAck, "the kernel acknowledges all 400 octets");
        }
    }

    /** Writes a whole packet after an all-zero virtio header. */
    private static void write(TunLab lab, byte[] packet) throws Exception {
        byte[] frame = new byte[VirtioNetHeader.LENGTH + packet.length];
        System.arraycopy(packet, 0, frame, VirtioNetHeader.LENGTH, packet.length);
        lab.tun.send(ByteBuffer.wrap(frame));
    }

    /** The next TCP/IPv4 packet read from the device, without its virtio header (the device offloads nothing). */
    private static ByteBuffer readTcp(TunLab lab) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            ByteBuffer frame = ByteBuffer.allocate(lab.tun.maxFrame());
            int length = lab.tun.receive(frame, WAIT);
            if (length > VirtioNetHeader.LENGTH) {
                assertEquals(VirtioNetHeader.GSO_NONE, VirtioNetHeader.gsoType(frame.array(), 0));
                ByteBuffer packet = ByteBuffer.wrap(frame.array(), VirtioNetHeader.LENGTH,
                        length - VirtioNetHeader.LENGTH).slice();
                if ((packet.get(0) & 0xf0) == 0x40 && packet.get(9) == IpPackets.TCP) {
                    return packet;
                }
            }
        }
        throw new AssertionError("no TCP packet read from the device");
    }
}
