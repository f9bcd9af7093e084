package org.sacip.lab.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sacip.lab.Lab;
import org.sacip.lab.agent.Agents;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.netlink.NetNamespace;

/**
 * The agent under a service manager's eye (systemd's Type=notify): bin/sacip-agent started in a lab host with
 * NOTIFY_SOCKET naming a datagram socket this test opened, a path or an abstract name. READY=1 comes once the control
 * socket answers, from the pid the test started (the launchers exec the JVM, so systemd would take it as the main
 * pid); STATUS= follows the counts as a session is bound and moved; SIGTERM brings STOPPING=1 and exit 0.
 */
class NotifyTest {
    static final Duration READY_LIMIT = Duration.ofSeconds(60);
    static final Duration STATUS_LIMIT = Duration.ofSeconds(30);

    @Test
    void aSocketPathHearsReadyTheCountsOfABoundAndMovedSessionAndStopping(@TempDir Path dir) throws Exception {
        try (Lab lab = new Lab(); NotifyReceiver manager = NotifyReceiver.atPath(dir.resolve("notify"))) {
            Topology topology = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Agents agents = Agents.startIfPresent(lab, ProjectRoot.find(), List.of("b"));
            assertTrue(agents.running(), agents.note());
            ServiceAgent a = ServiceAgent.start(lab, "a", "log-level = info\n", Map.of("NOTIFY_SOCKET",
                    manager.name()));

            NotifyReceiver.Datagram ready = manager.await("READY=1", READY_LIMIT);
            assertTrue(a.control().answers(), "READY=1 came before the control socket answered");
            assertEquals(a.pid(), ready.senderPid(), "READY=1 came from another process than the one started");
            assertTrue(ready.lines().contains("STATUS=0 sessions, 0 moved, 0 peers"), ready.toString());

            GapStream.open(lab, "198.18.1.2", 5001);
            a.awaitKeyAgreed();
            NotifyReceiver.Datagram bound = manager.await("STATUS=1 session, 0 moved, 1 peer", STATUS_LIMIT);
            assertEquals(a.pid(), bound.senderPid());

            new Mover(topology).move(new MoveStep("a", 0, 1, MoveKind.MAKE_BEFORE_BREAK, 0));
            manager.await("STATUS=1 session, 1 moved, 1 peer", STATUS_LIMIT);

            // SIGTERM, as systemctl stop sends it; STOPPING=1 waits in the socket's queue meanwhile.
            assertEquals(0, a.process().stop(ServiceAgent.STOP_LIMIT), a.process().logTail());
            NotifyReceiver.Datagram stopping = manager.await("STOPPING=1", Duration.ZERO);
            assertEquals(a.pid(), stopping.senderPid());
            assertTrue(manager.received().stream().allMatch(d -> d.senderPid() == a.pid()), manager.received()
                    .toString());
        }
    }

    @Test
    void anAbstractNameHearsReadyStatusAndStopping() throws Exception {
        try (Lab lab = new Lab()) {
            TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            // Abstract names belong to a network namespace: systemd's socket would be in the agent's.
            try (NotifyReceiver manager = NotifyReceiver.abstractIn(NetNamespace.named(lab.ns("a")),
                    "sacip-notify-test-" + ProcessHandle.current().pid())) {
                ServiceAgent a = ServiceAgent.start(lab, "a", "", Map.of("NOTIFY_SOCKET", manager.name()));
                NotifyReceiver.Datagram ready = manager.await("READY=1", READY_LIMIT);
                assertTrue(a.control().answers(), "READY=1 came before the control socket answered");
                assertEquals(a.pid(), ready.senderPid());
                assertTrue(ready.lines().contains("STATUS=0 sessions, 0 moved, 0 peers"), ready.toString());

                assertEquals(0, a.process().stop(ServiceAgent.STOP_LIMIT), a.process().logTail());
                manager.await("STOPPING=1", Duration.ZERO);
            }
        }
    }
}
