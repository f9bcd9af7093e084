package org.sacip.agent.peer.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.peer.transport.Transports.assertReceived;
import static org.sacip.agent.peer.transport.Transports.encode;
import static org.sacip.agent.peer.transport.Transports.hello;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.conntrack.ConntrackClient;
import org.sacip.netlink.conntrack.ConntrackEntry;
import org.sacip.netlink.conntrack.FlowCounters;
import org.sacip.netlink.conntrack.FlowTuple;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.message.SacipMessage;

/**
 * The sender's rules against the real kernel, IPv4 and IPv6, in namespaces on veth links: A ("us") and B (the
 * peer) on link 1, and where needed C on link 2 (host 1 is A's end, host 2 the other). Whether a message went is
 * read from what arrived and in which order and from the sender's counters; whether the kernel was asked to resolve
 * an address, from its neighbour table.
 */
class SenderNamespaceTest {
    /** Neighbour states in which the kernel holds a link-layer address it may use without asking. */
    private static final Set<String> USABLE = Set.of("REACHABLE", "STALE", "DELAY", "PROBE", "PERMANENT");
    /** The discard service: nothing listens there in the test namespaces. */
    private static final int DISCARD_PORT = 9;

    private final NamespaceLab lab = new NamespaceLab();

    @AfterEach
    void cleanUp() throws Exception {
        lab.close();
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void anAnswerNeverMakesTheKernelResolveAndGoesOnceThePeersOwnRequestLeftAnEntry(int family) throws Exception {
        Pair p = pair(family);
        assertTrue(Transports.neighbour(p.a(), p.peer()).isEmpty(), "no neighbour entry for the peer at first");

        p.hostA().send(p.us(), p.peer(), encode(hello(), p.us(), p.peer()), true, false, List.of());
        Transports.await(() -> p.hostA().unsent(Sender.Unsent.UNRESOLVED_ANSWER) == 1, "the answer given up",
                p.hostA().sender()::unsent);
        assertEquals(0, p.hostA().transport().counters().sent());
        assertEquals(List.of(), neighbours(p.a()).stream().filter(n -> n.address().equals(p.peer())).toList(),
                "the kernel was never asked to resolve the peer (no INCOMPLETE, no FAILED entry)");

        // The peer sends us an ordinary packet first (as a ping would): its kernel asks for our MAC from its
        // address, and ours learns the peer's MAC from that request.
        try (DatagramChannel datagram = p.b().netNamespace().call(() -> DatagramChannel.open()
                .bind(new InetSocketAddress(p.peer(), 0)))) {
            datagram.send(ByteBuffer.wrap(new byte[8]), new InetSocketAddress(p.us(), DISCARD_PORT));
        }
        Transports.await(() -> usable(p.a(), p.peer()), "a usable entry for the peer left by its request",
                () -> neighbours(p.a()));

        SacipMessage answer = hello();
        p.hostA().send(p.us(), p.peer(), encode(answer, p.us(), p.peer()), true, false, List.of());
        p.assertAtB(answer);
        assertTrue(p.atB().isEmpty(), "the first answer never went");
        assertEquals(1, p.hostA().unsent(Sender.Unsent.UNRESOLVED_ANSWER));
    }

    /**
     * A HELLO and its COOKIE: the peer's sender has its kernel ask for our MAC; that request must leave what our
     * answer needs.
     */
    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void thePeersSacipRequestLetsOurAnswerGo(int family) throws Exception {
        Pair p = pair(family);
        // B's sender solicited A naming B's own sending address, so A's kernel learnt it (IPv6 too: the kernel's
        // own solicitation, asked for over netlink, would have named B's link-local address only).
        p.fromB(hello());
        SacipMessage answer = hello();
        p.hostA().send(p.us(), p.peer(), encode(answer, p.us(), p.peer()), true, false, List.of());
        Transports.await(() -> p.hostA().sender().sent() + p.hostA().unsent(Sender.Unsent.UNRESOLVED_ANSWER) == 1,
                "the answer decided", p.hostA().sender()::unsent);
        assertEquals(1, p.hostA().sender().sent(), "the answer to the peer's request went; A's neighbours: "
                + neighbours(p.a()));
        p.assertAtB(answer);
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aRequestWaitsForItsNextHopWhileLaterMessagesGo(int family) throws Exception {
        Pair p = pair(family);
        TestNamespace c = lab.namespace("c");
        Link toC = link(p.a(), c, 2);
        p.hostA().readAddresses();
        // C ignores being asked for its MAC until the test lets it answer.
        c.exec("nft", "add table netdev quiet; add chain netdev quiet in { type filter hook ingress device "
                + toC.there() + " priority 0; }; add rule netdev quiet in arp operation request drop;"
                + " add rule netdev quiet in icmpv6 type nd-neighbor-solicit drop");
        askOften(p.a(), toC.here(), family);
        RecordingListener atC = new RecordingListener();
        lab.start(c, atC);
        InetAddress usToC = ip(family, 2, 1);
        InetAddress peerC = ip(family, 2, 2);

        SacipMessage toWaiting = hello();
        p.hostA().send(usToC, peerC, encode(toWaiting, usToC, peerC));
        p.toB(hello());
        Transports.await(() -> p.hostA().sender().sent() == 1, "the later message counted sent",
                p.hostA().sender()::unsent);
        assertTrue(Transports.neighbour(p.a(), peerC).orElseThrow().states().contains("INCOMPLETE"),
                "the kernel is asking for C's MAC");

        c.exec("nft", "delete table netdev quiet");
        assertReceived(atC.next(), toC.there(), usToC, peerC, encode(toWaiting, usToC, peerC), toWaiting);
        Transports.await(() -> p.hostA().sender().sent() == 2, "both counted sent", p.hostA().sender()::unsent);
        assertEquals(0, p.hostA().unsent(Sender.Unsent.UNRESOLVED));
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aRequestWaitsForItsRouteWhileAnAnswerIsRefusedAtOnce(int family) throws Exception {
        Pair p = pair(family);
        // B holds an address A has no route to yet, as A has none for a while after its own address came back.
        InetAddress far = ip(family, 7, 2);
        p.b().exec("ip", "addr", "add", far.getHostAddress() + (family == 4 ? "/32" : "/128"), "dev",
                p.link().there(), "nodad");
        p.hostB().readAddresses();

        // The answer first: a message never overtakes a waiting one between the same two addresses.
        p.hostA().send(p.us(), far, encode(hello(), p.us(), far), true, false, List.of());
        Transports.await(() -> p.hostA().unsent(Sender.Unsent.UNROUTABLE) == 1, "the answer refused at once",
                p.hostA().sender()::unsent);
        SacipMessage request = hello();
        SacipMessage behind = hello();
        p.hostA().send(p.us(), far, encode(request, p.us(), far));
        p.hostA().send(p.us(), far, encode(behind, p.us(), far));
        p.toB(hello());
        // While the two wait, the sender sleeps until the first is due: it does not spin on the one behind it.
        long cpuBefore = senderCpuNanos();
        Thread.sleep(1000);
        long cpuMillis = (senderCpuNanos() - cpuBefore) / 1_000_000;
        assertTrue(cpuMillis < 250, "the senders used " + cpuMillis + " ms of CPU in 1 s of waiting");

        p.a().exec("ip", "route", "add", far.getHostAddress(), "via", p.peer().getHostAddress());
        assertReceived(p.atB().next(), p.link().there(), p.us(), far, encode(request, p.us(), far), request);
        assertReceived(p.atB().next(), p.link().there(), p.us(), far, encode(behind, p.us(), far), behind);
        Transports.await(() -> p.hostA().sender().sent() == 3, "the later request and the two waiting ones sent",
                p.hostA().sender()::unsent);
        assertEquals(1, p.hostA().unsent(Sender.Unsent.UNROUTABLE), "only the answer");
    }

    /** CPU time of every sender thread in this JVM. */
    private static long senderCpuNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("sacip-sender")) {
                total += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return total;
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aNextHopThatNeverAnswersCostsOnlyItsOwnMessage(int family) throws Exception {
        Pair p = pair(family);
        InetAddress nobody = ip(family, 1, 99);

        p.hostA().send(p.us(), nobody, encode(hello(), p.us(), nobody));
        p.toB(hello());
        assertEquals(0, p.hostA().unsent(Sender.Unsent.UNRESOLVED), "the later message went while the first waited");

        Transports.await(() -> p.hostA().unsent(Sender.Unsent.UNRESOLVED) == 1, "the unanswered one given up",
                p.hostA().sender()::unsent);
        assertEquals(1, p.hostA().transport().counters().sent());
        assertTrue(Transports.neighbour(p.a(), nobody).isPresent(), "the kernel was asked for it");
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void anUnprovenAddressGetsNoMoreSacipOctetsThanItSentUs(int family) throws Exception {
        Pair p = pair(family);
        // A proven message first, so the peer's MAC is known and answers are decided at once.
        p.toB(hello());

        p.hostA().send(p.us(), p.peer(), encode(hello(), p.us(), p.peer()), true, true, List.of());
        awaitBudgetRefusals(p.hostA(), 1, "the peer sent us nothing yet");

        byte[] fromPeer = p.fromB(hello());
        byte[] larger = Arrays.copyOf(encode(hello(), p.us(), p.peer()), fromPeer.length + 1);
        p.hostA().send(p.us(), p.peer(), larger, true, true, List.of());
        awaitBudgetRefusals(p.hostA(), 2, "one octet more than the peer sent");
        SacipMessage equal = hello();
        p.hostA().send(p.us(), p.peer(), encode(equal, p.us(), p.peer()), true, true, List.of());
        p.assertAtB(equal);
        p.hostA().send(p.us(), p.peer(), encode(hello(), p.us(), p.peer()), true, true, List.of());
        awaitBudgetRefusals(p.hostA(), 3, "the budget spent");

        // A request waits for its budget: it goes once the peer has sent us more.
        SacipMessage waiting = hello();
        p.hostA().send(p.us(), p.peer(), encode(waiting, p.us(), p.peer()), false, true, List.of());
        p.fromB(hello());
        p.assertAtB(waiting);
        // ... and is given up when nothing more comes.
        p.hostA().send(p.us(), p.peer(), encode(hello(), p.us(), p.peer()), false, true, List.of());
        awaitBudgetRefusals(p.hostA(), 4, "a request that waited for a budget in vain");

        p.toB(hello());
        assertTrue(p.atB().isEmpty(), "no refused message went after all");
        Transports.await(() -> p.hostA().transport().counters().sent() == 4, "four counted sent",
                p.hostA().transport()::counters);
    }

    @ParameterizedTest(name = "IPv{0}, we opened: {1}")
    @CsvSource({"4, true", "6, false"})
    void theKernelsCountOfOurSessionsWithAnAddressIsItsBudget(int family, boolean weOpened) throws Exception {
        Pair p = pair(family);
        Transports.trackConnections(p.a());
        int ourPort = weOpened ? 40000 : 5000;
        int peerPort = weOpened ? 5000 : 40000;
        SessionTuple session = new SessionTuple(SessionProtocol.TCP, new Endpoint(p.us(), ourPort),
                new Endpoint(p.peer(), peerPort));
        TestNamespace server = weOpened ? p.b() : p.a();
        TestNamespace client = weOpened ? p.a() : p.b();
        InetAddress serverAddress = weOpened ? p.peer() : p.us();
        InetAddress clientAddress = weOpened ? p.us() : p.peer();
        try (ServerSocket listening = server.netNamespace().call(() -> new ServerSocket(5000, 5, serverAddress));
                Socket opening = client.netNamespace().call(() -> {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(clientAddress, 40000));
                    return socket;
                })) {
            opening.connect(listening.getLocalSocketAddress());
            try (Socket accepted = listening.accept()) {
                Socket peerSide = weOpened ? accepted : opening;
                Socket ourSide = weOpened ? opening : accepted;
                peerSide.getOutputStream().write(new byte[1000]);
                assertEquals(1000, ourSide.getInputStream().readNBytes(1000).length);

                byte[] message = encode(hello(), p.us(), p.peer());
                p.hostA().send(p.us(), p.peer(), message, true, true, List.of());
                awaitBudgetRefusals(p.hostA(), 1, "no SACIP octets from the peer and no session named");
                int offered = 100;
                for (int i = 0; i < offered; i++) {
                    p.hostA().send(p.us(), p.peer(), encode(hello(), p.us(), p.peer()), true, true,
                            List.of(session));
                }
                Transports.await(() -> p.hostA().sender().sent()
                        + p.hostA().unsent(Sender.Unsent.AMPLIFICATION_BUDGET) == offered + 1,
                        "every message decided", p.hostA().sender()::unsent);
                long fromPeer = towardsUs(p.a(), session, weOpened);
                long octets = (family == 4 ? 20 : 40) + message.length;
                long sent = p.hostA().sender().sent();
                assertTrue(fromPeer >= 1000, "the kernel counted the peer's data: " + fromPeer);
                assertTrue(sent * octets <= fromPeer && fromPeer < (sent + 1) * octets, sent + " messages of "
                        + octets + " octets sent for " + fromPeer + " octets the kernel counted from the peer");
                Transports.await(() -> p.hostB().transport().counters().delivered() == sent,
                        "all sent ones delivered", p.hostB().transport()::counters);
            }
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void nothingGoesFromAnAddressWeDoNotHoldAndNothingIsTakenForOne(int family) throws Exception {
        Pair p = pair(family);
        InetAddress notOurs = ip(family, 1, 77);
        InetAddress nobody = ip(family, 1, 99);

        p.hostA().send(notOurs, p.peer(), encode(hello(), notOurs, p.peer()));
        Transports.await(() -> p.hostA().unsent(Sender.Unsent.NOT_OUR_SOURCE) == 1, "the foreign source refused",
                p.hostA().sender()::unsent);
        assertEquals(0, p.hostA().transport().counters().sent());
        assertTrue(Transports.neighbour(p.a(), p.peer()).isEmpty(), "nothing was even looked up for it");

        // Raw frames B's link layer takes in: to the broadcast or all-nodes MAC for someone else's address, and to
        // B's MAC from B's own address (a reflection); then a proper one, which must be the only one delivered.
        byte[] groupMac = HexFormat.ofDelimiter(":").parseHex(family == 4 ? "ff:ff:ff:ff:ff:ff"
                : "33:33:00:00:00:01");
        NextHop toGroup = Transports.hop(p.a(), p.link().here(), groupMac);
        NextHop toPeer = Transports.hop(p.a(), p.link().here(), Transports.mac(p.b(), p.link().there()));
        SacipMessage proper = hello();
        Transports.inject(p.a(), p.link().here(), List.of(
                FrameBuilder.build(toGroup, p.us(), nobody, encode(hello(), p.us(), nobody)),
                FrameBuilder.build(toPeer, p.peer(), p.peer(), encode(hello(), p.peer(), p.peer())),
                FrameBuilder.build(toPeer, p.us(), p.peer(), encode(proper, p.us(), p.peer()))));
        p.assertAtB(proper);
        TransportCounters counters = p.hostB().transport().counters();
        assertEquals(2, counters.rejected(FrameRejection.NOT_OUR_ADDRESS), counters.toString());
        assertEquals(1, p.hostB().ledger().size(), "only the proper message's source was credited");
    }

    @Test
    void aMessageThatCannotBeFramedDoesNotTakeTheOthersWaitingWithIt() throws Exception {
        Pair p = pair(4);
        askOften(p.a(), p.link().here(), 4);
        // B does not answer for its MAC until all four messages wait for it; each good one waits behind an ICMPv6
        // message that cannot go over IPv4. A fifth, from an address not ours, is decided at once: once it is
        // counted, the sender (one thread, in order) has parked the first four.
        p.b().exec("nft", "add table arp quiet; add chain arp quiet in { type filter hook input priority 0; };"
                + " add rule arp quiet in arp operation request drop");
        List<SacipMessage> good = List.of(hello(), hello());
        for (SacipMessage message : good) {
            p.hostA().send(p.us(), p.peer(), encode(hello(), ip(6, 1, 1), ip(6, 1, 2)));
            p.hostA().send(p.us(), p.peer(), encode(message, p.us(), p.peer()));
        }
        InetAddress notOurs = ip(4, 1, 77);
        p.hostA().send(notOurs, p.peer(), encode(hello(), notOurs, p.peer()));
        Transports.await(() -> p.hostA().unsent(Sender.Unsent.NOT_OUR_SOURCE) == 1, "the fifth message refused",
                p.hostA().sender()::unsent);
        p.b().exec("nft", "delete table arp quiet");
        for (SacipMessage message : good) {
            p.assertAtB(message);
        }
        Transports.await(() -> p.hostA().sender().unsent().values().stream().mapToLong(Long::longValue).sum() == 3,
                "the two that cannot be framed counted as not sent, with the foreign source",
                p.hostA().sender()::unsent);
    }

    /** A and B on link 1, each with its transport started: A holds {@code us}, B holds {@code peer}. */
    private record Pair(TestNamespace a, TestNamespace b, Link link, HostTransport hostA, HostTransport hostB,
            RecordingListener atA, RecordingListener atB, InetAddress us, InetAddress peer) {

        /** The message arrives at B next, from us, exactly as sent. */
        void assertAtB(SacipMessage message) throws Exception {
            assertReceived(atB.next(), link.there(), us, peer, encode(message, us, peer), message);
        }

        /** A sends a plain request to B, which arrives. */
        void toB(SacipMessage message) throws Exception {
            hostA.send(us, peer, encode(message, us, peer));
            assertAtB(message);
        }

        /** B sends a plain request to us, which arrives; returns its bytes. */
        byte[] fromB(SacipMessage message) throws Exception {
            byte[] icmp = encode(message, peer, us);
            receivedFromB(message);
            return icmp;
        }

        /** B sends a plain request to us, which arrives; returns it as A's capture delivered it. */
        ReceivedMessage receivedFromB(SacipMessage message) throws Exception {
            byte[] icmp = encode(message, peer, us);
            hostB.send(peer, us, icmp);
            ReceivedMessage received = atA.next();
            assertReceived(received, link.here(), peer, us, icmp, message);
            return received;
        }
    }

    private Pair pair(int family) throws Exception {
        TestNamespace a = lab.namespace("a");
        TestNamespace b = lab.namespace("b");
        Link link = link(a, b, 1);
        RecordingListener atA = new RecordingListener();
        RecordingListener atB = new RecordingListener();
        return new Pair(a, b, link, lab.start(a, atA), lab.start(b, atB), atA, atB, ip(family, 1, 1),
                ip(family, 1, 2));
    }

    /** A veth link: {@code here} in the first namespace (host 1), {@code there} in the second (host 2). */
    private record Link(String here, String there) {
    }

    /** Joins two namespaces by link {@code subnet}: 198.18.SUBNET.0/24 and 2001:db8:SUBNET::/64. */
    private static Link link(TestNamespace first, TestNamespace second, int subnet) throws IOException {
        Link link = new Link(TestNamespace.interfaceName("x" + subnet), TestNamespace.interfaceName("y" + subnet));
        first.linkTo(second, link.here(), link.there());
        first.addAddresses(link.here(), ip(4, subnet, 1).getHostAddress() + "/24",
                ip(6, subnet, 1).getHostAddress() + "/64");
        second.addAddresses(link.there(), ip(4, subnet, 2).getHostAddress() + "/24",
                ip(6, subnet, 2).getHostAddress() + "/64");
        return link;
    }

    /** Host {@code host} on link {@code subnet} in the lab ranges of the family. */
    private static InetAddress ip(int family, int subnet, int host) throws IOException {
        return InetAddress.getByName(family == 4 ? "198.18." + subnet + "." + host
                : "2001:db8:" + subnet + "::" + Integer.toHexString(host));
    }

    /**
     * The kernel asks for a MAC every 100 ms for as long as the sender waits (3 s), so a peer that starts to answer
     * is heard at once.
     */
    private static void askOften(TestNamespace namespace, String link, int family) throws IOException {
        String neigh = (family == 4 ? "net.ipv4.neigh." : "net.ipv6.neigh.") + link;
        namespace.exec("sysctl", "-q", "-w", neigh + ".retrans_time_ms=100", neigh + ".mcast_solicit=30");
    }

    private static boolean usable(TestNamespace namespace, InetAddress address) {
        return neighbours(namespace).stream().anyMatch(n -> n.address().equals(address)
                && n.states().stream().anyMatch(USABLE::contains));
    }

    private static List<Transports.Neighbour> neighbours(TestNamespace namespace) {
        try {
            return Transports.neighbours(namespace);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void awaitBudgetRefusals(HostTransport host, long count, String why) throws InterruptedException {
        Transports.await(() -> host.unsent(Sender.Unsent.AMPLIFICATION_BUDGET) == count,
                count + " refused for the amplification budget (" + why + ")", host.sender()::unsent);
    }

    /** What conntrack counted from the peer in the session: the reply direction if we opened it. */
    private static long towardsUs(TestNamespace namespace, SessionTuple session, boolean weOpened)
            throws Exception {
        try (ConntrackClient conntrack = ConntrackClient.open(namespace.netNamespace())) {
            ConntrackEntry entry = conntrack.get(new FlowTuple(session.local().address(),
                    session.remote().address(), 6, session.local().port(), session.remote().port()))
                    .orElseThrow(() -> new AssertionError("conntrack has no entry for " + session));
            return (weOpened ? entry.replyCounters() : entry.originalCounters()).map(FlowCounters::bytes)
                    .orElseThrow(() -> new AssertionError("no counters on " + entry));
        }
    }
}
