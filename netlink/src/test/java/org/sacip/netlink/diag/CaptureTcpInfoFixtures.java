package org.sacip.netlink.diag;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Set;
import org.sacip.netlink.NetlinkConstants;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkMessageBuilder;
import org.sacip.netlink.NetlinkSocket;
import org.sacip.netlink.fixtures.CaptureKernelFixtures;
import org.sacip.netlink.testing.LinkedNamespaces;

/**
 * Captures the tcp_info fixture of {@link TcpInfoFixturesTest}: the exact-lookup answer for the client socket of a
 * connection over a veth, after 1000 bytes were sent and acknowledged:
 * {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.diag.CaptureTcpInfoFixtures -Dexec.args=OUTPUT_DIRECTORY}.
 */
public final class CaptureTcpInfoFixtures {
    private CaptureTcpInfoFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String origin = CaptureKernelFixtures.origin("CaptureTcpInfoFixtures");
        try (LinkedNamespaces lab = LinkedNamespaces.create("ft");
                NetlinkSocket diag = NetlinkSocket.open(NetlinkFamily.SOCK_DIAG, lab.a.netNamespace());
                ServerSocket listener = lab.b.netNamespace().call(() -> new ServerSocket(5000, 5,
                        InetAddress.getByName(LinkedNamespaces.B4)));
                Socket client = lab.a.netNamespace().call(() -> {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(LinkedNamespaces.A4, 40000));
                    return socket;
                })) {
            client.connect(listener.getLocalSocketAddress());
            try (Socket server = listener.accept()) {
                client.getOutputStream().write(new byte[1000]);
                server.getInputStream().readNBytes(1000);
                server.getOutputStream().write(new byte[10]);
                client.getInputStream().readNBytes(10);
                // The server's data segment carried the acknowledgement of the 1000 bytes.
                byte[] request = SockDiagClient.request(SocketMessageParser.AF_INET, TransportProtocol.TCP,
                        SocketDetail.extensionBits(Set.of(SocketDetail.TCP_INFO)), -1,
                        (InetSocketAddress) client.getLocalSocketAddress(),
                        (InetSocketAddress) client.getRemoteSocketAddress(), 0, SockDiag.NO_COOKIE);
                NetlinkMessage answer = diag.query(new NetlinkMessageBuilder(SockDiag.SOCK_DIAG_BY_FAMILY,
                        NetlinkConstants.NLM_F_REQUEST | NetlinkConstants.NLM_F_ACK).familyHeader(request)
                        .build(diag.nextSequence())).get(0);
                CaptureKernelFixtures.write(out, "diag-tcp-info", origin + "exact lookup with INET_DIAG_INFO of TCP "
                        + "198.18.0.1:40000 -> 198.18.0.2:5000 after 1000 bytes out (acknowledged) and 10 in", answer);
            }
        }
    }
}
