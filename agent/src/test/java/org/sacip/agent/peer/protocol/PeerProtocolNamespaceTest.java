package org.sacip.agent.peer.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.peer.transport.HostTransport;
import org.sacip.agent.peer.transport.NamespaceLab;
import org.sacip.agent.peer.transport.Transports;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.protocol.codec.SacipEncoder;
import org.sacip.protocol.message.AddressUpdate;
import org.sacip.protocol.message.MessageKind;
import org.sacip.protocol.message.Octets;
import org.sacip.protocol.message.SacipAddress;

/**
 * Two engines, each with its own loop, sender and transport as the agent wires them, in throwaway namespaces on one
 * bridged link, and a third namespace on the same link forging updates: once a real TCP connection is reported
 * opened on both sides, key agreement and the claim; a move to a new address with its reachability check; the
 * forgeries dropped and counted. IPv4 and IPv6. The connection is real so that conntrack counts what each peer sent,
 * which is the amplification budget of the first messages, as in the agent.
 */
class PeerProtocolNamespaceTest {
    @TempDir
    Path stateA;
    @TempDir
    Path stateB;

    private final NamespaceLab lab = new NamespaceLab();

    @AfterEach
    void cleanUp() throws Exception {
        lab.close();
    }

    @ParameterizedTest(name = "IPv{0}")
    @ValueSource(ints = {4, 6})
    void keysAreAgreedAMoveIsCheckedAndForgedUpdatesChangeNothing(int family) throws Exception {
        SacipAddress a0 = address(family, 1);
        SacipAddress b0 = address(family, 2);
        SacipAddress y = address(family, 11);
        SacipAddress mallory = address(family, 66);
        Bridge bridge = Bridge.create(lab);
        TestNamespace a = bridge.attach("a", 1);
        TestNamespace b = bridge.attach("b", 2);
        TestNamespace m = bridge.attach("m", 66);
        Connection connection = Connection.open(lab, a, a0, b, b0);
        EngineHost atA = EngineHost.start(lab, a, EngineStore.threaded(stateA));
        EngineHost atB = EngineHost.start(lab, b, EngineStore.inline(stateB));
        HostTransport forger = lab.start(m, message -> { });

        connection.reportOpened(atA.engine(), atB.engine());
        Transports.await(() -> connection.boundAtBoth(atA, atB), "the connection bound to one lineage at A and B",
                () -> atA.handover().read(h -> h.bindings) + " / " + atB.handover().read(h -> h.bindings));
        AssociationView atAView = atA.lineageWithPeer(b0);
        AssociationView atBView = atB.lineageWithPeer(a0);
        assertEquals(atAView.lineage(), atBView.lineage());
        assertTrue(atAView.initiator() && !atBView.initiator(), "A, which opened the connection, initiated");
        for (MessageKind kind : List.of(MessageKind.HELLO, MessageKind.INIT, MessageKind.INIT_CONFIRM,
                MessageKind.CLAIM)) {
            assertTrue(atA.sent(kind, a0, b0) >= 1, "A sent " + kind);
        }
        for (MessageKind kind : List.of(MessageKind.COOKIE, MessageKind.INIT_REPLY, MessageKind.CLAIM_REPLY)) {
            assertTrue(atB.sent(kind, b0, a0) >= 1, "B sent " + kind);
        }

        // A takes a new address and tells B, which checks it before following.
        bridge.addAddress(a, "a", y);
        atA.transport().readAddresses();
        atA.engine().announceMove(a0, y);
        Transports.await(() -> atA.view(b0).map(v -> v.localConfirmed().equals(y)).orElse(false),
                "A's move confirmed by B", () -> atA.view(b0));
        assertEquals(y, atB.lineageWithPeer(a0).peerCurrent(), "B follows A");
        assertTrue(atA.sent(MessageKind.ADDRESS_UPDATE, y, b0) >= 1, "the update comes from the new address");
        assertTrue(atB.sent(MessageKind.PATH_CHALLENGE, b0, y) >= 1, "B checks the new address");
        assertTrue(atA.sent(MessageKind.PATH_RESPONSE, y, b0) >= 1, "A answers from it");
        assertTrue(atB.sent(MessageKind.UPDATE_ACK, b0, y) >= 1, "B acknowledges only then");
        assertEquals(0, atA.engine().drops().total() + atB.engine().drops().total(), "a clean exchange drops nothing");

        // The key id travels in clear, so an attacker on the link may know it; the MAC it cannot make.
        AssociationView before = atB.lineageWithPeer(a0);
        AddressUpdate forged = new AddressUpdate(before.keyId(), 1000, a0, mallory, Octets.zeros(16));
        AddressUpdate unknownKey = new AddressUpdate(Octets.fromHex("0102030405060708"), 1000, a0, mallory,
                Octets.zeros(16));
        forger.send(mallory.toInetAddress(), b0.toInetAddress(), SacipEncoder.encode(forged, mallory, b0));
        forger.send(mallory.toInetAddress(), b0.toInetAddress(), SacipEncoder.encode(unknownKey, mallory, b0));
        Transports.await(() -> atB.engine().drops().count(DropReason.BAD_MAC) == 1
                && atB.engine().drops().count(DropReason.UNKNOWN_KEY) == 1, "B drops both forgeries",
                () -> atB.engine().drops().total() + " drops");
        assertEquals(2, atB.engine().drops().total());
        AssociationView after = atB.lineageWithPeer(a0);
        assertEquals(y, after.peerCurrent(), "A stays where it moved");
        assertEquals(before.lastSequenceReceived(), after.lastSequenceReceived());
        assertEquals(0, atA.engine().drops().total());
    }

