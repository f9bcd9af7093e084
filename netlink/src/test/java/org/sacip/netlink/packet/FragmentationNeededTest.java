package org.sacip.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.IpPackets;

/** The ICMP "fragmentation needed" written for a packet the tunnel could not carry. */
class FragmentationNeededTest {
    @Test
    void theErrorGoesBackToTheSenderQuotingItsPacketWithTheMtu() throws Exception {
        InetAddress sender = InetAddress.getByName("198.18.1.2");
        InetAddress peer = InetAddress.getByName("198.18.10.2");
        byte[] packet = IpPackets.tcp(sender, 40000, peer, 5101, new byte[1400]);
        byte[] out = new byte[5 + FragmentationNeeded.LENGTH];
        Arrays.fill(out, (byte) 0x5a);
        assertTrue(FragmentationNeeded.write(packet, 0, 1332, out, 5));
        assertEquals((byte) 0x5a, out[4], "nothing before");
        byte[] error = Arrays.copyOfRange(out, 5, out.length);
        ByteBuffer bytes = ByteBuffer.wrap(error);
        assertEquals(0x45, error[0]);
        assertEquals(FragmentationNeeded.LENGTH, bytes.getShort(2));
        assertEquals(1, error[9], "ICMP");
        assertArrayEquals(peer.getAddress(), Arrays.copyOfRange(error, 12, 16), "from the packet's destination");
        assertArrayEquals(sender.getAddress(), Arrays.copyOfRange(error, 16, 20), "to its sender");
        assertArrayEquals(IpPackets.refreshHeaderChecksum(error), error, "the header checksum");
        assertEquals(3, error[20]);
        assertEquals(4, error[21]);
        assertEquals(1332, bytes.getShort(26), "the next hop's MTU");
        assertArrayEquals(Arrays.copyOf(packet, 28), Arrays.copyOfRange(error, 28, 56), "the quoted packet");
        assertEquals(0xffff, Checksum.sum(ByteBuffer.wrap(error), 20, 36, 0), "the ICMP checksum");
    }

    @Test
    void onlyIpv4WithoutOptionsIsQuoted() throws Exception {
        byte[] v6 = IpPackets.tcp(InetAddress.getByName("2001:db8::2"), 40000, InetAddress.getByName("2001:db8::1"),
                5101, new byte[10]);
        assertFalse(FragmentationNeeded.write(v6, 0, 1280, new byte[FragmentationNeeded.LENGTH], 0));
    }
}
