package org.sacip.agent.datapath;

import org.sacip.netlink.testing.TestNamespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.SacipRuleset;
import org.sacip.netlink.nftables.SacipSets;
import org.sacip.netlink.nftables.SetReference;

/**
 * A real TCP stream from host A (address X) to host B survives A moving to Y, with one data path per namespace
 * applying the move in the order of datapath.md; then {@code nft flush ruleset} and a deleted ghost in A are
 * repaired by A's guard while the stream runs, B's data path is stopped and restarted without a change, A moves
 * back to X, and {@code flush()} leaves nothing. IPv4 and IPv6.
 */
@Tag("integration")
class DataPathIntegrationTest {
    private static final int PORT = 5001;
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Verified bytes that show the stream moves on: about 0.1 s of the stream's pace. */
    private static final long PROGRESS = 8 * 1024;

    /** Addresses of one IP version: A starts on X and moves to Y; B stays on B. */
    private record Plan(String x, String y, String b, int prefix, int hostPrefix, String ip, String nodad) {
        static Plan of(boolean ipv6) {
            return ipv6 ? new Plan("2001:db8::1", "2001:db8::11", "2001:db8::2", 64, 128, "ip6", "nodad")
                    : new Plan("198.18.1.1", "198.18.1.11", "198.18.0.2", 16, 32, "ip", null);
        }

        String[] addCommand(String address, String device) {
            return nodad == null ? new String[] {"ip", "addr", "add", address + "/" + prefix, "dev", device}
                    : new String[] {"ip", "addr", "add", address + "/" + prefix, "dev", device, nodad};
        }
    }

    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void streamSurvivesMoveFlushGhostLossAndMoveBack(boolean ipv6) throws Exception {
        Plan plan = Plan.of(ipv6);
        InetAddress x = InetAddress.getByName(plan.x());
        InetAddress y = InetAddress.getByName(plan.y());
        InetAddress b = InetAddress.getByName(plan.b());
        String aIf = TestNamespace.interfaceName("da");
        String bIf = TestNamespace.interfaceName("db");
        try (TestNamespace nsA = TestNamespace.create("dpa"); TestNamespace nsB = TestNamespace.create("dpb")) {
            nsA.exec("ip", "link", "add", aIf, "type", "veth", "peer", "name", bIf);
            nsA.exec("ip", "link", "set", bIf, "netns", nsB.name());
            // Deleting X must not take Y (a secondary in the same prefix) with it: the agent sets this.
            nsA.exec("sysctl", "-q", "-w", "net.ipv4.conf.all.promote_secondaries=1");
            nsA.exec("sysctl", "-q", "-w", "net.ipv4.conf." + aIf + ".promote_secondaries=1");
            nsA.exec(plan.addCommand(plan.x(), aIf));
            nsB.exec(plan.addCommand(plan.b(), bIf));
            nsA.exec("ip", "link", "set", aIf, "up");
            nsB.exec("ip", "link", "set", bIf, "up");
            watchWire(nsB, plan);

            ServerSocket server = nsB.netNamespace().call(() -> {
                ServerSocket listening = new ServerSocket();
                listening.bind(new InetSocketAddress(b, PORT));
                return listening;
            });
            Socket client = nsA.netNamespace().call(() -> {
                Socket socket = new Socket();
                socket.bind(new InetSocketAddress(x, 0));
                socket.connect(new InetSocketAddress(b, PORT), 5000);
                return socket;
            });
            Socket accepted = server.accept();
            server.close();
            int clientPort = client.getLocalPort();
            SessionTuple atA = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, clientPort), new Endpoint(b, PORT));
            SessionTuple atB = new SessionTuple(SessionProtocol.TCP, new Endpoint(b, PORT), new Endpoint(x, clientPort));