    /** Host {@code host} of the bridged link: 198.18.7.HOST or 2001:db8:7::HOST (hexadecimal). */
    static SacipAddress address(int family, int host) {
        return SacipAddress.parse(family == 4 ? "198.18.7." + host : "2001:db8:7::" + Integer.toHexString(host));
    }

    /** A bridge in a switch namespace; each host namespace attached to it has one port, and two addresses. */
    record Bridge(NamespaceLab lab, TestNamespace sw, String name) {
        static Bridge create(NamespaceLab lab) throws IOException {
            TestNamespace sw = lab.namespace("sw");
            String name = TestNamespace.interfaceName("br");
            sw.exec("ip", "link", "add", name, "type", "bridge");
            sw.exec("ip", "link", "set", name, "up");
            return new Bridge(lab, sw, name);
        }

        /** A new host namespace on the bridge holding host {@code host} of both families. */
        TestNamespace attach(String label, int host) throws IOException {
            TestNamespace namespace = lab.namespace(label);
            String port = TestNamespace.interfaceName("p" + label);
            namespace.linkTo(sw, link(label), port);
            sw.exec("ip", "link", "set", port, "master", name);
            namespace.addAddresses(link(label), address(4, host) + "/24", address(6, host) + "/64");
            return namespace;
        }

        /** Adds another address to the host's port (IPv6 without duplicate address detection). */
        void addAddress(TestNamespace namespace, String label, SacipAddress address) throws IOException {
            boolean v4 = address.toInetAddress().getAddress().length == 4;
            namespace.exec(v4 ? new String[] {"ip", "addr", "add", address + "/24", "dev", link(label)}
                    : new String[] {"ip", "addr", "add", address + "/64", "dev", link(label), "nodad"});
        }

        static String link(String label) {
            return TestNamespace.interfaceName("h" + label);
        }
    }

    /**
     * A real TCP connection, each side having sent the other 1000 octets, with conntrack counting them in both
     * namespaces (as the agent turns accounting on); what the session trackers would report, with matching opening
     * proofs, is reported to engines by {@link #reportOpened}.
     */
    record Connection(Socket client, Socket server, SessionTuple clientTuple) implements AutoCloseable {
        private static final int SERVER_PORT = 5000;
        private static final int CLIENT_PORT = 40000;
        private static final Octets CLIENT_ISN = Octets.fromHex("10000001");
        private static final Octets SERVER_ISN = Octets.fromHex("20000002");

        static Connection open(NamespaceLab lab, TestNamespace clientSide, SacipAddress clientAddress,
                TestNamespace serverSide, SacipAddress serverAddress) throws Exception {
            Transports.trackConnections(clientSide);
            Transports.trackConnections(serverSide);
            Connection connection;
            try (ServerSocket listening = serverSide.netNamespace().call(() -> new ServerSocket(SERVER_PORT, 1,
                    serverAddress.toInetAddress()))) {
                Socket client = lab.add(clientSide.netNamespace().call(() -> {
                    Socket socket = new Socket();
                    socket.bind(new InetSocketAddress(clientAddress.toInetAddress(), CLIENT_PORT));
                    return socket;
                }));
                client.connect(listening.getLocalSocketAddress());
                Socket server = lab.add(listening.accept());
                connection = new Connection(client, server, new SessionTuple(SessionProtocol.TCP,
                        new Endpoint(clientAddress.toInetAddress(), CLIENT_PORT),
                        new Endpoint(serverAddress.toInetAddress(), SERVER_PORT)));
            }
            byte[] data = new byte[1000];
            connection.client.getOutputStream().write(data);
            connection.server.getOutputStream().write(data);
            connection.server.getInputStream().readNBytes(data.length);
            connection.client.getInputStream().readNBytes(data.length);
            return connection;
        }

