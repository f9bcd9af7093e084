package org.sacip.agent.peer.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.Opener;
import org.sacip.agent.session.OpeningProof;
import org.sacip.agent.session.SessionOpened;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.protocol.message.MessageKind;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.agent.peer.transport.NamespaceLab;
import org.sacip.agent.peer.transport.Transports;
import org.sacip.netlink.testing.TestNamespace;
import org.sacip.netlink.udp.ReceivedDatagram;
import org.sacip.netlink.udp.UdpSocket;
import org.sacip.protocol.codec.Arrival;
import org.sacip.protocol.codec.UdpDatagram;
import org.sacip.protocol.codec.UdpDecoder;
import org.sacip.protocol.codec.UdpEnvelope;
import org.sacip.protocol.handshake.AddressPair;
import org.sacip.protocol.handshake.HandshakeInitiator;
import org.sacip.protocol.handshake.InitiatorCompletion;
import org.sacip.protocol.message.CookieReply;
import org.sacip.protocol.message.InitReply;
import org.sacip.protocol.message.SacipAddress;
import org.sacip.protocol.message.SacipMessage;
import org.sacip.protocol.message.UdpEndpoint;

/**
 * An engine wired as the agent wires it, with its agent port open, answers a key agreement over UDP that crosses a
 * real Linux masquerading NAT: host C (198.18.10.2, behind the NAT) runs the initiator's side with the codec over a
 * libc UDP socket; the NAT namespace masquerades 198.18.10.0/24 behind 198.19.0.1; B (198.19.0.2) is public. What C
 * receives tells it its public endpoint, and B's lineage is bound to C's own address.
 */
class UdpThroughNatNamespaceTest {
    private static final int AGENT_PORT = 4253;
    private static final int C_PORT = 40000;
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path state;

    private final NamespaceLab lab = new NamespaceLab();

    @AfterEach
    void cleanUp() throws Exception {
        lab.close();
    }

    /** C (198.18.10.2) behind a masquerading NAT (inside 198.18.10.1, outside 198.19.0.1), and B (198.19.0.2). */
    private record Topology(TestNamespace c, TestNamespace nat, TestNamespace b) {
    }

    private Topology topology() throws Exception {
        TestNamespace c = lab.namespace("c");
        TestNamespace nat = lab.namespace("n");
        TestNamespace b = lab.namespace("b");
        String cLink = TestNamespace.interfaceName("uc");
        String natInside = TestNamespace.interfaceName("ui");
        String natOutside = TestNamespace.interfaceName("uo");
        String bLink = TestNamespace.interfaceName("ub");
        c.linkTo(nat, cLink, natInside);
        nat.linkTo(b, natOutside, bLink);
        c.exec("ip", "addr", "add", "198.18.10.2/24", "dev", cLink);
        c.exec("ip", "route", "add", "default", "via", "198.18.10.1");
        nat.exec("ip", "addr", "add", "198.18.10.1/24", "dev", natInside);
        nat.exec("ip", "addr", "add", "198.19.0.1/24", "dev", natOutside);
        nat.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1");
        nat.exec("nft", "add", "table", "ip", "natlab");
        nat.exec("nft", "add", "chain", "ip", "natlab", "post", "{", "type", "nat", "hook", "postrouting",
                "priority", "100", ";", "}");
        nat.exec("nft", "add", "rule", "ip", "natlab", "post", "oifname", natOutside, "masquerade");
        b.exec("ip", "addr", "add", "198.19.0.2/24", "dev", bLink);
        return new Topology(c, nat, b);
    }

    private PeerProtocol engine(TestNamespace namespace, Path directory) throws Exception {
        return AgentPortEngine.start(lab, namespace, directory, AGENT_PORT);
    }

