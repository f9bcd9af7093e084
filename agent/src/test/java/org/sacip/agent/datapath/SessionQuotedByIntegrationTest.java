package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.TupleKey;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Which session a path MTU error belongs to ({@link DataPath#sessionQuotedBy}), from the data path's committed state
 * in a throwaway namespace: the session whose wire tuple the error quotes, exactly while a packet coming back on
 * that tuple would reach the session's socket (current and lingering entries, not once the tuple is stale, not after
 * the session ended); never for the socket's own tuple, another port or protocol. IPv4, and IPv6 for its own maps.
 */
@Tag("integration")
class SessionQuotedByIntegrationTest {
    private final InetAddress x = Addresses.parse("198.18.1.1");
    private final InetAddress y = Addresses.parse("198.18.1.11");
    private final InetAddress z = Addresses.parse("198.18.1.12");
    private final InetAddress b = Addresses.parse("198.18.0.2");
    private final InetAddress b2 = Addresses.parse("198.18.0.22");
    private final SessionTuple tcp = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000),
            new Endpoint(b, 5001));
    private final SessionTuple udp = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, 40001),
            new Endpoint(b, 53));
    private final TestClock clock = new TestClock();

    @Test
    void anErrorBelongsToTheSessionItsWireTupleWouldReach() throws Exception {
        try (TestNamespace ns = TestNamespace.create("sqb"); DataPath path = MoveOfA.dataPath(ns, clock)) {
            path.install();
            assertEquals(Optional.empty(), path.sessionQuotedBy(quote(tcp, x, b)), "nothing remapped yet");

            // Announced, not confirmed: we still send on the socket's tuple, which needs no relay; Y is accepted.
            path.commit(List.of(Moves.announced(tcp, y)), List.of(), List.of());
            assertEquals(Optional.empty(), path.sessionQuotedBy(quote(tcp, x, b)), "the socket's own tuple");
            assertEquals(Optional.of(tcp), path.sessionQuotedBy(quote(tcp, y, b)));

            path.commit(List.of(Moves.confirmed(tcp, y)), List.of(), List.of());
            assertEquals(Optional.of(tcp), path.sessionQuotedBy(quote(tcp, y, b)), "sending from Y");
            assertEquals(Optional.empty(), path.sessionQuotedBy(new TupleKey(y, b, 6, 40002, 5001)), "another port");
            assertEquals(Optional.empty(), path.sessionQuotedBy(new TupleKey(y, b, 6, 40000, 5002)),
                    "another peer port");
            assertEquals(Optional.empty(), path.sessionQuotedBy(new TupleKey(y, b, 17, 40000, 5001)), "UDP");
            assertEquals(Optional.empty(), path.sessionQuotedBy(new TupleKey(y, b2, 6, 40000, 5001)),
                    "another peer");

            // A chained move: Z now, Y lingers for the packets in flight, then goes.
            path.commit(List.of(Moves.confirmed(tcp, z)), List.of(), List.of());
            assertEquals(Optional.of(tcp), path.sessionQuotedBy(quote(tcp, z, b)));
            assertEquals(Optional.of(tcp), path.sessionQuotedBy(quote(tcp, y, b)), "Y within the grace period");
            clock.passLinger();
            path.maintain();
            assertEquals(Optional.empty(), path.sessionQuotedBy(quote(tcp, y, b)), "Y after the grace period");

            // The peer moves too: Z -> B2 is the session's; Z -> B, still accepted for the grace period, is stale
            // after it.
            path.commit(List.of(new Remapping(tcp, z, z, b2), Moves.peerMoved(udp, b2)), List.of(), List.of());
            assertEquals(Optional.of(tcp), path.sessionQuotedBy(quote(tcp, z, b2)));
            assertEquals(Optional.of(udp), path.sessionQuotedBy(quote(udp, x, b2)), "UDP, the peer moved");
            assertEquals(Optional.empty(), path.sessionQuotedBy(new TupleKey(x, b2, 6, 40001, 53)),
                    "the UDP session's ports over TCP");
            assertEquals(Optional.of(tcp), path.sessionQuotedBy(quote(tcp, z, b)), "Z -> B before it is stale");
            clock.passLinger();
            path.maintain();
            assertEquals(Optional.empty(), path.sessionQuotedBy(quote(tcp, z, b)), "Z -> B once stale");
            assertEquals(Optional.of(tcp), path.sessionQuotedBy(quote(tcp, z, b2)));

            path.commit(List.of(), List.of(), List.of(tcp));
            assertEquals(Optional.empty(), path.sessionQuotedBy(quote(tcp, z, b2)), "the session ended");
            assertEquals(Optional.of(udp), path.sessionQuotedBy(quote(udp, x, b2)));
            path.flush();
        }
    }

    /**
     * The peer, behind its NAT b:5001, came directly from b2:50000: the error quotes our packet to b2:50000 and
     * belongs to the session; to b:50000 (the wire port at the NAT's address) it does not. b2:5001 is the tuple
     * {@code in} is keyed with after {@code inport}: a packet on it reaches the socket too, so it counts as the
     * session's (docs/DATAPATH.md "Port maps"). IPv4 and IPv6.
     */
    @Test
    void anErrorQuotingThePeersPortOnTheWireBelongsToTheSession() throws Exception {
        for (boolean ipv6 : new boolean[] {false, true}) {
            Addresses ip = Addresses.of(ipv6);
            InetAddress direct = Addresses.parse(ipv6 ? "2001:db8::22" : "198.18.0.22");
            SessionTuple session = new SessionTuple(SessionProtocol.TCP, new Endpoint(ip.x(), 40000),
                    new Endpoint(ip.b(), 5001));
            try (TestNamespace ns = TestNamespace.create("sqbport"); DataPath path = MoveOfA.dataPath(ns, clock)) {
                path.install();
                path.commit(List.of(new Remapping(session, ip.x(), ip.x(), direct, 50000)), List.of(), List.of());
                assertEquals(Optional.of(session), path.sessionQuotedBy(new TupleKey(ip.x(), direct, 6, 40000,
                        50000)));
                assertEquals(Optional.of(session), path.sessionQuotedBy(new TupleKey(ip.x(), direct, 6, 40000,
                        5001)), "the key of @in: reaches the socket as the kernel would");
                assertEquals(Optional.empty(), path.sessionQuotedBy(new TupleKey(ip.x(), direct, 6, 40000, 50001)),
                        "another wire port");
                assertEquals(Optional.empty(), path.sessionQuotedBy(new TupleKey(ip.x(), ip.b(), 6, 40000, 50000)),
                        "the wire port at the NAT's address");
                // Only the port translated (the peer kept its address): still the session's.
                path.commit(List.of(new Remapping(session, ip.x(), ip.x(), ip.b(), 50001)), List.of(), List.of());
                assertEquals(Optional.of(session), path.sessionQuotedBy(new TupleKey(ip.x(), ip.b(), 6, 40000,
                        50001)));
                assertEquals(Optional.of(session), path.sessionQuotedBy(new TupleKey(ip.x(), direct, 6, 40000,
                        50000)), "the direct tuple within its grace period");
                path.flush();
            }
        }
    }

    @Test
    void ipv6ErrorsUseTheIpv6Maps() throws Exception {
        Addresses ip = Addresses.of(true);
        SessionTuple session = new SessionTuple(SessionProtocol.TCP, new Endpoint(ip.x(), 40000),
                new Endpoint(ip.b(), 5001));
        InetAddress peerMovedTo = Addresses.parse("2001:db8::22");
        try (TestNamespace ns = TestNamespace.create("sqb"); DataPath path = MoveOfA.dataPath(ns, clock)) {
            path.install();
            path.commit(List.of(new Remapping(session, ip.y(), ip.y(), peerMovedTo)), List.of(), List.of());
            assertEquals(Optional.of(session), path.sessionQuotedBy(quote(session, ip.y(), peerMovedTo)));
            assertEquals(Optional.empty(), path.sessionQuotedBy(quote(session, ip.x(), ip.b())));
            path.flush();
        }
    }

    /** The session's packet as it was on the wire, from {@code local} to {@code remote}. */
    private static TupleKey quote(SessionTuple session, InetAddress local, InetAddress remote) {
        return new TupleKey(local, remote, session.protocol().number(), session.local().port(),
                session.remote().port());
    }
}
