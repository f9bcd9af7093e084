package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sacip.netlink.nftables.SacipSets;

class ElementDiffTest {
    private final InetAddress x = InetAddress.getByName("198.18.1.1");
    private final InetAddress y = InetAddress.getByName("198.18.1.11");
    private final InetAddress z = InetAddress.getByName("198.18.1.12");
    private final InetAddress b = InetAddress.getByName("198.18.0.2");
    private final SessionTuple session =
            new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000), new Endpoint(b, 5001));

    ElementDiffTest() throws Exception {
    }

    private KernelElements of(Remapping... remappings) throws Exception {
        return KernelElements.of(List.of(remappings), List.of());
    }

    @Test
    void confirmingAddsOnlyTheOutboundEntry() throws Exception {
        Remapping announced = Remapping.localMoveAnnounced(session, y);
        ElementDiff diff = ElementDiff.between(of(announced), of(announced.confirmed()));
        assertEquals(Map.of(), diff.deletions());
        assertEquals(List.of(SacipSets.OUTSRC4), List.copyOf(diff.additions().keySet()));
    }

    @Test
    void aChainedMoveReplacesBothEntries() throws Exception {
        // X -> Y -> Z: the key of indst changes (wire destination Z), outsrc keeps its key with a new value.
        ElementDiff diff = ElementDiff.between(of(Remapping.localMoveAnnounced(session, y).confirmed()),
                of(Remapping.localMoveAnnounced(session, z).confirmed()));
        assertEquals(1, diff.deletions().get(SacipSets.INDST4).size());
        assertEquals(1, diff.deletions().get(SacipSets.OUTSRC4).size());
        assertEquals(1, diff.additions().get(SacipSets.INDST4).size());
        assertEquals(1, diff.additions().get(SacipSets.OUTSRC4).size());
    }

    @Test
    void movingHomeDeletesEverything() throws Exception {
        ElementDiff diff = ElementDiff.between(of(new Remapping(session, y, b, true)), of());
        assertEquals(2, diff.size());
        assertTrue(diff.additions().isEmpty());
        assertTrue(ElementDiff.between(of(), of()).isEmpty());
    }
}