    @Test
    void twoEnginesAgreeAKeyThroughTheNatOverUdp() throws Exception {
        Topology lab = topology();
        PeerProtocol atC = engine(lab.c(), state.resolve("c"));
        PeerProtocol atB = engine(lab.b(), state.resolve("b"));
        SacipAddress c = SacipAddress.parse("198.18.10.2");
        SacipAddress b = SacipAddress.parse("198.19.0.2");
        // C opened a TCP connection to B (its SYN-ACK proves B's address): C agrees a key for it.
        atC.sessionsOpened(List.of(new SessionOpened(new SessionTuple(SessionProtocol.TCP,
                new Endpoint(c.toInetAddress(), 40000), new Endpoint(b.toInetAddress(), 22)), Opener.LOCAL,
                Optional.of(new OpeningProof(SessionProtocol.TCP, TwoEngines.isn(1), TwoEngines.isn(2))),
                Instant.now())), false);
        Transports.await(() -> atC.view().lineages().size() == 1 && atB.view().lineages().size() == 1,
                "a lineage at C and at B", () -> atC.view().lineages() + " / " + atB.view().lineages());
        AssociationView cSide = atC.view().lineages().get(0);
        AssociationView bSide = atB.view().lineages().get(0);
        assertEquals(cSide.keyId(), bSide.keyId());
        assertEquals(c, bSide.peerOriginal(), "B bound it to C's own address");
        assertEquals(b, cSide.peerOriginal());
        assertTrue(atC.messages().sent(MessageKind.HELLO) >= 2, "over ICMP, then over UDP");
    }

    @Test
    void aKeyIsAgreedWithAHostBehindANat() throws Exception {
        Topology lab = topology();
        PeerProtocol engine = engine(lab.b(), state);
        UdpEndpoint cEndpoint = UdpEndpoint.of("198.18.10.2", C_PORT);
        UdpEndpoint bEndpoint = UdpEndpoint.of("198.19.0.2", AGENT_PORT);
        UdpSocket socket = this.lab.add(UdpSocket.open(lab.c().netNamespace(), 4, C_PORT, 0));
        HandshakeInitiator initiator = HandshakeInitiator.first(new AddressPair(cEndpoint.address(),
                bEndpoint.address()), new SecureRandom());
        UdpEnvelope fromC = new UdpEnvelope(cEndpoint, bEndpoint);

        send(socket, fromC, initiator.hello());
        Received cookie = receive(socket);
        UdpEnvelope cookieEnvelope = (UdpEnvelope) cookie.arrival().envelope();
        assertTrue(cookieEnvelope.destinationTranslated(cEndpoint), "C learns it is behind a NAT");
        assertEquals(SacipAddress.parse("198.19.0.1"), cookieEnvelope.statedDestination().address(),
                "B saw the NAT's address");
        send(socket, fromC, initiator.onCookie((CookieReply) cookie.message()));
        Received reply = receive(socket);
        InitiatorCompletion done = initiator.onInitReply((InitReply) reply.message(), reply.arrival());
        send(socket, (UdpEnvelope) reply.arrival().answer(), done.confirm());

        Transports.await(() -> engine.view().lineages().size() == 1, "B's lineage with C",
                () -> engine.view().lineages() + ", drops " + engine.drops().total());
        AssociationView lineage = engine.view().lineages().get(0);
        assertEquals(done.keys().keyId(), lineage.keyId());
        assertEquals(cEndpoint.address(), lineage.peerOriginal(), "bound to C's own address");
        assertEquals(0, engine.drops().total());
    }

