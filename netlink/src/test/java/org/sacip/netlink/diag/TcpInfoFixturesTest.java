package org.sacip.netlink.diag;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.AttributeDecoder;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkMessageParser;
import org.sacip.netlink.NetlinkParseException;
import org.sacip.netlink.fixtures.KernelFixtures;
import org.sacip.netlink.fixtures.TruncationCheck;

/**
 * tcp_info as Linux 6.18 sent it (captured by CaptureTcpInfoFixtures; a 280-byte struct), and the same struct cut to
 * the lengths older kernels send, or grown as newer ones may.
 */
class TcpInfoFixturesTest {

    private static NetlinkMessage fixture() throws Exception {
        return KernelFixtures.message("diag-tcp-info");
    }

    /** The fixture's tcp_info bytes. */
    private static byte[] info() throws Exception {
        AttributeDecoder attributes = new AttributeDecoder(fixture().payloadView()
                .position(SocketMessageParser.INET_DIAG_MSG_LENGTH));
        while (attributes.next()) {
            if (attributes.type() == SockDiag.INET_DIAG_INFO) {
                return attributes.byteArray();
            }
        }
        throw new IllegalStateException("fixture without INET_DIAG_INFO");
    }

    /** The fixture's socket with a tcp_info of {@code length} bytes (cut, or padded with zeros). */
    private static SocketInfo withInfoLength(int length) throws Exception {
        return withInfo(Arrays.copyOf(info(), length));
    }

    private static SocketInfo withInfo(byte[] info) throws Exception {
        byte[] header = new byte[SocketMessageParser.INET_DIAG_MSG_LENGTH];
        fixture().payloadView().get(header);
        ByteBuffer message = new NetlinkMessageBuilder(SockDiag.SOCK_DIAG_BY_FAMILY, 0).familyHeader(header)
                .putBytes(SockDiag.INET_DIAG_INFO, info).build(1);
        return SocketMessageParser.parse(NetlinkMessageParser.parse(message).get(0), TransportProtocol.TCP);
    }

    @Test
    void tcpInfoOfAnAcknowledgedTransfer() throws Exception {
        SocketInfo socket = SocketMessageParser.parse(fixture(), TransportProtocol.TCP);
        assertEquals(new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 40000), socket.local());
        TcpInfo info = socket.tcpInfo().orElseThrow();
        assertEquals(new TcpInfo(280, TcpState.ESTABLISHED, Duration.ofMillis(204), Duration.ofNanos(74_000), 0, 0, 0,
                0, OptionalLong.of(1001), OptionalLong.of(10), OptionalLong.of(4), OptionalLong.of(3),
                Optional.of(Duration.ofNanos(23_000)), OptionalLong.of(1), OptionalLong.of(1), 0, 0), info);
        assertEquals(Optional.of(false), socket.receivesErrors());
    }

    @Test
    void olderShorterStructsLackOnlyTheirNewerFields() throws Exception {
        TcpInfo linux26 = withInfoLength(104).tcpInfo().orElseThrow();
        assertEquals(104, linux26.length());
        assertEquals(Duration.ofMillis(204), linux26.rto());
        assertEquals(0, linux26.totalRetrans());
        assertEquals(OptionalLong.empty(), linux26.bytesAcked());
        assertEquals(OptionalLong.empty(), linux26.segsOut());
        assertEquals(Optional.empty(), linux26.minRtt());

        TcpInfo linux41 = withInfoLength(136).tcpInfo().orElseThrow();
        assertEquals(OptionalLong.of(1001), linux41.bytesAcked());
        assertEquals(OptionalLong.of(10), linux41.bytesReceived());
        assertEquals(OptionalLong.empty(), linux41.segsIn());

        TcpInfo linux42 = withInfoLength(144).tcpInfo().orElseThrow();
        assertEquals(OptionalLong.of(3), linux42.segsIn());
        assertEquals(OptionalLong.empty(), linux42.dataSegsOut());

        TcpInfo cutInside = withInfoLength(159).tcpInfo().orElseThrow();
        assertEquals(OptionalLong.of(1), cutInside.dataSegsIn());
        assertEquals(OptionalLong.empty(), cutInside.dataSegsOut(), "a field cut in half is absent");

        NetlinkParseException tooShort = assertThrows(NetlinkParseException.class, () -> withInfoLength(103));
        assertEquals(NetlinkParseException.Reason.BAD_ATTRIBUTE_LENGTH, tooShort.reason());
    }

    @Test
    void theTimerBytesAreReadApart() throws Exception {
        // struct tcp_info opens with state, ca_state, retransmits, probes and backoff, one byte each.
        byte[] info = info();
        info[2] = 1;
        info[3] = 7;
        info[4] = 2;
        TcpInfo timer = withInfo(info).tcpInfo().orElseThrow();
        assertEquals(1, timer.retransmits());
        assertEquals(2, timer.backoff());
    }

    @Test
    void aLongerStructFromANewerKernelReadsTheSame() throws Exception {
        TcpInfo grown = withInfoLength(400).tcpInfo().orElseThrow();
        TcpInfo captured = SocketMessageParser.parse(fixture(), TransportProtocol.TCP).tcpInfo().orElseThrow();
        assertEquals(400, grown.length());
        assertEquals(captured.bytesAcked(), grown.bytesAcked());
        assertEquals(captured.dataSegsOut(), grown.dataSegsOut());
        assertEquals(captured.minRtt(), grown.minRtt());
    }

    @Test
    void udpSocketsNeverCarryTcpInfo() throws Exception {
        assertEquals(Optional.empty(), SocketMessageParser.parse(fixture(), TransportProtocol.UDP).tcpInfo());
    }

    @Test
    void everyTruncationIsATypedErrorOrAValidPrefix() {
        TruncationCheck.everyTruncation(KernelFixtures.bytes("diag-tcp-info"),
                m -> SocketMessageParser.parse(m, TransportProtocol.TCP));
    }
}
