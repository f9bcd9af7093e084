package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;

class ElementDiffTest {
    private final InetAddress x = Addresses.parse("198.18.1.1");
    private final InetAddress y = Addresses.parse("198.18.1.11");
    private final InetAddress z = Addresses.parse("198.18.1.12");
    private final InetAddress b = Addresses.parse("198.18.0.2");
    private final SessionTuple session =
            new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000), new Endpoint(b, 5001));

    /** The elements of these remappings, each under its key, as the kernel would list them. */
    private static KernelElements of(Remapping... remappings) {
        Map<SetReference, Map<Object, Element>> bySet = new LinkedHashMap<>();
        for (Remapping remapping : remappings) {
            for (RemapEntry entry : RemapEntries.of(remapping)) {
                bySet.computeIfAbsent(entry.map(), set -> new LinkedHashMap<>())
                        .put(ElementLedger.keyOf(entry.element()), entry.element());
            }
        }
        return new KernelElements(bySet);
    }

    @Test
    void confirmingAddsOnlyTheOutboundEntry() {
        ElementDiff diff = ElementDiff.between(of(Moves.announced(session, y)), of(Moves.confirmed(session, y)));
        assertEquals(Map.of(), diff.deletions());
        assertEquals(List.of(SacipSets.OUTSRC4), List.copyOf(diff.additions().keySet()));
    }

    @Test
    void aChainedMoveReplacesBothEntries() {
        // X -> Y -> Z: the key of indst changes (wire destination Z), outsrc keeps its key with a new value.
        ElementDiff diff = ElementDiff.between(of(Moves.confirmed(session, y)), of(Moves.confirmed(session, z)));
        assertEquals(1, diff.deletions().get(SacipSets.INDST4).size());
        assertEquals(1, diff.deletions().get(SacipSets.OUTSRC4).size());
        assertEquals(1, diff.additions().get(SacipSets.INDST4).size());
        assertEquals(1, diff.additions().get(SacipSets.OUTSRC4).size());
    }

    @Test
    void movingHomeDeletesEverything() {
        ElementDiff diff = ElementDiff.between(of(new Remapping(session, y, y, b)), of());
        assertEquals(2, diff.size());
        assertTrue(diff.additions().isEmpty());
        assertTrue(ElementDiff.between(of(), of()).isEmpty());
    }

    @Test
    void aNewWirePortForThePeerReplacesOnlyThePortEntries() {
        // The peer, behind a NAT as b:5001, came directly from b2:50000 and now from b2:50001. @in and @out keep
        // their keys and values (keyed with the socket's ports); @inport's key is the wire tuple, @outport's value
        // the wire port: each is deleted and added again.
        InetAddress b2 = Addresses.parse("198.18.0.22");
        Remapping before = new Remapping(session, x, x, b2, 50000);
        Remapping after = new Remapping(session, x, x, b2, 50001);
        ElementDiff diff = ElementDiff.between(of(before), of(after));
        assertEquals(Set.of(SacipSets.INPORT4, SacipSets.OUTPORT4), diff.deletions().keySet());
        assertEquals(Set.of(SacipSets.INPORT4, SacipSets.OUTPORT4), diff.additions().keySet());
        assertEquals(4, diff.size());
        assertTrue(ElementDiff.between(of(after), of(after)).isEmpty());
        // Back to the socket's port: only the address entries stay.
        ElementDiff home = ElementDiff.between(of(after), of(new Remapping(session, x, x, b2)));
        assertEquals(Set.of(SacipSets.INPORT4, SacipSets.OUTPORT4), home.deletions().keySet());
        assertTrue(home.additions().isEmpty());
    }

    @Test
    void theLedgerStagesWhatAFullComparisonFinds() {
        // The data path computes a change's elements incrementally; it must come to the same kernel changes as
        // comparing the whole state before and after.
        ElementLedger ledger = new ElementLedger();
        ElementLedger.Transaction first = ledger.begin();
        RemapEntries.of(Moves.confirmed(session, y)).forEach(e -> first.put(e.map(), e.element(), session, false));
        first.commit();
        ElementLedger.Transaction chained = ledger.begin();
        RemapEntries.of(Moves.confirmed(session, y)).forEach(e -> chained.remove(e.map(), e.element(), session));
        RemapEntries.of(Moves.confirmed(session, z)).forEach(e -> chained.put(e.map(), e.element(), session, false));

        ElementDiff expected = ElementDiff.between(of(Moves.confirmed(session, y)), of(Moves.confirmed(session, z)));
        assertEquals(bySet(expected.deletions()), bySet(chained.diff().deletions()));
        assertEquals(bySet(expected.additions()), bySet(chained.diff().additions()));
        chained.commit();
        KernelElements wanted = of(Moves.confirmed(session, z));
        for (SetReference set : SacipSets.all()) {
            assertEquals(wanted.of(set), ledger.snapshot().of(set), set.name());
        }
        assertEquals(2, ledger.size());
    }

    private static Map<SetReference, Set<Element>> bySet(Map<SetReference, List<Element>> changes) {
        Map<SetReference, Set<Element>> sets = new LinkedHashMap<>();
        changes.forEach((set, elements) -> sets.put(set, new HashSet<>(elements)));
        return sets;
    }
}