    /**
     * C first reaches B directly (198.19.1.3 to B's 198.19.1.2), then moves to its address behind the NAT: its update
     * over ICMP crosses the NAT untranslated (conntrack does not know SACIP's ICMP types), its copy over UDP is
     * masqueraded. B could follow only by rewriting the connection to C's private address, which no packet reaches:
     * it does not (BEHIND_NAT), and C keeps its direct address, as without SACIP over UDP.
     */
    @Test
    void aMoveBehindTheNatIsNotFollowedIntoIt() throws Exception {
        Topology lab = topology();
        String cDirect = TestNamespace.interfaceName("ud");
        String bDirect = TestNamespace.interfaceName("ue");
        lab.c().linkTo(lab.b(), cDirect, bDirect);
        lab.c().exec("ip", "addr", "add", "198.19.1.3/24", "dev", cDirect);
        lab.b().exec("ip", "addr", "add", "198.19.1.2/24", "dev", bDirect);
        lab.nat().exec("ip", "route", "add", "198.19.1.0/24", "via", "198.19.0.2");
        // From its address behind the NAT, C's packets leave through the NAT (as a laptop's source routes do).
        lab.c().exec("ip", "rule", "add", "from", "198.18.10.2", "table", "100");
        lab.c().exec("ip", "route", "add", "default", "via", "198.18.10.1", "table", "100");
        PeerProtocol atC = engine(lab.c(), state.resolve("c"));
        PeerProtocol atB = engine(lab.b(), state.resolve("b"));
        SacipAddress cPublic = SacipAddress.parse("198.19.1.3");
        SacipAddress cPrivate = SacipAddress.parse("198.18.10.2");
        SacipAddress b = SacipAddress.parse("198.19.1.2");
        atC.sessionsOpened(List.of(new SessionOpened(new SessionTuple(SessionProtocol.TCP,
                new Endpoint(cPublic.toInetAddress(), 40000), new Endpoint(b.toInetAddress(), 22)), Opener.LOCAL,
                Optional.of(new OpeningProof(SessionProtocol.TCP, TwoEngines.isn(1), TwoEngines.isn(2))),
                Instant.now())), false);
        atB.sessionsOpened(List.of(new SessionOpened(new SessionTuple(SessionProtocol.TCP,
                new Endpoint(b.toInetAddress(), 22), new Endpoint(cPublic.toInetAddress(), 40000)), Opener.REMOTE,
                Optional.of(new OpeningProof(SessionProtocol.TCP, TwoEngines.isn(2), TwoEngines.isn(1))),
                Instant.now())), false);
        // Only a lineage that holds sessions is moved: the connection is claimed and bound at both ends first.
        Transports.await(() -> atC.view().lineages().size() == 1 && atC.view().lineages().get(0).boundSessions() == 1
                && atB.view().lineages().size() == 1 && atB.view().lineages().get(0).boundSessions() == 1,
                "a lineage over the direct link holding the connection",
                () -> atC.view().lineages() + " / " + atB.view().lineages());
        assertEquals(Optional.empty(), atC.view().lineages().get(0).udpPeer(), "agreed over ICMP");

        atC.announceMove(cPublic, cPrivate);
        Transports.await(() -> atB.drops().count(DropReason.BEHIND_NAT) >= 1, "B saw the update came through a NAT",
                () -> atC.view().lineages() + " / " + atB.view().lineages() + ", drops " + atB.drops().total());
        assertEquals(cPublic, atB.view().lineages().get(0).peerCurrent(), "B keeps C's direct address");
        assertEquals(cPublic, atC.view().lineages().get(0).localConfirmed(), "C's move is not confirmed");
    }

    private static void send(UdpSocket socket, UdpEnvelope envelope, SacipMessage message) throws Exception {
        socket.send(envelope.encode(message), envelope.statedDestination().address().toInetAddress(),
                envelope.statedDestination().port(), envelope.statedSource().address().toInetAddress());
    }

    private record Received(SacipMessage message, Arrival arrival) {
    }

    private static Received receive(UdpSocket socket) throws Exception {
        ReceivedDatagram datagram = socket.receive(WAIT).orElseThrow(() -> new AssertionError("B did not answer"));
        SacipAddress source = SacipAddress.of(datagram.source());
        SacipAddress local = SacipAddress.of(datagram.localAddress());
        UdpDatagram decoded = UdpDecoder.decode(datagram.payload(), source, local);
        return new Received(decoded.message(), new Arrival.Udp(decoded.envelope(),
                new UdpEndpoint(source, datagram.sourcePort()), new UdpEndpoint(local, datagram.localPort())));
    }
}
