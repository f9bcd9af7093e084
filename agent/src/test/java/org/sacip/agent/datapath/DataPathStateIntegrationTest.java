package org.sacip.agent.datapath;

import org.sacip.netlink.testing.TestNamespace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.NfTablesConnection;
import org.sacip.netlink.nftables.SacipRuleset;
import org.sacip.netlink.nftables.SacipSets;
import org.sacip.netlink.nftables.SetReference;

/**
 * The data path's kernel state in one throwaway namespace, without traffic: refused changes change nothing, a
 * chained move replaces its entries, ended sessions take their entries and ghosts along, and the guard repairs
 * a deleted table and a flushed map.
 */
@Tag("integration")
class DataPathStateIntegrationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final InetAddress x = InetAddress.getByName("198.18.1.1");
    private final InetAddress y = InetAddress.getByName("198.18.1.11");
    private final InetAddress z = InetAddress.getByName("198.18.1.12");
    private final InetAddress b = InetAddress.getByName("198.18.0.2");
    private final InetAddress b2 = InetAddress.getByName("198.18.0.22");
    private final SessionTuple tcp = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000), new Endpoint(b, 5001));
    private final SessionTuple udp = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, 40001), new Endpoint(b, 53));

    DataPathStateIntegrationTest() throws Exception {
    }

    @Test
    void refusedChangesChangeNothing() throws Exception {
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = DataPath.open(ns.netNamespace())) {
            assertThrows(DataPathException.class, () -> path.apply(Remapping.localMoveAnnounced(tcp, y)),
                    "nothing before install");
            path.install();
            path.apply(new Remapping(tcp, y, b2, true));
            Set<Element> before = elements(ns);
            // Another session whose wire tuple would be the first one's: refused as a whole, kernel untouched.
            SessionTuple clash = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000), new Endpoint(b2, 5001));
            assertThrows(RemapConflictException.class, () -> path.apply(List.of(
                    Remapping.peerMove(udp, b2), Remapping.localMoveAnnounced(clash, y).confirmed())));
            assertEquals(before, elements(ns));
            assertEquals(1, path.remappings().size());
            assertThrows(DataPathException.class, () -> path.activateGhost(z), "no session holds a ghost of z");
            path.flush();
        }
    }

    @Test
    void chainedMoveReplacesEntriesAndEndedSessionsTakeTheirGhost() throws Exception {
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = DataPath.open(ns.netNamespace())) {
            path.install();
            path.holdGhost(x, tcp);
            path.holdGhost(x, udp);
            assertTrue(loopbackHas(ns, "198.18.1.1/32"), "standby ghost on lo");
            assertEquals(Set.of(), elements(ns), "a standby ghost is in no set");
            path.apply(List.of(Remapping.localMoveAnnounced(tcp, y).confirmed(),
                    Remapping.localMoveAnnounced(udp, y).confirmed()));
            path.apply(List.of(Remapping.localMoveAnnounced(tcp, z).confirmed(),
                    Remapping.localMoveAnnounced(udp, z).confirmed()));
            path.expireLingering(Instant.now().plus(DataPath.LINGER).plusSeconds(1));
            assertEquals(expected(List.of(Remapping.localMoveAnnounced(tcp, z).confirmed(),
                    Remapping.localMoveAnnounced(udp, z).confirmed()), x), elements(ns),
                    "X -> Y -> Z keeps X as the original and only Z's entries");
            path.syncResetBlocks();
            assertEquals(1, ns.exec("ip", "-4", "rule", "show", "pref", String.valueOf(ResetBlock.PRIORITY))
                    .lines().count(), "one reset block, for the TCP session only");

            path.remove(List.of(tcp));
            assertTrue(loopbackHas(ns, "198.18.1.1/32"), "the UDP session still holds the ghost");
            assertEquals(expected(List.of(Remapping.localMoveAnnounced(udp, z).confirmed()), x), elements(ns));
            path.syncResetBlocks();
            assertEquals("", ns.exec("ip", "-4", "rule", "show", "pref", String.valueOf(ResetBlock.PRIORITY)));
            path.remove(List.of(udp));
            assertFalse(loopbackHas(ns, "198.18.1.1/32"), "the ghost goes with its last session");
            assertEquals(Set.of(), elements(ns));
            path.flush();
        }
    }

    @Test
    void guardRepairsADeletedTableAndAFlushedMap() throws Exception {
        try (TestNamespace ns = TestNamespace.create("dps"); DataPath path = DataPath.open(ns.netNamespace())) {
            path.install();
            path.holdGhost(x, tcp);
            path.apply(List.of(new Remapping(tcp, y, b2, true), Remapping.peerMove(udp, b2)));
            Set<Element> wanted = elements(ns);
            try (DataPathGuard guard = DataPathGuard.start(path)) {
                ns.exec("nft", "delete", "table", "inet", "sacip");
                await(() -> elements(ns).equals(wanted), "table restored");
                ns.exec("nft", "flush", "map", "inet", "sacip", "out4");
                await(() -> elements(ns).equals(wanted), "map elements restored");
                ns.exec("nft", "delete", "table", "arp", "sacip");
                await(() -> elements(ns).equals(wanted), "arp table restored");
            }
            // Stopped guard and closed data path: everything stays.
            path.close();
            assertEquals(wanted, elements(ns));
            assertTrue(loopbackHas(ns, "198.18.1.1/32"));
        }
    }

    private static boolean loopbackHas(TestNamespace ns, String prefix) throws Exception {
        return ns.exec("ip", "-o", "addr", "show", "dev", "lo").contains(" " + prefix + " ");
    }

    private static Set<Element> elements(TestNamespace ns) throws Exception {
        try (NfTablesConnection connection = NfTablesConnection.open(ns.netNamespace())) {
            Set<Element> all = new HashSet<>();
            if (!SacipRuleset.isPresent(connection)) {
                return all;
            }
            for (SetReference set : SacipSets.all()) {
                for (Element element : connection.listElements(set)) {
                    // The ARP set repeats the inet ghost set; tag it so a missing ARP element shows.
                    all.add(set == SacipSets.ARP_GHOSTS4 ? new AddressElement(arpTag(element)) : element);
                }
            }
            return all;
        }
    }

    private static InetAddress arpTag(Element element) throws Exception {
        byte[] raw = ((AddressElement) element).address().getAddress();
        byte[] mapped = new byte[16];
        mapped[0] = (byte) 0xfe;
        System.arraycopy(raw, 0, mapped, 12, 4);
        return InetAddress.getByAddress(mapped);
    }

    private static Set<Element> expected(List<Remapping> remappings, InetAddress activeGhost) throws Exception {
        Set<Element> all = new HashSet<>();
        for (Remapping remapping : remappings) {
            RemapEntries.of(remapping).forEach(entry -> all.add(entry.element()));
        }
        all.add(new AddressElement(activeGhost));
        all.add(new AddressElement(arpTag(new AddressElement(activeGhost))));
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
