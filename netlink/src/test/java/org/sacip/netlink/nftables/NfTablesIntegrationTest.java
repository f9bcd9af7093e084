package org.sacip.netlink.nftables;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.testing.TestNamespace;

/** Element batches against the real nf_tables of throwaway namespaces, checked with nft and with real packets. */
@Tag("integration")
class NfTablesIntegrationTest {
    private static final int ELEMENTS = 10_000;

    /**
     * Element i: 198.18.(1 + i/250).(1 + i%250) . 198.18.0.2 . udp or tcp . 10000+i . 5000+i%7
     * : 198.19.(i/250).(1 + i%250).
     * Element 0 is the tuple the lab's host a uses: 198.18.1.1:10000 to 198.18.0.2:5000 over UDP.
     */
    static List<Element> tupleElements(int count) throws Exception {
        List<Element> elements = new ArrayList<>(count);
        InetAddress destination = InetAddress.getByName(TwoHostLab.B_ADDRESS);
        for (int i = 0; i < count; i++) {
            InetAddress source = InetAddress.getByAddress(new byte[] {(byte) 198, 18, (byte) (1 + i / 250),
                    (byte) (1 + i % 250)});
            InetAddress value = InetAddress.getByAddress(new byte[] {(byte) 198, 19, (byte) (i / 250),
                    (byte) (1 + i % 250)});
            int protocol = i % 2 == 0 ? TupleKey.UDP : TupleKey.TCP;
            elements.add(new MapElement(new TupleKey(source, destination, protocol, 10_000 + i, 5000 + i % 7),
                    value));
        }
        return elements;
    }

    /** The elements {@code nft -j list map} shows, in the same typed form. */
    static Set<Element> elementsNftShows(TestNamespace ns, SetReference map) throws Exception {
        JsonNode root = new ObjectMapper().readTree(ns.exec("nft", "-j", "list", "map", "inet", map.table(),
                map.name()));
        Set<Element> shown = new HashSet<>();
        for (JsonNode item : root.get("nftables")) {
            JsonNode body = item.get("map");
            if (body == null || body.get("elem") == null) {
                continue;
            }
            for (JsonNode pair : body.get("elem")) {
                JsonNode concat = pair.get(0).get("concat");
                String protocol = concat.get(2).asText();
                shown.add(new MapElement(new TupleKey(InetAddress.getByName(concat.get(0).asText()),
                        InetAddress.getByName(concat.get(1).asText()), protocol.equals("udp") ? TupleKey.UDP
                                : protocol.equals("tcp") ? TupleKey.TCP : Integer.parseInt(protocol),
                        concat.get(3).asInt(), concat.get(4).asInt()), InetAddress.getByName(pair.get(1).asText())));
            }
        }
        return shown;
    }

    @Test
    void tenThousandElementsInOneBatchShowInNftAndDumpBackEqual() throws Exception {
        try (TestNamespace ns = TestNamespace.create("nfbatch")) {
            TestRuleset.loadInto(ns.name());
            List<Element> elements = tupleElements(ELEMENTS);
            try (NfTablesConnection nft = NfTablesConnection.open(ns.netNamespace())) {
                nft.addElements(TestSets.IN4, elements);
                nft.flush();
                assertTrue(nft.pendingChanges().isEmpty());
                assertEquals(Set.copyOf(elements), elementsNftShows(ns, TestSets.IN4));
                List<Element> dumped = nft.listElements(TestSets.IN4);
                assertEquals(ELEMENTS, dumped.size());
                assertEquals(Set.copyOf(elements), Set.copyOf(dumped));
                assertTrue(nft.listElements(TestSets.INDST4).isEmpty());

                nft.deleteElements(TestSets.IN4, elements.subList(0, ELEMENTS / 2));
                nft.flush();
                assertEquals(Set.copyOf(elements.subList(ELEMENTS / 2, ELEMENTS)),
                        Set.copyOf(nft.listElements(TestSets.IN4)));
            }
        }
    }

    /** Netlink port ids repeat across namespaces; each connection's large batch must still go through. */
    @Test
    void largeBatchesGoThroughOnConnectionsToTwoNamespacesAtOnce() throws Exception {
        try (TestNamespace first = TestNamespace.create("nfone");
                TestNamespace second = TestNamespace.create("nftwo")) {
            TestRuleset.loadInto(first.name());
            TestRuleset.loadInto(second.name());
            List<Element> elements = tupleElements(ELEMENTS);
            try (NfTablesConnection one = NfTablesConnection.open(first.netNamespace());
                    NfTablesConnection two = NfTablesConnection.open(second.netNamespace())) {
                one.addElements(TestSets.OUT4, elements);
                one.flush();
                two.addElements(TestSets.INDST4, elements);
                two.flush();
                assertEquals(ELEMENTS, one.listElements(TestSets.OUT4).size());
                assertEquals(ELEMENTS, two.listElements(TestSets.INDST4).size());
            }
        }
    }

