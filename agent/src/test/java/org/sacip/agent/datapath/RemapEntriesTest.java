package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.ElementBytes;
import org.sacip.netlink.nftables.ElementLayout;
import org.sacip.netlink.nftables.ElementList;
import org.sacip.netlink.nftables.NftFamily;

/**
 * The elements a remapping needs, checked against the bytes the kernel stores: each expected element is written
 * here register by register (addresses, then protocol, source port and destination port each padded to 4 bytes)
 * and read through the netlink module's layout, so a key in the wrong order or of the wrong tuple fails.
 */
class RemapEntriesTest {
    private static final HexFormat HEX = HexFormat.of();

    // Our session: X:40000 -> B:5001 (0x9c40 -> 0x1389). We move X -> Y; the peer moves B -> B2.
    private static final InetAddress X = address("198.18.1.1");     // c6120101
    private static final InetAddress Y = address("198.18.1.11");    // c612010b
    private static final InetAddress B = address("198.18.0.2");     // c6120002
    private static final InetAddress B2 = address("198.18.0.22");   // c6120016
    private static final SessionTuple SESSION =
            new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 40000), new Endpoint(B, 5001));

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Element decoded(ElementLayout layout, String keyHex, String dataHex) throws Exception {
        ElementBytes bytes = new ElementBytes(HEX.parseHex(keyHex), dataHex == null ? null : HEX.parseHex(dataHex));
        return new ElementList(NftFamily.INET, "sacip", "any", List.of(bytes)).decode(layout).get(0);
    }

    private static RemapEntry entry(List<RemapEntry> entries, String map) {
        return entries.stream().filter(e -> e.map().name().equals(map)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + map + " entry in " + entries));
    }

    @Test
    void aCarriedSessionIsOnlyInTheCarriedSetWithItsSocketsTuple() throws Exception {
        Remapping carried = Remapping.carried(SESSION);
        assertTrue(!carried.isIdentity() && carried.carried());
        List<RemapEntry> entries = RemapEntries.of(carried);
        assertEquals(1, entries.size());
        assertEquals(SacipSets.CARRIED4, entries.get(0).map());
        assertEquals(decoded(ElementLayout.TUPLE_SET_IPV4,
                "c6120101" + "c6120002" + "06000000" + "9c400000" + "13890000", null), entries.get(0).element());
        assertThrows(IllegalArgumentException.class, () -> new Remapping(SESSION, Y, Y, B, 5001, true),
                "a carried session is never rewritten");
        SessionTuple ipv6 = new SessionTuple(SessionProtocol.TCP, new Endpoint(address("2001:db8::1"), 40000),
                new Endpoint(address("2001:db8::2"), 5001));
        assertThrows(IllegalArgumentException.class, () -> RemapEntries.of(Remapping.carried(ipv6)),
                "NAT44 only");
    }

    @Test
    void localMoveBeforeConfirmationOnlyRestoresInbound() throws Exception {
        List<RemapEntry> entries = RemapEntries.of(Moves.announced(SESSION, Y));
        assertEquals(1, entries.size());
        RemapEntry indst = entry(entries, "indst4");
        assertEquals(SacipSets.INDST4, indst.map());
        // Packet B:5001 -> Y:40000 gets destination X.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120002" + "c612010b" + "06000000" + "13890000" + "9c400000", "c6120101"), indst.element());
    }

    @Test
    void confirmedLocalMoveAlsoSendsFromTheNewAddress() throws Exception {
        List<RemapEntry> entries = RemapEntries.of(Moves.confirmed(SESSION, Y));
        assertEquals(2, entries.size());
        // Packet X:40000 -> B:5001 gets source Y.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120002" + "06000000" + "9c400000" + "13890000", "c612010b"),
                entry(entries, "outsrc4").element());
    }

    @Test
    void peerMoveRestoresItsSourceAndSendsToItsNewAddress() throws Exception {
        List<RemapEntry> entries = RemapEntries.of(Moves.peerMoved(SESSION, B2));
        assertEquals(2, entries.size());
        // Inbound B2:5001 -> X:40000 gets source B.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120016" + "c6120101" + "06000000" + "13890000" + "9c400000", "c6120002"),
                entry(entries, "in4").element());
        // Outbound X:40000 -> B:5001 gets destination B2.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120002" + "06000000" + "9c400000" + "13890000", "c6120016"),
                entry(entries, "out4").element());
    }

    @Test
    void bothMovedChainsTheKeysThroughThePreviousRule() throws Exception {
        List<RemapEntry> entries = RemapEntries.of(new Remapping(SESSION, Y, Y, B2));
        assertEquals(4, entries.size());
        // Wire B2 -> Y: @in4 restores B, so @indst4 is keyed B -> Y.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120016" + "c612010b" + "06000000" + "13890000" + "9c400000", "c6120002"),
                entry(entries, "in4").element());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120002" + "c612010b" + "06000000" + "13890000" + "9c400000", "c6120101"),
                entry(entries, "indst4").element());
        // Socket X -> B: @out4 sends to B2, so @outsrc4 is keyed X -> B2.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120002" + "06000000" + "9c400000" + "13890000", "c6120016"),
                entry(entries, "out4").element());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120016" + "06000000" + "9c400000" + "13890000", "c612010b"),
                entry(entries, "outsrc4").element());
    }

    @Test
    void aPeerThatLeftItsNatIsKnownByItsPortOnTheWire() throws Exception {
        // B (0xc6120002) was the peer's NAT, 5001 its mapping; the peer now comes directly from B2:50000 (0xc350).
        Remapping remapping = new Remapping(SESSION, X, X, B2, 50000);
        assertTrue(remapping.remoteMoved());
        List<RemapEntry> entries = RemapEntries.of(remapping);
        assertEquals(4, entries.size());
        // Wire B2:50000 -> X:40000: @inport4 restores port 5001 first, ...
        assertEquals(decoded(ElementLayout.TUPLE_PORT_MAP_IPV4,
                "c6120016" + "c6120101" + "06000000" + "c3500000" + "9c400000", "1389"),
                entry(entries, "inport4").element());
        // ... so @in4 is keyed B2:5001 -> X:40000 and restores B.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120016" + "c6120101" + "06000000" + "13890000" + "9c400000", "c6120002"),
                entry(entries, "in4").element());
        // Socket X:40000 -> B:5001: @out4 sends to B2, then @outport4 (keyed X -> B2, ports unchanged) to 50000.
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120002" + "06000000" + "9c400000" + "13890000", "c6120016"),
                entry(entries, "out4").element());
        assertEquals(decoded(ElementLayout.TUPLE_PORT_MAP_IPV4,
                "c6120101" + "c6120016" + "06000000" + "9c400000" + "13890000", "c350"),
                entry(entries, "outport4").element());
        assertEquals(SacipSets.INPORT4, entry(entries, "inport4").map());
        assertEquals(SacipSets.OUTPORT4, entry(entries, "outport4").map());
    }

    @Test
    void ourMoveAndThePeersPortChainThroughEveryMap() throws Exception {
        // We moved X -> Y (confirmed) while the peer left its NAT B:5001 for B2:50000.
        List<RemapEntry> entries = RemapEntries.of(new Remapping(SESSION, Y, Y, B2, 50000));
        assertEquals(6, entries.size());
        // Inbound wire B2:50000 -> Y:40000, through @inport4, @in4 and @indst4.
        assertEquals(decoded(ElementLayout.TUPLE_PORT_MAP_IPV4,
                "c6120016" + "c612010b" + "06000000" + "c3500000" + "9c400000", "1389"),
                entry(entries, "inport4").element());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120016" + "c612010b" + "06000000" + "13890000" + "9c400000", "c6120002"),
                entry(entries, "in4").element());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120002" + "c612010b" + "06000000" + "13890000" + "9c400000", "c6120101"),
                entry(entries, "indst4").element());
        // Outbound socket X:40000 -> B:5001, through @out4, @outsrc4 and @outport4 (keyed from Y, as it leaves).
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120002" + "06000000" + "9c400000" + "13890000", "c6120016"),
                entry(entries, "out4").element());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120016" + "06000000" + "9c400000" + "13890000", "c612010b"),
                entry(entries, "outsrc4").element());
        assertEquals(decoded(ElementLayout.TUPLE_PORT_MAP_IPV4,
                "c612010b" + "c6120016" + "06000000" + "9c400000" + "13890000", "c350"),
                entry(entries, "outport4").element());
    }

    @Test
    void anIpv6PortAloneNeedsOnlyThePortMaps() throws Exception {
        InetAddress x6 = address("2001:db8::1");
        InetAddress b6 = address("2001:db8::2");
        SessionTuple udp = new SessionTuple(SessionProtocol.UDP, new Endpoint(x6, 53), new Endpoint(b6, 4242));
        List<RemapEntry> entries = RemapEntries.of(new Remapping(udp, x6, x6, b6, 4243));
        String xHex = "20010db8000000000000000000000001";
        String bHex = "20010db8000000000000000000000002";
        assertEquals(2, entries.size());
        assertEquals(SacipSets.INPORT6, entry(entries, "inport6").map());
        assertEquals(decoded(ElementLayout.TUPLE_PORT_MAP_IPV6,
                bHex + xHex + "11000000" + "10930000" + "00350000", "1092"), entry(entries, "inport6").element());
        assertEquals(decoded(ElementLayout.TUPLE_PORT_MAP_IPV6,
                xHex + bHex + "11000000" + "00350000" + "10920000", "1093"), entry(entries, "outport6").element());
    }

    @Test
    void thePeersWirePortDefaultsToTheSocketsAndIsChecked() {
        Remapping moved = new Remapping(SESSION, X, X, B2);
        assertEquals(5001, moved.activeRemotePort());
        assertEquals(new Remapping(SESSION, X, X, B2, 5001), moved);
        assertTrue(moved.remoteAddressMoved() && !moved.remotePortMoved());
        assertEquals("tcp 198.18.1.1:40000 -> 198.18.0.2:5001 as 198.18.1.1 -> 198.18.0.22", moved.toString());
        Remapping portOnly = new Remapping(SESSION, X, X, B, 61000);
        assertTrue(portOnly.remoteMoved() && portOnly.remotePortMoved() && !portOnly.remoteAddressMoved());
        assertTrue(!portOnly.isIdentity());
        assertEquals("tcp 198.18.1.1:40000 -> 198.18.0.2:5001 as 198.18.1.1 -> 198.18.0.2:61000",
                portOnly.toString());
        assertThrows(IllegalArgumentException.class, () -> new Remapping(SESSION, X, X, B2, 0));
        assertThrows(IllegalArgumentException.class, () -> new Remapping(SESSION, X, X, B2, 65536));
        assertThrows(NullPointerException.class, () -> new Remapping(null, X, X, B2));
    }

    @Test
    void ipv6UdpUsesTheIpv6Maps() throws Exception {
        InetAddress x6 = address("2001:db8::1");
        InetAddress y6 = address("2001:db8::11");
        InetAddress b6 = address("2001:db8::2");
        SessionTuple udp = new SessionTuple(SessionProtocol.UDP, new Endpoint(x6, 53), new Endpoint(b6, 4242));
        List<RemapEntry> entries = RemapEntries.of(Moves.confirmed(udp, y6));
        String xHex = "20010db8000000000000000000000001";
        String yHex = "20010db8000000000000000000000011";
        String bHex = "20010db8000000000000000000000002";
        assertEquals(SacipSets.INDST6, entry(entries, "indst6").map());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV6,
                bHex + yHex + "11000000" + "10920000" + "00350000", xHex), entry(entries, "indst6").element());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV6,
                xHex + bHex + "11000000" + "00350000" + "10920000", yHex), entry(entries, "outsrc6").element());
    }

    @Test
    void originalAddressesNeedNoEntry() {
        Remapping home = new Remapping(SESSION, X, X, B);
        assertTrue(home.isIdentity());
        assertEquals(List.of(), RemapEntries.of(home));
    }

    @Test
    void movesBetweenAddressFamiliesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> Moves.announced(SESSION, address("2001:db8::11")));
        assertThrows(IllegalArgumentException.class, () -> new Remapping(SESSION, Y, address("2001:db8::11"), B));
        assertThrows(IllegalArgumentException.class,
                () -> new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 1), new Endpoint(address("::1"), 2)));
        assertThrows(IllegalArgumentException.class, () -> new Endpoint(X, 0));
        assertThrows(IllegalArgumentException.class, () -> new Endpoint(X, 65536));
    }

    @Test
    void aMoveAwaitingConfirmationAcceptsBothAddressesAndSendsFromTheConfirmedOne() throws Exception {
        // Confirmed at Y, now announced Z (0xc612010c): received at Z and Y, sent from Y until the peer confirms Z.
        InetAddress z = address("198.18.1.12");
        List<RemapEntry> entries = RemapEntries.of(new Remapping(SESSION, z, Y, B));
        assertEquals(3, entries.size());
        assertEquals(List.of(
                decoded(ElementLayout.TUPLE_MAP_IPV4, "c6120002" + "c612010c" + "06000000" + "13890000" + "9c400000",
                        "c6120101"),
                decoded(ElementLayout.TUPLE_MAP_IPV4, "c6120002" + "c612010b" + "06000000" + "13890000" + "9c400000",
                        "c6120101")),
                entries.stream().filter(e -> e.map().equals(SacipSets.INDST4)).map(RemapEntry::element).toList());
        assertEquals(decoded(ElementLayout.TUPLE_MAP_IPV4,
                "c6120101" + "c6120002" + "06000000" + "9c400000" + "13890000", "c612010b"),
                entry(entries, "outsrc4").element());
    }

    @Test
    void twoSessionsNeedingOneKeyAreAConflict() {
        // Session 2 is already X:40000 -> B2:5001, the wire tuple session 1 would use after the peer moved.
        SessionTuple other = new SessionTuple(SessionProtocol.TCP, new Endpoint(X, 40000), new Endpoint(B2, 5001));
        Remapping first = new Remapping(SESSION, Y, Y, B2);
        Remapping second = Moves.confirmed(other, Y);
        ElementLedger ledger = new ElementLedger();
        ElementLedger.Transaction tx = ledger.begin();
        for (RemapEntry entry : RemapEntries.of(first)) {
            assertNull(tx.put(entry.map(), entry.element(), SESSION, false));
        }
        List<Object> inTheWay = RemapEntries.of(second).stream()
                .map(entry -> tx.put(entry.map(), entry.element(), other, false)).filter(o -> o != null).toList();
        assertEquals(List.of(SESSION), inTheWay, "outsrc4 X:40000 -> B2:5001 is the first session's");
    }
}
