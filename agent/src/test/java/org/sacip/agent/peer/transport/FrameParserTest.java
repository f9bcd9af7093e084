package org.sacip.agent.peer.transport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.sacip.protocol.codec.IcmpChecksum;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.Hello;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/** Frames built by {@link FrameBuilder} parse back exactly; every kind of damage is rejected with its reason. */
class FrameParserTest {
    private static final byte[] MAC_A = {2, 0, 0, 0, 0, 1};
    private static final byte[] MAC_B = {2, 0, 0, 0, 0, 2};
    private static final NextHop ETHERNET = new NextHop(3, "eth0", LinkFraming.ETHERNET, MAC_A, MAC_B);
    private static final NextHop RAW = new NextHop(4, "wg0", LinkFraming.RAW_IP, new byte[0], new byte[0]);

    private final InetAddress a4 = address("198.18.0.1");
    private final InetAddress b4 = address("198.18.0.2");
    private final InetAddress a6 = address("2001:db8::1");
    private final InetAddress b6 = address("2001:db8::2");

    @Test
    void ethernetFramesOfBothFamiliesRoundTrip() {
        for (InetAddress[] pair : new InetAddress[][] {{a4, b4}, {a6, b6}}) {
            byte[] icmp = hello(pair[0], pair[1]);
            byte[] frame = FrameBuilder.build(ETHERNET, pair[0], pair[1], icmp);
            assertArrayEquals(MAC_B, Arrays.copyOfRange(frame, 0, 6));
            assertArrayEquals(MAC_A, Arrays.copyOfRange(frame, 6, 12));
            IpPacket packet = accepted(frame, LinkFraming.ETHERNET);
            assertEquals(pair[0], packet.source());
            assertEquals(pair[1], packet.destination());
            assertArrayEquals(icmp, packet.icmp());
        }
    }

    @Test
    void rawIpFramesRoundTripAndIpv4HeaderIsValid() {
        byte[] icmp = hello(a4, b4);
        byte[] frame = FrameBuilder.build(RAW, a4, b4, icmp);
        assertEquals(0x45, frame[0] & 0xFF);
        assertEquals(0x40, frame[6] & 0xFF, "DF set, no fragment offset");
        assertEquals(0, FrameParser.headerChecksum(frame, 0, 20));
        assertArrayEquals(icmp, accepted(frame, LinkFraming.RAW_IP).icmp());
    }

    @Test
    void icmpv6ChecksumIsRewrittenForTheOuterAddresses() {
        byte[] icmp = hello(a6, b6);
        icmp[2] ^= 0x55;
        byte[] frame = FrameBuilder.build(RAW, a6, b6, icmp);
        IpPacket packet = accepted(frame, LinkFraming.RAW_IP);
        assertEquals(0, IcmpChecksum.compute(java.nio.ByteBuffer.wrap(packet.icmp()), 0, packet.icmp().length,
                SacipAddress.of(a6), SacipAddress.of(b6)));
    }

    @Test
    void ethernetPaddingAfterTheIpPacketIsNotPartOfTheMessage() {
        byte[] icmp = hello(a4, b4);
        byte[] frame = FrameBuilder.build(ETHERNET, a4, b4, icmp);
        byte[] padded = Arrays.copyOf(frame, frame.length + 18);
        assertArrayEquals(icmp, accepted(padded, LinkFraming.ETHERNET).icmp());
    }

    @Test
    void damagedFramesAreRejectedWithTheirReason() {
        byte[] v4 = FrameBuilder.build(ETHERNET, a4, b4, hello(a4, b4));
        byte[] v6 = FrameBuilder.build(ETHERNET, a6, b6, hello(a6, b6));
        assertRejected(FrameRejection.TRUNCATED, Arrays.copyOf(v4, v4.length - 1));
        assertRejected(FrameRejection.TRUNCATED, Arrays.copyOf(v6, 14 + 39));
        assertRejected(FrameRejection.TRUNCATED, new byte[0]);
        assertRejected(FrameRejection.NOT_IP, with(v4, 12, 0x08, 0x06));
        assertRejected(FrameRejection.NOT_IP, with(v6, 12, 0x08, 0x00));
        assertRejected(FrameRejection.BAD_IP_HEADER, with(v4, 14 + 8, 1));
        assertRejected(FrameRejection.BAD_IP_HEADER, with(v4, 14, 0x44));
        assertRejected(FrameRejection.BAD_IP_HEADER, with(v6, 14 + 4, 0, 2));
        assertRejected(FrameRejection.FRAGMENT, fixIpv4Checksum(with(v4, 14 + 6, 0x20, 0)));
        assertRejected(FrameRejection.FRAGMENT, fixIpv4Checksum(with(v4, 14 + 6, 0, 8)));
        assertRejected(FrameRejection.NOT_ICMP, fixIpv4Checksum(with(v4, 14 + 9, 17)));
        assertRejected(FrameRejection.NOT_ICMP, with(v6, 14 + 6, 0));
        assertRejected(FrameRejection.NOT_SACIP_TYPE, with(v4, 14 + 20, 8));
        assertRejected(FrameRejection.NOT_SACIP_TYPE, with(v6, 14 + 40, 128));
        assertRejected(FrameRejection.NOT_SACIP_MAGIC, with(v4, 14 + 24, 'X'));
        assertRejected(FrameRejection.NOT_SACIP_MAGIC, with(v6, 14 + 47, 'X'));
    }

    @Test
    void randomlyMutatedFramesNeverThrow() {
        Random random = new Random(11);
        byte[] base = FrameBuilder.build(ETHERNET, a6, b6, hello(a6, b6));
        for (int round = 0; round < 20_000; round++) {
            byte[] frame = Arrays.copyOf(base, random.nextInt(base.length + 8));
            for (int flips = random.nextInt(4); flips >= 0 && frame.length > 0; flips--) {
                frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
            }
            FrameParser.parse(frame, random.nextBoolean() ? LinkFraming.ETHERNET : LinkFraming.RAW_IP);
        }
    }

    private static void assertRejected(FrameRejection reason, byte[] frame) {
        FrameParser.Rejected rejected = assertInstanceOf(FrameParser.Rejected.class,
                FrameParser.parse(frame, LinkFraming.ETHERNET));
        assertEquals(reason, rejected.reason());
    }

    private static IpPacket accepted(byte[] frame, LinkFraming framing) {
        return assertInstanceOf(FrameParser.Accepted.class, FrameParser.parse(frame, framing)).packet();
    }

    private static byte[] with(byte[] frame, int offset, int... values) {
        byte[] copy = frame.clone();
        for (int i = 0; i < values.length; i++) {
            copy[offset + i] = (byte) values[i];
        }
        return copy;
    }

    private static byte[] fixIpv4Checksum(byte[] frame) {
        frame[14 + 10] = 0;
        frame[14 + 11] = 0;
        int sum = FrameParser.headerChecksum(frame, 14, 20);
        frame[14 + 10] = (byte) (sum >>> 8);
        frame[14 + 11] = (byte) sum;
        return frame;
    }

    private static byte[] hello(InetAddress source, InetAddress destination) {
        return SacipEncoder.encode(new Hello(Octets.of(new byte[16])), SacipAddress.of(source),
                SacipAddress.of(destination));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
