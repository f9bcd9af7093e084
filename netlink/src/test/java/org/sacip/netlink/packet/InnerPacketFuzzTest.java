package org.sacip.netlink.packet;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.sacip.netlink.testing.IpPackets;

/**
 * The in-place packet reader and rewriter on any bytes: a view or a PacketParseException, and a rewrite of every
 * field that the packet parses back with; any other exception, hang or huge allocation is a finding. When the input
 * is a plain packet whose checksums are right, they must still be right after the rewrite. Seeds are the fixtures of
 * InnerPacketTest (IPv4/IPv6, TCP/UDP, UDP without checksum) and IPv4/IPv6 first fragments.
 */
class InnerPacketFuzzTest {
    private static final InetAddress V4 = address(new byte[] {(byte) 198, 18, 77, 1});
    private static final InetAddress V6 = address(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0x77});

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "120s")
    void innerPacketFailsOnlyWithTypedErrorsAndKeepsChecksumsRight(byte[] input) {
        byte[] packet = input.clone();
        InnerPacket inner;
        try {
            inner = InnerPacket.parse(ByteBuffer.wrap(packet));
        } catch (PacketParseException expected) {
            return;
        }
        if (inner.length() > input.length) {
            throw new AssertionError("a packet of " + inner.length() + " bytes in " + input.length);
        }
        boolean checkable = plain(input, inner) && Arrays.equals(IpPackets.refreshChecksums(input), input);
        InetAddress address = inner.ipVersion() == 4 ? V4 : V6;
        inner.setSourceAddress(address);
        inner.setDestinationAddress(address);
        inner.setSourcePort(4253);
        inner.setDestinationPort(0);
        PacketTuple expected = new PacketTuple(inner.protocol(), address, 4253, address, 0);
        try {
            PacketTuple again = InnerPacket.parse(ByteBuffer.wrap(packet)).tuple();
            if (!again.equals(expected)) {
                throw new AssertionError("rewrote " + expected + " but read back " + again);
            }
        } catch (PacketParseException e) {
            throw new AssertionError("the rewritten packet no longer parses: " + e.getMessage(), e);
        }
        if (checkable && !Arrays.equals(IpPackets.refreshChecksums(packet), packet)) {
            throw new AssertionError("checksums wrong after the rewrite of " + inner);
        }
    }

    /** A whole packet as IpPackets sums it: no IPv4 options or fragments, no IPv6 extension headers. */
    private static boolean plain(byte[] input, InnerPacket inner) {
        boolean transportFirst = inner.ipVersion() == 4 ? input[0] == 0x45
                : Byte.toUnsignedInt(input[6]) == inner.protocol();
        return transportFirst && !inner.moreFragments() && inner.length() == input.length;
    }
}
