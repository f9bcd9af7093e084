package org.sacip.agent.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.session.SessionGroupingTest.endpoint;
import static org.sacip.agent.session.SessionGroupingTest.session;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.conntrack.ConntrackFlow;
import org.sacip.netlink.conntrack.FlowTuple;
import org.sacip.netlink.diag.TransportProtocol;

class SessionEndTrackerTest {
    private static final Duration IDLE = Duration.ofSeconds(30);

    @Test
    void destroyedSocketEndsItsSessionOnceMatchedByCookie() throws Exception {
        SessionEndTracker tracker = new SessionEndTracker(IDLE);
        Session tcp = session(TransportProtocol.TCP, "198.18.0.1", 1001, "198.19.0.9", 22, SessionOrigin.SOCKET);
        tracker.track(List.of(tcp));
        assertEquals(List.of(), tracker.socketsDestroyed(List.of(tcp.kernelId() + 1)), "another socket's cookie");
        assertEquals(List.of(tcp), tracker.socketsDestroyed(List.of(tcp.kernelId())));
        assertEquals(List.of(), tracker.socketsDestroyed(List.of(tcp.kernelId())));
        assertFalse(tracker.isLive(tcp.key()));
    }

    @Test
    void reDumpEndsAbsentSocketsAndIdleFlowsOfTheObservedAddressOnly() throws Exception {
        SessionEndTracker tracker = new SessionEndTracker(IDLE);
        Session kept = session(TransportProtocol.TCP, "198.18.0.1", 1001, "198.19.0.9", 22, SessionOrigin.SOCKET);
        Session closed = session(TransportProtocol.TCP, "198.18.0.1", 1002, "198.19.0.9", 22, SessionOrigin.SOCKET);
        Session busyFlow = session(TransportProtocol.UDP, "198.18.0.1", 1003, "198.19.0.9", 53,
                SessionOrigin.CONNTRACK_FLOW);
        Session idleFlow = session(TransportProtocol.UDP, "198.18.0.1", 1004, "198.19.0.9", 53,
                SessionOrigin.CONNTRACK_FLOW);
        Session otherAddress = session(TransportProtocol.TCP, "198.18.0.2", 1005, "198.19.0.9", 22,
                SessionOrigin.SOCKET);
        tracker.track(List.of(kept, closed, busyFlow, idleFlow, otherAddress));
        SessionObservation observation = new SessionObservation(InetAddress.getByName("198.18.0.1"),
                SessionObservation.End.LOCAL, List.of(kept, busyFlow, idleFlow),
                Map.of(busyFlow.key(), Duration.ofSeconds(2), idleFlow.key(), Duration.ofSeconds(31)));
        assertEquals(List.of(closed, idleFlow), tracker.reconcile(observation));
        assertEquals(List.of(kept, busyFlow, otherAddress), tracker.live());
    }

    @Test
    void receivingSideObservationCoversSessionsByPeer() throws Exception {
        SessionEndTracker tracker = new SessionEndTracker(IDLE);
        Session fromPeer = session(TransportProtocol.TCP, "198.18.0.1", 1001, "198.19.0.9", 22,
                SessionOrigin.SOCKET);
        tracker.track(List.of(fromPeer));
        SessionObservation none = new SessionObservation(InetAddress.getByName("198.19.0.9"),
                SessionObservation.End.REMOTE, List.of(), Map.of());
        assertEquals(List.of(fromPeer), tracker.reconcile(none));
    }

    @Test
    void idleTimeoutMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> new SessionEndTracker(Duration.ZERO));
    }

    @Test
    void flowIdlenessIsTheFullTimeoutMinusWhatIsLeft() throws Exception {
        UdpFlowTimeouts timeouts = new UdpFlowTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(120));
        FlowTuple out = new FlowTuple(InetAddress.getByName("198.18.0.1"), InetAddress.getByName("198.19.0.9"), 17,
                5000, 53);
        FlowTuple back = new FlowTuple(out.destination(), out.source(), 17, 53, 5000);
        assertEquals(Duration.ofSeconds(10), timeouts.idle(new ConntrackFlow(out, back, 0, 20, 1)));
        assertEquals(Duration.ofSeconds(100),
                timeouts.idle(new ConntrackFlow(out, back, ConntrackFlow.IPS_SEEN_REPLY, 20, 1)));
        assertEquals(Duration.ZERO, timeouts.idle(new ConntrackFlow(out, back, 0, 45, 1)),
                "a timeout raised by hand never gives a negative idle time");
    }

    @Test
    void flowsAreOrientedSoTheObservedAddressIsOnTheRequestedEnd() throws Exception {
        InetAddress mine = InetAddress.getByName("198.18.0.1");
        InetAddress peer = InetAddress.getByName("198.19.0.9");
        ConntrackFlow weSentFirst = new ConntrackFlow(new FlowTuple(mine, peer, 17, 5000, 53),
                new FlowTuple(peer, mine, 17, 53, 5000), 0, 30, 7);
        ConntrackFlow peerSentFirst = new ConntrackFlow(new FlowTuple(peer, mine, 17, 53, 5000),
                new FlowTuple(mine, peer, 17, 5000, 53), 0, 30, 8);
        for (ConntrackFlow flow : List.of(weSentFirst, peerSentFirst)) {
            Session local = SessionDiscovery.flowSession(flow, mine, SessionObservation.End.LOCAL);
            assertEquals(endpoint("198.18.0.1", 5000), local.local());
            assertEquals(endpoint("198.19.0.9", 53), local.remote());
            Session remote = SessionDiscovery.flowSession(flow, peer, SessionObservation.End.REMOTE);
            assertEquals(local.key(), remote.key());
            assertTrue(remote.origin() == SessionOrigin.CONNTRACK_FLOW);
        }
    }
}