    @Test
    void ipv6TuplesAndGhostSetsRoundTrip() throws Exception {
        try (TestNamespace ns = TestNamespace.create("nfsix")) {
            TestRuleset.loadInto(ns.name());
            List<Element> tuples = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                tuples.add(new MapElement(new TupleKey(InetAddress.getByName("2001:db8::" + Integer.toHexString(i + 1)),
                        InetAddress.getByName("2001:db8:1::2"), TupleKey.TCP, 40_000 + i, 443),
                        InetAddress.getByName("2001:db8:2::" + Integer.toHexString(i + 1))));
            }
            List<Element> ghosts4 = List.of(new AddressElement(InetAddress.getByName("198.18.7.7")));
            List<Element> ghosts6 = List.of(new AddressElement(InetAddress.getByName("2001:db8::77")));
            try (NfTablesConnection nft = NfTablesConnection.open(ns.netNamespace())) {
                nft.addElements(TestSets.OUT6, tuples);
                nft.addElements(TestSets.GHOSTS4, ghosts4);
                nft.addElements(TestSets.ARP_GHOSTS4, ghosts4);
                nft.addElements(TestSets.GHOSTS6, ghosts6);
                nft.flush();
                assertEquals(Set.copyOf(tuples), Set.copyOf(nft.listElements(TestSets.OUT6)));
                assertEquals(ghosts4, nft.listElements(TestSets.GHOSTS4));
                assertEquals(ghosts4, nft.listElements(TestSets.ARP_GHOSTS4));
                assertEquals(ghosts6, nft.listElements(TestSets.GHOSTS6));
            }
            String shown = ns.exec("nft", "list", "map", "inet", "sacip", "out6");
            assertTrue(shown.contains("2001:db8::1 . 2001:db8:1::2 . tcp . 40000 . 443 : 2001:db8:2::1"), shown);
        }
    }

    @Test
    void portMapsOfBothVersionsRoundTripAndShowInNft() throws Exception {
        try (TestNamespace ns = TestNamespace.create("nfport")) {
            TestRuleset.loadInto(ns.name());
            List<Element> ports4 = new ArrayList<>();
            List<Element> ports6 = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                // Values across the whole range, odd and even bytes, so a swapped or shifted byte shows.
                int port = i == 1 ? 65535 : 1 + 257 * i % 65535;
                ports4.add(new PortMapElement(new TupleKey(InetAddress.getByName("198.18.2." + (i % 250 + 1)),
                        InetAddress.getByName("198.18.0.2"), i % 2 == 0 ? TupleKey.TCP : TupleKey.UDP, 40_000 + i,
                        443), port));
                ports6.add(new PortMapElement(new TupleKey(InetAddress.getByName("2001:db8:1::2"),
                        InetAddress.getByName("2001:db8::" + Integer.toHexString(i + 1)), TupleKey.UDP, 443,
                        40_000 + i), port));
            }
            try (NfTablesConnection nft = NfTablesConnection.open(ns.netNamespace())) {
                nft.addElements(TestSets.INPORT4, ports4);
                nft.addElements(TestSets.OUTPORT6, ports6);
                nft.flush();
                assertEquals(Set.copyOf(ports4), Set.copyOf(nft.listElements(TestSets.INPORT4)));
                assertEquals(Set.copyOf(ports6), Set.copyOf(nft.listElements(TestSets.OUTPORT6)));
                assertTrue(nft.listElements(TestSets.OUTPORT4).isEmpty());
                nft.deleteElements(TestSets.INPORT4, ports4.subList(0, 100));
                nft.flush();
                assertEquals(Set.copyOf(ports4.subList(100, 300)), Set.copyOf(nft.listElements(TestSets.INPORT4)));
            }
            String shown4 = ns.exec("nft", "list", "map", "inet", "sacip", "inport4");
            assertTrue(shown4.contains("198.18.2.101 . 198.18.0.2 . tcp . 40100 . 443 : 25701"), shown4);
            String shown6 = ns.exec("nft", "list", "map", "inet", "sacip", "outport6");
            assertTrue(shown6.contains("2001:db8:1::2 . 2001:db8::2 . udp . 443 . 40001 : 65535"), shown6);
        }
    }

    @Test
    void aRealPacketWithOneOfTheTuplesIsRewrittenAsTheMapSays() throws Exception {
        try (TwoHostLab lab = TwoHostLab.create()) {
            TestRuleset.loadInto(lab.b.name());
            List<Element> elements = tupleElements(ELEMENTS);
            try (NfTablesConnection nft = NfTablesConnection.open(lab.b.netNamespace())) {
                nft.addElements(TestSets.IN4, elements);
                nft.flush();
            }
            MapElement first = (MapElement) elements.get(0);
            try (DatagramSocket receiver = lab.b.netNamespace().call(() -> new DatagramSocket(
                    new InetSocketAddress(TwoHostLab.B_ADDRESS, first.key().destinationPort())));
                    DatagramSocket sender = lab.a.netNamespace().call(() -> new DatagramSocket(
                            new InetSocketAddress(TwoHostLab.A_ADDRESS, first.key().sourcePort())))) {
                assertEquals(first.key().source(), InetAddress.getByName(TwoHostLab.A_ADDRESS));
                receiver.setSoTimeout(1000);
                DatagramPacket received = receiveOne(sender, receiver);
                // The map restored the "old" source 198.19.0.1; the port and payload are untouched.
                assertEquals(first.address(), received.getAddress());
                assertEquals(first.key().sourcePort(), received.getPort());
                assertEquals("sacip", new String(received.getData(), 0, received.getLength(),
                        StandardCharsets.US_ASCII));
            }
        }
    }

    /** Sends until one datagram arrives (the first may wait for ARP); generous overall limit. */
    private static DatagramPacket receiveOne(DatagramSocket sender, DatagramSocket receiver) throws Exception {
        byte[] payload = "sacip".getBytes(StandardCharsets.US_ASCII);
        DatagramPacket packet = new DatagramPacket(new byte[64], 64);
        for (int attempt = 0; attempt < 30; attempt++) {
            sender.send(new DatagramPacket(payload, payload.length,
                    new InetSocketAddress(TwoHostLab.B_ADDRESS, receiver.getLocalPort())));
            try {
                receiver.receive(packet);
                return packet;
            } catch (SocketTimeoutException again) {
                // not there yet
            }
        }
        throw new AssertionError("no datagram arrived in 30 s");
    }

    @Test
    void aBatchWithOneBadElementChangesNothing() throws Exception {
        try (TestNamespace ns = TestNamespace.create("nfbad")) {
            TestRuleset.loadInto(ns.name());
            List<Element> elements = tupleElements(1001);
            List<Element> before = elements.subList(0, 1);
            try (NfTablesConnection nft = NfTablesConnection.open(ns.netNamespace())) {
                nft.addElements(TestSets.OUT4, before);
                nft.flush();

                MapElement existing = (MapElement) elements.get(0);
                MapElement clash = new MapElement(existing.key(), InetAddress.getByName("198.19.99.99"));
                nft.addElements(TestSets.OUT4, elements.subList(1, 1001));
                nft.addElements(TestSets.GHOSTS4, List.of(new AddressElement(InetAddress.getByName("198.18.7.7"))));
                nft.addElements(TestSets.OUT4, List.of(clash));
                NfTablesTransactionException refused = assertThrows(NfTablesTransactionException.class, nft::flush);
                assertEquals("EEXIST", refused.errnoName());
                assertEquals(List.of(clash), refused.refusedChange().elements());
                assertEquals(before, nft.listElements(TestSets.OUT4));
                assertTrue(nft.listElements(TestSets.GHOSTS4).isEmpty());

                nft.addElements(TestSets.OUT4, elements.subList(1, 1001));
                AddressElement absentGhost = new AddressElement(InetAddress.getByName("2001:db8::9"));
                nft.deleteElements(TestSets.GHOSTS6, List.of(absentGhost));
                NfTablesTransactionException missing = assertThrows(NfTablesTransactionException.class, nft::flush);
                assertEquals("ENOENT", missing.errnoName());
                assertEquals(before, nft.listElements(TestSets.OUT4));

                SetReference absent = new SetReference(NftFamily.INET, "sacip", "nosuchmap",
                        ElementLayout.TUPLE_MAP_IPV4);
                nft.addElements(TestSets.OUT4, elements.subList(1, 1001));
                nft.addElements(absent, List.of(existing));
                assertEquals("ENOENT", assertThrows(NfTablesTransactionException.class, nft::flush).errnoName());
                assertEquals(before, nft.listElements(TestSets.OUT4));
                assertEquals(ns.exec("nft", "list", "map", "inet", "sacip", "out4").lines()
                        .filter(l -> l.contains("198.18.")).count(), 1);
            }
        }
    }

    @Test
    void theRulesetLoadsRepeatedlyAndItsPresenceIsChecked() throws Exception {
        try (TestNamespace ns = TestNamespace.create("nfload");
                NfTablesConnection nft = NfTablesConnection.open(ns.netNamespace())) {
            assertFalse(TestRuleset.isPresent(nft));
            TestRuleset.loadInto(ns.name());
            assertTrue(TestRuleset.isPresent(nft));
            nft.addElements(TestSets.GHOSTS4, List.of(new AddressElement(InetAddress.getByName("198.18.7.7"))));
            nft.flush();
            // A reload replaces both tables: the elements are gone, the maps are there.
            TestRuleset.loadInto(ns.name());
            assertTrue(TestRuleset.isPresent(nft));
            assertTrue(nft.listElements(TestSets.GHOSTS4).isEmpty());
            ns.exec("nft", "delete", "table", "arp", "sacip");
            assertFalse(TestRuleset.isPresent(nft));
            String text = TestRuleset.text();
            assertTrue(text.contains("type filter hook prerouting priority raw"));
            assertTrue(text.contains("type route hook output priority mangle"));
            assertTrue(text.contains("type filter hook postrouting priority 300"));
        }
    }

    @Test
    void loadingIntoAMissingNamespaceIsATypedError() {
        RulesetLoadException error = assertThrows(RulesetLoadException.class,
                () -> TestRuleset.loadInto("sacip-t" + ProcessHandle.current().pid() + "-absent"));
        assertTrue(error.getMessage().contains("nft refused") || error.getMessage().contains("exit"),
                error.getMessage());
    }
}
