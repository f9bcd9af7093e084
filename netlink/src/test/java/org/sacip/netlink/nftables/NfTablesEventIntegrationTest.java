package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.TestNamespace;

/** nf_tables change events of a throwaway namespace, caused by nft and by our own transactions. */
@Tag("integration")
class NfTablesEventIntegrationTest {
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    /** Polls until an event matches; returns everything received up to it. */
    private static List<NfTablesEvent> until(NfTablesEventStream stream, Predicate<NfTablesEvent> wanted)
            throws Exception {
        List<NfTablesEvent> seen = new ArrayList<>();
        long deadline = System.nanoTime() + GENEROUS.toNanos();
        while (System.nanoTime() < deadline) {
            for (NfTablesEvent event : stream.poll(Duration.ofMillis(200))) {
                seen.add(event);
                if (wanted.test(event)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("no matching event within " + GENEROUS + "; saw " + seen);
    }

    @Test
    void deletingTheTableAndFlushingTheRulesetRaiseEvents() throws Exception {
        try (TestNamespace ns = TestNamespace.create("nfev");
                NfTablesEventStream stream = NfTablesEventStream.open(ns.netNamespace())) {
            TestRuleset.loadInto(ns.name());
            until(stream, e -> e instanceof NfTablesEvent.Generation);

            ns.exec("nft", "delete", "table", "inet", "sacip");
            List<NfTablesEvent> deleted = until(stream, e -> e.deletesTable(NftFamily.INET, "sacip"));
            assertTrue(deleted.contains(new NfTablesEvent.SetChanged(NfTablesEvent.Change.DELETED, NftFamily.INET,
                    "sacip", "in4")), deleted.toString());

            TestRuleset.loadInto(ns.name());
            ns.exec("nft", "flush", "ruleset");
            List<NfTablesEvent> flushed = until(stream, e -> e.deletesTable(NftFamily.ARP, "sacip"));
            assertTrue(flushed.stream().anyMatch(e -> e.deletesTable(NftFamily.INET, "sacip")), flushed.toString());
        }
    }

    @Test
    void elementsChangedByOthersAndByUsArriveTyped() throws Exception {
        try (TestNamespace ns = TestNamespace.create("nfel");
                NfTablesEventStream stream = NfTablesEventStream.open(ns.netNamespace())) {
            TestRuleset.loadInto(ns.name());
            ns.exec("nft", "add", "element", "inet", "sacip", "outsrc4",
                    "{ 198.18.0.1 . 198.18.0.2 . tcp . 22 . 40000 : 198.18.3.3 }");
            List<NfTablesEvent> events = until(stream, e -> e instanceof NfTablesEvent.ElementsChanged);
            NfTablesEvent.ElementsChanged added = (NfTablesEvent.ElementsChanged) events.get(events.size() - 1);
            assertEquals(NfTablesEvent.Change.ADDED, added.change());
            assertTrue(added.elements().isOf(TestSets.OUTSRC4));
            MapElement expected = new MapElement(new TupleKey(InetAddress.getByName("198.18.0.1"),
                    InetAddress.getByName("198.18.0.2"), TupleKey.TCP, 22, 40000), InetAddress.getByName("198.18.3.3"));
            assertEquals(List.of(expected), added.elements().decode(ElementLayout.TUPLE_MAP_IPV4));

            try (NfTablesConnection nft = NfTablesConnection.open(ns.netNamespace())) {
                nft.deleteElements(TestSets.OUTSRC4, List.of(expected));
                nft.flush();
            }
            List<NfTablesEvent> ours = until(stream, e -> e instanceof NfTablesEvent.ElementsChanged);
            NfTablesEvent.ElementsChanged removed = (NfTablesEvent.ElementsChanged) ours.get(ours.size() - 1);
            assertEquals(NfTablesEvent.Change.DELETED, removed.change());
            assertEquals(List.of(expected), removed.elements().decode(ElementLayout.TUPLE_MAP_IPV4));
            // The kernel names the sending thread (its id and name), not the process.
            NfTablesEvent.Generation generation = (NfTablesEvent.Generation) until(stream,
                    e -> e instanceof NfTablesEvent.Generation).get(0);
            assertTrue(generation.processId() > 0 && !generation.processName().isEmpty(), generation.toString());
        }
    }
}
