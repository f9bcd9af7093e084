package org.sacip.agent.datapath;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.sacip.netlink.fixtures.CaptureKernelFixtures;
import org.sacip.netlink.nflog.LoggedPacket;
import org.sacip.netlink.nflog.NflogClient;
import org.sacip.netlink.nflog.NflogConfig;
import org.sacip.netlink.nftables.TupleKey;

/**
 * Captures the fixtures of {@link PathMtuErrorTest} from the running kernel: real router R ({@link RoutedHosts})
 * answers A's full-size TCP segment and UDP datagram to B with "fragmentation needed" / "packet too big" once its
 * route to B is narrowed, and A's SACIP ruleset logs the error to the path MTU group, where this reads it as the
 * relay would. Each fixture is the logged packet (from its IP header) as hex, '#' lines saying how it was made:
 * {@code mvn -B -q -o -pl agent exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.agent.datapath.CapturePathMtuFixtures -Dexec.args=OUTPUT_DIRECTORY}.
 */
public final class CapturePathMtuFixtures {
    private static final int PORT = 5001;
    private static final int UDP_SOURCE = 40000;
    private static final int UDP_PORT = 7000;

    private CapturePathMtuFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String origin = CaptureKernelFixtures.origin("CapturePathMtuFixtures");
        for (boolean ipv6 : new boolean[] {false, true}) {
            for (int protocol : new int[] {TupleKey.TCP, TupleKey.UDP}) {
                capture(out, origin, ipv6, protocol);
            }
        }
    }

    /**
     * One error in a fresh topology: once A's kernel knows the smaller MTU towards B it sends nothing too big for
     * it again, whatever the protocol.
     */
    private static void capture(Path out, String origin, boolean ipv6, int protocol) throws Exception {
        DataPathSettings settings = DataPathSettings.defaults();
        int mtu = ipv6 ? 1280 : 1200;
        String name = "pmtu-" + (ipv6 ? "ipv6-packet-too-big" : "ipv4-fragmentation-needed")
                + (protocol == TupleKey.TCP ? "-tcp" : "-udp");
        try (RoutedHosts hosts = RoutedHosts.create("pf", ipv6);
                DataPath path = DataPath.open(hosts.a.netNamespace(), settings, Clock.systemUTC());
                NflogClient log = NflogClient.open(hosts.a.netNamespace(),
                        NflogConfig.group(settings.pathMtuGroup()).withCopyRange(PathMtuRelay.COPY_RANGE))) {
            Addresses ip = hosts.ip;
            path.install();
            hosts.narrow(mtu);
            String what;
            byte[] error;
            if (protocol == TupleKey.TCP) {
                Connections.Tcp tcp = Connections.tcp(hosts.b, ip.b(), PORT, hosts.a, ip.x(), 0);
                try (Socket client = tcp.client(); Socket accepted = tcp.accepted()) {
                    client.getOutputStream().write(new byte[16384]);
                    what = "a full-size TCP segment " + Addresses.text(ip.x()) + ":" + client.getLocalPort()
                            + " -> " + Addresses.text(ip.b()) + ":" + PORT;
                    error = next(log, protocol);
                }
            } else {
                try (DatagramChannel udp = hosts.a.netNamespace().call(() -> DatagramChannel.open()
                        .bind(new InetSocketAddress(ip.x(), UDP_SOURCE)))) {
                    udp.send(ByteBuffer.allocate(1400), new InetSocketAddress(ip.b(), UDP_PORT));
                    what = "a 1400-byte UDP datagram " + Addresses.text(ip.x()) + ":" + UDP_SOURCE + " -> "
                            + Addresses.text(ip.b()) + ":" + UDP_PORT;
                    error = next(log, protocol);
                }
            }
            CaptureKernelFixtures.writeHex(out, name, origin + "router R's answer to " + what
                    + " over its route of MTU " + mtu + ", logged by A's ruleset (chain pmtu)", error);
        }
    }

    /** The next logged error that quotes {@code protocol}; others are skipped. */
    private static byte[] next(NflogClient log, int protocol) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (LoggedPacket packet : log.poll(Duration.ofMillis(200))) {
                if (PathMtuError.parse(packet.payload()).quoted().protocol() == protocol) {
                    return packet.payload();
                }
            }
        }
        throw new IOException("no logged path MTU error quoting protocol " + protocol + " within 10 s");
    }
}