        SessionTuple serverTuple() {
            return new SessionTuple(clientTuple.protocol(), clientTuple.remote(), clientTuple.local());
        }

        /** As both session trackers report it once established: the client opened it, the server saw it opened. */
        void reportOpened(PeerProtocol clientEngine, PeerProtocol serverEngine) {
            Instant now = Instant.now();
            clientEngine.sessionsOpened(List.of(new SessionOpened(clientTuple, Opener.LOCAL, Optional.of(
                    new OpeningProof(SessionProtocol.TCP, CLIENT_ISN, SERVER_ISN)), now)), false);
            serverEngine.sessionsOpened(List.of(new SessionOpened(serverTuple(), Opener.REMOTE, Optional.of(
                    new OpeningProof(SessionProtocol.TCP, SERVER_ISN, CLIENT_ISN)), now)), false);
        }

        /** Both data paths were told to bind the connection, to one and the same lineage. */
        boolean boundAtBoth(EngineHost clientHost, EngineHost serverHost) {
            Optional<Octets> atClient = clientHost.handover().read(h -> h.lineageOf(clientTuple));
            Optional<Octets> atServer = serverHost.handover().read(h -> h.lineageOf(serverTuple()));
            return atClient.isPresent() && atClient.equals(atServer);
        }

        @Override
        public void close() throws IOException {
            try {
                client.close();
            } finally {
                server.close();
            }
        }
    }

    /** The recording data-path port for engines on their own threads: the engine writes, the test reads. */
    static final class SharedHandover implements HandoverPort {
        private final RecordingHandover recording = new RecordingHandover();

        @Override
        public synchronized CompletionStage<Set<Octets>> apply(EngineChange change) {
            return recording.apply(change);
        }

        synchronized <T> T read(Function<RecordingHandover, T> query) {
            return query.apply(recording);
        }
    }

    /**
     * One agent's peer side, wired as the agent wires it: a transport and sender in the namespace, an engine on its
     * own loop sending through the sender (every message is also recorded), a data-path port that commits at once.
     */
    record EngineHost(HostTransport transport, PeerProtocol engine, SharedHandover handover,
            Queue<Outbound> outbound) {

        static EngineHost start(NamespaceLab lab, TestNamespace namespace, EngineStore store) throws Exception {
            HostTransport transport = lab.add(HostTransport.openIn(namespace, Transports.SETTINGS));
            ExecutorEngineLoop loop = lab.add(new ExecutorEngineLoop(Clock.systemUTC()));
            SharedHandover handover = new SharedHandover();
            Queue<Outbound> outbound = new ConcurrentLinkedQueue<>();
            PeerProtocol engine = PeerProtocol.open(loop, message -> {
                outbound.add(message);
                transport.sender().send(message);
            }, handover, store, new SecureRandom(), EngineLimits.defaults(), peer -> true);
            lab.add(engine::close);
            transport.start(message -> engine.receive(SacipAddress.of(message.source()),
                    SacipAddress.of(message.destination()), message.icmp()));
            return new EngineHost(transport, engine, handover, outbound);
        }

        /** Messages of this kind the engine handed to its sender from {@code from} to {@code to}. */
        long sent(MessageKind kind, SacipAddress from, SacipAddress to) {
            return outbound.stream().filter(m -> m.kind() == kind && m.from().equals(from) && m.to().equals(to))
                    .count();
        }

        /** The lineage with this peer as the data path was last told, if any. */
        Optional<AssociationView> view(SacipAddress peerOriginal) {
            return handover.read(h -> h.lineages.values().stream()
                    .filter(v -> v.peerOriginal().equals(peerOriginal)).findFirst());
        }

        AssociationView lineageWithPeer(SacipAddress peerOriginal) {
            return handover.read(h -> h.lineageWithPeer(peerOriginal));
        }
    }
}
