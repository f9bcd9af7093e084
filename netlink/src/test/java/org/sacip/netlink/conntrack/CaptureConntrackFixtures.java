package org.sacip.netlink.conntrack;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.sacip.netlink.NetlinkFamily;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.NetlinkSocket;
import org.sacip.netlink.fixtures.CaptureKernelFixtures;
import org.sacip.netlink.testing.LinkedNamespaces;

/**
 * Captures the conntrack event and lookup fixtures of {@link ConntrackEventFixturesTest} from the running kernel,
 * in two throwaway namespaces with conntrack and accounting on in {@code a}:
 * {@code mvn -B -q -o -pl netlink exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=org.sacip.netlink.conntrack.CaptureConntrackFixtures -Dexec.args=OUTPUT_DIRECTORY}.
 */
public final class CaptureConntrackFixtures {
    private CaptureConntrackFixtures() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String origin = CaptureKernelFixtures.origin("CaptureConntrackFixtures");
        try (LinkedNamespaces lab = LinkedNamespaces.create("fc");
                NetlinkSocket events = NetlinkSocket.open(NetlinkFamily.NETFILTER, lab.a.netNamespace());
                NetlinkSocket requests = NetlinkSocket.open(NetlinkFamily.NETFILTER, lab.a.netNamespace())) {
            lab.a.exec("nft", "add table inet fx; add chain inet fx out { type filter hook output priority 0; };"
                    + " add rule inet fx out ct state new counter; add rule inet fx out meta l4proto udp ct mark set 42");
            lab.a.exec("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_acct=1",
                    "net.netfilter.nf_conntrack_tcp_timeout_time_wait=1");
            for (ConntrackEvent.Kind kind : ConntrackEvent.Kind.values()) {
                events.joinGroup(kind.group());
            }

            FlowTuple tcp;
            try (ServerSocket listener = lab.b.netNamespace().call(() -> new ServerSocket(5000, 5,
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
                }
                tcp = new FlowTuple(client.getLocalAddress(), client.getInetAddress(), 6, 40000, 5000);
            }
            String flow = "TCP 198.18.0.1:40000 -> 198.18.0.2:5000, 1000 bytes up, then closed";
            CaptureKernelFixtures.write(out, "ctnetlink-event-new-tcp", origin + flow + ": NEW event",
                    next(events, requests, tcp, e -> e.kind() == ConntrackEvent.Kind.NEW));
            CaptureKernelFixtures.write(out, "ctnetlink-event-update-tcp-established", origin + flow
                    + ": UPDATE event to ESTABLISHED", next(events, requests, tcp, e -> e.kind()
                    == ConntrackEvent.Kind.UPDATE && e.entry().has(ConntrackStatus.ASSURED)));
            CaptureKernelFixtures.write(out, "ctnetlink-event-destroy-tcp-counters", origin + flow
                    + ", acct on, time_wait timeout 1 s: DESTROY event",
                    next(events, requests, tcp, e -> e.kind() == ConntrackEvent.Kind.DESTROY));

            try (DatagramChannel server = lab.b.netNamespace().call(() -> DatagramChannel.open()
                    .bind(new InetSocketAddress(LinkedNamespaces.B6, 5353)));
                    DatagramChannel client = lab.a.netNamespace().call(() -> DatagramChannel.open()
                            .bind(new InetSocketAddress(LinkedNamespaces.A6, 40001)))) {
                client.send(ByteBuffer.wrap(new byte[100]), server.getLocalAddress());
                DatagramPacket request = new DatagramPacket(new byte[200], 200);
                server.socket().receive(request);
                server.socket().send(new DatagramPacket(new byte[50], 50, request.getSocketAddress()));
                client.socket().receive(new DatagramPacket(new byte[200], 200));
            }
            FlowTuple udp = new FlowTuple(InetAddress.getByName(LinkedNamespaces.A6),
                    InetAddress.getByName(LinkedNamespaces.B6), 17, 40001, 5353);
            CaptureKernelFixtures.write(out, "ctnetlink-get-udp-ipv6-counters-mark", origin + "UDP [2001:db8::1]:40001"
                    + " -> [2001:db8::2]:5353, 100 bytes out, 50 back, ct mark 42, acct on: IPCTNL_MSG_CT_GET reply",
                    requests.query(ConntrackClient.getRequest(udp, requests.nextSequence())).get(0));
        }
    }

    /** The next event of the flow that passes {@code wanted}; looks the flow up meanwhile so an expired one goes. */
    private static NetlinkMessage next(NetlinkSocket events, NetlinkSocket requests, FlowTuple flow,
            Predicate<ConntrackEvent> wanted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (NetlinkMessage message : events.receive(Duration.ofMillis(200))) {
                ConntrackEvent event = ConntrackEntryParser.event(message);
                if (event.entry().original().equals(flow) && wanted.test(event)) {
                    return message;
                }
            }
            try {
                requests.query(ConntrackClient.getRequest(flow, requests.nextSequence()));
            } catch (org.sacip.netlink.NetlinkErrorException gone) {
                // ENOENT once the flow was removed; its destroy event is queued.
            }
        }
        throw new IOException("no such conntrack event within 30 s");
    }
}
