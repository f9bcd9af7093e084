package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.NetlinkMessage;
import org.sacip.netlink.nftables.NfTablesEvent.Change;

/** Notifications the real kernel sent to {@code nft monitor}, read as typed events. */
class NfTablesEventParserTest {

    private static List<NfTablesEvent> events(String fixture) throws Exception {
        List<NfTablesEvent> events = new ArrayList<>();
        for (NetlinkMessage message : Fixtures.messages(fixture)) {
            NfTablesEventParser.parse(message).ifPresent(events::add);
        }
        return events;
    }

    @Test
    void elementsAddedByAnotherProcessArriveTyped() throws Exception {
        List<NfTablesEvent> events = events("events-add-in4.bin");
        List<Element> added = new ArrayList<>();
        for (NfTablesEvent event : events) {
            NfTablesEvent.ElementsChanged changed = (NfTablesEvent.ElementsChanged) event;
            assertEquals(Change.ADDED, changed.change());
            assertTrue(changed.elements().isOf(TestSets.IN4));
            added.addAll(changed.elements().decode(ElementLayout.TUPLE_MAP_IPV4));
        }
        assertEquals(List.of(
                new MapElement(new TupleKey(InetAddress.getByName("198.18.0.1"), InetAddress.getByName("198.18.0.2"),
                        TupleKey.UDP, 1000, 2000), InetAddress.getByName("198.18.1.1")),
                new MapElement(new TupleKey(InetAddress.getByName("198.18.0.3"), InetAddress.getByName("198.18.0.4"),
                        TupleKey.TCP, 443, 65535), InetAddress.getByName("198.18.1.2"))), added);
    }

    @Test
    void deletedElementsArriveAsDeleted() throws Exception {
        List<NfTablesEvent> events = events("events-delete-in4.bin");
        assertEquals(1, events.size());
        NfTablesEvent.ElementsChanged changed = (NfTablesEvent.ElementsChanged) events.get(0);
        assertEquals(Change.DELETED, changed.change());
        assertEquals(1, changed.elements().elements().size());
    }

    @Test
    void deletingTheTableAnnouncesRulesSetsChainsThenTheTable() throws Exception {
        List<NfTablesEvent> events = events("events-delete-table.bin");
        NfTablesEvent last = events.get(events.size() - 1);
        assertEquals(new NfTablesEvent.TableChanged(Change.DELETED, NftFamily.INET, "sacip"), last);
        assertTrue(last.deletesTable(NftFamily.INET, "sacip"));
        assertEquals(1, events.stream().filter(e -> e.deletesTable(NftFamily.INET, "sacip")).count());
        assertEquals(10, events.stream().filter(e -> e instanceof NfTablesEvent.SetChanged).count());
        assertEquals(10, events.stream().filter(e -> e instanceof NfTablesEvent.RuleChanged).count());
        assertTrue(events.contains(new NfTablesEvent.ChainChanged(Change.DELETED, NftFamily.INET, "sacip", "pre")));
    }

    @Test
    void flushingTheRulesetDeletesBothSacipTables() throws Exception {
        List<NfTablesEvent> events = events("events-flush-ruleset.bin");
        assertTrue(events.stream().anyMatch(e -> e.deletesTable(NftFamily.INET, "sacip")));
        assertTrue(events.stream().anyMatch(e -> e.deletesTable(NftFamily.ARP, "sacip")));
        assertTrue(events.contains(new NfTablesEvent.SetChanged(Change.DELETED, NftFamily.ARP, "sacip", "ghosts4")));
    }

    @Test
    void everyTransactionEndsWithItsGeneration() throws Exception {
        List<NfTablesEvent> events = events("events-newgen.bin");
        assertEquals(1, events.size());
        NfTablesEvent.Generation generation = (NfTablesEvent.Generation) events.get(0);
        assertEquals("nft", generation.processName());
        assertTrue(generation.id() > 0 && generation.processId() > 0);
    }
}
