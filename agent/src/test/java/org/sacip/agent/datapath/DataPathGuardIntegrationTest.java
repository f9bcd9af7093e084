package org.sacip.agent.datapath;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.sacip.agent.datapath.KernelState.await;
import static org.sacip.agent.datapath.KernelState.elements;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.sacip.agent.session.Endpoint;
import org.sacip.agent.session.SessionProtocol;
import org.sacip.agent.session.SessionTuple;
import org.sacip.netlink.nftables.Element;
import org.sacip.netlink.nftables.SetReference;
import org.sacip.netlink.testing.TestNamespace;

/**
 * The guard notices a deletion of our table even when its event socket has just overflowed. Another program fills
 * a set of its own with so many elements that their notifications overrun the guard's receive buffer, and deletes
 * our table right after. The kernel reports the overrun once and then drops every further notification to that
 * socket, silently, until it has been read empty: the deletion's notifications are among them, so the guard must
 * restore only after the socket is drained (what the overrun told it is that it may have missed anything up to
 * then).
 */
@Tag("integration")
class DataPathGuardIntegrationTest {
    /** Noise elements whose notifications (about 160 bytes each) overrun the guard's 16 MiB receive buffer. */
    private static final int NOISE = 150_000;
    private static final int ROUNDS = 3;

    @Test
    void aDeletionRightAfterAnEventOverrunIsRestored() throws Exception {
        InetAddress x = Addresses.parse("198.18.1.1");
        InetAddress y = Addresses.parse("198.18.1.11");
        SessionTuple session = new SessionTuple(SessionProtocol.TCP, new Endpoint(x, 40000),
                new Endpoint(Addresses.parse("198.18.0.2"), 5001));
        Path noise = Files.createTempFile("sacip-noise", ".nft");
        try (TestNamespace ns = TestNamespace.create("dpg");
                DataPath path = DataPath.open(ns.netNamespace(), DataPathSettings.defaults(), new TestClock())) {
            StringBuilder text = new StringBuilder("add element inet noise n { ");
            for (int i = 0; i < NOISE; i++) {
                text.append(i == 0 ? "" : ", ").append("2001:db8::").append(Integer.toHexString(i >> 16))
                        .append(':').append(Integer.toHexString(i & 0xffff));
            }
            Files.writeString(noise, text.append(" }\n"));
            ns.exec("nft", "add", "table", "inet", "noise");
            ns.exec("nft", "add", "set", "inet", "noise", "n", "{ type ipv6_addr; }");
            path.install();
            path.commit(List.of(Moves.confirmed(session, y)), List.of(GhostChange.hold(x, Set.of(session)),
                    GhostChange.activity(x, true)), List.of());
            Map<SetReference, Set<Element>> wanted = elements(ns);
            assertFalse(wanted.isEmpty());
            try (DataPathGuard guard = DataPathGuard.start(path)) {
                for (int round = 1; round <= ROUNDS; round++) {
                    ns.exec("sh", "-c", "nft -f " + noise + " && nft delete table inet sacip");
                    await(() -> elements(ns).equals(wanted), "our table restored after its deletion right behind "
                            + NOISE + " notifications of another table's elements (round " + round + ")");
                    ns.exec("nft", "flush", "set", "inet", "noise", "n");
                }
            }
            path.flush();
        } finally {
            Files.delete(noise);
        }
    }
}
