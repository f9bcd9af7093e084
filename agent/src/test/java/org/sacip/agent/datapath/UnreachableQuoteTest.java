package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;

/** The RFC 6069 error the retransmission kick hands the stack, byte by byte. */
class UnreachableQuoteTest {
    private static final SessionTuple SOCKET = new SessionTuple(SessionProtocol.TCP,
            new Endpoint(address("198.18.1.2"), 40000), new Endpoint(address("198.18.10.2"), 5001));

    @Test
    void aHostUnreachableFromThePeerQuotingTheSocketsTupleAndSndUna() {
        byte[] packet = UnreachableQuote.ipv4(SOCKET, 0xfedcba98L);
        assertEquals(56, packet.length, "IPv4 header, ICMP header, quoted IPv4 header, 8 bytes of TCP");
        // The whole packet; its three checksums computed independently (RFC 1071, outside this code base).
        assertArrayEquals(HexFormat.of().parseHex(
                "45000038000000004001" + "e39c" + "c6120a02" + "c6120102"
                        + "0301" + "93bf" + "00000000"
                        + "45000028000000004006" + "e3a7" + "c6120102" + "c6120a02"
                        + "9c40" + "1389" + "fedcba98"), packet);
        ByteBuffer buffer = ByteBuffer.wrap(packet);
        assertEquals(0, PathMtuError.checksum(buffer, 0, 20), "outer header checksum");
        assertEquals(0, PathMtuError.checksum(buffer, 28, 20), "quoted header checksum");
        assertEquals(0, PathMtuError.checksum(buffer, 20, 36), "ICMP checksum");
    }

    @Test
    void onlyIpv4TcpSockets() {
        SessionTuple udp = new SessionTuple(SessionProtocol.UDP, SOCKET.local(), SOCKET.remote());
        SessionTuple ipv6 = new SessionTuple(SessionProtocol.TCP, new Endpoint(address("2001:db8::1"), 40000),
                new Endpoint(address("2001:db8::2"), 5001));
        assertThrows(IllegalArgumentException.class, () -> UnreachableQuote.ipv4(udp, 1));
        assertThrows(IllegalArgumentException.class, () -> UnreachableQuote.ipv4(ipv6, 1));
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
