package org.sacip.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sacip.lab.move.MoveEvent;
import org.sacip.lab.move.MoveKind;
import org.sacip.lab.move.MovePattern;
import org.sacip.lab.move.MoveStep;
import org.sacip.lab.move.Mover;
import org.sacip.lab.topology.Family;
import org.sacip.lab.topology.Topology;
import org.sacip.lab.topology.TopologyBuilder;
import org.sacip.lab.topology.TopologyKind;

/** Each move leaves the kernel exactly as its definition says, checked with ip in the host's namespace. */
class MovesTest {
    private static boolean hasAddress(Lab lab, String ifName, String address) {
        return lab.run("a", "ip", "-o", "addr", "show", "dev", ifName).contains(" " + address + "/");
    }

    private static boolean isUp(Lab lab, String ifName) {
        return lab.run("a", "ip", "-o", "link", "show", "dev", ifName).contains("state UP");
    }

    private static MoveEvent moveOnce(Lab lab, MoveKind kind) {
        Topology t = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
        return new Mover(t).move(new MoveStep("a", 0, 1, kind, 0));
    }

    @Test
    void makeBeforeBreakEndsOnUplinkTwoWithTheOldAddressGone() {
        try (Lab lab = new Lab()) {
            MoveEvent e = moveOnce(lab, MoveKind.MAKE_BEFORE_BREAK);
            assertTrue(hasAddress(lab, "up2", "198.18.2.2"));
            assertFalse(hasAddress(lab, "up1", "198.18.1.2"));
            assertFalse(isUp(lab, "up1"));
            assertTrue(lab.run("a", "ip", "-4", "route", "show", "default").contains("via 198.18.2.1 dev up2"));
            assertEquals("1", lab.readSysctl("a", "net.ipv4.conf.up1.promote_secondaries"));
            // The new address came first, the delete after the 100 ms pause.
            assertTrue(e.commands().get(1).contains("addr replace 198.18.2.2/24 dev up2"), e.commands().toString());
            assertTrue(e.commands().get(3).contains("addr del 198.18.1.2/24 dev up1"), e.commands().toString());
            assertTrue(e.endMs() - e.startMs() >= Mover.HALF_PAUSE_MS);
        }
    }

    @Test
    void breakBeforeMakeDeletesFirst() {
        try (Lab lab = new Lab()) {
            MoveEvent e = moveOnce(lab, MoveKind.BREAK_BEFORE_MAKE);
            assertTrue(e.commands().get(0).contains("addr del 198.18.1.2/24 dev up1"), e.commands().toString());
            assertTrue(hasAddress(lab, "up2", "198.18.2.2"));
            assertFalse(hasAddress(lab, "up1", "198.18.1.2"));
            assertFalse(isUp(lab, "up1"));
        }
    }

    @Test
    void downWithAddressLeftKeepsTheOldAddressOnTheDownLink() {
        try (Lab lab = new Lab()) {
            moveOnce(lab, MoveKind.DOWN_ADDRESS_LEFT);
            assertTrue(hasAddress(lab, "up1", "198.18.1.2"));
            assertFalse(isUp(lab, "up1"));
            assertTrue(hasAddress(lab, "up2", "198.18.2.2"));
        }
    }

    @Test
    void moveAndBackRestoresUplinkOne() {
        try (Lab lab = new Lab()) {
            Topology t = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            Mover mover = new Mover(t);
            for (MoveStep step : MovePattern.MOVE_AND_BACK.steps()) {
                mover.move(new MoveStep(step.host(), step.from(), step.to(), step.kind(), 0));
            }
            assertTrue(hasAddress(lab, "up1", "198.18.1.2"));
            assertTrue(isUp(lab, "up1"));
            assertFalse(hasAddress(lab, "up2", "198.18.2.2"));
            assertFalse(isUp(lab, "up2"));
        }
    }

    @Test
    void flappingIsManyMovesAlternatingUplinks() {
        List<MoveStep> steps = MovePattern.FLAPPING.steps();
        assertTrue(steps.size() >= 5);
        for (int i = 1; i < steps.size(); i++) {
            assertEquals(steps.get(i - 1).to(), steps.get(i).from());
        }
        long total = steps.stream().mapToLong(MoveStep::pauseBeforeMs).sum();
        assertTrue(total < 5000, "flapping should fit in a few seconds, takes " + total + " ms of pauses");
    }

    @Test
    void movingAHostWithoutASecondUplinkIsATypedError() {
        try (Lab lab = new Lab()) {
            Topology t = TopologyBuilder.build(lab, TopologyKind.ROAMING, Family.IPV4);
            LabException e = assertThrows(LabException.class, () -> new Mover(t).move(new MoveStep("b", 0, 1,
                    MoveKind.MAKE_BEFORE_BREAK, 0)));
            assertTrue(e.getMessage().contains("no uplink 2"), e.getMessage());
            // Nothing changed in B.
            assertTrue(lab.run("b", "ip", "-o", "addr", "show", "dev", "up1").contains("198.18.10.2/24"));
        }
    }
}