            try (CounterStream stream = new CounterStream(client, accepted);
                    DataPath pathA = DataPath.open(nsA.netNamespace());
                    DataPath firstPathB = DataPath.open(nsB.netNamespace())) {
                DataPath pathB = firstPathB;
                pathA.install();
                pathB.install();
                DataPathGuard guardA = DataPathGuard.start(pathA);
                DataPathGuard guardB = DataPathGuard.start(pathB);
                try {
                    stream.awaitProgress(PROGRESS, TIMEOUT, "before the move");

                    // Make-before-break: Y arrives, the standby ghost keeps X local, then X leaves the interface.
                    nsA.exec(plan.addCommand(plan.y(), aIf));
                    pathA.holdGhost(x, atA);
                    assertTrue(loopbackHas(nsA, plan.x()), "standby ghost on lo");
                    nsA.exec("ip", "addr", "del", plan.x() + "/" + plan.prefix(), "dev", aIf);
                    // A: accept packets to Y (indst) and activate the ghost; B: peer X is now Y; A: send from Y.
                    pathA.apply(Remapping.localMoveAnnounced(atA, y));
                    pathB.apply(Remapping.peerMove(atB, y));
                    pathA.apply(Remapping.localMoveAnnounced(atA, y).confirmed());
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after the move");

                    pathA.syncResetBlocks();
                    pathB.syncResetBlocks();
                    Set<Element> movedA = kernelElements(nsA);
                    Set<Element> movedB = kernelElements(nsB);
                    assertEquals(expected(List.of(Remapping.localMoveAnnounced(atA, y).confirmed()), x), movedA);
                    assertEquals(expected(List.of(Remapping.peerMove(atB, y)), null), movedB);
                    assertWireUsesY(nsB, stream);
                    assertTupleUnchanged(nsA, nsB, plan, clientPort);
                    assertEquals(List.of("from " + plan.y() + " to " + plan.b() + " fwmark 0/0x20000000 ipproto tcp sport "
                            + clientPort + " dport " + PORT + " blackhole"), resetBlocks(nsA));
                    // B's block has the very tuple of its own rewritten packets: only the unmarked resets match.
                    assertEquals(List.of("from " + plan.b() + " to " + plan.y() + " fwmark 0/0x20000000 ipproto tcp sport "
                            + PORT + " dport " + clientPort + " blackhole"), resetBlocks(nsB));

                    // A firewall reload in A: the guard puts table, entries and ghost set back.
                    long restoresBefore = pathA.restoreCount();
                    nsA.exec("nft", "flush", "ruleset");
                    await(() -> kernelElements(nsA).equals(movedA), "A's entries restored after nft flush ruleset");
                    assertTrue(pathA.restoreCount() > restoresBefore);
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after nft flush ruleset in A");

                    // The same in B, whose peer moved: A's packets from Y find no socket until B's table is back,
                    // and B's reset block keeps the kernel's resets off the wire.
                    long restoresBeforeB = pathB.restoreCount();
                    nsB.exec("nft", "flush", "ruleset");
                    await(() -> kernelElements(nsB).equals(movedB), "B's entries restored after nft flush ruleset");
                    assertTrue(pathB.restoreCount() > restoresBeforeB);
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after nft flush ruleset in B");
                    watchWire(nsB, plan);

                    // The ghost deleted by hand comes back.
                    nsA.exec("ip", "addr", "del", plan.x() + "/" + plan.hostPrefix(), "dev", "lo");
                    await(() -> loopbackHas(nsA, plan.x()), "ghost restored on lo");
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after the ghost was deleted");
                    assertWireUsesY(nsB, stream);

                    // A normal stop of B leaves its entries working; a restart from the same state changes nothing.
                    guardB.close();
                    pathB.close();
                    stream.awaitProgress(PROGRESS, TIMEOUT, "with B's data path stopped");
                    assertEquals(movedB, kernelElements(nsB));
                    pathB = DataPath.open(nsB.netNamespace());
                    assertFalse(pathB.install(List.of(Remapping.peerMove(atB, y)), List.of()),
                            "restart from the same state must not touch the kernel");
                    guardB = DataPathGuard.start(pathB);

                    // Move back home: A sends from X again, B forgets Y, then A drops indst and the ghost.
                    nsA.exec(plan.addCommand(plan.x(), aIf));
                    pathA.deactivateGhost(x);
                    pathA.apply(Remapping.localMoveAnnounced(atA, y));
                    pathB.apply(new Remapping(atB, b, x, false));
                    pathA.apply(new Remapping(atA, x, b, false));
                    // For a while each end still accepts the other's packets on Y (sent before it learnt of the
                    // return): a packet there must not meet a socket-less tuple and draw a reset.
                    assertEquals(1, kernelElements(nsA).size(), "A's lingering entry for packets to Y");
                    assertEquals(1, kernelElements(nsB).size(), "B's lingering entry for packets from Y");
                    Instant afterGrace = Instant.now().plus(DataPath.LINGER).plusSeconds(1);
                    pathA.expireLingering(afterGrace);
                    pathB.expireLingering(afterGrace);
                    assertEquals(Set.of(), kernelElements(nsA));
                    assertEquals(Set.of(), kernelElements(nsB));
                    assertFalse(loopbackHas(nsA, plan.x()), "ghost removed after moving back");
                    pathA.syncResetBlocks();
                    assertEquals(List.of(), resetBlocks(nsA), "reset block removed after moving back");
                    assertTrue(pathA.ghosts().isEmpty());
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after moving back to X");
                    assertTupleUnchanged(nsA, nsB, plan, clientPort);

                    // flush() removes everything it added.
                    guardA.close();
                    pathA.flush();
                    assertFalse(nsA.exec("nft", "list", "tables").contains("sacip"), "no sacip table left in A");
                    stream.awaitProgress(PROGRESS, TIMEOUT, "after flush in A");
                    pathA.install();
                    pathA.holdGhost(x, atA);
                    pathA.apply(Remapping.localMoveAnnounced(atA, y));
                    assertEquals(List.of(), resetBlocks(nsA), "reset blocks follow the move, not within it");
                    pathA.syncResetBlocks();
                    assertEquals(1, resetBlocks(nsA).size());
                    pathA.flush();
                    assertEquals(List.of(), resetBlocks(nsA), "flush removes reset blocks");
                    assertFalse(loopbackHas(nsA, plan.x()), "flush removes standby ghosts");
                    assertFalse(nsA.exec("nft", "list", "tables").contains("sacip"));
                } finally {
                    guardA.close();
                    guardB.close();
                    pathB.close();
                }
            }
        }
    }

    /** Counters in B before our prerouting chain and after our postrouting chain: the addresses on the wire. */
    private static void watchWire(TestNamespace nsB, Plan plan) throws IOException {
        String ruleset = "table inet watch {\n"
                + " counter fromY {}\n counter fromX {}\n counter toY {}\n"
                + " chain pre { type filter hook prerouting priority -400; policy accept;\n"
                + "  " + plan.ip() + " saddr " + plan.y() + " tcp dport " + PORT + " counter name fromY\n"
                + "  " + plan.ip() + " saddr " + plan.x() + " tcp dport " + PORT + " counter name fromX\n }\n"
                + " chain post { type filter hook postrouting priority 400; policy accept;\n"
                + "  " + plan.ip() + " daddr " + plan.y() + " tcp sport " + PORT + " counter name toY\n }\n"
                + "}\n";
        java.nio.file.Path file = java.nio.file.Files.createTempFile("sacip-watch", ".nft");
        try {
            java.nio.file.Files.writeString(file, ruleset);
            nsB.exec("nft", "-f", file.toString());
        } finally {
            java.nio.file.Files.delete(file);
        }
    }

    private static long packets(TestNamespace nsB, String counter) throws IOException {
        Matcher matcher = Pattern.compile("packets (\\d+)").matcher(nsB.exec("nft", "list", "counter", "inet",
                "watch", counter));
        if (!matcher.find()) {
            throw new AssertionError("no packet count for " + counter);
        }
        return Long.parseLong(matcher.group(1));
    }

    /** While the stream runs, B receives from Y and sends to Y, and nothing more arrives from X. */
    private static void assertWireUsesY(TestNamespace nsB, CounterStream stream) throws Exception {
        long fromY = packets(nsB, "fromY");
        long toY = packets(nsB, "toY");
        long fromX = packets(nsB, "fromX");
        stream.awaitProgress(PROGRESS, TIMEOUT, "while counting the wire");
        assertTrue(packets(nsB, "fromY") > fromY, "B receives from Y");
        assertTrue(packets(nsB, "toY") > toY, "B sends to Y");
        assertEquals(fromX, packets(nsB, "fromX"), "nothing arrives from X after the move");
    }

    /** Both kernels still hold the socket with its original 4-tuple, established. */
    private static void assertTupleUnchanged(TestNamespace nsA, TestNamespace nsB, Plan plan, int clientPort)
            throws IOException {
        String x = plan.ip().equals("ip6") ? "[" + plan.x() + "]" : plan.x();
        String b = plan.ip().equals("ip6") ? "[" + plan.b() + "]" : plan.b();
        String atA = withoutMappedPrefix(nsA.exec("ss", "-tnH", "state", "established"));
        String atB = withoutMappedPrefix(nsB.exec("ss", "-tnH", "state", "established"));
        assertTrue(atA.contains(x + ":" + clientPort) && atA.contains(b + ":" + PORT), "A's socket: " + atA);
        assertTrue(atB.contains(b + ":" + PORT) && atB.contains(x + ":" + clientPort), "B's socket: " + atB);
    }

    /** Java's sockets are IPv6 sockets by default: ss shows their IPv4 addresses as [::ffff:a.b.c.d]. */
    private static String withoutMappedPrefix(String ss) {
        return ss.replaceAll("\\[::ffff:([0-9.]+)\\]", "$1");
    }

    /** The reset block routing rules of the namespace, as selectors. */
    private static List<String> resetBlocks(TestNamespace ns) throws IOException {
        List<String> rules = new java.util.ArrayList<>();
        for (String version : List.of("-4", "-6")) {
            for (String line : ns.exec("ip", version, "rule", "show", "pref", String.valueOf(ResetBlock.PRIORITY))
                    .split("\n")) {
                if (!line.isBlank()) {
                    rules.add(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        }
        return rules;
    }

    private static boolean loopbackHas(TestNamespace ns, String address) throws IOException {
        for (String line : ns.exec("ip", "-o", "addr", "show", "dev", "lo").split("\n")) {
            if (line.contains(" " + address + "/")) {
                return true;
            }
        }
        return false;
    }

    /** Every element of every SACIP set in the namespace, read back from the kernel (empty if no table). */
    private static Set<Element> kernelElements(TestNamespace ns) throws Exception {
        try (NfTablesConnection connection = NfTablesConnection.open(ns.netNamespace())) {
            Set<Element> all = new HashSet<>();
            if (!SacipRuleset.isPresent(connection)) {
                return all;
            }
            for (SetReference set : SacipSets.all()) {
                all.addAll(connection.listElements(set));
            }
            return all;
        }
    }

    private static Set<Element> expected(List<Remapping> remappings, InetAddress activeGhost) {
        Set<Element> all = new HashSet<>();
        for (Remapping remapping : remappings) {
            RemapEntries.of(remapping).forEach(entry -> all.add(entry.element()));
        }
        if (activeGhost != null) {
            all.add(new AddressElement(activeGhost));
        }
        return all;
    }

    private static void await(Callable<Boolean> condition, String what) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + TIMEOUT.toSeconds() + " s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
