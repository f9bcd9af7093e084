package org.sacip.netlink.conntrack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.netlink.NetSysctl;
import org.sacip.netlink.NetlinkOverrunException;
import org.sacip.netlink.SysctlException;
import org.sacip.netlink.testing.Await;
import org.sacip.netlink.testing.LinkedNamespaces;

/**
 * Conntrack events, lookups and accounting against real flows between two namespaces joined by a veth; conntrack
 * runs in {@code a} (a ct rule there), with TCP's closing timeouts cut to a second so a closed flow goes soon.
 */
@Tag("integration")
class ConntrackEventsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Set<ConntrackEvent.Kind> ALL = EnumSet.allOf(ConntrackEvent.Kind.class);

    private static LinkedNamespaces lab(String label) throws Exception {
        LinkedNamespaces lab = LinkedNamespaces.create(label);
        try {
            lab.a.exec("nft", "add table inet cttest; add chain inet cttest out { type filter hook output priority 0; };"
                    + " add rule inet cttest out ct state new counter");
            lab.a.exec("sysctl", "-q", "-w", "net.netfilter.nf_conntrack_tcp_timeout_time_wait=1",
                    "net.netfilter.nf_conntrack_tcp_timeout_fin_wait=1",
                    "net.netfilter.nf_conntrack_tcp_timeout_close_wait=1",
                    "net.netfilter.nf_conntrack_tcp_timeout_last_ack=1",
                    "net.netfilter.nf_conntrack_tcp_timeout_close=1");
        } catch (Exception e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    private static Predicate<ConntrackEvent> ofFlow(FlowTuple original) {
        return event -> event.entry().original().equals(original);
    }

    private static List<ConntrackEvent> eventsOf(List<ConntrackEvent> events, FlowTuple original) {
        return events.stream().filter(ofFlow(original)).toList();
    }

    private static FlowTuple tuple(Socket socket) {
        return new FlowTuple(socket.getLocalAddress(), socket.getInetAddress(), 6, socket.getLocalPort(),
                socket.getPort());
    }

    private static void transfer(Socket from, Socket to, int bytes) throws Exception {
        OutputStream out = from.getOutputStream();
        out.write(new byte[bytes]);
        out.flush();
        InputStream in = to.getInputStream();
        int read = 0;
        byte[] buffer = new byte[65536];
        while (read < bytes) {
            int n = in.read(buffer, 0, Math.min(buffer.length, bytes - read));
            if (n < 0) {
                throw new AssertionError("stream ended after " + read + " of " + bytes + " bytes");
            }
            read += n;
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void tcpFlowIsReportedNewThenUpdatedThenDestroyedWithCounters(int ipVersion) throws Exception {
        try (LinkedNamespaces lab = lab("ce")) {
            ConntrackAccounting.setEnabled(lab.a.netNamespace(), true);
            try (ConntrackEvents events = ConntrackEvents.open(lab.a.netNamespace(), ALL);
                    ConntrackClient conntrack = ConntrackClient.open(lab.a.netNamespace());
                    ServerSocket listener = lab.b.netNamespace().call(() ->
                            new ServerSocket(5000, 5, LinkedNamespaces.bAddress(ipVersion)))) {
                FlowTuple flow;
                int sent = 10_000;
                try (Socket client = lab.a.netNamespace().call(() -> {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(LinkedNamespaces.aAddress(ipVersion), 0));
                    return socket;
                })) {
                    client.connect(listener.getLocalSocketAddress());
                    flow = tuple(client);
                    try (Socket server = listener.accept()) {
                        transfer(client, server, sent);
                    }
                }
                // An expired entry goes when the kernel's garbage collector passes (up to a minute on a busy host)
                // or at once when a lookup meets it, as the next packet of the tuple would: look it up meanwhile.
                List<ConntrackEvent> seen = eventsOf(Await.until(timeout -> {
                    conntrack.get(flow);
                    return events.poll(timeout);
                }, got -> got.stream().anyMatch(ofFlow(flow).and(e -> e.kind() == ConntrackEvent.Kind.DESTROY)), WAIT,
                        "the flow's destroy event after both ends closed"), flow);

                ConntrackEvent first = seen.get(0);
                assertEquals(ConntrackEvent.Kind.NEW, first.kind(), seen.toString());
                assertEquals(Optional.of(ConntrackTcpState.SYN_SENT), first.entry().tcpState());
                assertTrue(first.entry().has(ConntrackStatus.CONFIRMED));
                assertFalse(first.entry().has(ConntrackStatus.SEEN_REPLY));
                assertEquals(6, first.entry().protocol());
                assertEquals(new FlowTuple(flow.destination(), flow.source(), 6, 5000, flow.sourcePort()),
                        first.entry().reply());
                assertTrue(first.entry().originalCounters().isEmpty(), "new events carry no counters");
                assertTrue(seen.stream().anyMatch(e -> e.kind() == ConntrackEvent.Kind.UPDATE
                        && e.entry().has(ConntrackStatus.SEEN_REPLY)
                        && e.entry().tcpState().equals(Optional.of(ConntrackTcpState.SYN_RECV))), seen.toString());
                assertTrue(seen.stream().anyMatch(e -> e.kind() == ConntrackEvent.Kind.UPDATE
                        && e.entry().has(ConntrackStatus.ASSURED)
                        && e.entry().tcpState().equals(Optional.of(ConntrackTcpState.ESTABLISHED))), seen.toString());
                ConntrackEvent last = seen.get(seen.size() - 1);
                assertEquals(ConntrackEvent.Kind.DESTROY, last.kind());
                assertTrue(seen.stream().allMatch(e -> e.entry().id() == first.entry().id()), "one id per flow");
                FlowCounters out = last.entry().originalCounters().orElseThrow();
                assertTrue(out.bytes() >= sent + out.packets() * 40L && out.bytes() <= sent + out.packets() * 80L,
                        "original direction carried " + sent + " data bytes in " + out + " (40..80 header bytes each)");
                assertTrue(last.entry().replyCounters().orElseThrow().packets() >= 2, "SYN-ACK and ACKs came back");
            }
        }
    }

    @Test
    void udpFlowIsReportedNewThenSeenReply() throws Exception {
        try (LinkedNamespaces lab = lab("cu");
                ConntrackEvents events = ConntrackEvents.open(lab.a.netNamespace(),
                        EnumSet.of(ConntrackEvent.Kind.NEW, ConntrackEvent.Kind.UPDATE));
                DatagramChannel server = lab.b.netNamespace().call(() -> DatagramChannel.open()
                        .bind(new InetSocketAddress(LinkedNamespaces.B4, 5353)));
                DatagramChannel client = lab.a.netNamespace().call(() -> DatagramChannel.open()
                        .bind(new InetSocketAddress(LinkedNamespaces.A4, 0)))) {
            client.send(ByteBuffer.wrap(new byte[] {1}), server.getLocalAddress());
            FlowTuple flow = new FlowTuple(InetAddress.getByName(LinkedNamespaces.A4),
                    InetAddress.getByName(LinkedNamespaces.B4), 17,
                    ((InetSocketAddress) client.getLocalAddress()).getPort(), 5353);
            ConntrackEvent created = eventsOf(Await.until(events::poll, got -> !eventsOf(got, flow).isEmpty(), WAIT,
                    "the new UDP flow"), flow).get(0);
            assertEquals(ConntrackEvent.Kind.NEW, created.kind());
            assertFalse(created.entry().has(ConntrackStatus.SEEN_REPLY));
            assertEquals(Optional.empty(), created.entry().tcpState());

            server.socket().setSoTimeout((int) WAIT.toMillis());
            DatagramPacket request = new DatagramPacket(new byte[10], 10);
            server.socket().receive(request);
            server.socket().send(new DatagramPacket(new byte[] {2}, 1, request.getSocketAddress()));
            ConntrackEvent answered = eventsOf(Await.until(events::poll, got -> !eventsOf(got, flow).isEmpty(), WAIT,
                    "the UDP flow's update once answered"), flow).get(0);
            assertEquals(ConntrackEvent.Kind.UPDATE, answered.kind());
            assertTrue(answered.entry().has(ConntrackStatus.SEEN_REPLY));
            assertEquals(created.entry().id(), answered.entry().id());
        }
    }

    @Test
    void lookupByTupleGivesTheCountersOfAKnownTransfer() throws Exception {
        try (LinkedNamespaces lab = lab("cg")) {
            ConntrackAccounting.setEnabled(lab.a.netNamespace(), true);
            try (ConntrackClient conntrack = ConntrackClient.open(lab.a.netNamespace());
                    ServerSocket listener = lab.b.netNamespace().call(() ->
                            new ServerSocket(5000, 5, InetAddress.getByName(LinkedNamespaces.B4)));
                    Socket client = lab.a.netNamespace().call(() -> {
                        Socket socket = new Socket();
                        socket.bind(new InetSocketAddress(LinkedNamespaces.A4, 0));
                        return socket;
                    })) {
                client.connect(listener.getLocalSocketAddress());
                try (Socket server = listener.accept()) {
                    int up = 200_000;
                    int down = 30_000;
                    transfer(client, server, up);
                    transfer(server, client, down);
                    FlowTuple flow = tuple(client);
                    // The last ACK of the download may still be on its way out when the read returns.
                    ConntrackEntry entry = Await.until(timeout -> conntrack.get(flow).stream().toList(), got ->
                            !got.isEmpty() && got.get(got.size() - 1).replyCounters().orElseThrow().bytes()
                                    >= down, WAIT, "counters of both directions").get(0);
                    assertEquals(flow, entry.original());
                    assertEquals(Optional.of(ConntrackTcpState.ESTABLISHED), entry.tcpState());
                    assertTrue(entry.has(ConntrackStatus.ASSURED));
                    assertTrue(entry.timeoutSeconds().orElseThrow() > 0);
                    FlowCounters out = entry.originalCounters().orElseThrow();
                    FlowCounters in = entry.replyCounters().orElseThrow();
                    assertTrue(out.bytes() >= up + out.packets() * 40L && out.bytes() <= up + out.packets() * 80L,
                            "uploaded " + up + " bytes, counted " + out);
                    assertTrue(in.bytes() >= down + in.packets() * 40L && in.bytes() <= down + in.packets() * 80L,
                            "downloaded " + down + " bytes, counted " + in);

                    FlowTuple reply = entry.reply();
                    assertEquals(entry.id(), conntrack.get(reply).orElseThrow().id(), "the reply tuple finds it too");
                    assertEquals(Optional.empty(), conntrack.get(new FlowTuple(flow.source(), flow.destination(), 6,
                            flow.sourcePort(), 5001)));
                    assertThrows(IllegalArgumentException.class, () -> conntrack.get(new FlowTuple(flow.source(),
                            flow.destination(), 1, 0, 0)));
                }
            }
        }
    }

    @Test
    void accountingIsSetPerNamespace() throws Exception {
        try (LinkedNamespaces lab = LinkedNamespaces.create("ca")) {
            boolean host = ConntrackAccounting.isEnabled();
            assertFalse(ConntrackAccounting.isEnabled(lab.a.netNamespace()), "a new namespace starts without");
            ConntrackAccounting.setEnabled(lab.a.netNamespace(), true);
            assertTrue(ConntrackAccounting.isEnabled(lab.a.netNamespace()));
            assertEquals("net.netfilter.nf_conntrack_acct = 1",
                    lab.a.exec("sysctl", "net.netfilter.nf_conntrack_acct").strip());
            assertFalse(ConntrackAccounting.isEnabled(lab.b.netNamespace()), "the other namespace keeps its own");
            assertEquals(host, ConntrackAccounting.isEnabled(), "the caller's namespace keeps its own");
            ConntrackAccounting.setEnabled(lab.a.netNamespace(), false);
            assertFalse(ConntrackAccounting.isEnabled(lab.a.netNamespace()));

            SysctlException missing = assertThrows(SysctlException.class,
                    () -> NetSysctl.read(lab.a.netNamespace(), "net.netfilter.nf_conntrack_no_such_setting"));
            assertEquals(SysctlException.Reason.NO_SUCH_SETTING, missing.reason());
            assertThrows(IllegalArgumentException.class, () -> NetSysctl.read("kernel.hostname"));
            assertThrows(IllegalArgumentException.class, () -> NetSysctl.read("net/../../etc"));
        }
    }

    @Test
    void overrunIsReportedAndADumpRecoversTheFlows() throws Exception {
        try (LinkedNamespaces lab = lab("co");
                ConntrackEvents events = ConntrackEvents.open(lab.a.netNamespace(),
                        EnumSet.of(ConntrackEvent.Kind.NEW), 1);
                ConntrackClient conntrack = ConntrackClient.open(lab.a.netNamespace())) {
            int datagrams = 500;
            // A closed socket's port may come back, so the flows are the distinct source ports.
            Set<Integer> flows = lab.a.netNamespace().call(() -> {
                Set<Integer> ports = new HashSet<>();
                for (int i = 0; i < datagrams; i++) {
                    try (DatagramChannel sender = DatagramChannel.open()
                            .bind(new InetSocketAddress(LinkedNamespaces.A4, 0))) {
                        sender.send(ByteBuffer.wrap(new byte[] {1}), new InetSocketAddress(LinkedNamespaces.B4, 9));
                        ports.add(((InetSocketAddress) sender.getLocalAddress()).getPort());
                    }
                }
                return ports;
            });
            NetlinkOverrunException overrun = assertThrows(NetlinkOverrunException.class, () -> {
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (System.nanoTime() < deadline) {
                    events.poll(Duration.ofMillis(200));
                }
            }, "a " + events.receiveBufferSize() + "-byte buffer cannot hold " + flows.size() + " new-flow events");
            assertTrue(overrun.getMessage().contains("ENOBUFS"));
            List<ConntrackFlow> dumped = conntrack.udpFlows(InetAddress.getByName(LinkedNamespaces.A4),
                    FlowDirection.ORIGINAL_SOURCE);
            assertEquals(flows, dumped.stream().filter(f -> f.original().destinationPort() == 9)
                    .map(f -> f.original().sourcePort()).collect(Collectors.toSet()),
                    "the re-dump has every flow the lost events announced");
        }
    }
}
