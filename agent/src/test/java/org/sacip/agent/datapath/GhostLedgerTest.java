package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.nftables.AddressElement;
import org.sacip.netlink.nftables.SacipSets;

class GhostLedgerTest {
    private final InetAddress x;
    private final InetAddress x6;
    private final SessionTuple first;
    private final SessionTuple second;

    GhostLedgerTest() throws Exception {
        x = InetAddress.getByName("198.18.1.1");
        x6 = InetAddress.getByName("2001:db8::1");
        InetAddress b = InetAddress.getByName("198.18.0.2");
        first = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000), new Endpoint(b, 5001));
        second = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, 40001), new Endpoint(b, 53));
    }

    @Test
    void aGhostLivesUntilItsLastSessionReleasesIt() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        ledger.hold(x, first);
        ledger.hold(x, second);
        assertEquals(Set.of(first, second), ledger.ghost(x).orElseThrow().holders());
        ledger.release(x, first);
        assertTrue(ledger.holds(x));
        ledger.release(x, first);
        assertTrue(ledger.holds(x), "a second release by the same session must not take another's hold");
        ledger.release(x, second);
        assertFalse(ledger.holds(x));
        assertEquals(List.of(), List.copyOf(ledger.ghosts()));
    }

    @Test
    void aNewGhostIsStandbyUntilActivatedAndKeepsItsStateAcrossHolds() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        assertFalse(ledger.ghost(x).orElseThrow().active());
        ledger.activate(x);
        ledger.hold(x, second);
        assertTrue(ledger.ghost(x).orElseThrow().active());
        ledger.deactivate(x);
        assertFalse(ledger.ghost(x).orElseThrow().active());
        assertThrows(IllegalStateException.class, () -> ledger.activate(x6));
    }

    @Test
    void releaseAllDropsEveryHoldOfTheSession() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        ledger.hold(x6, first);
        ledger.hold(x6, second);
        ledger.releaseAll(first);
        assertFalse(ledger.holds(x));
        assertEquals(Set.of(second), ledger.ghost(x6).orElseThrow().holders());
    }

    @Test
    void aCopyChangesIndependently() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        GhostLedger next = ledger.copy();
        next.release(x, first);
        assertTrue(ledger.holds(x));
        assertFalse(next.holds(x));
    }

    @Test
    void onlyActiveGhostsAreInTheNftSets() throws Exception {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        ledger.hold(x6, second);
        assertEquals(0, KernelElements.of(List.of(), ledger.ghosts()).size());
        ledger.activate(x);
        ledger.activate(x6);
        KernelElements elements = KernelElements.of(List.of(), ledger.ghosts());
        assertEquals(Set.of(new AddressElement(x)), Set.copyOf(elements.of(SacipSets.GHOSTS4).values()));
        assertEquals(Set.of(new AddressElement(x)), Set.copyOf(elements.of(SacipSets.ARP_GHOSTS4).values()));
        assertEquals(Set.of(new AddressElement(x6)), Set.copyOf(elements.of(SacipSets.GHOSTS6).values()));
    }
}
