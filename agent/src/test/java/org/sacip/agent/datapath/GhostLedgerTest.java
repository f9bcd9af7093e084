package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;

class GhostLedgerTest {
    private final InetAddress x = Addresses.parse("198.18.1.1");
    private final InetAddress x6 = Addresses.parse("2001:db8::1");
    private final InetAddress b = Addresses.parse("198.18.0.2");
    private final SessionTuple first = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000),
            new Endpoint(b, 5001));
    private final SessionTuple second = new SessionTuple(SessionProtocol.UDP, new Endpoint(x, 40001),
            new Endpoint(b, 53));
    private final SessionTuple first6 = new SessionTuple(SessionProtocol.TCP, new Endpoint(x6, 40000),
            new Endpoint(Addresses.parse("2001:db8::2"), 5001));

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
    void summariesCountTheHoldersOfEachGhostAsTheyAreNow() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        ledger.hold(x, second);
        ledger.hold(x6, first6);
        ledger.activate(x6);
        assertEquals(List.of(new GhostSummary(x, false, 2), new GhostSummary(x6, true, 1)), ledger.summaries());
        ledger.release(x, second);
        ledger.release(x6, first6);
        assertEquals(List.of(new GhostSummary(x, false, 1)), ledger.summaries());
    }

    @Test
    void aNewGhostIsStandbyUntilActivatedAndKeepsItsStateAcrossHolds() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        assertFalse(ledger.ghost(x).orElseThrow().active());
        ledger.activate(x);
        ledger.hold(x, second);
        assertTrue(ledger.ghost(x).orElseThrow().active());
        assertThrows(IllegalStateException.class, () -> ledger.activate(x6));

        // Back to standby (the address returned to an interface) goes through a staged change.
        GhostLedger.Changes standby = ledger.stage(List.of(GhostChange.activity(x, false)), List.of());
        assertFalse(standby.view(x).active());
        assertTrue(ledger.ghost(x).orElseThrow().active(), "staging changes nothing");
        standby.apply();
        assertFalse(ledger.ghost(x).orElseThrow().active());
        assertEquals(Set.of(first, second), ledger.ghost(x).orElseThrow().holders());
    }

    @Test
    void anEndedSessionReleasesTheGhostOfItsOwnAddress() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        ledger.hold(x, second);
        ledger.hold(x6, first6);
        GhostLedger.Changes ended = ledger.stage(List.of(), List.of(first, first6));
        assertEquals(Set.of(x6), ended.removed(), "x6 goes with its only holder, x stays for the second session");
        assertEquals(Set.of(first), ended.holdersChanged(x));
        ended.apply();
        assertFalse(ledger.holds(x6));
        assertEquals(Set.of(second), ledger.ghost(x).orElseThrow().holders());
    }

    @Test
    void stagedChangesReachTheLedgerOnlyWhenApplied() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        GhostLedger.Changes changes = ledger.stage(List.of(GhostChange.release(x, Set.of(first)),
                GhostChange.hold(x6, Set.of(first6)), new GhostChange(x, Set.of(second), Set.of(),
                        java.util.Optional.of(true))), List.of());
        assertEquals(Set.of(x6), changes.added());
        assertEquals(Set.of(), changes.removed(), "x keeps a holder: the second session took it in the same change");
        assertTrue(changes.view(x).active());
        assertEquals(Set.of(second), changes.view(x).holders());
        assertTrue(ledger.holds(x) && !ledger.holds(x6) && !ledger.ghost(x).orElseThrow().active(),
                "the ledger is untouched until apply");
        changes.apply();
        assertEquals(Set.of(second), ledger.ghost(x).orElseThrow().holders());
        assertTrue(ledger.ghost(x).orElseThrow().active());
        assertEquals(Set.of(first6), ledger.ghost(x6).orElseThrow().holders());
        assertFalse(ledger.ghost(x6).orElseThrow().active(), "a new ghost starts as standby");
    }

    @Test
    void activatingAGhostNobodyHoldsCreatesNothing() {
        GhostLedger ledger = new GhostLedger();
        GhostLedger.Changes changes = ledger.stage(List.of(GhostChange.activity(x, true)), List.of());
        assertFalse(changes.view(x).exists());
        assertEquals(Set.of(), changes.added());
        changes.apply();
        assertFalse(ledger.holds(x));
    }

    @Test
    void holdingAndReleasingInOneChangeCancelsOut() {
        GhostLedger ledger = new GhostLedger();
        GhostLedger.Changes changes = ledger.stage(List.of(GhostChange.hold(x, Set.of(first)),
                GhostChange.release(x, Set.of(first))), List.of());
        assertEquals(Set.of(), changes.added());
        changes.apply();
        assertFalse(ledger.holds(x));
    }

    @Test
    void aStagedViewIsTheLedgersHoldersLessThoseReleasedPlusThoseNewAndApplyingItMakesItSo() {
        GhostLedger ledger = new GhostLedger();
        ledger.hold(x, first);
        SessionTuple third = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40002), new Endpoint(b, 22));
        GhostLedger.Changes changes = ledger.stage(List.of(GhostChange.hold(x, Set.of(first, second, third)),
                GhostChange.release(x, Set.of(first)), GhostChange.hold(x, Set.of(first)),
                GhostChange.release(x, Set.of(third))), List.of());
        GhostLedger.View view = changes.view(x);
        assertEquals(Set.of(first, second), view.holders(), "held again after its release; third came and went");
        assertEquals(2, view.holders().size());
        assertFalse(view.holders().contains(third));
        assertEquals(Set.of(first), ledger.ghost(x).orElseThrow().holders(), "staging changes nothing");
        changes.apply();
        assertEquals(Set.of(first, second), ledger.ghost(x).orElseThrow().holders());

        GhostLedger.Changes emptied = ledger.stage(List.of(GhostChange.release(x, Set.of(first, second))),
                List.of());
        assertFalse(emptied.view(x).exists());
        assertEquals(Set.of(x), emptied.removed());
        emptied.apply();
        assertFalse(ledger.holds(x));
    }
}
