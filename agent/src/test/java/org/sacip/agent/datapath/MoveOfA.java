package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;

/**
 * Host A's move from X to Y in the order of the handover, for the kernel tests: make-before-break with a standby
 * ghost, the announcement, then B following and A confirmed. A is on {@link Hosts} or {@link RoutedHosts}.
 */
final class MoveOfA {
    private MoveOfA() {
    }

    /** A data path of the namespace, with default settings and the test's clock. */
    static DataPath dataPath(TestNamespace namespace, TestClock clock)
            throws DataPathException {
        return DataPath.open(namespace.netNamespace(), DataPathSettings.defaults(), clock);
    }

    /**
     * Y arrives on A's link, the sessions hold a standby ghost of X, X leaves the link, A announces Y (receives at Y,
     * still sends from X) and the ghost becomes active.
     */
    static void announce(Hosts hosts, DataPath pathA, Set<SessionTuple> atA) throws Exception {
        announce(hosts.a, hosts.aLink, hosts.ip, pathA, atA);
    }

    private static void announce(TestNamespace a, String aLink, Addresses ip, DataPath pathA, Set<SessionTuple> atA)
            throws Exception {
        InetAddress x = ip.x();
        a.exec(ip.addCommand(ip.y(), aLink));
        pathA.commit(List.of(), List.of(GhostChange.hold(x, atA)), List.of());
        assertTrue(KernelState.loopbackHas(a, x), "standby ghost of X on A's lo");
        a.exec(ip.deleteCommand(x, aLink));
        pathA.commit(atA.stream().map(session -> Moves.announced(session, ip.y())).toList(),
                List.of(GhostChange.activity(x, true)), List.of());
    }

    /** B follows its peer to Y, then A, confirmed, sends from Y. */
    static void confirm(Hosts hosts, DataPath pathA, DataPath pathB, Set<SessionTuple> atA, Set<SessionTuple> atB)
            throws Exception {
        confirm(hosts.ip.y(), pathA, pathB, atA, atB);
    }

    private static void confirm(InetAddress y, DataPath pathA, DataPath pathB, Set<SessionTuple> atA,
            Set<SessionTuple> atB) throws Exception {
        pathB.commit(atB.stream().map(session -> Moves.peerMoved(session, y)).toList(), List.of(), List.of());
        pathA.commit(atA.stream().map(session -> Moves.confirmed(session, y)).toList(), List.of(), List.of());
    }

    /** The whole move of the connections' sessions. */
    static void move(Hosts hosts, DataPath pathA, DataPath pathB, List<Connections.Tcp> connections)
            throws Exception {
        Set<SessionTuple> atA = new LinkedHashSet<>();
        Set<SessionTuple> atB = new LinkedHashSet<>();
        for (Connections.Tcp connection : connections) {
            atA.add(connection.atClient());
            atB.add(connection.atServer());
        }
        announce(hosts, pathA, atA);
        confirm(hosts, pathA, pathB, atA, atB);
    }

    /** The whole move of these sessions (as A and as B sees them), with A behind a router. */
    static void move(RoutedHosts hosts, DataPath pathA, DataPath pathB, Set<SessionTuple> atA,
            Set<SessionTuple> atB) throws Exception {
        announce(hosts.a, hosts.aLink, hosts.ip, pathA, atA);
        confirm(hosts.ip.y(), pathA, pathB, atA, atB);
    }
}
