package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.lab.agent.ProjectRoot;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.scenario.Scenario;
import org.sacip.lab.scenario.ScenarioRunner;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;
import org.sacip.lab.traffic.Endpoint;
import org.sacip.lab.traffic.TrafficKind;

/** Nothing of a run is left behind, whether it passed or failed: namespaces, veths, nft tables, ghost addresses. */
class CleanupTest {
    private static final long PID = ProcessHandle.current().pid();

    private static void assertNothingLeft(HostSnapshot before) {
        HostSnapshot after = HostSnapshot.take(PID);
        assertEquals(List.of(), after.labNamespaces(), "namespaces of this pid left behind");
        assertEquals(before.links(), after.links(), "host links changed");
        assertEquals(before.labAddresses(), after.labAddresses(), "lab addresses appeared in the host namespace");
        assertEquals(before.nftTables(), after.nftTables(), "host nft tables changed");
        assertFalse(ProcessHandle.current().descendants().anyMatch(p -> p.isAlive()
                && p.info().commandLine().orElse("").contains("EndpointMain")), "endpoint processes left running");
    }

    @Test
    void scenarioThatFailsMidRunLeavesNothing() {
        HostSnapshot before = HostSnapshot.take(PID);
        // B has one uplink in the roaming topology, so its move fails after the lab, endpoints and stream are up.
        Scenario broken = Scenario.of("forced-failure", TopologyKind.ROAMING, Family.IPV4, TrafficKind.GAP,
                MovePattern.PEER_MOVES_TOO, false).withTimes(200, 200);
        LabException e = assertThrows(LabException.class, () -> new ScenarioRunner(ProjectRoot.find(), null).run(broken));
        assertTrue(e.getMessage().contains("no uplink 2"), e.getMessage());
        assertNothingLeft(before);
    }

    @Test
    void ghostAddressNftTableAndStreamGoWithTheLabWhenTheTestThrows() {
        HostSnapshot before = HostSnapshot.take(PID);
        RuntimeException thrown = assertThrows(RuntimeException.class, () -> {
            try (Lab lab = new Lab()) {
                TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
                // What an agent leaves in a host: a ghost address on lo and its own nft table.
                lab.run("a", "ip", "addr", "add", "198.18.1.2/32", "dev", "lo", "scope", "host");
                lab.run("a", "nft", "add", "table", "inet", "sacip");
                Endpoint server = Endpoint.start(lab, "b", TrafficKind.GAP, true, Map.of("listen", "198.18.10.2:5001"));
                server.await("ready", 60_000);
                Endpoint client = Endpoint.start(lab, "a", TrafficKind.GAP, false,
                        Map.of("bind", "198.18.1.2", "connect", "198.18.10.2:5001"));
                client.await("connected", 60_000);
                assertFalse(HostSnapshot.take(PID).labNamespaces().isEmpty());
                throw new IllegalStateException("the test fails on purpose inside the lab");
            }
        });
        assertEquals("the test fails on purpose inside the lab", thrown.getMessage());
        assertNothingLeft(before);
    }

    @Test
    void downRemovesDeadOwnersNamespacesButNeverALiveOnes() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long deadPid = gone.pid();
        String dead = LabNames.namespace(deadPid, 0, "a");
        String live = LabNames.namespace(PID, 9999, "a");
        try {
            Shell.run("ip", "netns", "add", dead);
            Shell.run("ip", "netns", "add", live);
            List<String> removed = Leftovers.removeDeadOwners();
            assertTrue(removed.contains(dead), removed.toString());
            assertFalse(removed.contains(live), removed.toString());
            assertFalse(Namespaces.list().contains(dead));
            assertTrue(Namespaces.list().contains(live));
        } finally {
            Namespaces.remove(dead);
            Namespaces.remove(live);
        }
    }

    @Test
    void otherToolsNamespacesAreNotLabNamespaces() {
        assertTrue(LabNames.parse("sacip-t123-a").isEmpty());
        assertTrue(LabNames.parse("sacip-123-0-a").isPresent());
        assertTrue(LabNames.parse("sacip-123-0-a; rm -rf /").isEmpty());
        assertThrows(LabException.class, () -> LabNames.namespace(1, 0, "A B"));
    }
}
