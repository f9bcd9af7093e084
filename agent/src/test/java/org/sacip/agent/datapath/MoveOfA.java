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
 * ghost, the announcement, then B following and A confirmed.
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
        Addresses ip = hosts.ip;
        InetAddress x = ip.x();
        hosts.a.exec(ip.addCommand(ip.y(), hosts.aLink));
        pathA.commit(List.of(), List.of(GhostChange.hold(x, atA)), List.of());
        assertTrue(KernelState.loopbackHas(hosts.a, x), "standby ghost of X on A's lo");
        hosts.a.exec(ip.deleteCommand(x, hosts.aLink));
        pathA.commit(atA.stream().map(session -> Moves.announced(session, ip.y())).toList(),
                List.of(GhostChange.activity(x, true)), List.of());
    }

    /** B follows its peer to Y, then A, confirmed, sends from Y. */
    static void confirm(Hosts hosts, DataPath pathA, DataPath pathB, Set<SessionTuple> atA, Set<SessionTuple> atB)
            throws Exception {
        InetAddress y = hosts.ip.y();
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
}
