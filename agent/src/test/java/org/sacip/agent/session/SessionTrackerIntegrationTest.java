package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.RecordedSessions.Opening;
import org.sacip.netlink.testing.LinkedNamespaces;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.testing.ConnectionBurst;
import org.sacip.protocol.claim.ClaimProofs;

/**
 * The session tracker on real kernels: two namespaces on a veth link with the SACIP data path installed in both (its
 * log rules report openings, conntrack runs), a tracker in each with the ruleset's log group, and real TCP and UDP
 * traffic between them. Each side must report what its own kernel shows, from its own side, with a proof of the
 * opening the other side's proof matches.
 */
@Tag("integration")
class SessionTrackerIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final byte[] QUESTION = "who opened this flow?".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ANSWER = "the client did".getBytes(StandardCharsets.US_ASCII);

    private static InetAddress a(int ipVersion) throws Exception {
        return LinkedNamespaces.aAddress(ipVersion);
    }

    private static InetAddress b(int ipVersion) throws Exception {
        return LinkedNamespaces.bAddress(ipVersion);
    }

    private static SessionTuple tuple(SessionProtocol protocol, InetSocketAddress local, InetSocketAddress remote) {
        return new SessionTuple(protocol, new Endpoint(local.getAddress(), local.getPort()),
                new Endpoint(remote.getAddress(), remote.getPort()));
    }


    private static Socket connect(TestNamespace from, InetAddress local, ServerSocket server) throws Exception {
        Socket socket = from.netNamespace().call(() -> {
            Socket client = new Socket();
            client.bind(new InetSocketAddress(local, 0));
            return client;
        });
        socket.connect(server.getLocalSocketAddress(), (int) WAIT.toMillis());
        return socket;
    }

    private static SessionTuple tcpTuple(Socket socket) {
        return tuple(SessionProtocol.TCP, (InetSocketAddress) socket.getLocalSocketAddress(),
                (InetSocketAddress) socket.getRemoteSocketAddress());
    }

    private static DatagramChannel udpSocket(TestNamespace in, InetAddress local) throws Exception {
        StandardProtocolFamily family = local.getAddress().length == 4 ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
        DatagramChannel channel = in.netNamespace().call(() -> DatagramChannel.open(family)
                .bind(new InetSocketAddress(local, 0)));
        channel.socket().setSoTimeout((int) WAIT.toMillis());
        return channel;
    }

    private static InetSocketAddress localOf(DatagramChannel channel) throws Exception {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    /** Waits for one datagram on a blocking channel (its socket's timeout is {@link #WAIT}). */
    private static DatagramPacket receive(DatagramChannel channel) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[2048], 2048);
        channel.socket().receive(packet);
        return packet;
    }

    /**
     * The client (unconnected) asks, the server (unconnected) answers and the client gets the answer; returns the
     * flow as the client's socket sees it.
     */
    private static SessionTuple udpExchange(DatagramChannel client, DatagramChannel server) throws Exception {
        client.send(ByteBuffer.wrap(QUESTION), server.getLocalAddress());
        DatagramPacket question = receive(server);
        assertEquals(localOf(client), question.getSocketAddress(), "the question came from the client");
        server.send(ByteBuffer.wrap(ANSWER), question.getSocketAddress());
        DatagramPacket answer = receive(client);
        assertEquals(localOf(server), answer.getSocketAddress(), "the answer came from the server");
        return tuple(SessionProtocol.UDP, localOf(client), localOf(server));
    }

    /** Deletes the flow whose original direction is {@code original} from the conntrack table of {@code host}. */
    private static void deleteFlow(TestNamespace host, SessionTuple original) throws Exception {
        boolean v4 = original.isIpv4();
        host.exec("conntrack", "-D", "-f", v4 ? "ipv4" : "ipv6", "-p",
                original.protocol().name().toLowerCase(java.util.Locale.ROOT), "-s",
                original.local().address().getHostAddress(), "-d", original.remote().address().getHostAddress(),
                "--sport", Integer.toString(original.local().port()), "--dport",
                Integer.toString(original.remote().port()));
    }

    /** A tracker started now in {@code host}: its initial dump, after which it is closed again. */
    private static List<Opening> firstDumpOf(TrackerLab lab, TestNamespace host, String name) throws Exception {
        RecordedSessions sessions = new RecordedSessions(name);
        try (SessionTracker tracker = lab.track(host, sessions)) {
            return sessions.awaitInitialDump(WAIT);
        }
    }

    private static Set<SessionTuple> tuples(List<Opening> openings) {
        return openings.stream().map(Opening::tuple).collect(Collectors.toSet());
    }

    private static OpeningProof proofOf(Opening opening, String side) {
        return opening.session().proof().orElseThrow(() -> new AssertionError(side + " reported "
                + opening.tuple() + " without a proof of its opening"));
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void tcpConnectionIsReportedOnBothSidesWithProofsThatMatchThenEnds(int ipVersion) throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        RecordedSessions atB = new RecordedSessions("b");
        try (TrackerLab lab = TrackerLab.create("tt");
                SessionTracker trackerA = lab.track(lab.a(), atA);
                SessionTracker trackerB = lab.track(lab.b(), atB);
                ServerSocket server = lab.b().netNamespace().call(() -> new ServerSocket(0, 50, b(ipVersion)))) {
            assertEquals(List.of(), atA.awaitInitialDump(WAIT), "nothing open yet at a");
            assertEquals(List.of(), atB.awaitInitialDump(WAIT), "nothing open yet at b");
            SessionTuple fromA;
            try (Socket client = connect(lab.a(), a(ipVersion), server); Socket accepted = server.accept()) {
                fromA = tcpTuple(client);
                assertEquals(fromA.reversed(), tcpTuple(accepted));
                Opening openedA = atA.awaitOpened(fromA, WAIT);
                Opening openedB = atB.awaitOpened(fromA.reversed(), WAIT);
                assertEquals(Opener.LOCAL, openedA.session().opener(), "a connected: a opened it");
                assertEquals(Opener.REMOTE, openedB.session().opener(), "b accepted: a opened it");
                assertFalse(openedA.initialDump() || openedB.initialDump(), "reported as it opened");
                OpeningProof proofA = proofOf(openedA, "a");
                OpeningProof proofB = proofOf(openedB, "b");
                assertEquals(SessionProtocol.TCP, proofA.protocol());
                assertEquals(proofA.ours(), proofB.theirs(), "a's own ISN is the one b saw from a");
                assertEquals(proofA.theirs(), proofB.ours(), "b's own ISN is the one a saw from b");
                assertTrue(proofB.matchesClaim(proofA.ours(), proofA.theirs()), "b accepts a's claim");
                assertTrue(proofA.matchesClaim(proofB.ours(), proofB.theirs()), "a accepts b's claim");
            }
            atA.awaitEnded(fromA, WAIT);
            atB.awaitEnded(fromA.reversed(), WAIT);
            assertEquals(1, atA.openingsOf(fromA).size(), "reported once at a: " + atA.openings());
            assertEquals(1, atB.openingsOf(fromA.reversed()).size(), "reported once at b: " + atB.openings());
        }
    }

    /**
     * Connections that close the usual way (conntrack sees both FINs, the sockets go) end after one look at each
     * socket: no watch for closing sockets is started, which cost the tracker a netlink socket and a thread per end.
     */
    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void connectionsThatCloseEndAfterOneLookAtTheirSocketWithoutWatchingClosingSockets(int ipVersion)
            throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        RecordedSessions atB = new RecordedSessions("b");
        try (TrackerLab lab = TrackerLab.create("tc");
                SessionTracker trackerA = lab.track(lab.a(), atA);
                SessionTracker trackerB = lab.track(lab.b(), atB);
                ServerSocket server = lab.b().netNamespace().call(() -> new ServerSocket(0, 50, b(ipVersion)))) {
            atA.awaitInitialDump(WAIT);
            atB.awaitInitialDump(WAIT);
            List<SessionTuple> closed = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                try (Socket client = connect(lab.a(), a(ipVersion), server); Socket accepted = server.accept()) {
                    SessionTuple tuple = tcpTuple(client);
                    atA.awaitOpened(tuple, WAIT);
                    atB.awaitOpened(tuple.reversed(), WAIT);
                    closed.add(tuple);
                }
            }
            for (SessionTuple tuple : closed) {
                atA.awaitEnded(tuple, WAIT);
                atB.awaitEnded(tuple.reversed(), WAIT);
            }
            assertEquals(0, trackerA.watchedEnds(), "ends at a that watched closing sockets");
            assertEquals(0, trackerB.watchedEnds(), "ends at b that watched closing sockets");
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aConnectionConntrackForgetsWhileItsSocketLivesEndsOnlyWithTheSocket(int ipVersion) throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        try (TrackerLab lab = TrackerLab.create("tf");
                SessionTracker trackerA = lab.track(lab.a(), atA);
                ServerSocket server = lab.b().netNamespace().call(() -> new ServerSocket(0, 50, b(ipVersion)))) {
            atA.awaitInitialDump(WAIT);
            try (Socket client = connect(lab.a(), a(ipVersion), server); Socket accepted = server.accept()) {
                SessionTuple kept = tcpTuple(client);
                atA.awaitOpened(kept, WAIT);
                lab.a().exec("conntrack", "-F");
                // Conntrack's events come in order: once a later connection is reported, the flush's were handled.
                try (Socket later = connect(lab.a(), a(ipVersion), server); Socket laterAccepted = server.accept()) {
                    atA.awaitOpened(tcpTuple(later), WAIT);
                }
                assertFalse(atA.ends().contains(kept), "a live connection was reported ended after conntrack -F: "
                        + atA.ends());
                assertTrue(trackerA.watchedEnds() > 0, "conntrack forgot a connection whose socket lives, and the"
                        + " tracker did not watch for its close");
                client.close();
                accepted.close();
                atA.awaitEnded(kept, WAIT);
            }
        }
    }

    /**
     * Conntrack calls a connection closed (TIME_WAIT) once it saw both FINs and an ACK, whether or not the data before
     * them arrived: a session whose socket still has data to deliver (CLOSING, its FIN unacknowledged) lives on until
     * the socket ends, so a moved session keeps its remapping or tunnel for those retransmissions.
     */
    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aConnectionConntrackCallsClosedWhileItsSocketStillSendsEndsOnlyWithTheSocket(int ipVersion) throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        try (TrackerLab lab = TrackerLab.create("tw");
                SessionTracker trackerA = lab.track(lab.a(), atA);
                ServerSocket server = lab.b().netNamespace().call(() -> new ServerSocket(0, 50, b(ipVersion)))) {
            atA.awaitInitialDump(WAIT);
            String family = ipVersion == 4 ? "ip" : "ip6";
            try (Socket client = connect(lab.a(), a(ipVersion), server); Socket accepted = server.accept()) {
                SessionTuple kept = tcpTuple(client);
                atA.awaitOpened(kept, WAIT);
                // b hears nothing more from a: a's data and FIN stay unacknowledged, while b's FIN reaches a.
                lab.b().exec("nft", "add table inet hold; "
                        + "add chain inet hold in { type filter hook input priority 0; }; add rule inet hold in "
                        + family + " saddr " + a(ipVersion).getHostAddress() + " tcp sport " + client.getLocalPort()
                        + " drop");
                client.getOutputStream().write(new byte[1000]);
                client.shutdownOutput();
                accepted.close();
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (!lab.a().exec("conntrack", "-L", "-f", ipVersion == 4 ? "ipv4" : "ipv6", "-p", "tcp")
                        .contains("TIME_WAIT")) {
                    assertTrue(System.nanoTime() < deadline, "a's conntrack calls the connection closed");
                    Thread.sleep(20);
                }
                // Conntrack's events come in order: once a later connection is reported, the closing's were handled.
                try (Socket later = connect(lab.a(), a(ipVersion), server); Socket laterAccepted = server.accept()) {
                    atA.awaitOpened(tcpTuple(later), WAIT);
                }
                assertTrue(lab.a().exec("ss", "-tn", "state", "closing").contains(":" + server.getLocalPort()),
                        "a's socket still sends: " + lab.a().exec("ss", "-tna"));
                assertFalse(atA.ends().contains(kept), "ended while its socket still sends: " + atA.ends());
                client.close();
                lab.b().exec("nft", "delete table inet hold");
                atA.awaitEnded(kept, WAIT);
            }
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void answeredUdpFlowIsReportedOnBothSidesWithTheDigestsOfBothFirstDatagramsThenEndsWithItsEntry(int ipVersion)
            throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        RecordedSessions atB = new RecordedSessions("b");
        try (TrackerLab lab = TrackerLab.create("tu");
                SessionTracker trackerA = lab.track(lab.a(), atA);
                SessionTracker trackerB = lab.track(lab.b(), atB);
                DatagramChannel server = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel client = udpSocket(lab.a(), a(ipVersion))) {
            atA.awaitInitialDump(WAIT);
            atB.awaitInitialDump(WAIT);
            SessionTuple fromA = udpExchange(client, server);
            Opening openedA = atA.awaitOpened(fromA, WAIT);
            Opening openedB = atB.awaitOpened(fromA.reversed(), WAIT);
            assertEquals(Opener.LOCAL, openedA.session().opener(), "a sent first");
            assertEquals(Opener.REMOTE, openedB.session().opener(), "a sent first");
            OpeningProof proofA = proofOf(openedA, "a");
            OpeningProof proofB = proofOf(openedB, "b");
            assertEquals(new OpeningProof(SessionProtocol.UDP, ClaimProofs.udpDigest(QUESTION),
                    ClaimProofs.udpDigest(ANSWER)), proofA, "a: its question, then b's answer");
            assertEquals(new OpeningProof(SessionProtocol.UDP, ClaimProofs.udpDigest(ANSWER),
                    ClaimProofs.udpDigest(QUESTION)), proofB, "b: its answer, then a's question");
            assertTrue(proofB.matchesClaim(proofA.ours(), proofA.theirs()), "b accepts a's claim");

            // More datagrams change nothing; the flow ends when conntrack forgets it, on each side by itself.
            udpExchange(client, server);
            deleteFlow(lab.a(), fromA);
            atA.awaitEnded(fromA, WAIT);
            assertFalse(atB.ends().contains(fromA.reversed()), "b's entry is still there");
            deleteFlow(lab.b(), fromA);
            atB.awaitEnded(fromA.reversed(), WAIT);
            assertEquals(1, atA.openingsOf(fromA).size(), "reported once at a: " + atA.openings());
            assertEquals(1, atB.openingsOf(fromA.reversed()).size(), "reported once at b: " + atB.openings());
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void datagramsSentBeforeTheAnswerLeaveTheFirstOneAsTheProof(int ipVersion) throws Exception {
        // Until conntrack sees a reply every datagram of a flow is `ct state new`; only the first may be logged, or a
        // one-way stream floods the agent and each side keeps whichever datagram it saw last.
        RecordedSessions atA = new RecordedSessions("a");
        RecordedSessions atB = new RecordedSessions("b");
        try (TrackerLab lab = TrackerLab.create("tm");
                SessionTracker trackerA = lab.track(lab.a(), atA);
                SessionTracker trackerB = lab.track(lab.b(), atB);
                DatagramChannel server = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel client = udpSocket(lab.a(), a(ipVersion))) {
            atA.awaitInitialDump(WAIT);
            atB.awaitInitialDump(WAIT);
            List<byte[]> stream = List.of(QUESTION, "second".getBytes(StandardCharsets.US_ASCII),
                    "third".getBytes(StandardCharsets.US_ASCII));
            DatagramPacket last = null;
            for (byte[] datagram : stream) {
                client.send(ByteBuffer.wrap(datagram), server.getLocalAddress());
                last = receive(server);
            }
            server.send(ByteBuffer.wrap(ANSWER), last.getSocketAddress());
            receive(client);
            SessionTuple fromA = tuple(SessionProtocol.UDP, localOf(client), localOf(server));
            assertEquals(new OpeningProof(SessionProtocol.UDP, ClaimProofs.udpDigest(QUESTION),
                    ClaimProofs.udpDigest(ANSWER)), proofOf(atA.awaitOpened(fromA, WAIT), "a"),
                    "a: its first datagram, then b's answer");
            assertEquals(new OpeningProof(SessionProtocol.UDP, ClaimProofs.udpDigest(ANSWER),
                    ClaimProofs.udpDigest(QUESTION)), proofOf(atB.awaitOpened(fromA.reversed(), WAIT), "b"),
                    "b: its answer, then a's first datagram");
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aUdpFlowOnAConnectedSocketOutlivesItsConntrackEntryUntilTheSocketCloses(int ipVersion) throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        try (TrackerLab lab = TrackerLab.create("tk");
                SessionTracker trackerA = lab.track(lab.a(), atA);
                DatagramChannel server = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel unconnected = udpSocket(lab.a(), a(ipVersion));
                DatagramChannel connected = udpSocket(lab.a(), a(ipVersion))) {
            atA.awaitInitialDump(WAIT);
            connected.connect(server.getLocalAddress());
            SessionTuple kept = udpExchange(connected, server);
            SessionTuple forgotten = udpExchange(unconnected, server);
            atA.awaitOpened(kept, WAIT);
            atA.awaitOpened(forgotten, WAIT);

            // Conntrack forgets both (as its 30 s or 120 s timeout does when a flow pauses): the flow whose socket is
            // connected to the peer goes on, the other ends. The events come in order.
            deleteFlow(lab.a(), kept);
            deleteFlow(lab.a(), forgotten);
            atA.awaitEnded(forgotten, WAIT);
            assertFalse(atA.ends().contains(kept), "ended with its conntrack entry: " + atA.ends());

            // The safety net's dump keeps it too: a session reported after the dump shows the dump was handled.
            trackerA.redump("test");
            try (DatagramChannel later = udpSocket(lab.a(), a(ipVersion))) {
                atA.awaitOpened(udpExchange(later, server), WAIT);
            }
            assertFalse(atA.ends().contains(kept), "ended by a dump while its socket lives: " + atA.ends());

            connected.close();
            atA.awaitEnded(kept, WAIT);
            assertEquals(1, atA.openingsOf(kept).size(), "reported once: " + atA.openings());
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void udpDatagramsNobodyAnswersAreNotSessions(int ipVersion) throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        RecordedSessions atB = new RecordedSessions("b");
        try (TrackerLab lab = TrackerLab.create("tn");
                DatagramChannel silent = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel answering = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel client = udpSocket(lab.a(), a(ipVersion))) {
            InetSocketAddress closedPort;
            try (DatagramChannel gone = udpSocket(lab.b(), b(ipVersion))) {
                closedPort = localOf(gone);
            }
            SessionTuple toSilent = tuple(SessionProtocol.UDP, localOf(client), localOf(silent));
            SessionTuple toClosed = tuple(SessionProtocol.UDP, localOf(client), closedPort);
            SessionTuple answered;
            try (SessionTracker trackerA = lab.track(lab.a(), atA);
                    SessionTracker trackerB = lab.track(lab.b(), atB)) {
                atA.awaitInitialDump(WAIT);
                atB.awaitInitialDump(WAIT);
                client.send(ByteBuffer.wrap(QUESTION), closedPort);
                client.send(ByteBuffer.wrap(QUESTION), silent.getLocalAddress());
                receive(silent);
                // Events are handled in order: once a later exchange is reported, the earlier datagrams were seen.
                answered = udpExchange(client, answering);
                atA.awaitOpened(answered, WAIT);
                atB.awaitOpened(answered.reversed(), WAIT);
            }
            for (SessionTuple unanswered : List.of(toSilent, toClosed)) {
                assertEquals(List.of(), atA.openingsOf(unanswered), "a: " + unanswered);
                assertEquals(List.of(), atB.openingsOf(unanswered.reversed()), "b: " + unanswered.reversed());
            }
            // A tracker that starts now finds them in its dump of the kernel, where they still are: not sessions.
            assertEquals(Set.of(answered), tuples(firstDumpOf(lab, lab.a(), "a, restarted")));
            assertEquals(Set.of(answered.reversed()), tuples(firstDumpOf(lab, lab.b(), "b, restarted")));
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aConnectedUdpSocketNobodyAnsweredIsNotASessionInTheDump(int ipVersion) throws Exception {
        try (TrackerLab lab = TrackerLab.create("tc");
                DatagramChannel silent = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel client = udpSocket(lab.a(), a(ipVersion))) {
            client.connect(silent.getLocalAddress());
            client.write(ByteBuffer.wrap(QUESTION));
            receive(silent);
            assertEquals(List.of(), firstDumpOf(lab, lab.a(), "a"), "a sent, nobody answered");
            assertEquals(List.of(), firstDumpOf(lab, lab.b(), "b"), "b never answered");
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aDatagramWithAForgedSourceIsOnlyEverTheServersRemoteSession(int ipVersion) throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        RecordedSessions atB = new RecordedSessions("b");
        byte[] forged = "from a, says c".getBytes(StandardCharsets.US_ASCII);
        try (TrackerLab lab = TrackerLab.create("ts");
                DatagramChannel server = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel client = udpSocket(lab.a(), a(ipVersion))) {
            TestNamespace spoofer = lab.addSpoofer("ts");
            InetSocketAddress claimed;
            try (DatagramChannel gone = udpSocket(lab.a(), a(ipVersion))) {
                claimed = localOf(gone);
            }
            SessionTuple atServer = tuple(SessionProtocol.UDP, localOf(server), claimed);
            SessionTuple answered;
            try (SessionTracker trackerA = lab.track(lab.a(), atA);
                    SessionTracker trackerB = lab.track(lab.b(), atB);
                    RawUdpSender raw = RawUdpSender.open(spoofer.netNamespace(), ipVersion)) {
                atA.awaitInitialDump(WAIT);
                atB.awaitInitialDump(WAIT);
                raw.send(claimed, localOf(server), forged);
                DatagramPacket received = receive(server);
                assertEquals(claimed, received.getSocketAddress(), "the server takes it as a's");
                server.send(ByteBuffer.wrap(ANSWER), received.getSocketAddress());

                Opening openedB = atB.awaitOpened(atServer, WAIT);
                assertEquals(Opener.REMOTE, openedB.session().opener(), "b answered, it did not open the flow");
                assertEquals(new OpeningProof(SessionProtocol.UDP, ClaimProofs.udpDigest(ANSWER),
                        ClaimProofs.udpDigest(forged)), proofOf(openedB, "b"));
                // A real exchange after it: once both sides report it, everything before was seen.
                answered = udpExchange(client, server);
                atA.awaitOpened(answered, WAIT);
                atB.awaitOpened(answered.reversed(), WAIT);
            }
            assertEquals(List.of(), atA.openingsOf(atServer.reversed()), "a never opened nor answered it");
            assertEquals(1, atB.openingsOf(atServer).size(), "reported once at b: " + atB.openings());

            List<Opening> dumpA = firstDumpOf(lab, lab.a(), "a, restarted");
            assertEquals(Set.of(answered), tuples(dumpA), "a: only its own exchange");
            List<Opening> dumpB = firstDumpOf(lab, lab.b(), "b, restarted");
            assertEquals(Set.of(atServer, answered.reversed()), tuples(dumpB));
            for (Opening opening : dumpB) {
                assertEquals(Opener.REMOTE, opening.session().opener(), "b opened nothing: " + opening);
            }
        }
    }

    /**
     * c forges a datagram from another socket of b's own to b's server, which answers it (to that socket, over lo).
     * b's kernel tracks a flow whose original source is b's own address, but b opened nothing. IPv6 only: an IPv4
     * host drops a packet from outside that claims one of its own addresses as source (a martian), IPv6 takes it.
     */
    @Test
    void aDatagramForgedFromTheServersOwnAddressIsNeverTakenAsOpenedByTheServer() throws Exception {
        RecordedSessions atB = new RecordedSessions("b");
        byte[] forged = "from b itself, says c".getBytes(StandardCharsets.US_ASCII);
        try (TrackerLab lab = TrackerLab.create("to");
                DatagramChannel server = udpSocket(lab.b(), b(6));
                DatagramChannel bystander = udpSocket(lab.b(), b(6));
                DatagramChannel client = udpSocket(lab.a(), a(6))) {
            TestNamespace spoofer = lab.addSpoofer("to");
            SessionTuple answered;
            try (SessionTracker trackerB = lab.track(lab.b(), atB);
                    RawUdpSender raw = RawUdpSender.open(spoofer.netNamespace(), 6)) {
                atB.awaitInitialDump(WAIT);
                raw.send(localOf(bystander), localOf(server), forged);
                DatagramPacket received = receive(server);
                assertEquals(localOf(bystander), received.getSocketAddress(), "the server takes it as b's own");
                server.send(ByteBuffer.wrap(ANSWER), received.getSocketAddress());
                assertEquals(localOf(server), receive(bystander).getSocketAddress(), "the answer reached b's socket");
                // A real exchange after it: once b reports it, everything before was seen.
                answered = udpExchange(client, server);
                atB.awaitOpened(answered.reversed(), WAIT);
            }
            List<Opening> openedByB = atB.openings().stream()
                    .filter(o -> o.session().opener() != Opener.REMOTE).toList();
            assertEquals(List.of(), openedByB, "b opened nothing");
            List<Opening> dumpB = firstDumpOf(lab, lab.b(), "b, restarted");
            assertEquals(List.of(), dumpB.stream().filter(o -> o.session().opener() != Opener.REMOTE).toList(),
                    "b opened nothing: " + dumpB);
        }
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void sessionsOpenBeforeTheTrackerStartsAreInItsFirstDumpWithTheirOpener(int ipVersion) throws Exception {
        try (TrackerLab lab = TrackerLab.create("td");
                ServerSocket listener = lab.b().netNamespace().call(() -> new ServerSocket(0, 50, b(ipVersion)));
                Socket untracked = connect(lab.a(), a(ipVersion), listener);
                Socket untrackedAccepted = listener.accept()) {
            // Conntrack forgets the first connection: who opened it is then known only from b's listening socket.
            lab.a().exec("conntrack", "-F");
            lab.b().exec("conntrack", "-F");
            try (Socket tracked = connect(lab.a(), a(ipVersion), listener);
                    Socket trackedAccepted = listener.accept();
                    DatagramChannel server = udpSocket(lab.b(), b(ipVersion));
                    DatagramChannel client = udpSocket(lab.a(), a(ipVersion))) {
                SessionTuple flow = udpExchange(client, server);
                Set<SessionTuple> fromA = Set.of(tcpTuple(untracked), tcpTuple(tracked), flow);

                List<Opening> dumpA = firstDumpOf(lab, lab.a(), "a");
                assertEquals(fromA, tuples(dumpA), "a's sessions");
                List<Opening> dumpB = firstDumpOf(lab, lab.b(), "b");
                assertEquals(fromA.stream().map(SessionTuple::reversed).collect(Collectors.toSet()),
                        tuples(dumpB), "b's sessions");
                for (Opening opening : dumpA) {
                    assertEquals(Opener.LOCAL, opening.session().opener(), "a opened " + opening);
                    assertEquals(Optional.empty(), opening.session().proof(), "the opening was not seen");
                }
                for (Opening opening : dumpB) {
                    assertEquals(Opener.REMOTE, opening.session().opener(), "a opened " + opening);
                    assertEquals(Optional.empty(), opening.session().proof(), "the opening was not seen");
                }
            }
        }
    }

    /**
     * A connection on an address the tracker did not hold is found when the address becomes ours and is looked at, with
     * its opener from conntrack; the look at that address reports nothing else again and ends nothing.
     */
    @Test
    void aLookAtAnAddressThatBecameOursFindsItsSessionsAndNothingElse() throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        Set<InetAddress> ours = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ours.add(a(4));
        try (TrackerLab lab = TrackerLab.create("tw");
                SessionTracker trackerA = lab.track(lab.a(), atA, ours);
                ServerSocket listener4 = lab.b().netNamespace().call(() -> new ServerSocket(0, 50, b(4)));
                ServerSocket listener6 = lab.b().netNamespace().call(() -> new ServerSocket(0, 50, b(6)))) {
            atA.awaitInitialDump(WAIT);
            // Conntrack's events come in order: once the later connection is reported, the earlier one's were read
            // (and passed over: its address was not ours).
            try (Socket unseen = connect(lab.a(), a(6), listener6);
                    Socket unseenAccepted = listener6.accept();
                    Socket known = connect(lab.a(), a(4), listener4);
                    Socket knownAccepted = listener4.accept()) {
                atA.awaitOpened(tcpTuple(known), WAIT);
                assertEquals(List.of(), atA.openingsOf(tcpTuple(unseen)), "not ours yet");

                ours.add(a(6));
                long walks = trackerA.conntrackWalks();
                trackerA.findOnAfter(Duration.ZERO, Set.of(a(6)), "test");
                Opening found = atA.awaitOpened(tcpTuple(unseen), WAIT);
                // Each walk of the host's conntrack table takes 9 ms here (a moved stream stalled as long): IPv6's
                // TCP flows for the new connection's opener, no IPv4 walk, no UDP walk (no UDP socket in a).
                assertEquals(1, trackerA.conntrackWalks() - walks, "conntrack walks of the look");
                assertEquals(Opener.LOCAL, found.session().opener(), "conntrack saw a open it: " + found);
                assertFalse(found.initialDump(), "not the first dump");
                assertEquals(1, atA.openingsOf(tcpTuple(known)).size(), "reported once: " + atA.openings());
                assertEquals(2, atA.openings().size(), "nothing else reported: " + atA.openings());
                assertEquals(List.of(), atA.ends(), "a look at some addresses ends nothing");
            }
        }
    }

    /**
     * An answered UDP flow of a socket bound to the wildcard, on an address that became ours, is found by the look at
     * that address; the agent's own port's flows are no session, found by the look or by the kernel's events.
     */
    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aLookAtAnAddressThatBecameOursFindsTheUdpFlowOfAWildcardSocketButNotTheAgentsOwn(int ipVersion)
            throws Exception {
        RecordedSessions atA = new RecordedSessions("a");
        Set<InetAddress> ours = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ours.add(a(ipVersion == 4 ? 6 : 4));
        StandardProtocolFamily family = ipVersion == 4 ? StandardProtocolFamily.INET : StandardProtocolFamily.INET6;
        try (TrackerLab lab = TrackerLab.create("tz");
                DatagramChannel agentPort = lab.a().netNamespace().call(() -> DatagramChannel.open(family)
                        .bind(new InetSocketAddress(0)));
                DatagramChannel wildcard = lab.a().netNamespace().call(() -> DatagramChannel.open(family)
                        .bind(new InetSocketAddress(0)));
                SessionTracker trackerA = lab.track(lab.a(), atA, ours, localOf(agentPort).getPort());
                DatagramChannel server = udpSocket(lab.b(), b(ipVersion))) {
            atA.awaitInitialDump(WAIT);
            agentPort.socket().setSoTimeout((int) WAIT.toMillis());
            wildcard.socket().setSoTimeout((int) WAIT.toMillis());
            SessionTuple agents = wildcardExchange(agentPort, server, a(ipVersion));
            SessionTuple application = wildcardExchange(wildcard, server, a(ipVersion));

            ours.add(a(ipVersion));
            trackerA.findOnAfter(Duration.ZERO, Set.of(a(ipVersion)), "test");
            Opening found = atA.awaitOpened(application, WAIT);
            assertEquals(Opener.LOCAL, found.session().opener(), "a asked first: " + found);
            assertEquals(List.of(), atA.openingsOf(agents), "the agent's own flow: " + atA.openings());

            // Now that the address is ours, from the kernel's events: the agent's flow first, passed over.
            try (DatagramChannel second = udpSocket(lab.b(), b(ipVersion))) {
                SessionTuple agentsLater = wildcardExchange(agentPort, second, a(ipVersion));
                SessionTuple applicationLater = wildcardExchange(wildcard, second, a(ipVersion));
                atA.awaitOpened(applicationLater, WAIT);
                assertEquals(List.of(), atA.openingsOf(agentsLater), "the agent's own flow: " + atA.openings());
            }
        }
    }

    /** {@link #udpExchange} from a socket bound to the wildcard, which sends from {@code local}. */
    private static SessionTuple wildcardExchange(DatagramChannel client, DatagramChannel server, InetAddress local)
            throws Exception {
        client.send(ByteBuffer.wrap(QUESTION), server.getLocalAddress());
        DatagramPacket question = receive(server);
        InetSocketAddress from = (InetSocketAddress) question.getSocketAddress();
        assertEquals(new InetSocketAddress(local, localOf(client).getPort()), from, "the question's source");
        server.send(ByteBuffer.wrap(ANSWER), from);
        receive(client);
        return tuple(SessionProtocol.UDP, from, localOf(server));
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void aServerThatConnectsItsUdpSocketToTheClientStillDidNotOpenTheFlow(int ipVersion) throws Exception {
        try (TrackerLab lab = TrackerLab.create("tk");
                DatagramChannel server = udpSocket(lab.b(), b(ipVersion));
                DatagramChannel client = udpSocket(lab.a(), a(ipVersion))) {
            client.send(ByteBuffer.wrap(QUESTION), server.getLocalAddress());
            SocketAddress asker = receive(server).getSocketAddress();
            // A common server pattern: the socket is connected to the client it serves once the question is in.
            server.connect(asker);
            server.write(ByteBuffer.wrap(ANSWER));
            receive(client);
            SessionTuple atServer = tuple(SessionProtocol.UDP, localOf(server), (InetSocketAddress) asker);
            List<Opening> dumpB = firstDumpOf(lab, lab.b(), "b");
            assertEquals(Set.of(atServer), tuples(dumpB));
            assertEquals(Opener.REMOTE, dumpB.get(0).session().opener(), "the client sent first");
        }
    }

    /**
     * 20,000 connections from a to b, opened as fast as the kernel takes them by child processes at a, in two halves;
     * b never accepts (its backlog holds them). a's tracker follows them as they come. b's runs in a process of its
     * own that is frozen during the first half, so its sockets overflow and the kernel drops events, as on a host too
     * busy to read them; it wakes as the second half starts, so events keep coming while it catches up. Both trackers
     * must end with exactly the kernel's sessions: an event lost costs a re-dump, never a session.
     */
    @Test
    void aBurstOfTwentyThousandConnectionsIsReportedInFullEvenWhenEventsAreLost() throws Exception {
        int half = 10_000;
        int total = 2 * half;
        RecordedSessions atA = new RecordedSessions("a");
        RecordedSessions atB = new RecordedSessions("b (frozen during the first half)");
        try (TrackerLab lab = TrackerLab.create("tb")) {
            lab.b().exec("sysctl", "-q", "-w", "net.core.somaxconn=65535", "net.ipv4.tcp_max_syn_backlog=65535");
            // connect() takes ports of one parity first and searches slowly once they are gone (about 14,000 of the
            // default range): a wider range keeps the whole burst fast.
            lab.a().exec("sysctl", "-q", "-w", "net.ipv4.ip_local_port_range=10000 65535");
            try (SessionTracker trackerA = lab.track(lab.a(), atA);
                    TrackerProcess trackerB = TrackerProcess.start(lab.b(), List.of(b(4), b(6)), atB);
                    ServerSocket listener = lab.b().netNamespace().call(() -> new ServerSocket(0, 65535, b(4)));
                    SessionDiscovery kernelA = SessionDiscovery.open(Optional.of(lab.a().netNamespace()));
                    SessionDiscovery kernelB = SessionDiscovery.open(Optional.of(lab.b().netNamespace()))) {
                InetSocketAddress server = (InetSocketAddress) listener.getLocalSocketAddress();
                atA.awaitInitialDump(WAIT);
                atB.awaitInitialDump(WAIT);
                try (ConnectionBurst second = ConnectionBurst.start(lab.a().name(), server, 1, half, true)) {
                    second.awaitReady(WAIT);
                    trackerB.stop();
                    long start = System.nanoTime();
                    try (ConnectionBurst first = ConnectionBurst.start(lab.a().name(), server, 1, half, false)) {
                        first.awaitConnected(Duration.ofSeconds(60));
                        second.go();
                        trackerB.resume();
                        second.awaitConnected(Duration.ofSeconds(60));
                        double connectSeconds = (System.nanoTime() - start) / 1e9;
                        Set<SessionTuple> kernelViewA = awaitKernelView(atA, kernelA, a(4), total, "a",
                                trackerA::overruns);
                        double reportedSeconds = (System.nanoTime() - start) / 1e9;
                        Set<SessionTuple> kernelViewB = awaitKernelView(atB, kernelB, b(4), total, "b",
                                trackerB::overruns);
                        double recoveredSeconds = (System.nanoTime() - start) / 1e9;
                        assertEquals(kernelViewA.stream().map(SessionTuple::reversed)
                                .collect(Collectors.toSet()), kernelViewB, "both kernels hold the same connections");
                        long overrunsB = trackerB.overruns();
                        System.out.printf("burst of %d connections: opened in %.1f s, all reported at a after %.1f s,"
                                + " at b after %.1f s; overruns a=%d, b=%d; reported with proof a=%d, b=%d;"
                                + " proof added by a second report a=%d, b=%d%n", total,
                                connectSeconds, reportedSeconds, recoveredSeconds, trackerA.overruns(), overrunsB,
                                withProof(atA), withProof(atB), atA.provenLate(), atB.provenLate());
                        assertTrue(overrunsB > 0, "b's tracker lost events while frozen (else this tests nothing)");
                        assertEquals(0, atA.duplicateOpenings(), "a reported no connection twice (but to add its"
                                + " proof)");
                        assertEquals(0, atB.duplicateOpenings(), "b reported no connection twice (but to add its"
                                + " proof)");
                        assertEquals(List.of(), atA.ends(), "a saw nothing end");
                        assertEquals(List.of(), atB.ends(), "b saw nothing end");
                        assertTrue(atA.openings().stream().allMatch(o -> o.session().opener() == Opener.LOCAL),
                                "a opened every connection");
                        assertTrue(atB.openings().stream().allMatch(o -> o.session().opener() == Opener.REMOTE),
                                "a opened every connection");
                    }
                }
            }
        }
    }

    private static long withProof(RecordedSessions sessions) {
        return sessions.openings().stream().filter(o -> o.session().proof().isPresent()).count();
    }

    /**
     * Waits until the tracker's live sessions are the kernel's and number {@code expected}; returns the kernel's.
     */
    private static Set<SessionTuple> awaitKernelView(RecordedSessions sessions, SessionDiscovery kernel,
            InetAddress address, int expected, String side, Callable<Long> overruns) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Set<SessionTuple> inKernel = new HashSet<>();
            kernel.socketsWithLocalAddress(address).forEach(session -> inKernel.add(session.tuple()));
            Set<SessionTuple> reported = sessions.live();
            if (inKernel.size() == expected && reported.equals(inKernel)) {
                return inKernel;
            }
            if (System.nanoTime() - deadline > 0) {
                Set<SessionTuple> missing = new HashSet<>(inKernel);
                missing.removeAll(reported);
                Set<SessionTuple> extra = new HashSet<>(reported);
                extra.removeAll(inKernel);
                throw new AssertionError(side + ": waited 60 s for the reported sessions to be the kernel's "
                        + expected + "; kernel " + inKernel.size() + ", reported " + reported.size() + ", missing "
                        + missing.size() + " " + Arrays.toString(missing.stream().limit(5).toArray()) + ", extra "
                        + extra.size() + " " + Arrays.toString(extra.stream().limit(5).toArray()) + "; the tracker had "
                        + overruns.call() + " overrun(s)");
            }
            sessions.awaitChange(Duration.ofMillis(500));
        }
    }
}
