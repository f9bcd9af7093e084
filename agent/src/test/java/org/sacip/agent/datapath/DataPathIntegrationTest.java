package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sacip.agent.datapath.KernelState.TIMEOUT;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.elements;
import static org.sacip.agent.datapath.KernelState.hasSacipTable;
import static org.sacip.agent.datapath.KernelState.loopbackHas;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.testing.TestNamespace;

/**
 * A real TCP stream from host A (address X) to host B survives A moving to Y, with one data path per namespace
 * applying the move in the order of the handover (standby ghost, announced, peer's move, confirmed); then
 * {@code nft flush ruleset} in A and in B and a deleted ghost in A are repaired by the guards while the stream runs,
 * B's data path is stopped and restarted without a change, A moves back to X (the old wire addresses linger until
 * the clock passes the grace period), and {@code flush()} leaves nothing. IPv4 and IPv6.
 */
@Tag("integration")
class DataPathIntegrationTest {
    private static final int PORT = 5001;
    /** Verified bytes that show the stream moves on: about 0.1 s of the stream's pace. */
    private static final long PROGRESS = 8 * 1024;

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void streamSurvivesMoveFlushGhostLossAndMoveBack(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        InetAddress x = ip.x();
        InetAddress y = ip.y();
        InetAddress b = ip.b();
        TestClock clock = new TestClock();
        try (Hosts hosts = Hosts.create("dp", ip)) {
            TestNamespace nsA = hosts.a;
            TestNamespace nsB = hosts.b;
            WatchTable wire = wire(ip);
            wire.load(nsB);
            Connections.Tcp tcp = Connections.tcp(nsB, b, PORT, nsA, x, 0);
            int clientPort = tcp.client().getLocalPort();
            SessionTuple atA = tcp.atClient();
            SessionTuple atB = tcp.atServer();

            try (CounterStream stream = new CounterStream(tcp.client(), tcp.accepted());
                    DataPath pathA = MoveOfA.dataPath(nsA, clock);
                    DataPath firstPathB = MoveOfA.dataPath(nsB, clock)) {
                DataPath pathB = firstPathB;
                pathA.install();
                pathB.install();
                List<String> repairsA = new CopyOnWriteArrayList<>();
                DataPathGuard guardA = DataPathGuard.start(pathA, (reason, remappings, ghosts) -> repairsA.add(
                        remappings + " remapping(s), " + ghosts + " ghost(s) after " + reason));
                DataPathGuard guardB = DataPathGuard.start(pathB);
                try {
                    stream.awaitProgress(PROGRESS, TIMEOUT, "before the move");

                    // Make-before-break, then A: accept packets to Y (indst) and activate the ghost; B: peer X is
                    // now Y; A: send from Y.
                    MoveOfA.announce(hosts, pathA, Set.of(atA));
                    MoveOfA.confirm(hosts, pathA, pathB, Set.of(atA), Set.of(atB));
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after the move");

                    Map<SetReference, Set<Element>> movedA = elements(nsA);
                    Map<SetReference, Set<Element>> movedB = elements(nsB);
                    assertEquals(new ExpectedElements().remapping(Moves.confirmed(atA, y)).activeGhost(x, atA)
                            .bySet(), movedA);
                    assertEquals(new ExpectedElements().remapping(Moves.peerMoved(atB, y)).bySet(), movedB);
                    assertWireUsesY(nsB, wire, stream);
                    assertTupleUnchanged(nsA, nsB, ip, clientPort);

                    // A firewall reload in A: the guard puts table, entries, ghost set and ghost flows back.
                    long restoresBefore = pathA.restoreCount();
                    nsA.exec("nft", "flush", "ruleset");
                    await(() -> elements(nsA).equals(movedA), "A's entries restored after nft flush ruleset");
                    assertTrue(pathA.restoreCount() > restoresBefore);
                    await(() -> !repairsA.isEmpty(), "A's guard to report its repair (the agent's restore event)");
                    assertTrue(repairsA.get(0).startsWith("1 remapping(s), 1 ghost(s) after "), repairsA.toString());
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after nft flush ruleset in A");

                    // The same in B, whose peer moved: A's packets from Y find no socket until B's table is back,
                    // and the resets B's kernel sends meanwhile are bare ones, which A's pre chain drops.
                    long restoresBeforeB = pathB.restoreCount();
                    nsB.exec("nft", "flush", "ruleset");
                    await(() -> elements(nsB).equals(movedB), "B's entries restored after nft flush ruleset");
                    assertTrue(pathB.restoreCount() > restoresBeforeB);
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after nft flush ruleset in B");
                    wire.load(nsB);

                    // The ghost deleted by hand comes back.
                    nsA.exec("ip", "addr", "del", Addresses.text(x) + "/" + ip.hostPrefix(), "dev", "lo");
                    await(() -> loopbackHas(nsA, x), "ghost restored on lo");
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after the ghost was deleted");
                    assertWireUsesY(nsB, wire, stream);

                    // A normal stop of B leaves its entries working; a restart from the same state changes nothing.
                    guardB.close();
                    pathB.close();
                    stream.awaitProgress(PROGRESS, TIMEOUT, "with B's data path stopped");
                    assertEquals(movedB, elements(nsB));
                    pathB = MoveOfA.dataPath(nsB, clock);
                    assertFalse(pathB.install(List.of(Moves.peerMoved(atB, y)), List.of()),
                            "restart from the same state must not touch the kernel");
                    guardB = DataPathGuard.start(pathB);

                    // Move back home: X is on A's interface again and received at once while A still sends from
                    // Y (the address B confirmed); B forgets Y; then A drops its entries and the ghost.
                    nsA.exec(ip.addCommand(x, hosts.aLink));
                    pathA.commit(List.of(new Remapping(atA, x, y, b)), List.of(GhostChange.activity(x, false)),
                            List.of());
                    pathB.commit(List.of(Remapping.identity(atB)), List.of(), List.of());
                    pathA.commit(List.of(Remapping.identity(atA)), List.of(GhostChange.release(x, Set.of(atA))),
                            List.of());
                    // For a while each end still accepts the other's packets on Y (sent before it learnt of the
                    // return): a packet there must not meet a socket-less tuple and draw a reset.
                    assertEquals(new ExpectedElements().lingering(new Lingering(atA, b, y, clock.instant())).bySet(),
                            elements(nsA), "A's lingering entry for packets to Y");
                    assertEquals(new ExpectedElements().lingering(new Lingering(atB, y, b, clock.instant())).bySet(),
                            elements(nsB), "B's lingering entry for packets from Y");
                    clock.passLinger();
                    assertFalse(pathA.maintain(), "nothing left to come in A");
                    assertFalse(pathB.maintain(), "nothing left to come in B");
                    assertEquals(Map.of(), elements(nsA));
                    assertEquals(Map.of(), elements(nsB));
                    assertFalse(loopbackHas(nsA, x), "ghost removed after moving back");
                    assertTrue(pathA.ghosts().isEmpty());
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after moving back to X");
                    assertTupleUnchanged(nsA, nsB, ip, clientPort);

                    // flush() removes everything it added, standby ghosts too, and nothing else.
                    guardA.close();
                    pathA.flush();
                    assertFalse(hasSacipTable(nsA), "no sacip table left in A");
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after flush in A");
                    pathA.install();
                    pathA.commit(List.of(Moves.announced(atA, y)), List.of(GhostChange.hold(x, Set.of(atA))),
                            List.of());
                    assertTrue(loopbackHas(nsA, x), "standby ghost");
                    pathA.flush();
                    assertFalse(loopbackHas(nsA, x), "flush removes standby ghosts");
                    assertFalse(hasSacipTable(nsA));
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after the second flush in A (X stays on the link)");
                } finally {
                    guardA.close();
                    guardB.close();
                    pathB.close();
                }
            }
        }
    }

