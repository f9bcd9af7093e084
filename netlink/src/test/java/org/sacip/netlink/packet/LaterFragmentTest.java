package org.sacip.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.IpPackets;

/** Fragments after the first: found by their first fragment's key, their addresses rewritten like a packet's. */
class LaterFragmentTest {
    private static final InetAddress A = ip("198.18.1.2");
    private static final InetAddress B = ip("198.18.10.2");

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The packet's fragment at {@code offset} octets of payload, {@code length} long. */
    private static byte[] fragment(byte[] packet, int offset, int length, boolean more) {
        byte[] fragment = new byte[20 + length];
        System.arraycopy(packet, 0, fragment, 0, 20);
        System.arraycopy(packet, 20 + offset, fragment, 20, length);
        ByteBuffer.wrap(fragment).putShort(2, (short) fragment.length).putShort(4, (short) 0x4321)
                .putShort(6, (short) ((more ? 0x2000 : 0) | offset / 8));
        return IpPackets.refreshHeaderChecksum(fragment);
    }

    @Test
    void aLaterFragmentHasItsFirstFragmentsKeyAndTakesNewAddresses() {
        byte[] datagram = IpPackets.udp(A, 40000, B, 5000, new byte[2000]);
        byte[] first = fragment(datagram, 0, 1400, true);
        byte[] later = fragment(datagram, 1400, 608, false);
        assertEquals(Optional.empty(), LaterFragment.parse(ByteBuffer.wrap(first)), "a first fragment");
        assertEquals(Optional.empty(), LaterFragment.parse(ByteBuffer.wrap(datagram)), "a whole packet");
        LaterFragment parsed = LaterFragment.parse(ByteBuffer.wrap(later)).orElseThrow();
        assertEquals(new LaterFragment.Key(A, B, IpPackets.UDP, 0x4321), parsed.key());
        assertEquals(parsed.key(), LaterFragment.keyOfFirst(ByteBuffer.wrap(first)));
        assertEquals(later.length, parsed.length());

        InetAddress nat = ip("198.18.10.1");
        parsed.setSourceAddress(nat);
        assertArrayEquals(nat.getAddress(), Arrays.copyOfRange(later, 12, 16));
        assertArrayEquals(IpPackets.refreshHeaderChecksum(later), later, "the header checksum follows");
        assertArrayEquals(new byte[608], Arrays.copyOfRange(later, 20, later.length), "the payload is untouched");
    }

    @Test
    void aDamagedHeaderOrIpv6IsNoFragment() {
        byte[] datagram = IpPackets.udp(A, 40000, B, 5000, new byte[2000]);
        byte[] later = fragment(datagram, 1400, 608, false);
        later[11] ^= 1;
        assertTrue(LaterFragment.parse(ByteBuffer.wrap(later)).isEmpty(), "a wrong header checksum");
        assertTrue(LaterFragment.parse(ByteBuffer.wrap(Arrays.copyOf(fragment(datagram, 1400, 608, false), 300)))
                .isEmpty(), "shorter than its total length");
        assertTrue(LaterFragment.parse(ByteBuffer.wrap(IpPackets.udp(ip("2001:db8::2"), 1, ip("2001:db8::1"), 2,
                new byte[10]))).isEmpty(), "IPv6");
    }
}
