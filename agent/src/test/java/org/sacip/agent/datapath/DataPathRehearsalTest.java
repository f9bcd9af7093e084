package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The warm-up's data-path rehearsal: every round leaves nothing behind, and the data path it runs on accounts each
 * change exactly as a real one does, whose elements are in the kernel (so the rehearsal compiles the code a real move
 * runs, on the same data).
 */
class DataPathRehearsalTest {
    @Test
    void everyRoundEndsWithNothingLeftInBothFamilies() throws Exception {
        // Three rounds end on IPv4 having done IPv6 too; a round that leaves an element, a remapping or a ghost
        // behind shows here as a short count.
        assertEquals(3, DataPathRehearsal.rehearse(3, 200));
    }

    @Test
    void aSessionCountOutsideItsRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> DataPathRehearsal.rehearse(1, 0));
        assertThrows(IllegalArgumentException.class, () -> DataPathRehearsal.rehearse(1, 60_001));
    }

    @Tag("integration")
    @ParameterizedTest(name = "ipv6={0}")
    @ValueSource(booleans = {false, true})
    void theRehearsingDataPathCountsWhatARealOneInstallsInTheKernel(boolean ipv6) throws Exception {
        Addresses ip = Addresses.of(ipv6);
        InetAddress x = ip.x();
        InetAddress y = ip.y();
        InetAddress bMoved = Addresses.parse(ipv6 ? "2001:db8::12" : "198.18.0.12");
        List<SessionTuple> sessions = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sessions.add(new SessionTuple(i % 2 == 0 ? SessionProtocol.TCP : SessionProtocol.UDP,
                    new Endpoint(x, 20_000 + i), new Endpoint(ip.b(), 443)));
        }
        Set<SessionTuple> all = new HashSet<>(sessions);
        TestClock clock = new TestClock();
        try (TestNamespace ns = TestNamespace.create("rehearse");
                DataPath real = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), clock);
                DataPath rehearsing = DataPath.rehearsing(clock)) {
            real.install();
            List<Step> steps = List.of(
                    new Step("sessions come", List.of(), List.of(GhostChange.hold(x, all)), List.of()),
                    new Step("A moved and announced it", remapped(sessions, s -> Moves.announced(s, y)),
                            List.of(GhostChange.activity(x, true)), List.of()),
                    new Step("B confirmed", remapped(sessions, s -> Moves.confirmed(s, y)), List.of(), List.of()),
                    new Step("B moved", remapped(sessions, s -> new Remapping(s, y, y, bMoved)), List.of(),
                            List.of()),
                    new Step("home again", remapped(sessions, Remapping::identity),
                            List.of(GhostChange.activity(x, false)), List.of()),
                    new Step("sessions ended", List.of(), List.of(GhostChange.release(x, all)), sessions));
            for (Step step : steps) {
                real.commit(step.changes(), step.ghosts(), step.ended());
                rehearsing.commit(step.changes(), step.ghosts(), step.ended());
                assertEquals(KernelState.elementCount(ns), real.elementCount(), step.what() + ": the real one");
                assertEquals(real.elementCount(), rehearsing.elementCount(), step.what() + ": elements");
                assertEquals(real.remappingCount(), rehearsing.remappingCount(), step.what() + ": remappings");
                assertEquals(real.ghosts(), rehearsing.ghosts(), step.what() + ": ghosts");
            }
            clock.passLinger();
            while (real.maintain() | rehearsing.maintain()) {
                clock.passLinger();
            }
            assertEquals(KernelState.elementCount(ns), real.elementCount(), "after the grace periods: the real one");
            assertEquals(real.elementCount(), rehearsing.elementCount(), "after the grace periods: elements");
            real.flush();
        }
    }

    private record Step(String what, List<Remapping> changes, List<GhostChange> ghosts, List<SessionTuple> ended) {
    }

    private static List<Remapping> remapped(List<SessionTuple> sessions, Function<SessionTuple, Remapping> how) {
        return sessions.stream().map(how).toList();
    }
}