    /** Counters in B before our prerouting chain and after our postrouting chain: the addresses on the wire. */
    private static WatchTable wire(Addresses ip) {
        String family = ip.nftFamily();
        return new WatchTable("watch")
                .count("fromY", "prerouting", -400, family + " saddr " + Addresses.text(ip.y()) + " tcp dport " + PORT)
                .count("fromX", "prerouting", -400, family + " saddr " + Addresses.text(ip.x()) + " tcp dport " + PORT)
                .count("toY", "postrouting", 400, family + " daddr " + Addresses.text(ip.y()) + " tcp sport " + PORT);
    }

    /** While the stream runs, B receives from Y and sends to Y, and nothing more arrives from X. */
    private static void assertWireUsesY(TestNamespace nsB, WatchTable wire, CounterStream stream) throws Exception {
        long fromY = wire.packets(nsB, "fromY");
        long toY = wire.packets(nsB, "toY");
        long fromX = wire.packets(nsB, "fromX");
        stream.awaitProgress(PROGRESS, TIMEOUT, "while counting the wire");
        assertTrue(wire.packets(nsB, "fromY") > fromY, "B receives from Y");
        assertTrue(wire.packets(nsB, "toY") > toY, "B sends to Y");
        assertEquals(fromX, wire.packets(nsB, "fromX"), "nothing arrives from X after the move");
    }

    /** Both kernels still hold the socket with its original 4-tuple, established. */
    private static void assertTupleUnchanged(TestNamespace nsA, TestNamespace nsB, Addresses ip, int clientPort)
            throws IOException {
        String x = ip.ipv6() ? "[" + Addresses.text(ip.x()) + "]" : Addresses.text(ip.x());
        String b = ip.ipv6() ? "[" + Addresses.text(ip.b()) + "]" : Addresses.text(ip.b());
        String atA = withoutMappedPrefix(nsA.exec("ss", "-tnH", "state", "established"));
        String atB = withoutMappedPrefix(nsB.exec("ss", "-tnH", "state", "established"));
        assertTrue(atA.contains(x + ":" + clientPort) && atA.contains(b + ":" + PORT), "A's socket: " + atA);
        assertTrue(atB.contains(b + ":" + PORT) && atB.contains(x + ":" + clientPort), "B's socket: " + atB);
    }

    /** Java's sockets are IPv6 sockets by default: ss shows their IPv4 addresses as [::ffff:a.b.c.d]. */
    private static String withoutMappedPrefix(String ss) {
        return ss.replaceAll("\\[::ffff:([0-9.]+)\\]", "$1");
    }
}
