package org.sacip.netlink.nflog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkSocket;
import org.sacip.netlink.fixtures.CaptureKernelFixtures;
import org.sacip.netlink.testing.LinkedNamespaces;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Captures the nflog fixtures of {@link NflogFixturesTest} (and through their payloads those of
 * {@code PacketHeadersFixturesTest}) from the running kernel, in two throwaway namespaces:
 * {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.nflog.CaptureNflogFixtures -Dexec.args=OUTPUT_DIRECTORY}.
 * The IP-option and IPv6 extension-header datagrams are sent with python3 (Java cannot set those options).
 */
public final class CaptureNflogFixtures {
    private static final String A_RULES = "add table inet fx\n"
            + "add chain inet fx in { type filter hook input priority 0; }\n"
            + "add chain inet fx out { type filter hook output priority 0; }\n"
            + "add rule inet fx in tcp flags & (syn|ack) == syn|ack log group 5 snaplen 80 prefix \"synack\"\n"
            + "add rule inet fx out udp dport 7000 meta mark set 0x2a log group 5 prefix \"marked\"\n"
            + "add rule inet fx out udp dport { 7001, 7002 } log group 5\n";
    private static final String B_RULES = "add table inet fx\n"
            + "add chain inet fx out { type filter hook output priority 0; }\n"
            + "add rule inet fx out tcp flags & (syn|ack) == syn|ack log group 7 snaplen 80 prefix \"synack\"\n";

    private CaptureNflogFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String origin = CaptureKernelFixtures.origin("CaptureNflogFixtures");
        try (LinkedNamespaces lab = LinkedNamespaces.create("fl");
                NetlinkSocket a = bind(lab.a, 5);
                NetlinkSocket b = bind(lab.b, 7)) {
            lab.a.exec("nft", A_RULES);
            lab.b.exec("nft", B_RULES);

            connect(lab, LinkedNamespaces.A4, LinkedNamespaces.B4);
            CaptureKernelFixtures.write(out, "nflog-tcp-synack-ipv4-input", origin + "SYN-ACK 198.18.0.2:5000 -> "
                    + "198.18.0.1 at the client's input hook, nft log group 5 snaplen 80 prefix synack",
                    next(a, p -> p.family() == LoggedPacket.FAMILY_IPV4));
            connect(lab, LinkedNamespaces.A6, LinkedNamespaces.B6);
            CaptureKernelFixtures.write(out, "nflog-tcp-synack-ipv6-output", origin + "SYN-ACK 2001:db8::2:5000 -> "
                    + "2001:db8::1 at the server's output hook, nft log group 7 snaplen 80 prefix synack",
                    next(b, p -> p.family() == LoggedPacket.FAMILY_IPV6));

            try (DatagramChannel udp = lab.a.netNamespace().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress(LinkedNamespaces.A6, 40000)))) {
                udp.send(ByteBuffer.wrap("marked".getBytes(StandardCharsets.US_ASCII)),
                        new InetSocketAddress(LinkedNamespaces.B6, 7000));
            }
            CaptureKernelFixtures.write(out, "nflog-udp-ipv6-mark-output", origin + "UDP 2001:db8::1:40000 -> "
                    + "2001:db8::2:7000 'marked', meta mark set 0x2a log group 5 prefix marked, output hook",
                    next(a, p -> p.prefix().equals(Optional.of("marked"))));

            python(lab.a, "import socket\n"
                    + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                    + "s.bind(('198.18.0.1', 40001))\n"
                    + "s.setsockopt(socket.IPPROTO_IP, socket.IP_OPTIONS, bytes([7, 11, 4] + [0] * 8 + [1]))\n"
                    + "s.sendto(b'ip options', ('198.18.0.2', 7001))\n");
            CaptureKernelFixtures.write(out, "nflog-udp-ipv4-options", origin + "UDP 198.18.0.1:40001 -> "
                    + "198.18.0.2:7001 'ip options' with IP_OPTIONS record-route (11 bytes) + NOP, output hook",
                    next(a, p -> p.family() == LoggedPacket.FAMILY_IPV4));

            python(lab.a, "import socket\n"
                    + "s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
                    + "s.bind(('2001:db8::1', 40002))\n"
                    + "pad = bytes([0, 0, 1, 4, 0, 0, 0, 0])\n"
                    + "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, pad)\n"
                    + "s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, pad)\n"
                    + "s.sendto(b'extension headers', ('2001:db8::2', 7002))\n");
            CaptureKernelFixtures.write(out, "nflog-udp-ipv6-extension-headers", origin + "UDP 2001:db8::1:40002 -> "
                    + "2001:db8::2:7002 'extension headers' with a hop-by-hop and a destination-options header "
                    + "(8 bytes each, PadN), output hook",
                    next(a, p -> p.family() == LoggedPacket.FAMILY_IPV6));
        }
    }

    private static NetlinkSocket bind(TestNamespace namespace, int group) throws Exception {
        NetlinkSocket socket = NetlinkSocket.open(NetlinkFamily.NETFILTER, namespace.netNamespace());
        socket.execute(NflogClient.configuration(NflogConfig.group(group), socket.nextSequence()));
        return socket;
    }

    private static void connect(LinkedNamespaces lab, String client, String server) throws Exception {
        try (ServerSocket listener = lab.b.netNamespace().call(() -> new ServerSocket(5000, 5,
                java.net.InetAddress.getByName(server)));
                Socket connection = lab.a.netNamespace().call(() -> {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(client, 0));
                    return socket;
                })) {
            connection.connect(listener.getLocalSocketAddress());
            listener.accept().close();
        }
    }

    private static void python(TestNamespace namespace, String script) throws IOException {
        namespace.exec("python3", "-c", script);
    }

    /** The next logged packet (raw message) that passes {@code wanted}; others are skipped. */
    private static NetlinkMessage next(NetlinkSocket socket, Predicate<LoggedPacket> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (NetlinkMessage message : socket.receive(Duration.ofMillis(200))) {
                if (message.type() == Nflog.messageType(Nflog.NFULNL_MSG_PACKET)
                        && wanted.test(LoggedPacketParser.parse(message))) {
                    return message;
                }
            }
        }
        throw new IOException("no such logged packet within 10 s");
    }
}
